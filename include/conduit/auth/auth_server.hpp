// conduit::auth::AuthServer: Conduit's managed OAuth 2.0 authorization server, with all of
// its state (clients, codes, tokens, failed-attempt counts) in the application's database,
// so that every process behind one router shares it and a client added by
// `conduit auth add-client` while servers run is accepted at once.
//
//   // In ApplicationChannel::prepare(), on the channel's loop:
//   auth_ = std::make_shared<conduit::auth::AuthServer>(database_, config_.auth.server_options());
//   // In entry_point():
//   router->route("/auth/token").link<conduit::auth::AuthController>(auth_);
//   router->route("/auth/form").link<conduit::auth::AuthRedirectController>(auth_);
//   router->route("/me").link<conduit::auth::Authorizer>(conduit::auth::Authorizer::bearer(auth_))
//       .link<MeController>(database_);
//
// Storage: the _authclient and _authtoken tables of models.hpp, the brake's _authattempt
// table (AuthAttempt, models.hpp), and the application's resource-owner table (a model
// derived from ResourceOwner, named by AuthServerOptions::owner_table). They come from the
// application's data model and migrations like any other table. Statements are
// parameterised; table names are quoted with db::quote_identifier.
//
// Behaviour is Conduit's (conduit.md §5.2, §5.3) unless said otherwise here:
// - password grant: 24 h tokens; authorization code: 600 s, its token 3600 s; a refresh
//   issues a new access token with the original duration and keeps the refresh token;
//   public clients (no secret) get no refresh token and cannot refresh.
// - a client with allowed scopes caps the requested ones and must be asked for at least one
//   (invalid_scope otherwise); a client without allowed scopes issues scope-less tokens.
// - at most token_limit tokens and codes per resource owner: older ones (by expiration
//   date) are deleted when a new one is issued.
// Beyond Conduit: the client_credentials grant (confidential clients only, no refresh
// token, no owner); PKCE (S256) for the code flow, required for public clients; tokens
// and codes stored as token_digest(); a brake on failed attempts; RFC 7009 revocation.
//
// Every failure is an AuthServerError carrying an RFC 6749 error code; the controllers map
// it to HTTP (400 {"error": code}, 401 for a bad bearer token, 429 + Retry-After for the
// brake). Database failures propagate as db::DatabaseError (503 by the usual mapping).
//
// Details the controllers and commands can rely on:
// - The brake: every function that takes ClientCredentials (grants, authenticate_client,
//   verify_client, revoke_token) and the authorization endpoint first check the failure
//   counts; past a limit they throw AuthServerError(temporarily_unavailable) with
//   retry_after() set (whole seconds, at least 1), before verifying anything. A wrong or
//   missing client secret, an unknown client, and a public client sending a secret count
//   a failure for the client id; a bad username or password counts one for the username
//   and the client id. Successes do not reset the counts; the window (fixed, from the
//   first failure) does.
// - Empty strings stand for absent parameters: an empty secret is no secret, an empty
//   username, password, code, refresh token or revoked token is invalid_request, an
//   empty scope is no scope.
// - Timing: an unknown client id or username costs one PBKDF2 hash, like a wrong secret
//   or password, so the time taken does not tell them apart.
// - The authorization code's row becomes its token's row on exchange (Conduit), so a
//   second exchange finds it, fails with invalid_grant and deletes it (revoking the token
//   and its refresh token). An expired code is deleted.
// - client_credentials tokens have a null resourceOwner_id (Authorization::owner_id
//   empty); they are not under token_limit, and a client's expired ones are deleted when
//   it gets a new one.
//
// Thread-safety: like a Database, an AuthServer belongs to the event loop whose Database it
// uses; each channel (loop) makes its own. The shared state is in the database.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "conduit/auth/password.hpp"
#include "conduit/auth/scope.hpp"
#include "conduit/core/task.hpp"
#include "conduit/http/http_error.hpp"

namespace conduit::db {
class Database;
}

