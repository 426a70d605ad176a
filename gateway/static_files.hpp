#pragma once

// The web client's files (docs: README "The web client"), read into memory once at
// start: a request never touches the disk, and no path taken from a request is ever
// opened, so that only the files that were under the folder at start can be served.
// The player app (web/player at /app/, web/common at /common/) is served on the
// player port, the operator console (web/console at /console/, web/common) on the
// operator port; both transports ask `find` and send the file's headers.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace agg::gateway {

struct static_file {
  std::string body;
  // Content-Type, ETag, Cache-Control and the security headers, in that order.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string etag; // quoted, as sent
};

class static_files {
public:
  static constexpr size_t file_bytes_max = 4 * 1024 * 1024;
  static constexpr size_t files_max = 512;

  // Reads every regular file under `dir` (recursively) to be served at
  // `prefix` + "/" + its relative path, `prefix` + "/" serving index.html. Throws
  // std::runtime_error naming the file when `dir` is no directory, a file is larger
  // than file_bytes_max or there are more than files_max.
  void add(const std::string& dir, const std::string& prefix);

  // The file a request target names (its query ignored); nullptr when none.
  const static_file* find(std::string_view target) const;

  // Where a target without its trailing slash ("/app") or the root ("/", to the
  // first prefix added) is redirected, so that relative links resolve; none for
  // any other target.
  std::optional<std::string> redirect_of(std::string_view target) const;

  bool empty() const { return files_.empty(); }

private:
  std::unordered_map<std::string, static_file> files_;
  std::vector<std::string> prefixes_;
};

// The player app's files (player/ at /app, common/ at /common) and the console's
// (console/ at /console, common/) from a web_dir; null when `web_dir` is empty.
// Throw as static_files::add does.
std::shared_ptr<const static_files> player_files(const std::string& web_dir);
std::shared_ptr<const static_files> console_files(const std::string& web_dir);

} // namespace agg::gateway
