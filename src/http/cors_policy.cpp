// Implementation of conduit::CorsPolicy (Conduit's CORSPolicy rules).
#include "conduit/http/cors_policy.hpp"

#include <algorithm>
#include <stdexcept>
#include <string_view>

#include "conduit/http/request.hpp"
#include "conduit/http/response.hpp"

namespace conduit {

namespace {
std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool contains_ci(const std::vector<std::string>& items, std::string_view value) {
  return std::any_of(items.begin(), items.end(),
                     [&](const std::string& item) { return iequals(item, value); });
}

// Headers a browser may send cross-origin without the server's consent (Conduit's
// CORSPolicy.simpleRequestHeaders), so a preflight listing them must not fail.
bool is_safelisted_request_header(std::string_view name) {
  return iequals(name, "accept") || iequals(name, "accept-language") ||
         iequals(name, "content-language") || iequals(name, "content-type");
}

bool has_wildcard_or_no_origin(const std::vector<std::string>& origins) {
  return origins.empty() || std::find(origins.begin(), origins.end(), "*") != origins.end();
}
}  // namespace

void CorsPolicy::validate() const {
  if (allow_credentials && has_wildcard_or_no_origin(allowed_origins)) {
    throw std::invalid_argument(
        "CorsPolicy: allow_credentials with a wildcard or empty allowed_origins grants "
        "credentialed cross-origin access to every site; list exact origins or turn "
        "allow_credentials off");
  }
}

bool CorsPolicy::sends_credentials() const noexcept {
  return allow_credentials && !has_wildcard_or_no_origin(allowed_origins);
}

bool CorsPolicy::is_origin_allowed(const Request& request) const {
  auto origin = request.header("origin");
  if (!origin) return false;
  return std::any_of(allowed_origins.begin(), allowed_origins.end(),
                     [&](const std::string& o) { return o == "*" || o == *origin; });
}

Response CorsPolicy::preflight_response(const Request& request) const {
  if (!is_origin_allowed(request)) return Response(403);
  auto method = request.header("access-control-request-method");
  if (!method || !contains_ci(allowed_methods, trim(*method))) return Response(403);
  if (auto requested = request.header("access-control-request-headers")) {
    std::string_view rest = *requested;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto name = trim(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (!name.empty() && !is_safelisted_request_header(name) &&
          !contains_ci(allowed_request_headers, name)) {
        return Response(403);
      }
    }
  }
  Response response(200);
  response.set_header("Access-Control-Allow-Origin", *request.header("origin"));
  response.set_header("Access-Control-Allow-Methods", join(allowed_methods));
  response.set_header("Access-Control-Allow-Headers", join(allowed_request_headers));
  response.set_header("Access-Control-Max-Age", std::to_string(cache_in_seconds));
  if (sends_credentials()) response.set_header("Access-Control-Allow-Credentials", "true");
  response.headers().add("Vary", "Origin");
  return response;
}

void CorsPolicy::apply(const Request& request, Response& response) const {
  if (!is_origin_allowed(request)) return;
  response.set_header("Access-Control-Allow-Origin", *request.header("origin"));
  if (!exposed_response_headers.empty()) {
    response.set_header("Access-Control-Expose-Headers", join(exposed_response_headers));
  }
  if (sends_credentials()) response.set_header("Access-Control-Allow-Credentials", "true");
  response.headers().add("Vary", "Origin");
}

}  // namespace conduit
