#pragma once

// A SQLite VFS that wraps the platform's default one and changes one thing: writes to
// a write-ahead log that continue where the previous write ended are gathered in
// memory and reach the file in one system call. SQLite writes every WAL frame as two
// writes (its 24-byte header, then the page), so a commit of a few hundred pages costs
// a thousand system calls without this.
//
// What is gathered is written once the page of a commit frame (the last frame of a
// commit) is written, and before the log is synced, read, truncated, sized, locked or
// closed, or written anywhere but where the gathered bytes end. SQLite publishes a
// commit in the WAL index only after its last frame, so no connection can see a frame
// still in memory, with synchronous=FULL or NORMAL; with FULL the commit is on disk
// when COMMIT returns, as before. Every other file (the database, its shared-memory
// index, temporary files) goes straight to the default VFS.
//
// Precondition: the connection runs with cache_spill=OFF (db::connection::open sets
// it), so every frame SQLite writes belongs to a commit that is being written. With
// spilling on, a transaction could write frames early and then roll back; those
// frames would stay gathered after SQLite gave up its write lock, and reach the file
// later, over what another connection had committed there since.

namespace agg::db {

// The VFS's name; it is registered (not as the default) on first call.
const char* wal_vfs_name();

} // namespace agg::db
