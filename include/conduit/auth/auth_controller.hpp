// conduit::auth::AuthController (the token endpoint, conventionally /auth/token) and
// conduit::auth::RevocationController (RFC 7009, conventionally /auth/revoke): the HTTP
// side of an AuthServer.
//
//   router->route("/auth/token").link<conduit::auth::AuthController>(auth_);
//   router->route("/auth/revoke").link<conduit::auth::RevocationController>(auth_);
//
// Token endpoint (Conduit's AuthController, conduit.md §5.3): POST only (else 405 with
// Allow: POST), an application/x-www-form-urlencoded body, client credentials in
// `Authorization: Basic base64(id:secret)` (a public client sends "id:"; %XX escapes in
// the id and secret are decoded, as RFC 6749 §2.3.1 has clients encode them). Without that
// header a client may name itself with client_id (and client_secret) in the body, as
// RFC 6749 §2.3.1 allows. grant_type is password (username, password, scope),
// refresh_token (refresh_token, scope), authorization_code (code, code_verifier; scope is
// refused) or client_credentials (scope). Success: 200 {"access_token", "token_type":
// "bearer", "expires_in", "refresh_token"?, "scope"?}. Failures: 400 {"error": code} as
// Conduit, except invalid_client after Basic authentication: 401 with WWW-Authenticate
// (RFC 6749 §5.2; docs/differences.md), and the brake: 429 with Retry-After and
// {"error":"temporarily_unavailable"}. A repeated parameter, a body that is not a form or
// a missing grant_type is invalid_request; an unknown grant_type unsupported_grant_type.
// Every answer carries Cache-Control: no-store and Pragma: no-cache.
//
// Revocation endpoint: POST form with `token` (an access or refresh token) and an
// optional token_type_hint (both kinds are looked up whatever it says), the client
// authenticated as at the token endpoint. 200 with `{}`, also for a token that
// is unknown or belongs to another client (RFC 7009 §2.2); invalid_client as above.
//
// Thread-safety: like every controller, used by the event loop whose AuthServer it holds.
#pragma once

#include <memory>

#include "conduit/auth/auth_server.hpp"
#include "conduit/http/controller.hpp"
#include "conduit/http/response.hpp"

namespace conduit::auth {

// The token endpoint's 200 answer for `token` (JSON, Cache-Control: no-store, Pragma:
// no-cache); for application endpoints that hand out tokens, e.g. a /register that signs the
// new user in.
Response token_response(const TokenResponse& token);

class AuthController : public Controller {
 public:
  explicit AuthController(std::shared_ptr<AuthServer> server);
  Task<Outcome> handle(Request& request) override;

 private:
  std::shared_ptr<AuthServer> server_;
};

class RevocationController : public Controller {
 public:
  explicit RevocationController(std::shared_ptr<AuthServer> server);
  Task<Outcome> handle(Request& request) override;

 private:
  std::shared_ptr<AuthServer> server_;
};

}  // namespace conduit::auth
