// Private to the auth module: bytes from OpenSSL's CSPRNG.
// Thread-safety: RAND_bytes is thread-safe (OpenSSL 3).
#pragma once

#include <cstddef>
#include <span>

namespace conduit::auth::detail {

// Fills out with cryptographically secure random bytes; throws std::runtime_error when the
// generator fails (never falls back to a weaker source).
void random_bytes(std::span<unsigned char> out);

}  // namespace conduit::auth::detail
