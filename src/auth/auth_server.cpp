// AuthServer: construction, errors, the clock, and the helpers the other auth_server_*.cpp
// files share (scope columns). Thread-safety: see auth_server.hpp (one event loop).
#include "conduit/auth/auth_server.hpp"

#include <boost/json/object.hpp>

#include <utility>

#include "auth/auth_server_impl.hpp"
#include "conduit/db/dialect.hpp"
#include "conduit/http/response.hpp"

namespace conduit::auth {

std::string_view to_string(AuthErrorCode code) {
  switch (code) {
    case AuthErrorCode::invalid_request:
      return "invalid_request";
    case AuthErrorCode::invalid_client:
      return "invalid_client";
    case AuthErrorCode::invalid_grant:
      return "invalid_grant";
    case AuthErrorCode::invalid_scope:
      return "invalid_scope";
    case AuthErrorCode::invalid_token:
      return "invalid_token";
    case AuthErrorCode::insufficient_scope:
      return "insufficient_scope";
    case AuthErrorCode::unsupported_grant_type:
      return "unsupported_grant_type";
    case AuthErrorCode::unsupported_response_type:
      return "unsupported_response_type";
    case AuthErrorCode::unauthorized_client:
      return "unauthorized_client";
    case AuthErrorCode::access_denied:
      return "access_denied";
    case AuthErrorCode::server_error:
      return "server_error";
    case AuthErrorCode::temporarily_unavailable:
      return "temporarily_unavailable";
  }
  return "server_error";
}

namespace {
std::string error_message(AuthErrorCode code, const std::string& detail) {
  std::string message(to_string(code));
  if (!detail.empty()) message += ": " + detail;
  return message;
}

int error_status(AuthErrorCode code, bool braked) {
  switch (code) {
    case AuthErrorCode::invalid_client:
    case AuthErrorCode::invalid_token:
      return 401;
    case AuthErrorCode::insufficient_scope:
    case AuthErrorCode::access_denied:
      return 403;
    case AuthErrorCode::temporarily_unavailable:
      return braked ? 429 : 503;
    case AuthErrorCode::server_error:
      return 500;
    default:
      return 400;
  }
}

Response error_response(AuthErrorCode code, std::optional<std::chrono::seconds> retry_after) {
  Response response = Response::json(error_status(code, retry_after.has_value()),
                                     boost::json::object{{"error", to_string(code)}});
  if (retry_after) response.set_header("Retry-After", std::to_string(retry_after->count()));
  response.set_header("Cache-Control", "no-store");
  response.set_header("Pragma", "no-cache");
  return response;
}

}  // namespace

AuthServerError::AuthServerError(AuthErrorCode code, std::string detail,
                                 std::optional<std::chrono::seconds> retry_after)
    : HttpError(error_response(code, retry_after), error_message(code, detail)),
      code_(code),
      detail_(std::move(detail)),
      retry_after_(retry_after) {}

bool Authorization::is_authorized_for(std::string_view scope) const {
  return any_covers(scopes, AuthScope(scope));
}

std::vector<AuthScope> parse_requested_scopes(std::optional<std::string_view> scope) {
  if (!scope || scope->empty()) return {};
  try {
    return parse_scope_list(*scope);
  } catch (const ScopeError& e) {
    throw AuthServerError(AuthErrorCode::invalid_scope, e.what());
  }
}

std::optional<std::string> scope_column(const std::vector<AuthScope>& scopes) {
  if (scopes.empty()) return std::nullopt;
  return to_string(scopes);
}

std::vector<AuthScope> scopes_from_column(const std::optional<std::string>& column) {
  if (!column || column->empty()) return {};
  return parse_scope_list(*column);
}

AuthServer::Impl::Impl(AuthServer& s)
    : server(s),
      db(*s.database_),
      options(s.options_),
      clients(db::quote_identifier("_authclient")),
      tokens(db::quote_identifier("_authtoken")),
      attempts(db::quote_identifier("_authattempt")),
      owners(db::quote_identifier(s.options_.owner_table)) {}

Timestamp AuthServer::Impl::now() const {
  return std::chrono::floor<std::chrono::microseconds>(server.now());
}

AuthServer::AuthServer(std::shared_ptr<db::Database> database, AuthServerOptions options)
    : database_(std::move(database)), options_(std::move(options)) {
  if (!database_) throw std::invalid_argument("AuthServer: no database");
  if (options_.owner_table.empty()) throw std::invalid_argument("AuthServer: no owner table");
  if (options_.token_limit < 1) throw std::invalid_argument("AuthServer: token_limit must be >= 1");
  impl_ = std::make_unique<Impl>(*this);
}

AuthServer::~AuthServer() = default;

std::chrono::system_clock::time_point AuthServer::now() const {
  return options_.clock ? options_.clock() : std::chrono::system_clock::now();
}

std::string AuthServer::hash_password(std::string_view password, std::string_view salt) const {
  return auth::hash_password(password, salt, options_.hashing);
}

}  // namespace conduit::auth
