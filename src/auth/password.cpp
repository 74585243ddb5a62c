// Implementation of conduit::auth password hashing (PBKDF2-HMAC-SHA256 through OpenSSL) and
// of the module's random bytes. Stateless; thread-safe.
#include "conduit/auth/password.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <climits>
#include <stdexcept>
#include <vector>

#include "auth/random.hpp"

namespace conduit::auth {

namespace detail {

void random_bytes(std::span<unsigned char> out) {
  if (out.size() > static_cast<std::size_t>(INT_MAX) ||
      RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    throw std::runtime_error("auth: the secure random generator failed");
  }
}

}  // namespace detail

namespace {

// Standard base64 with padding, as Dart's base64.encode writes it.
std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  // EVP_EncodeBlock writes a terminating NUL after the 4*ceil(n/3) characters.
  std::vector<unsigned char> buffer(out.size() + 1);
  const int written = EVP_EncodeBlock(buffer.data(), data, static_cast<int>(size));
  out.assign(reinterpret_cast<const char*>(buffer.data()), static_cast<std::size_t>(written));
  return out;
}

// The raw PBKDF2 key, so that both hash_password and verify_password share the checks.
std::vector<unsigned char> derive(std::string_view password, std::string_view salt,
                                  const HashOptions& options) {
  if (options.rounds < 1) throw std::invalid_argument("auth: hash rounds must be at least 1");
  if (options.key_length == 0 || options.key_length > static_cast<std::size_t>(INT_MAX)) {
    throw std::invalid_argument("auth: hash key length must be between 1 and INT_MAX");
  }
  if (password.size() > static_cast<std::size_t>(INT_MAX) ||
      salt.size() > static_cast<std::size_t>(INT_MAX)) {
    throw std::invalid_argument("auth: password or salt too long");
  }
  std::vector<unsigned char> key(options.key_length);
  // Conduit hashes the salt's base64 text as UTF-8, not the bytes it encodes.
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), options.rounds, EVP_sha256(),
                        static_cast<int>(key.size()), key.data()) != 1) {
    OPENSSL_cleanse(key.data(), key.size());
    throw std::runtime_error("auth: PBKDF2 failed");
  }
  return key;
}

}  // namespace

std::string generate_salt() {
  std::array<unsigned char, 32> bytes{};
  detail::random_bytes(bytes);
  std::string salt = base64(bytes.data(), bytes.size());
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return salt;
}

std::string hash_password(std::string_view password, std::string_view salt,
                          const HashOptions& options) {
  std::vector<unsigned char> key = derive(password, salt, options);
  std::string hash = base64(key.data(), key.size());
  OPENSSL_cleanse(key.data(), key.size());
  return hash;
}

bool verify_password(std::string_view password, std::string_view salt,
                     std::string_view expected_hash, const HashOptions& options) {
  const std::string computed = hash_password(password, salt, options);
  // Compare as many bytes as the computed hash has whatever expected_hash's length, so the
  // time taken says nothing about where (or whether early) the stored hash differs; the
  // length check is folded in afterwards.
  std::string padded(computed.size(), '\0');
  padded.replace(0, std::min(expected_hash.size(), padded.size()), expected_hash.data(),
                 std::min(expected_hash.size(), padded.size()));
  const bool bytes_equal = CRYPTO_memcmp(computed.data(), padded.data(), computed.size()) == 0;
  const bool same_length = expected_hash.size() == computed.size();
  return bytes_equal & same_length;
}

}  // namespace conduit::auth
