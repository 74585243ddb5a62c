// conduit::CachePolicy: the Cache-Control header a response (usually a served file) gets.
//
// Mirrors Conduit's CachePolicy: prevent_caching wins over everything ("no-cache,
// no-store"); otherwise "public" or "private", then "max-age=N" when an expiration is
// set, then "no-cache" when clients must revalidate. FileController::add_cache_policy
// picks one per served file.
//
// Thread-safety: a plain value type.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace conduit {

class Response;

struct CachePolicy {
  // "private" instead of "public": shared caches (proxies, CDNs) must not store it.
  bool prevent_intermediate_proxy_caching = false;
  // "no-cache, no-store": nobody stores the response; the other fields are ignored.
  bool prevent_caching = false;
  // Adds "no-cache": caches may store the response but must revalidate before use.
  bool require_conditional_request = false;
  // Adds "max-age=N".
  std::optional<std::chrono::seconds> expiration_from_now;

  // The Cache-Control value, e.g. "public, max-age=3600".
  std::string header_value() const;
  // Sets Cache-Control on `response`.
  void apply(Response& response) const;

  friend bool operator==(const CachePolicy&, const CachePolicy&) = default;
};

}  // namespace conduit
