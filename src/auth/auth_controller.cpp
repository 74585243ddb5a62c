// AuthController (token endpoint) and RevocationController (RFC 7009); see
// auth_controller.hpp. Each instance belongs to one event loop; no shared state.
#include "conduit/auth/auth_controller.hpp"

#include <boost/json/object.hpp>

#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "auth/http_support.hpp"
#include "conduit/core/log.hpp"

namespace conduit::auth {

namespace {

using detail::oauth_error;
using detail::param;

Response method_not_allowed() {
  Response response = Response::error(405, "method not allowed");
  response.set_header("Allow", "POST");
  detail::no_store(response);
  return response;
}

}  // namespace

Response token_response(const TokenResponse& token) {
  boost::json::object body{{"access_token", token.access_token},
                           {"token_type", token.token_type},
                           {"expires_in", token.expires_in}};
  if (token.refresh_token) body["refresh_token"] = *token.refresh_token;
  if (token.scope) body["scope"] = *token.scope;
  Response response = Response::json(200, body);
  detail::no_store(response);
  return response;
}

AuthController::AuthController(std::shared_ptr<AuthServer> server) : server_(std::move(server)) {}

Task<Outcome> AuthController::handle(Request& request) {
  if (request.method() != "POST") co_return method_not_allowed();
  auto form = detail::single_valued_form(request);
  if (!form) co_return oauth_error(400, AuthErrorCode::invalid_request);
  detail::PresentedClient client = detail::presented_client(request, *form);
  if (client.error) co_return std::move(*client.error);

  auto grant_type = param(*form, "grant_type");
  if (!grant_type) co_return oauth_error(400, AuthErrorCode::invalid_request);
  auto scope = param(*form, "scope");
  auto optional_view = [](const std::optional<std::string>& s) {
    return s ? std::optional<std::string_view>(*s) : std::nullopt;
  };

  std::optional<TokenResponse> token;
  std::optional<AuthServerError> failure;
  try {
    if (*grant_type == "password") {
      auto username = param(*form, "username");
      auto password = param(*form, "password");
      if (!username || !password) co_return oauth_error(400, AuthErrorCode::invalid_request);
      token = co_await server_->password_grant(client.credentials, *username, *password,
                                               optional_view(scope));
    } else if (*grant_type == "refresh_token") {
      auto refresh = param(*form, "refresh_token");
      if (!refresh) co_return oauth_error(400, AuthErrorCode::invalid_request);
      token = co_await server_->refresh_grant(client.credentials, *refresh, optional_view(scope));
    } else if (*grant_type == "authorization_code") {
      auto code = param(*form, "code");
      // The scope was fixed when the code was issued (Conduit refuses one here).
      if (!code || form->contains("scope")) {
        co_return oauth_error(400, AuthErrorCode::invalid_request);
      }
      // RFC 6749 §4.1.3: a redirect_uri sent here must be the one the code was sent to,
      // which is always the client's registered URI (the login form takes no other).
      if (auto redirect = param(*form, "redirect_uri")) {
        const std::string id = client.credentials.id;
        std::optional<ClientInfo> registered = co_await server_->client(id);
        if (registered && registered->redirect_uri != *redirect) {
          throw AuthServerError(AuthErrorCode::invalid_grant,
                                "redirect_uri is not the client's registered redirect URI");
        }
      }
      auto verifier = param(*form, "code_verifier");
      token = co_await server_->authorization_code_grant(client.credentials, *code,
                                                         optional_view(verifier));
    } else if (*grant_type == "client_credentials") {
      token = co_await server_->client_credentials_grant(client.credentials, optional_view(scope));
    } else {
      co_return oauth_error(400, AuthErrorCode::unsupported_grant_type);
    }
  } catch (const AuthServerError& e) {
    failure = e;
  }
  if (failure) {
    log::debug("token endpoint: client '{}' grant '{}': {} ({})", client.credentials.id,
               *grant_type, to_string(failure->code()), failure->what());
    co_return detail::token_endpoint_error(*failure, client.used_basic);
  }
  co_return token_response(*token);
}

RevocationController::RevocationController(std::shared_ptr<AuthServer> server)
    : server_(std::move(server)) {}

Task<Outcome> RevocationController::handle(Request& request) {
  if (request.method() != "POST") co_return method_not_allowed();
  auto form = detail::single_valued_form(request);
  if (!form) co_return oauth_error(400, AuthErrorCode::invalid_request);
  detail::PresentedClient client = detail::presented_client(request, *form);
  if (client.error) co_return std::move(*client.error);
  auto token = param(*form, "token");
  if (!token) co_return oauth_error(400, AuthErrorCode::invalid_request);

  std::optional<AuthServerError> failure;
  try {
    co_await server_->revoke_token(client.credentials, *token);
  } catch (const AuthServerError& e) {
    failure = e;
  }
  if (failure) co_return detail::token_endpoint_error(*failure, client.used_basic);
  // RFC 7009 leaves the body to the server; an empty JSON object satisfies clients that
  // insist on a JSON answer (simple-oauth2 refuses an empty text one).
  Response response = Response::json(200, boost::json::object{});
  detail::no_store(response);
  co_return response;
}

}  // namespace conduit::auth
