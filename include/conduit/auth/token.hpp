// conduit::auth tokens: the random strings handed out as access tokens, refresh tokens and
// authorization codes, the digest under which they are stored, and a constant-time string
// comparison for secrets.
//
// Beyond Conduit (which stores tokens as they are), the _authtoken table holds only
// token_digest(token), so a copy of the database yields no token that a client could use;
// a presented token is looked up by its digest.
//
// Thread-safety: stateless functions; safe from any thread (OpenSSL's RNG is thread-safe).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace conduit::auth {

inline constexpr std::size_t kTokenLength = 32;

// kTokenLength characters of [A-Za-z0-9] from OpenSSL's CSPRNG, each uniformly distributed
// (rejection sampling, no modulo bias): about 190 bits. Throws std::runtime_error if the
// generator fails.
std::string generate_token();

// Lower-case hex SHA-256 of the token's bytes (64 characters).
std::string token_digest(std::string_view token);

// Whether a and b are equal, in time that depends only on their lengths, never on where they
// first differ (CRYPTO_memcmp). Different lengths compare unequal.
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace conduit::auth
