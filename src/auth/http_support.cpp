// Helpers shared by the auth controllers (http_support.hpp). Pure functions.
#include "auth/http_support.hpp"

#include <boost/json/object.hpp>

#include <array>
#include <string>

#include "conduit/http/http_error.hpp"

namespace conduit::auth::detail {

namespace {

int base64_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// RFC 6749 §2.3.1 has clients form-encode the id and secret before base64, and libraries
// do (openid-client escapes even '.' and '-'); Conduit's clients send them raw. %XX escapes
// are decoded, '+' is kept (a raw secret may well contain one; an encoded '+' is %2B), and
// text with an invalid escape is taken as it is.
std::string form_decoded(std::string text) {
  if (text.find('%') == std::string::npos) return text;
  auto decoded = percent_decode(text, false);
  return decoded ? std::move(*decoded) : text;
}

}  // namespace

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    std::array<int, 4> v{};
    int padding = 0;
    for (int j = 0; j < 4; ++j) {
      const char c = text[i + static_cast<std::size_t>(j)];
      if (c == '=' && last && j >= 2) {
        ++padding;
        v[static_cast<std::size_t>(j)] = 0;
        continue;
      }
      if (padding > 0) return std::nullopt;  // data after padding
      const int value = base64_value(c);
      if (value < 0) return std::nullopt;
      v[static_cast<std::size_t>(j)] = value;
    }
    const unsigned bits =
        (unsigned(v[0]) << 18) | (unsigned(v[1]) << 12) | (unsigned(v[2]) << 6) | unsigned(v[3]);
    out.push_back(static_cast<char>((bits >> 16) & 0xFF));
    if (padding < 2) out.push_back(static_cast<char>((bits >> 8) & 0xFF));
    if (padding < 1) out.push_back(static_cast<char>(bits & 0xFF));
  }
  return out;
}

std::optional<ClientCredentials> parse_basic(std::string_view header) {
  constexpr std::string_view scheme = "Basic ";
  if (!header.starts_with(scheme)) return std::nullopt;
  auto decoded = base64_decode(header.substr(scheme.size()));
  if (!decoded) return std::nullopt;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  ClientCredentials credentials;
  credentials.id = form_decoded(decoded->substr(0, colon));
  std::string secret = form_decoded(decoded->substr(colon + 1));
  if (credentials.id.empty()) return std::nullopt;
  if (!secret.empty()) credentials.secret = std::move(secret);
  return credentials;
}

std::optional<std::string_view> parse_bearer(std::string_view header) {
  constexpr std::string_view scheme = "Bearer ";
  if (!header.starts_with(scheme) || header.size() == scheme.size()) return std::nullopt;
  return header.substr(scheme.size());
}

std::optional<Parameters> single_valued_form(const Request& request) {
  if (!request.has_body()) return Parameters{};
  if (request.content_type() != "application/x-www-form-urlencoded") return std::nullopt;
  auto parsed = parse_urlencoded(request.body());
  if (!parsed) return std::nullopt;
  for (const auto& [name, value] : *parsed) {
    if (parsed->count(name) > 1) return std::nullopt;
  }
  return parsed;
}

std::optional<std::string> param(const Parameters& params, std::string_view name) {
  auto value = params.get(name);
  if (!value || value->empty()) return std::nullopt;
  return std::string(*value);
}

void no_store(Response& response) {
  response.set_header("Cache-Control", "no-store");
  response.set_header("Pragma", "no-cache");
}

Response oauth_error(int status, AuthErrorCode code) {
  Response response = Response::json(status, boost::json::object{{"error", to_string(code)}});
  no_store(response);
  return response;
}

Response token_endpoint_error(const AuthServerError& error, bool used_basic) {
  if (error.retry_after()) {
    Response response = oauth_error(429, AuthErrorCode::temporarily_unavailable);
    response.set_header("Retry-After", std::to_string(error.retry_after()->count()));
    return response;
  }
  switch (error.code()) {
    case AuthErrorCode::invalid_client:
      if (used_basic) {
        Response response = oauth_error(401, error.code());
        response.set_header("WWW-Authenticate", "Basic realm=\"conduit\"");
        return response;
      }
      return oauth_error(400, error.code());
    case AuthErrorCode::server_error:
      return oauth_error(500, error.code());
    case AuthErrorCode::temporarily_unavailable:
      return oauth_error(503, error.code());
    default:
      return oauth_error(400, error.code());
  }
}

PresentedClient presented_client(const Request& request, const Parameters& form) {
  PresentedClient out;
  if (auto header = request.header("authorization")) {
    out.used_basic = true;
    auto basic = parse_basic(*header);
    if (!basic) {
      out.error = oauth_error(400, AuthErrorCode::invalid_client);
      return out;
    }
    // One authentication method per request (RFC 6749 §2.3): a secret in the body too is
    // ambiguous, and a different client_id contradicts the header.
    auto body_id = form.get("client_id");
    if (form.contains("client_secret") || (body_id && *body_id != basic->id)) {
      out.error = oauth_error(400, AuthErrorCode::invalid_request);
      return out;
    }
    out.credentials = std::move(*basic);
    return out;
  }
  auto id = param(form, "client_id");
  if (!id) {
    out.error = oauth_error(400, AuthErrorCode::invalid_client);
    return out;
  }
  out.credentials.id = std::move(*id);
  out.credentials.secret = param(form, "client_secret");
  return out;
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0F]);
    }
  }
  return out;
}

}  // namespace conduit::auth::detail
