#include "vendors/caleta/rsa_signature.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace agg::vendors::caleta {

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in{path};
  if (!in) throw std::runtime_error("cannot read key file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::shared_ptr<EVP_PKEY> load(const std::string& pem, bool is_private,
                               const std::string& what) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio{
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free};
  EVP_PKEY* key = is_private
                      ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                      : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr)
    throw std::runtime_error(what + ": not a PEM " + (is_private ? "private" : "public") +
                             " key");
  return {key, &EVP_PKEY_free};
}

std::string base64(const unsigned char* p, size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  auto len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), p,
                             static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  return out;
}

bool unbase64(const std::string& in, std::vector<unsigned char>& out) {
  if (in.empty() || in.size() % 4 != 0) return false;
  out.assign(3 * in.size() / 4 + 1, 0);
  auto len =
      EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(in.data()),
                      static_cast<int>(in.size()));
  if (len < 0) return false;
  size_t pad =
      in.size() >= 2 && in[in.size() - 1] == '=' ? (in[in.size() - 2] == '=' ? 2 : 1) : 0;
  out.resize(static_cast<size_t>(len) - pad);
  return true;
}

} // namespace

void rsa_key::prepare_verifier() {
  std::shared_ptr<EVP_MD_CTX> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
  if (!ctx ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1)
    throw std::runtime_error("cannot set up RSA-SHA256 verification with this key");
  verifier_ = std::move(ctx);
}

rsa_key rsa_key::public_from_file(const std::string& path) {
  rsa_key k;
  k.key_ = load(read_file(path), false, path);
  k.prepare_verifier();
  return k;
}

rsa_key rsa_key::private_from_file(const std::string& path) {
  rsa_key k;
  k.key_ = load(read_file(path), true, path);
  k.prepare_verifier();
  return k;
}

rsa_key rsa_key::public_from_pem(const std::string& pem) {
  rsa_key k;
  k.key_ = load(pem, false, "public key");
  k.prepare_verifier();
  return k;
}

rsa_key rsa_key::private_from_pem(const std::string& pem) {
  rsa_key k;
  k.key_ = load(pem, true, "private key");
  k.prepare_verifier();
  return k;
}

std::string rsa_key::sign(const std::string& data) const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(),
                                                              &EVP_MD_CTX_free};
  size_t len = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len,
                     reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1)
    throw std::runtime_error("RSA-SHA256 signing failed");
  std::vector<unsigned char> sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len,
                     reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1)
    throw std::runtime_error("RSA-SHA256 signing failed");
  return base64(sig.data(), len);
}

bool rsa_key::verify(const std::string& data, const std::string& signature_b64) const {
  std::vector<unsigned char> sig;
  if (!verifier_ || !unbase64(signature_b64, sig)) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(),
                                                              &EVP_MD_CTX_free};
  // From the context set up once for this key: cheaper than a fresh setup (fetching
  // the algorithms again), and the copy only reads the template, which no call changes.
  if (EVP_MD_CTX_copy_ex(ctx.get(), verifier_.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), sig.data(), sig.size(),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          data.size()) == 1;
}

} // namespace agg::vendors::caleta