namespace conduit::auth {

// RFC 6749 §5.2 / §4.1.2.1 error codes (Conduit's AuthRequestError), plus the two a
// resource server answers with (RFC 6750 §3.1).
enum class AuthErrorCode {
  invalid_request,
  invalid_client,
  invalid_grant,
  invalid_scope,
  invalid_token,
  insufficient_scope,
  unsupported_grant_type,
  unsupported_response_type,
  unauthorized_client,
  access_denied,
  server_error,
  temporarily_unavailable,
};

// "invalid_request", "invalid_client", ...
std::string_view to_string(AuthErrorCode code);

// An AuthServerError is an HttpError: one that escapes an application's handler (e.g. a
// /register endpoint calling password_grant) is answered like the token endpoint answers:
// {"error": code} with Cache-Control: no-store, status 400, except invalid_client and
// invalid_token 401, insufficient_scope and access_denied 403, the brake 429 with
// Retry-After, temporarily_unavailable 503 and server_error 500.
class AuthServerError : public HttpError {
 public:
  // `detail` is for logs and the error_description field; it never contains a secret.
  AuthServerError(AuthErrorCode code, std::string detail = {},
                  std::optional<std::chrono::seconds> retry_after = std::nullopt);
  AuthErrorCode code() const noexcept { return code_; }
  // The detail alone (what() is "code: detail"), e.g. "Client ID 'x' already exists.".
  const std::string& detail() const noexcept { return detail_; }
  // Set when the brake refused the attempt: the controller answers 429 with Retry-After.
  const std::optional<std::chrono::seconds>& retry_after() const noexcept { return retry_after_; }

 private:
  AuthErrorCode code_;
  std::string detail_;
  std::optional<std::chrono::seconds> retry_after_;
};

// Limits on failed attempts at the token and login endpoints, counted in the database per
// client id and per username over a fixed window. 0 disables a limit.
struct BrakeOptions {
  int max_failures_per_client = 100;
  int max_failures_per_username = 10;
  std::chrono::seconds window{300};
};

struct AuthServerOptions {
  // The table of the application's ResourceOwner-derived model (its columns are
  // ResourceOwner's: id, username, hashedPassword, salt).
  std::string owner_table = "_user";
  // PBKDF2 parameters for client secrets and passwords (Conduit's defaults).
  HashOptions hashing{};
  std::chrono::seconds password_token_lifetime{24 * 3600};
  std::chrono::seconds code_lifetime{600};
  std::chrono::seconds code_token_lifetime{3600};
  std::chrono::seconds client_token_lifetime{3600};
  // Tokens and codes kept per resource owner (Conduit's ManagedAuthDelegate tokenLimit).
  int token_limit = 40;
  // The implicit flow (response_type=token) is refused unless enabled.
  bool allow_implicit = false;
  BrakeOptions brake{};
  // "Now", for expiry and the brake; tests inject a clock instead of sleeping.
  std::function<std::chrono::system_clock::time_point()> clock;
};

// Client credentials as presented (HTTP Basic at the token endpoint; a public client
// presents its id and an empty or absent secret).
struct ClientCredentials {
  std::string id;
  std::optional<std::string> secret;
};

// What a verified token or client authorizes; attached to the request by the Authorizer.
struct Authorization {
  std::string client_id;
  // The resource owner's id; empty for a client_credentials token or Basic authorization.
  std::optional<std::int64_t> owner_id;
  std::vector<AuthScope> scopes;
  // Conduit's isAuthorizedForScope: whether some granted scope covers `scope`. Throws
  // ScopeError for an invalid scope string.
  bool is_authorized_for(std::string_view scope) const;
};

// A successful token response (RFC 6749 §5.1). The controller writes it as JSON with
// Cache-Control: no-store and Pragma: no-cache.
struct TokenResponse {
  std::string access_token;
  std::string token_type = "bearer";
  std::int64_t expires_in = 0;  // seconds
  std::optional<std::string> refresh_token;
  std::optional<std::string> scope;  // space-separated; absent when the token has none
};

// A code-flow or implicit-flow request from the login form (POST /auth/form).
struct AuthorizationRequest {
  std::string client_id;
  std::string username;
  std::string password;
  std::optional<std::string> scope;
  // PKCE (RFC 7636): the challenge and its method ("S256"; "plain" is refused).
  std::optional<std::string> code_challenge;
  std::optional<std::string> code_challenge_method;
};

// A registered client as stored, without its secret.
struct ClientInfo {
  std::string id;
  bool is_public = true;
  std::optional<std::string> redirect_uri;
  std::vector<AuthScope> allowed_scopes;
};

class AuthServer {
 public:
  AuthServer(std::shared_ptr<db::Database> database, AuthServerOptions options = {});
  ~AuthServer();
  AuthServer(const AuthServer&) = delete;
  AuthServer& operator=(const AuthServer&) = delete;

