// Implementation of conduit::CorsPolicy (Conduit's CORSPolicy rules).
#include "conduit/http/cors_policy.hpp"

#include <algorithm>
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
}  // namespace

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
      if (!name.empty() && !contains_ci(allowed_request_headers, name)) return Response(403);
    }
  }
  Response response(200);
  response.set_header("Access-Control-Allow-Origin", *request.header("origin"));
  response.set_header("Access-Control-Allow-Methods", join(allowed_methods));
  response.set_header("Access-Control-Allow-Headers", join(allowed_request_headers));
  response.set_header("Access-Control-Max-Age", std::to_string(cache_in_seconds));
  if (allow_credentials) response.set_header("Access-Control-Allow-Credentials", "true");
  response.headers().add("Vary", "Origin");
  return response;
}

void CorsPolicy::apply(const Request& request, Response& response) const {
  if (!is_origin_allowed(request)) return;
  response.set_header("Access-Control-Allow-Origin", *request.header("origin"));
  if (!exposed_response_headers.empty()) {
    response.set_header("Access-Control-Expose-Headers", join(exposed_response_headers));
  }
  if (allow_credentials) response.set_header("Access-Control-Allow-Credentials", "true");
  response.headers().add("Vary", "Origin");
}

}  // namespace conduit
