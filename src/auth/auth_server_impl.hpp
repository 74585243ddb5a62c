// Private to the auth module: AuthServer::Impl, the state and helpers that the AuthServer
// member functions share across their files (auth_server_clients.cpp, _grants.cpp,
// _tokens.cpp, _brake.cpp): the quoted table names, client lookup and authentication,
// scope validation, token issuing and the brake.
//
// Thread-safety: like AuthServer, used on its database's event loop only.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conduit/auth/auth_server.hpp"
#include "conduit/db/database.hpp"

namespace conduit::auth {

using Clock = std::chrono::system_clock;
using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

// A _authclient row.
struct StoredClient {
  std::string id;
  std::optional<std::string> hashed_secret;
  std::optional<std::string> salt;
  std::optional<std::string> redirect_uri;
  std::optional<std::string> allowed_scope;

  bool is_public() const noexcept { return !hashed_secret.has_value(); }
  std::vector<AuthScope> allowed_scopes() const;
  ClientInfo info() const;
};

// A new token or code row, before it is stored.
struct NewGrant {
  std::optional<std::int64_t> owner_id;
  std::string client_id;
  std::vector<AuthScope> scopes;
  std::chrono::seconds lifetime{0};
  bool with_refresh_token = false;
};

struct AuthServer::Impl {
  explicit Impl(AuthServer& server);

  AuthServer& server;
  db::Database& db;
  const AuthServerOptions& options;
  // Quoted table names.
  std::string clients;
  std::string tokens;
  std::string attempts;
  std::string owners;

  Timestamp now() const;

  // ---- clients (auth_server_clients.cpp) ----
  Task<std::optional<StoredClient>> find_client(std::string_view id);
  // The client if the credentials match; otherwise counts a failure for the client id and
  // throws invalid_client. An unknown id costs a hash like a wrong secret.
  Task<StoredClient> authenticate(const ClientCredentials& credentials);

  // ---- grants (auth_server_grants.cpp) ----
  // The owner's id if the password matches; otherwise counts a failure for the client and
  // the username and throws `failure` (invalid_grant at the token endpoint, access_denied
  // at the authorization endpoint). An unknown user costs a hash like a wrong password.
  Task<std::int64_t> authenticate_owner(std::string_view client_id, std::string_view username,
                                        std::string_view password, AuthErrorCode failure);
  // Conduit's _validatedScopes: none for a client without allowed scopes; otherwise the
  // requested ones the client allows, at least one (invalid_scope).
  static std::vector<AuthScope> validated_scopes(const StoredClient& client,
                                                 std::optional<std::string_view> requested);
  // Stores a token (type bearer) and returns the response; enforces the token limit.
  Task<TokenResponse> issue_token(const NewGrant& grant);
  // Deletes the owner's tokens and codes beyond token_limit, those expiring first.
  Task<void> enforce_token_limit(std::int64_t owner_id);

  // ---- brake (auth_server_brake.cpp) ----
  // Throws AuthServerError with retry_after when the client id or the username has had too
  // many failures in the current window.
  Task<void> check_brake(std::string_view client_id, std::optional<std::string_view> username);
  // Counts one failure for the client id and (if given) the username.
  Task<void> record_failure(std::string_view client_id, std::optional<std::string_view> username);
  bool brake_enabled() const noexcept;
};

// Parses a request's scope parameter; nullopt or "" is none. ScopeError -> invalid_scope.
std::vector<AuthScope> parse_requested_scopes(std::optional<std::string_view> scope);
// The scopes as stored in a scope column: space-separated, or null when there are none.
std::optional<std::string> scope_column(const std::vector<AuthScope>& scopes);
// A scope column read back (null or empty: none).
std::vector<AuthScope> scopes_from_column(const std::optional<std::string>& column);

}  // namespace conduit::auth
