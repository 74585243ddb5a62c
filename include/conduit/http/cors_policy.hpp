// conduit::CorsPolicy: which cross-origin requests a controller admits.
//
// Defaults follow Conduit's master branch: any origin (echoed back, never "*"),
// methods POST PUT DELETE GET, the usual request headers, credentials off, a one-day
// preflight cache. Preflights with a disallowed origin, method or header get 403; the
// CORS-safelisted request headers (accept, accept-language, content-language,
// content-type) are always allowed, as in Conduit.
//
// Credentials with a wildcard (or empty) origin list would let every site make
// credentialed requests. Conduit master throws on that combination; here validate()
// throws (call it at startup), and at request time the credentials header is withheld,
// so a misconfiguration fails closed instead of answering 500s.
//
// Thread-safety: a plain value type; default_policy() returns a fresh copy.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace conduit {

class Request;
class Response;

struct CorsPolicy {
  std::vector<std::string> allowed_origins{"*"};
  std::vector<std::string> allowed_methods{"POST", "PUT", "DELETE", "GET"};
  std::vector<std::string> allowed_request_headers{"origin", "authorization", "x-requested-with",
                                                   "x-forwarded-for", "content-type"};
  std::vector<std::string> exposed_response_headers;
  bool allow_credentials = false;
  int cache_in_seconds = 86400;

  static CorsPolicy default_policy() { return {}; }

  // Throws std::invalid_argument when allow_credentials is combined with a wildcard or
  // empty allowed_origins.
  void validate() const;
  // allow_credentials, unless the configuration is the unsafe one validate() rejects.
  bool sends_credentials() const noexcept;

  bool is_origin_allowed(const Request& request) const;
  // The answer to a preflight request: 200 with Access-Control-Allow-* or 403.
  Response preflight_response(const Request& request) const;
  // Adds Access-Control-Allow-Origin (and Expose/Credentials) to `response` when the
  // request is a CORS request from an allowed origin.
  void apply(const Request& request, Response& response) const;
};

}  // namespace conduit
