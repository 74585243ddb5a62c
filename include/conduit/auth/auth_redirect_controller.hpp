// conduit::auth::AuthRedirectController: the authorization endpoint of the code and
// implicit flows (conventionally /auth/form; Conduit's AuthRedirectController).
//
//   router->route("/auth/form").link<conduit::auth::AuthRedirectController>(auth_);
//   // or with the application's own page:
//   router->route("/auth/form").link<conduit::auth::AuthRedirectController>(auth_, my_render);
//
// GET ?response_type=code|token&client_id&state&scope&code_challenge&code_challenge_method
// answers the login page: 200 text/html from the renderer, whose form posts the
// parameters back (hidden fields) with the user's username and password. The default
// page is default_login_page(); a renderer of the application's own must escape what it
// writes (html_escape). response_type other than code (or token with allow_implicit) is
// 400 {"error":"unsupported_response_type"}; an unknown client or one without a redirect
// URI 400 {"error":"invalid_client"}; a repeated parameter 400 invalid_request.
//
// POST (a form with username, password, client_id, state, response_type, scope,
// code_challenge, code_challenge_method) answers 302 to the redirect URI registered for
// the client, never one from the request: ?code=..&state=.. for the code flow, or
// #access_token=..&token_type=bearer&expires_in=..&scope=..&state=.. for the implicit flow
// (only with AuthServerOptions::allow_implicit). Failures for a known client with a
// redirect URI go there too, as ?error=access_denied|invalid_scope|invalid_request|
// unsupported_response_type|temporarily_unavailable|server_error&state=.. (in the
// fragment for response_type=token, RFC 6749 §4.2.2.1); a wrong password is
// access_denied. An unknown client or one without a redirect URI gets 400 and no
// redirect. Values are percent-encoded and appended after any query the URI has.
//
// Every answer carries Cache-Control: no-store; the page also X-Frame-Options: DENY and
// Content-Security-Policy: frame-ancestors 'none' (no clickjacking of the login form),
// the redirect Referrer-Policy: no-referrer. Other methods: 405 with Allow: GET, POST.
//
// Thread-safety: like every controller, used by the event loop whose AuthServer it holds.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "conduit/auth/auth_server.hpp"
#include "conduit/http/controller.hpp"

namespace conduit::auth {

// What a login page is rendered from: the request's parameters, unescaped.
struct LoginPageParameters {
  std::string action;  // the path the form posts to (this endpoint's)
  std::string response_type;
  std::string client_id;
  std::optional<std::string> state;
  std::optional<std::string> scope;
  std::optional<std::string> code_challenge;
  std::optional<std::string> code_challenge_method;
};

// Renders the whole HTML page. Must escape every value it writes (html_escape).
using LoginPageRenderer = std::function<std::string(const LoginPageParameters&)>;

// conduit's page: a username and password form with the parameters as hidden fields.
std::string default_login_page(const LoginPageParameters& parameters);

// & < > " ' escaped for HTML text and attribute values.
std::string html_escape(std::string_view text);

class AuthRedirectController : public Controller {
 public:
  explicit AuthRedirectController(std::shared_ptr<AuthServer> server,
                                  LoginPageRenderer render = default_login_page);
  Task<Outcome> handle(Request& request) override;

 private:
  Task<Response> login_page(Request& request);
  Task<Response> authorize(Request& request);

  std::shared_ptr<AuthServer> server_;
  LoginPageRenderer render_;
};

}  // namespace conduit::auth
