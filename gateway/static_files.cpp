#include "gateway/static_files.hpp"

#include "common/crypto.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace agg::gateway {

namespace {

namespace fs = std::filesystem;

std::string content_type_of(const fs::path& file) {
  static const std::unordered_map<std::string, std::string> types{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
  };
  auto i = types.find(file.extension().string());
  return i == types.end() ? "application/octet-stream" : i->second;
}

// Scripts and styles only from the server itself, the WebSocket to the same host,
// no framing by other sites.
constexpr const char* content_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'";

static_file read_file(const fs::path& file) {
  std::ifstream in{file, std::ios::binary};
  std::string body{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  if (!in.good() && !in.eof()) throw std::runtime_error("cannot read " + file.string());
  static_file f;
  f.etag = "\"" + sha256_hex(body).substr(0, 32) + "\"";
  f.headers = {
      {"Content-Type", content_type_of(file)},
      {"ETag", f.etag},
      {"Cache-Control", "no-cache"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"Content-Security-Policy", content_security_policy},
  };
  f.body = std::move(body);
  return f;
}

} // namespace

void static_files::add(const std::string& dir, const std::string& prefix) {
  if (!fs::is_directory(dir)) throw std::runtime_error(dir + " is not a directory");
  for (const auto& entry : fs::recursive_directory_iterator{dir}) {
    if (!entry.is_regular_file()) continue;
    if (entry.file_size() > file_bytes_max)
      throw std::runtime_error(entry.path().string() + " is larger than " +
                               std::to_string(file_bytes_max) + " bytes");
    if (files_.size() == files_max)
      throw std::runtime_error(dir + " holds more than " + std::to_string(files_max) +
                               " files");
    auto relative = fs::relative(entry.path(), dir).generic_string();
    files_[prefix + "/" + relative] = read_file(entry.path());
  }
  prefixes_.push_back(prefix);
}

const static_file* static_files::find(std::string_view target) const {
  auto path = std::string{target.substr(0, target.find('?'))};
  if (!path.empty() && path.back() == '/') path += "index.html";
  auto i = files_.find(path);
  return i == files_.end() ? nullptr : &i->second;
}

std::optional<std::string> static_files::redirect_of(std::string_view target) const {
  auto path = target.substr(0, target.find('?'));
  if (prefixes_.empty()) return std::nullopt;
  if (path == "/") return prefixes_.front() + "/";
  for (const auto& p : prefixes_)
    if (path == p) return p + "/";
  return std::nullopt;
}

namespace {

std::shared_ptr<const static_files> read_web(const std::string& web_dir, const char* app,
                                             const char* prefix) {
  if (web_dir.empty()) return nullptr;
  auto files = std::make_shared<static_files>();
  files->add((fs::path{web_dir} / app).string(), prefix);
  files->add((fs::path{web_dir} / "common").string(), "/common");
  return files;
}

} // namespace

std::shared_ptr<const static_files> player_files(const std::string& web_dir) {
  return read_web(web_dir, "player", "/app");
}

std::shared_ptr<const static_files> console_files(const std::string& web_dir) {
  return read_web(web_dir, "console", "/console");
}

} // namespace agg::gateway
