// Implementation of conduit::auth tokens: random generation by rejection sampling, SHA-256
// digests and constant-time comparison through OpenSSL. Stateless; thread-safe.
#include "conduit/auth/token.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <stdexcept>

#include "auth/random.hpp"

namespace conduit::auth {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
static_assert(kAlphabet.size() == 62);
// The largest multiple of 62 that fits in a byte: bytes at or above it are thrown away, so
// each kept byte maps onto the alphabet uniformly (256 % 62 != 0 would favour 'A'..'H').
constexpr unsigned kAcceptBelow = 256 - 256 % kAlphabet.size();  // 248

}  // namespace

std::string generate_token() {
  std::string token;
  token.reserve(kTokenLength);
  std::array<unsigned char, 64> bytes{};
  while (token.size() < kTokenLength) {
    detail::random_bytes(bytes);
    for (unsigned char byte : bytes) {
      if (byte >= kAcceptBelow) continue;
      token.push_back(kAlphabet[byte % kAlphabet.size()]);
      if (token.size() == kTokenLength) break;
    }
  }
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return token;
}

std::string token_digest(std::string_view token) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(token.data(), token.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("auth: SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0x0f]);
  }
  return hex;
}

bool constant_time_equals(std::string_view a, std::string_view b) {
  // Lengths of tokens and hashes are public (fixed by their format); the contents are not.
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace conduit::auth
