// conduit::auth password and client-secret hashing, compatible with Conduit's AuthServer:
// a salt is base64 of 32 random bytes, a hash is base64(PBKDF2-HMAC-SHA256(password, salt))
// where the PBKDF2 salt is the UTF-8 text of the base64 salt string (not its decoded bytes),
// so rows written by a Conduit (Dart) server verify here and the other way round.
//
//   std::string salt = conduit::auth::generate_salt();
//   user.hashed_password = conduit::auth::hash_password(password, salt);
//   ...
//   if (conduit::auth::verify_password(attempt, user.salt, user.hashed_password)) ...
//
// Thread-safety: stateless functions; safe from any thread (OpenSSL's RNG is thread-safe).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace conduit::auth {

// PBKDF2 parameters; the defaults are Conduit's (AuthServer hashRounds 1000, hashLength 32).
// A server that raises them must keep using the same values for the hashes it already stored.
struct HashOptions {
  int rounds = 1000;
  std::size_t key_length = 32;
};

// Base64 of 32 bytes from OpenSSL's CSPRNG (44 characters). Throws std::runtime_error if the
// generator fails, never returns a weak salt.
std::string generate_salt();

// base64(PBKDF2-HMAC-SHA256(password as UTF-8, salt as UTF-8, rounds, key_length)).
// Throws std::invalid_argument for rounds < 1 or key_length 0, std::runtime_error if
// OpenSSL fails.
std::string hash_password(std::string_view password, std::string_view salt,
                          const HashOptions& options = {});

// Whether hash_password(password, salt, options) equals expected_hash, compared in constant
// time over the whole computed hash (a wrong length is only decided after the comparison).
bool verify_password(std::string_view password, std::string_view salt,
                     std::string_view expected_hash, const HashOptions& options = {});

}  // namespace conduit::auth
