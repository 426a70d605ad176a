#pragma once

// RSA-SHA256 signatures over a request body, base64 encoded, with keys from PEM files:
// how Caleta signs its calls (X-Auth-Signature) and how we sign ours.

#include <memory>
#include <string>

typedef struct evp_pkey_st EVP_PKEY;
typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace agg::vendors::caleta {

class rsa_key {
public:
  // Throws std::runtime_error naming the file when it cannot be read as a PEM key.
  static rsa_key public_from_file(const std::string& path);
  static rsa_key private_from_file(const std::string& path);
  static rsa_key public_from_pem(const std::string& pem);
  static rsa_key private_from_pem(const std::string& pem);

  // Base64 RSA-SHA256 signature of `data` (private keys only).
  std::string sign(const std::string& data) const;
  // Checks a base64 signature; false for anything malformed.
  // Safe to call from several threads at once.
  bool verify(const std::string& data, const std::string& signature_b64) const;

private:
  void prepare_verifier();

  std::shared_ptr<EVP_PKEY> key_;
  std::shared_ptr<EVP_MD_CTX> verifier_; // set up once, copied per call
};

} // namespace agg::vendors::caleta
