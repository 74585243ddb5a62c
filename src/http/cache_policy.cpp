// Implementation of conduit::CachePolicy (Conduit's Cache-Control rules).
#include "conduit/http/cache_policy.hpp"

#include "conduit/http/response.hpp"

namespace conduit {

std::string CachePolicy::header_value() const {
  if (prevent_caching) return "no-cache, no-store";
  std::string value = prevent_intermediate_proxy_caching ? "private" : "public";
  if (expiration_from_now) {
    value += ", max-age=";
    // A negative age is meaningless to caches; Conduit never produces one either.
    value += std::to_string(expiration_from_now->count() < 0 ? 0 : expiration_from_now->count());
  }
  if (require_conditional_request) value += ", no-cache";
  return value;
}

void CachePolicy::apply(Response& response) const {
  response.set_header("Cache-Control", header_value());
}

}  // namespace conduit
