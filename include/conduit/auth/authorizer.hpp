// conduit::auth::Authorizer: a controller linked in front of others that lets through
// only requests with valid credentials (Conduit's Authorizer, conduit.md §5.3).
//
//   router->route("/me")
//       .link<conduit::auth::Authorizer>(conduit::auth::Authorizer::bearer(auth_, {"profile"}))
//       .link<MeController>();
//   router->route("/register")
//       .link<conduit::auth::Authorizer>(conduit::auth::Authorizer::basic(auth_))
//       .link<RegisterController>();
//
// bearer: `Authorization: Bearer <access token>`; basic: `Authorization: Basic
// base64(id:secret)` of a registered client (a public client with an empty secret; %XX
// escapes decoded, as at the token endpoint). The
// schemes are matched case-sensitively, as Conduit's parser does. Answers:
//   no Authorization header            401, empty body, WWW-Authenticate: Bearer / Basic
//   a header of another shape          400 {"error":"invalid_authorization_header"}
//   unknown, expired or revoked token  401, WWW-Authenticate: Bearer error="invalid_token"
//   bad client credentials             401, WWW-Authenticate: Basic realm="conduit"
//   a required scope not granted       403 {"error":"insufficient_scope","scope":"a b"}
//   the brake refused                  429 with Retry-After
// Otherwise the request goes on with its Authorization attached; a handler reads it with
// conduit::auth::authorization(request), and ResourceController operations that declare
// scopes (OperationHandle::scopes) check them against it.
//
// Thread-safety: like every controller, used by the event loop whose AuthServer it holds.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conduit/auth/auth_server.hpp"
#include "conduit/auth/scope.hpp"
#include "conduit/http/controller.hpp"
#include "conduit/http/request.hpp"

namespace conduit::auth {

class Authorizer : public Controller {
 public:
  enum class Kind { bearer, basic };

  // What an Authorizer checks; made by bearer() and basic().
  struct Policy {
    Kind kind = Kind::bearer;
    std::shared_ptr<AuthServer> server;
    std::vector<AuthScope> scopes;
  };

  // Bearer tokens that grant every scope in `scopes`. Throws ScopeError for a malformed
  // scope (at start-up, where routes are built).
  static Policy bearer(std::shared_ptr<AuthServer> server, std::vector<std::string> scopes = {});
  // HTTP Basic credentials of a registered client.
  static Policy basic(std::shared_ptr<AuthServer> server);

  explicit Authorizer(Policy policy);
  Task<Outcome> handle(Request& request) override;
  // What it checks, for the OpenAPI document's security requirements.
  const Policy& policy() const noexcept { return policy_; }

 private:
  Policy policy_;
  std::string required_;  // the required scopes, space-separated, for 403 bodies
};

// The authorization an Authorizer in front attached to the request, or nullptr.
const Authorization* authorization(const Request& request) noexcept;

// The client credentials of the request's `Authorization: Basic ...` header, or nullopt
// when it has none of that shape. For a handler behind Authorizer::basic that acts for
// the client, e.g. a registration endpoint that answers with a password-grant token.
std::optional<ClientCredentials> basic_credentials(const Request& request);

}  // namespace conduit::auth
