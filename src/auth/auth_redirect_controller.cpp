// conduit::auth::AuthRedirectController (auth_redirect_controller.hpp): the login page and
// the redirects of the code and implicit flows. Each instance belongs to one event loop.
#include "conduit/auth/auth_redirect_controller.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/http_support.hpp"
#include "conduit/core/log.hpp"

namespace conduit::auth {

namespace {

using detail::param;
using Pairs = std::vector<std::pair<std::string_view, std::string_view>>;

Response client_error(AuthErrorCode code) { return detail::oauth_error(400, code); }

// The registered URI (without any fragment, which RFC 6749 §3.1.2 forbids there) with
// `pairs` appended to its query, or as the fragment.
std::string redirect_location(std::string_view uri, bool in_fragment, const Pairs& pairs) {
  std::string location(uri.substr(0, uri.find('#')));
  std::string encoded;
  for (const auto& [name, value] : pairs) {
    if (!encoded.empty()) encoded += '&';
    encoded += detail::url_encode(name);
    encoded += '=';
    encoded += detail::url_encode(value);
  }
  if (in_fragment) {
    location += '#';
  } else if (location.find('?') == std::string::npos) {
    location += '?';
  } else if (location.back() != '?' && location.back() != '&') {
    location += '&';
  }
  return location + encoded;
}

Response redirect(std::string location) {
  Response response(302);
  response.set_header("Location", location);
  detail::no_store(response);
  // The code travels in the URL: do not hand it to the next site as a referrer.
  response.set_header("Referrer-Policy", "no-referrer");
  return response;
}

// The RFC 6749 §4.1.2.1 code a failure is reported to the client with: a wrong password
// (invalid_grant at the server) is access_denied, as is anything outside that list.
AuthErrorCode redirect_code(const AuthServerError& error) {
  if (error.retry_after()) return AuthErrorCode::temporarily_unavailable;
  switch (error.code()) {
    case AuthErrorCode::invalid_request:
    case AuthErrorCode::unauthorized_client:
    case AuthErrorCode::access_denied:
    case AuthErrorCode::unsupported_response_type:
    case AuthErrorCode::invalid_scope:
    case AuthErrorCode::server_error:
    case AuthErrorCode::temporarily_unavailable:
      return error.code();
    default:
      return AuthErrorCode::access_denied;
  }
}

Response method_not_allowed() {
  Response response = Response::error(405, "method not allowed");
  response.set_header("Allow", "GET, POST");
  detail::no_store(response);
  return response;
}

void hidden_field(std::string& out, std::string_view name, std::string_view value) {
  out += "      <input type=\"hidden\" name=\"";
  out += html_escape(name);
  out += "\" value=\"";
  out += html_escape(value);
  out += "\">\n";
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string default_login_page(const LoginPageParameters& p) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n"
      "  <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "  <title>Sign in</title>\n</head>\n<body>\n  <main>\n    <h1>Sign in</h1>\n"
      "    <p>to continue to ";
  out += html_escape(p.client_id);
  out += "</p>\n";
  if (p.scope) {
    out += "    <p>Requested access: ";
    out += html_escape(*p.scope);
    out += "</p>\n";
  }
  out += "    <form method=\"post\" action=\"";
  out += html_escape(p.action);
  out += "\">\n";
  hidden_field(out, "response_type", p.response_type);
  hidden_field(out, "client_id", p.client_id);
  if (p.state) hidden_field(out, "state", *p.state);
  if (p.scope) hidden_field(out, "scope", *p.scope);
  if (p.code_challenge) hidden_field(out, "code_challenge", *p.code_challenge);
  if (p.code_challenge_method) {
    hidden_field(out, "code_challenge_method", *p.code_challenge_method);
  }
  out +=
      "      <label>Username <input type=\"text\" name=\"username\" autocomplete=\"username\" "
      "required autofocus></label>\n"
      "      <label>Password <input type=\"password\" name=\"password\" "
      "autocomplete=\"current-password\" required></label>\n"
      "      <button type=\"submit\">Sign in</button>\n    </form>\n  </main>\n</body>\n</html>\n";
  return out;
}

AuthRedirectController::AuthRedirectController(std::shared_ptr<AuthServer> server,
                                               LoginPageRenderer render)
    : server_(std::move(server)), render_(std::move(render)) {
  if (!render_) render_ = default_login_page;
}

Task<Outcome> AuthRedirectController::handle(Request& request) {
  if (request.method() == "GET") co_return co_await login_page(request);
  if (request.method() == "POST") co_return co_await authorize(request);
  co_return method_not_allowed();
}

Task<Response> AuthRedirectController::login_page(Request& request) {
  const Parameters& query = request.query();
  for (const auto& [name, value] : query) {
    if (query.count(name) > 1) co_return client_error(AuthErrorCode::invalid_request);
  }
  LoginPageParameters page;
  page.action = request.path();
  page.response_type = std::string(query.get("response_type").value_or(""));
  if (page.response_type != "code" &&
      !(page.response_type == "token" && server_->options().allow_implicit)) {
    co_return client_error(AuthErrorCode::unsupported_response_type);
  }
  auto client_id = param(query, "client_id");
  if (!client_id) co_return client_error(AuthErrorCode::invalid_request);
  auto client = co_await server_->client(*client_id);
  if (!client || !client->redirect_uri) co_return client_error(AuthErrorCode::invalid_client);
  page.client_id = std::move(*client_id);
  page.state = param(query, "state");
  page.scope = param(query, "scope");
  page.code_challenge = param(query, "code_challenge");
  page.code_challenge_method = param(query, "code_challenge_method");

  Response response = Response::html(200, render_(page));
  detail::no_store(response);
  response.set_header("X-Frame-Options", "DENY");
  response.set_header("Content-Security-Policy", "frame-ancestors 'none'");
  co_return response;
}

Task<Response> AuthRedirectController::authorize(Request& request) {
  auto form = detail::single_valued_form(request);
  if (!form) co_return client_error(AuthErrorCode::invalid_request);
  auto client_id = param(*form, "client_id");
  if (!client_id) co_return client_error(AuthErrorCode::invalid_request);
  auto client = co_await server_->client(*client_id);
  if (!client || !client->redirect_uri) co_return client_error(AuthErrorCode::invalid_client);
  const std::string& uri = *client->redirect_uri;

  const std::string response_type(form->get("response_type").value_or(""));
  const bool implicit = response_type == "token";
  auto state = param(*form, "state");
  auto fail = [&](AuthErrorCode code) {
    Pairs pairs{{"error", to_string(code)}};
    if (state) pairs.emplace_back("state", *state);
    return redirect(redirect_location(uri, implicit, pairs));
  };
  if (response_type != "code" && !implicit) {
    co_return fail(AuthErrorCode::unsupported_response_type);
  }
  if (implicit && !server_->options().allow_implicit) {
    co_return fail(AuthErrorCode::unsupported_response_type);
  }

  AuthorizationRequest authorization;
  authorization.client_id = *client_id;
  auto username = param(*form, "username");
  auto password = param(*form, "password");
  if (!username || !password) co_return fail(AuthErrorCode::invalid_request);
  authorization.username = std::move(*username);
  authorization.password = std::move(*password);
  authorization.scope = param(*form, "scope");
  authorization.code_challenge = param(*form, "code_challenge");
  authorization.code_challenge_method = param(*form, "code_challenge_method");

  std::optional<std::string> code;
  std::optional<TokenResponse> token;
  std::optional<AuthServerError> failure;
  try {
    if (implicit) {
      token = co_await server_->issue_implicit_token(authorization);
    } else {
      code = co_await server_->issue_authorization_code(authorization);
    }
  } catch (const AuthServerError& e) {
    failure = e;
  }
  if (failure) {
    log::debug("authorization endpoint: client '{}': {} ({})", *client_id,
               to_string(failure->code()), failure->what());
    co_return fail(redirect_code(*failure));
  }

  if (implicit) {
    const std::string expires_in = std::to_string(token->expires_in);
    Pairs pairs{{"access_token", token->access_token},
                {"token_type", token->token_type},
                {"expires_in", expires_in}};
    if (token->scope) pairs.emplace_back("scope", *token->scope);
    if (state) pairs.emplace_back("state", *state);
    co_return redirect(redirect_location(uri, true, pairs));
  }
  Pairs pairs{{"code", *code}};
  if (state) pairs.emplace_back("state", *state);
  co_return redirect(redirect_location(uri, false, pairs));
}

}  // namespace conduit::auth
