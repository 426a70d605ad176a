// Caleta's wallet codec (vendors/caleta/caleta_codec.cpp) on any bytes: the input is
// "<operation>\n<body>". A codec that checks signatures refuses every unsigned body
// before decoding it; one that does not decodes the body, and every call it accepts
// encodes an answer. Neither may crash, whatever the body.

#include "vendors/caleta/caleta_codec.hpp"

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include <openssl/evp.h>
#include <openssl/pem.h>

namespace {

using agg::vendors::caleta::caleta_codec;

// A public key file for the verifying codec: any RSA key will do, no body is signed.
std::string write_public_key() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{EVP_RSA_gen(2048),
                                                          &EVP_PKEY_free};
  std::unique_ptr<BIO, decltype(&BIO_free)> bio{BIO_new(BIO_s_mem()), &BIO_free};
  if (!key || !bio || PEM_write_bio_PUBKEY(bio.get(), key.get()) != 1) std::abort();
  char* pem = nullptr;
  auto len = BIO_get_mem_data(bio.get(), &pem);
  std::string path = "/tmp/fuzz_caleta_codec." + std::to_string(getpid()) + ".pub.pem";
  std::ofstream{path} << std::string(pem, static_cast<size_t>(len));
  return path;
}

const caleta_codec& open_codec() {
  static const caleta_codec codec{
      "caleta", {{"verify_signatures", "false"}, {"currency_exponents", "JPY:0;KWD:3"}}};
  return codec;
}

const caleta_codec& verifying_codec() {
  static const std::string key = write_public_key();
  static const caleta_codec codec{"caleta", {{"public_key_file", key}}};
  return codec;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input{reinterpret_cast<const char*>(data), size};
  auto newline = input.find('\n');
  std::string op = newline == std::string::npos ? input : input.substr(0, newline);
  std::string body = newline == std::string::npos ? "" : input.substr(newline + 1);
  auto refused = verifying_codec().decode(op, body, "c2lnbmF0dXJl");
  if (refused.call) std::abort(); // a signature nobody made was accepted
  auto d = open_codec().decode(op, body, "");
  if (d.call) {
    agg::vendors::seamless_result ok;
    ok.currency = d.call->currency.empty() ? "EUR" : d.call->currency;
    ok.balance = 123'456;
    ok.token = d.call->token;
    open_codec().encode(*d.call, ok);
  } else if (d.answer.empty()) {
    std::abort(); // neither a call nor an answer
  }
  return 0;
}
