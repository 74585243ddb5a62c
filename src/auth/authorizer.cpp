// conduit::auth::Authorizer (authorizer.hpp): checks credentials and attaches the
// Authorization, as an http ScopeGrant, so ResourceController can check operation scopes
// without depending on auth. Each instance belongs to one event loop.
#include "conduit/auth/authorizer.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <utility>

#include "auth/http_support.hpp"
#include "conduit/http/scope_grant.hpp"

namespace conduit::auth {

namespace {

// The Authorization as the http module's ScopeGrant.
class AuthorizationGrant final : public ScopeGrant {
 public:
  explicit AuthorizationGrant(Authorization authorization)
      : authorization_(std::move(authorization)) {}
  bool covers(std::string_view scope) const override {
    return authorization_.is_authorized_for(scope);
  }
  const Authorization& authorization() const noexcept { return authorization_; }

 private:
  Authorization authorization_;
};

Response unauthorized(std::string_view challenge) {
  Response response(401);
  response.set_header("WWW-Authenticate", challenge);
  return response;
}

Response malformed_header() { return Response::error(400, "invalid_authorization_header"); }

}  // namespace

Authorizer::Policy Authorizer::bearer(std::shared_ptr<AuthServer> server,
                                      std::vector<std::string> scopes) {
  Policy policy{Kind::bearer, std::move(server), {}};
  for (const auto& scope : scopes) policy.scopes.emplace_back(scope);
  return policy;
}

Authorizer::Policy Authorizer::basic(std::shared_ptr<AuthServer> server) {
  return Policy{Kind::basic, std::move(server), {}};
}

Authorizer::Authorizer(Policy policy) : policy_(std::move(policy)) {
  if (!policy_.server) throw std::invalid_argument("Authorizer needs an AuthServer");
  required_ = to_string(policy_.scopes);
}

Task<Outcome> Authorizer::handle(Request& request) {
  const bool bearer = policy_.kind == Kind::bearer;
  auto header = request.header("authorization");
  if (!header) co_return unauthorized(bearer ? "Bearer" : "Basic realm=\"conduit\"");

  std::optional<Authorization> granted;
  std::optional<AuthServerError> failure;
  if (bearer) {
    auto token = detail::parse_bearer(*header);
    if (!token) co_return malformed_header();
    try {
      granted = co_await policy_.server->verify_access_token(*token);
    } catch (const AuthServerError& e) {
      failure = e;
    }
  } else {
    auto credentials = detail::parse_basic(*header);
    if (!credentials) co_return malformed_header();
    try {
      granted = co_await policy_.server->verify_client(*credentials);
    } catch (const AuthServerError& e) {
      failure = e;
    }
  }
  if (failure) {
    if (failure->retry_after()) {
      Response response = Response::error(429, to_string(AuthErrorCode::temporarily_unavailable));
      response.set_header("Retry-After", std::to_string(failure->retry_after()->count()));
      co_return response;
    }
    switch (failure->code()) {
      case AuthErrorCode::server_error:
        co_return Response::error(500, to_string(failure->code()));
      case AuthErrorCode::temporarily_unavailable:
        co_return Response::error(503, to_string(failure->code()));
      default:
        co_return unauthorized(bearer ? "Bearer error=\"invalid_token\""
                                      : "Basic realm=\"conduit\"");
    }
  }

  if (!covers_all(granted->scopes, policy_.scopes)) {
    Response response = Response::json(
        403, boost::json::object{{"error", "insufficient_scope"}, {"scope", required_}});
    response.set_header("WWW-Authenticate",
                        "Bearer error=\"insufficient_scope\", scope=\"" + required_ + "\"");
    co_return response;
  }
  attach_scope_grant(request, std::make_shared<const AuthorizationGrant>(std::move(*granted)));
  co_return std::nullopt;
}

const Authorization* authorization(const Request& request) noexcept {
  const auto* grant = dynamic_cast<const AuthorizationGrant*>(scope_grant(request));
  return grant ? &grant->authorization() : nullptr;
}

std::optional<ClientCredentials> basic_credentials(const Request& request) {
  auto header = request.header("authorization");
  if (!header) return std::nullopt;
  return detail::parse_basic(*header);
}

}  // namespace conduit::auth
