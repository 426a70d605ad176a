#pragma once

// The executable's commands that work on a data directory without running the server:
//   aggregator verify --data-dir DIR [--db-file NAME] [--checkpoint SEQ:HASH]
//   aggregator events --data-dir DIR [--db-file NAME] [--from SEQ] [--follow]
// Each takes argv after the command's name and returns the process's exit code.

namespace agg::gateway {

int run_verify(int argc, char** argv);
int run_events(int argc, char** argv);

} // namespace agg::gateway
