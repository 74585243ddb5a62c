// Helpers shared by the auth controllers (token, revocation, login form, authorizer):
// HTTP Basic credentials, form parameters without repeats, RFC 6749 error responses and
// URL building. Internal to the auth module.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "conduit/auth/auth_server.hpp"
#include "conduit/http/parameters.hpp"
#include "conduit/http/request.hpp"
#include "conduit/http/response.hpp"

namespace conduit::auth::detail {

// Strict standard base64 (padding required, no whitespace); nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view text);

// "Basic <base64(id:secret)>" (the scheme case-sensitive, as Conduit's parser) into
// credentials, %XX escapes in the id and secret decoded (RFC 6749 §2.3.1); an empty secret
// becomes nullopt (a public client). nullopt when the value is not that shape or the id
// is empty.
std::optional<ClientCredentials> parse_basic(std::string_view header);

// The token of "Bearer <token>"; nullopt when the value is not that shape.
std::optional<std::string_view> parse_bearer(std::string_view header);

// The request's form body (an empty body is an empty form). nullopt when the body is not
// application/x-www-form-urlencoded, is malformed, or repeats a parameter (RFC 6749 §3.1:
// parameters must not be included more than once).
std::optional<Parameters> single_valued_form(const Request& request);

// A present, non-empty parameter.
std::optional<std::string> param(const Parameters& params, std::string_view name);

// {"error": code} with Cache-Control: no-store and Pragma: no-cache.
Response oauth_error(int status, AuthErrorCode code);

// The response for an AuthServerError at the token and revocation endpoints: 429 with
// Retry-After for the brake; invalid_client 401 with WWW-Authenticate when the client
// authenticated with Basic (RFC 6749 §5.2), else 400; server_error 500;
// temporarily_unavailable 503; every other code 400.
Response token_endpoint_error(const AuthServerError& error, bool used_basic);

// Adds Cache-Control: no-store and Pragma: no-cache.
void no_store(Response& response);

// The client's credentials at the token and revocation endpoints: HTTP Basic, or without
// that header client_id (and client_secret) in the form. On failure `error` is the
// response to send (invalid_client; invalid_request when both ways are used).
struct PresentedClient {
  ClientCredentials credentials;
  bool used_basic = false;
  std::optional<Response> error;
};
PresentedClient presented_client(const Request& request, const Parameters& form);

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string url_encode(std::string_view text);

}  // namespace conduit::auth::detail