  const AuthServerOptions& options() const noexcept { return options_; }
  std::chrono::system_clock::time_point now() const;

  // hash_password with this server's HashOptions (for registering users).
  std::string hash_password(std::string_view password, std::string_view salt) const;

  // ---- clients ---------------------------------------------------------------------
  // Adds a client; a secret is stored hashed with a fresh salt (an empty secret is none: a
  // public client). Throws AuthServerError (invalid_request) for an empty id or an id that
  // exists; ScopeError for a bad scope list. Unlike Conduit, a public client may have a
  // redirect URI: it uses the code flow with PKCE (RFC 7636, RFC 8252), which is required
  // of it.
  Task<void> add_client(const ClientCredentials& client,
                        std::optional<std::string> redirect_uri = std::nullopt,
                        std::vector<AuthScope> allowed_scopes = {});
  Task<std::optional<ClientInfo>> client(std::string_view id);
  // Every client, ordered by id (`conduit auth list-clients`).
  Task<std::vector<ClientInfo>> clients();
  // Replaces a client's allowed scopes (collapsed as Conduit does); false if no such client.
  Task<bool> set_allowed_scopes(std::string_view id, std::vector<AuthScope> scopes);
  // Whether a client was removed (its tokens go with it: ON DELETE CASCADE).
  Task<bool> remove_client(std::string_view id);
  // The client, if the credentials match (constant-time); invalid_client otherwise.
  Task<ClientInfo> authenticate_client(const ClientCredentials& client);

  // ---- grants (POST /auth/token) -----------------------------------------------------
  Task<TokenResponse> password_grant(const ClientCredentials& client, std::string_view username,
                                     std::string_view password,
                                     std::optional<std::string_view> scope);
  Task<TokenResponse> refresh_grant(const ClientCredentials& client, std::string_view refresh_token,
                                    std::optional<std::string_view> scope);
  // The verifier is required when the code was issued with a challenge (RFC 7636 S256).
  Task<TokenResponse> authorization_code_grant(const ClientCredentials& client,
                                               std::string_view code,
                                               std::optional<std::string_view> code_verifier);
  Task<TokenResponse> client_credentials_grant(const ClientCredentials& client,
                                               std::optional<std::string_view> scope);

  // ---- authorization endpoint (POST /auth/form) ------------------------------------
  // Verifies the user and issues a code for the client; returns the code (the caller
  // redirects to the client's redirect URI). Public clients must send a S256 challenge.
  Task<std::string> issue_authorization_code(const AuthorizationRequest& request);
  // The implicit flow; throws unsupported_response_type unless options().allow_implicit.
  Task<TokenResponse> issue_implicit_token(const AuthorizationRequest& request);

  // ---- resource servers ----------------------------------------------------------------
  // The authorization of a bearer token; invalid_token when unknown, expired or revoked.
  Task<Authorization> verify_access_token(std::string_view access_token);
  // Basic authorization of a client (Conduit's Authorizer.basic).
  Task<Authorization> verify_client(const ClientCredentials& client);

  // ---- revocation ------------------------------------------------------------------
  // RFC 7009: revokes the access or refresh token (and its pair) if it was issued to this
  // client; an unknown token is not an error. invalid_client for bad credentials.
  Task<void> revoke_token(const ClientCredentials& client, std::string_view token);
  // Every code and token of the resource owner (Conduit's revokeAllGrantsForResourceOwner).
  Task<void> revoke_all_grants(std::int64_t owner_id);

 private:
  struct Impl;
  std::shared_ptr<db::Database> database_;
  AuthServerOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace conduit::auth
