#pragma once

// Caleta's side, for tests and benchmarks: RSA key pairs written as PEM files, a
// client that signs wallet calls like Caleta does, and a fake Games API server that
// checks our signed calls and records them.

#include "vendors/caleta/rsa_signature.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace agg::test {

// A fresh RSA-2048 key pair, written as <base>.pem (private) and <base>.pub.pem.
struct rsa_pair {
  std::string private_file;
  std::string public_file;
  std::string private_pem;
  std::string public_pem;

  static rsa_pair generate(const std::string& base) {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{EVP_RSA_gen(2048),
                                                            &EVP_PKEY_free};
    if (!key) throw std::runtime_error("RSA key generation failed");
    auto pem = [&](bool priv) {
      std::unique_ptr<BIO, decltype(&BIO_free)> bio{BIO_new(BIO_s_mem()), &BIO_free};
      int ok = priv ? PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0,
                                               nullptr, nullptr)
                    : PEM_write_bio_PUBKEY(bio.get(), key.get());
      if (ok != 1) throw std::runtime_error("PEM encoding failed");
      char* data = nullptr;
      auto len = BIO_get_mem_data(bio.get(), &data);
      return std::string(data, static_cast<size_t>(len));
    };
    rsa_pair p{base + ".pem", base + ".pub.pem", pem(true), pem(false)};
    std::ofstream{p.private_file} << p.private_pem;
    std::ofstream{p.public_file} << p.public_pem;
    return p;
  }
};

// Signs and posts wallet calls to /vendors/<vendor>/wallet/<op>.
class caleta_client {
public:
  caleta_client(uint16_t port, std::string vendor, const std::string& private_pem)
      : http_("127.0.0.1", port), vendor_(std::move(vendor)),
        key_(vendors::caleta::rsa_key::private_from_pem(private_pem)) {
    http_.set_connection_timeout(std::chrono::seconds{5});
    http_.set_read_timeout(std::chrono::seconds{20});
    http_.set_keep_alive(true);
    http_.set_tcp_nodelay(true);
  }

  struct reply {
    int status = 0;
    nlohmann::json body;
  };

  // Posts `body` as is, with `signature` (none when empty).
  reply post_raw(const std::string& op, const std::string& body,
                 const std::string& signature) {
    httplib::Headers headers;
    if (!signature.empty()) headers.emplace("X-Auth-Signature", signature);
    auto res = http_.Post("/vendors/" + vendor_ + "/wallet/" + op, headers, body,
                          "application/json");
    if (!res) return {};
    return {res->status, nlohmann::json::parse(res->body, nullptr, false)};
  }

  // Posts a correctly signed body.
  reply post(const std::string& op, const nlohmann::json& body) {
    auto text = body.dump();
    return post_raw(op, text, key_.sign(text));
  }

  std::string sign(const std::string& text) const { return key_.sign(text); }

private:
  httplib::Client http_;
  std::string vendor_;
  vendors::caleta::rsa_key key_;
};

// Caleta's Games API on loopback: checks X-Auth-Signature with the operator's public
// key and records every call; /api/game/url answers a launch URL carrying the token,
// /api/game/round a details URL, /api/game/list `games`, /api/freebet/rewards/create
// the reward it was asked for.
class fake_caleta_games_api {
public:
  struct call {
    std::string path;
    nlohmann::json body;
    bool signature_ok = false;
  };

  explicit fake_caleta_games_api(const std::string& operator_public_pem,
                                 nlohmann::json games = nlohmann::json::array())
      : key_(vendors::caleta::rsa_key::public_from_pem(operator_public_pem)),
        games_(std::move(games)) {
    auto handle = [this](const httplib::Request& req, httplib::Response& res) {
      call c{req.path, nlohmann::json::parse(req.body, nullptr, false),
             key_.verify(req.body, req.get_header_value("X-Auth-Signature"))};
      {
        std::lock_guard<std::mutex> guard{mtx_};
        calls_.push_back(c);
      }
      if (!c.signature_ok) {
        res.status = 404;
        res.set_content(R"({"error":"invalid signature"})", "application/json");
        return;
      }
      nlohmann::json out;
      if (req.path == "/api/freebet/rewards/create" && refuse_rewards) {
        res.status = 400;
        res.set_content(R"({"error":"prepaid not found"})", "application/json");
        return;
      }
      if (req.path == "/api/game/list")
        out = games_;
      else if (req.path == "/api/freebet/rewards/create")
        out = {{"reward_uuid", c.body.value("reward_uuid", std::string{})},
               {"prepaid_uuid", c.body.value("prepaid_uuid", std::string{})},
               {"game_id", 1},
               {"user", c.body.value("user", std::string{})},
               {"bet_value", c.body.value("bet_value", int64_t{0})},
               {"bet_count", c.body.value("bet_count", int64_t{0})}};
      else if (req.path == "/api/game/round")
        out = {{"url", "https://backoffice.caleta.test/round_details/" +
                           c.body.value("round", std::string{})}};
      else
        out = {{"url", "https://games.caleta.test/games/?token=" +
                           c.body.value("token", std::string{})}};
      res.set_content(out.dump(), "application/json");
    };
    srv_.Post("/api/game/url", handle);
    srv_.Post("/api/game/round", handle);
    srv_.Post("/api/game/list", handle);
    srv_.Post("/api/freebet/rewards/create", handle);
    port = static_cast<uint16_t>(srv_.bind_to_any_port("127.0.0.1"));
    thread_ = std::thread{[this] { srv_.listen_after_bind(); }};
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    while (!srv_.is_running() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds{1});
  }

  ~fake_caleta_games_api() {
    srv_.stop();
    thread_.join();
  }

  std::vector<call> calls() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return calls_;
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }

  uint16_t port = 0;
  std::atomic<bool> refuse_rewards{false}; // /api/freebet/rewards/create answers 400

private:
  vendors::caleta::rsa_key key_;
  nlohmann::json games_;
  httplib::Server srv_;
  std::thread thread_;
  mutable std::mutex mtx_;
  std::vector<call> calls_;
};

} // namespace agg::test
