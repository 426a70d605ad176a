#pragma once

// Versioned schema migrations. The `schema_version` table holds one row; all
// pending migrations run in one transaction. A database newer than this build refuses.

#include "persistence/sqlite.hpp"

namespace agg::db {

// The schema version this build writes.
int latest_schema_version();

// Returns the version stored in the database, 0 for an empty database.
int schema_version(connection& conn);

// Brings the database to `version` (by default latest_schema_version()). Throws
// db::error when the database was written by a newer build.
void migrate(connection& conn, int version = -1);

} // namespace agg::db
