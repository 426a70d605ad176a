// The web client's files: read once from web_dir, served on the player port (/app/,
// /common/) and the operator port (/console/, /common/) with their content types,
// ETags and security headers; nothing outside the folder is reachable; redirects make
// relative links resolve; a connection that fetched files can still be upgraded to
// the WebSocket; and GET /v1/whoami names the key's role. Real sockets on loopback,
// a real folder in a temp dir.

#include "gateway/edge_options.hpp"
#include "gateway/static_files.hpp"
#include "support/raw_connection.hpp"
#include "support/server_fixture.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace agg;
using namespace agg::test;
using json = nlohmann::json;

namespace {

void write_file(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream{file} << text;
}

// A web_dir with a page and a module for each app and one shared module.
void make_web_dir(const temp_dir& dir) {
  write_file(dir.path() / "player/index.html", "<title>player</title>");
  write_file(dir.path() / "player/screens/lobby.js", "export const lobby = 1;");
  write_file(dir.path() / "console/index.html", "<title>console</title>");
  write_file(dir.path() / "common/money.js", "export const money = 1;");
  write_file(dir.path() / "secret.txt", "not served");
}

std::string get(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

} // namespace

TEST_CASE("static files are found by target, redirected without their slash, and "
          "nothing outside their folder",
          "[web]") {
  temp_dir dir;
  make_web_dir(dir);
  auto files = gateway::player_files(dir.str());
  REQUIRE(files);
  REQUIRE(files->find("/app/"));
  CHECK(files->find("/app/")->body == "<title>player</title>");
  CHECK(files->find("/app/index.html?v=2") == files->find("/app/"));
  REQUIRE(files->find("/app/screens/lobby.js"));
  CHECK(files->find("/app/screens/lobby.js")->headers.front().second ==
        "text/javascript; charset=utf-8");
  CHECK(files->find("/common/money.js"));
  CHECK_FALSE(files->find("/app/../secret.txt"));
  CHECK_FALSE(files->find("/secret.txt"));
  CHECK_FALSE(files->find("/console/"));
  CHECK_FALSE(files->find("/app/screens"));
  CHECK(files->redirect_of("/") == "/app/");
  CHECK(files->redirect_of("/app?x=1") == "/app/");
  CHECK(files->redirect_of("/common") == "/common/");
  CHECK_FALSE(files->redirect_of("/app/"));
  CHECK_FALSE(files->redirect_of("/v1"));
  CHECK_FALSE(gateway::player_files(""));
}

TEST_CASE("a web_dir without its folders, or with a file above the limit, stops the "
          "start naming the key",
          "[web]") {
  temp_dir dir;
  server_options o;
  o.web_dir = dir.str();
  auto problem = gateway::edge_problem(o);
  REQUIRE(problem);
  CHECK(problem->rfind("aggregator.web_dir: ", 0) == 0);
  make_web_dir(dir);
  CHECK_FALSE(gateway::edge_problem(o));
  write_file(dir.path() / "player/huge.js",
             std::string(gateway::static_files::file_bytes_max + 1, 'x'));
  problem = gateway::edge_problem(o);
  REQUIRE(problem);
  CHECK(problem->find("huge.js") != std::string::npos);
}

TEST_CASE("the player port serves the app's files on a kept-alive connection, then "
          "upgrades it",
          "[web][ws]") {
  temp_dir dir;
  make_web_dir(dir);
  server_fixture f{[&](server_options& o) { o.web_dir = dir.str(); }};
  raw_connection c{f.ws_port};

  REQUIRE(c.write(get("/")));
  auto root = c.read();
  REQUIRE(root);
  CHECK(root->result_int() == 302);
  CHECK((*root)["Location"] == "/app/");

  REQUIRE(c.write(get("/app/")));
  auto page = c.read();
  REQUIRE(page);
  CHECK(page->result_int() == 200);
  CHECK(page->body() == "<title>player</title>");
  CHECK((*page)["Content-Type"] == "text/html; charset=utf-8");
  CHECK((*page)["X-Content-Type-Options"] == "nosniff");
  CHECK((*page)["Content-Security-Policy"].find("script-src 'self'") !=
        boost::beast::string_view::npos);
  auto etag = std::string{(*page)["ETag"]};
  REQUIRE(etag.size() > 2);

  REQUIRE(c.write(get("/app/", "If-None-Match: " + etag + "\r\n")));
  auto same = c.read();
  REQUIRE(same);
  CHECK(same->result_int() == 304);
  CHECK(same->body().empty());

  REQUIRE(c.write(get("/common/money.js")));
  auto module = c.read();
  REQUIRE(module);
  CHECK(module->result_int() == 200);
  CHECK(module->body() == "export const money = 1;");

  // The upgrade on the same connection: a 101 and the welcome frame's bytes follow.
  REQUIRE(c.write("GET /v1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n"));
  auto upgraded = c.read();
  REQUIRE(upgraded);
  CHECK(upgraded->result_int() == 101);
}

TEST_CASE("the player port refuses what is not one of its files as before", "[web][ws]") {
  temp_dir dir;
  make_web_dir(dir);
  server_fixture f{[&](server_options& o) { o.web_dir = dir.str(); }};
  for (const auto& target :
       {"/secret.txt", "/app/../secret.txt", "/console/", "/app/nothing.js"}) {
    raw_connection c{f.ws_port};
    REQUIRE(c.write(get(target)));
    auto res = c.read();
    REQUIRE(res);
    INFO(target);
    CHECK(res->result_int() == 404);
  }
  raw_connection post{f.ws_port};
  REQUIRE(
      post.write("POST /app/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"));
  auto refused = post.read();
  REQUIRE(refused);
  CHECK(refused->result_int() == 404);
  raw_connection head{f.ws_port};
  REQUIRE(head.write("HEAD /app/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  auto answered = head.read_until_closed(std::chrono::milliseconds{300});
  CHECK(answered.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(answered.find("Content-Length: 21") != std::string::npos);
  CHECK(answered.find("<title>") == std::string::npos);
}

TEST_CASE("without a web_dir the player port serves no files", "[web][ws]") {
  server_fixture f;
  raw_connection c{f.ws_port};
  REQUIRE(c.write(get("/")));
  auto res = c.read();
  REQUIRE(res);
  CHECK(res->result_int() == 404);
}

TEST_CASE("the operator port serves the console without a key and whoami names the "
          "key's role",
          "[web][http]") {
  temp_dir dir;
  make_web_dir(dir);
  server_fixture f{[&](server_options& o) { o.web_dir = dir.str(); }};
  auto anyone = f.http("");
  auto page = anyone.Get("/console/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body == "<title>console</title>");
  CHECK(page->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(page->get_header_value("Content-Security-Policy").find("frame-ancestors") !=
        std::string::npos);
  auto again =
      anyone.Get("/console/", {{"If-None-Match", page->get_header_value("ETag")}});
  REQUIRE(again);
  CHECK(again->status == 304);
  auto shared = anyone.Get("/common/money.js");
  REQUIRE(shared);
  CHECK(shared->status == 200);
  auto root = anyone.Get("/");
  REQUIRE(root);
  CHECK(root->status == 302);
  CHECK(root->get_header_value("Location") == "/console/");
  auto missing = anyone.Get("/console/../secret.txt");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK_FALSE(anyone.Get("/app/")->status == 200);

  auto nobody = anyone.Get("/v1/whoami");
  REQUIRE(nobody);
  CHECK(nobody->status == 401);
  auto admin = f.http().Get("/v1/whoami");
  REQUIRE(admin);
  REQUIRE(admin->status == 200);
  CHECK(json::parse(admin->body) == json{{"name", "ops"}, {"role", "admin"}});
  auto reader = f.http(reader_key).Get("/v1/whoami");
  REQUIRE(reader);
  CHECK(json::parse(reader->body)["role"] == "read_only");
}
