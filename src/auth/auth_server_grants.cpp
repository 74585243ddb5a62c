// AuthServer's grants (the token endpoint and the authorization endpoint): password,
// refresh_token, authorization_code with PKCE, client_credentials, and the implicit flow;
// plus issuing tokens and the per-owner token limit.
// Thread-safety: see auth_server.hpp (one event loop).
#include <openssl/evp.h>

#include <array>
#include <utility>

#include "auth/auth_server_impl.hpp"
#include "conduit/auth/password.hpp"
#include "conduit/auth/token.hpp"

namespace conduit::auth {

namespace {

// RFC 7636 §4.1: 43 to 128 characters of [A-Za-z0-9-._~] (a verifier; an S256 challenge
// is 43 of them).
bool is_pkce_text(std::string_view text) {
  if (text.size() < 43 || text.size() > 128) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
  });
}

// BASE64URL(SHA256(verifier)) without padding (RFC 7636 §4.2, S256).
std::string s256(std::string_view verifier) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(verifier.data(), verifier.size(), digest.data(), &length, EVP_sha256(), nullptr) !=
      1) {
    throw std::runtime_error("auth: SHA-256 failed");
  }
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned int i = 0; i < length; ++i) {
    buffer = (buffer << 8) | digest[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3f];
  return out;
}

void require_credentials(std::string_view username, std::string_view password) {
  if (username.empty() || password.empty()) {
    throw AuthServerError(AuthErrorCode::invalid_request, "username and password are required");
  }
}

}  // namespace

std::vector<AuthScope> AuthServer::Impl::validated_scopes(
    const StoredClient& client, std::optional<std::string_view> requested) {
  const std::vector<AuthScope> allowed = client.allowed_scopes();
  if (allowed.empty()) return {};
  const std::vector<AuthScope> asked = parse_requested_scopes(requested);
  if (asked.empty()) throw AuthServerError(AuthErrorCode::invalid_scope, "no scope requested");
  std::vector<AuthScope> granted = allowed_by_client(asked, allowed);
  if (granted.empty()) {
    throw AuthServerError(AuthErrorCode::invalid_scope, "no requested scope is allowed");
  }
  return granted;
}

Task<std::int64_t> AuthServer::Impl::authenticate_owner(std::string_view client_id,
                                                        std::string_view username,
                                                        std::string_view password,
                                                        AuthErrorCode failure) {
  const db::Result result = co_await db.execute(
      "SELECT \"id\", \"hashedPassword\", \"salt\" FROM " + owners + " WHERE \"username\" = $1",
      username);
  bool ok = false;
  std::int64_t id = 0;
  if (!result.empty()) {
    id = result[0].get<std::int64_t>(0);
    ok = verify_password(password, result[0].get<std::string>(2), result[0].get<std::string>(1),
                         options.hashing);
  } else {
    // Hash anyway: an unknown username takes the time of a wrong password.
    (void)verify_password(password, "conduit-dummy-salt", "", options.hashing);
  }
  if (!ok) {
    co_await record_failure(client_id, username);
    throw AuthServerError(failure, "bad username or password");
  }
  co_return id;
}

Task<void> AuthServer::Impl::enforce_token_limit(std::int64_t owner_id) {
  // Conduit's ManagedAuthDelegate: keep the token_limit rows expiring last (ties: newest).
  co_await db.execute(
      "DELETE FROM " + tokens +
          " WHERE \"resourceOwner_id\" = $1 AND \"id\" NOT IN (SELECT \"id\" FROM " + tokens +
          " WHERE \"resourceOwner_id\" = $1"
          " ORDER BY \"expirationDate\" DESC, \"id\" DESC LIMIT $2)",
      owner_id, options.token_limit);
}

Task<TokenResponse> AuthServer::Impl::issue_token(const NewGrant& grant) {
  TokenResponse response;
  response.access_token = generate_token();
  if (grant.with_refresh_token) response.refresh_token = generate_token();
  response.expires_in = grant.lifetime.count();
  response.scope = scope_column(grant.scopes);
  const Timestamp issued = now();
  std::optional<std::string> refresh_digest;
  if (response.refresh_token) refresh_digest = token_digest(*response.refresh_token);
  co_await db.execute("INSERT INTO " + tokens +
                          " (\"accessToken\", \"refreshToken\", \"scope\", \"issueDate\","
                          " \"expirationDate\", \"type\", \"resourceOwner_id\", \"client_id\")"
                          " VALUES ($1, $2, $3, $4, $5, 'bearer', $6, $7)",
                      token_digest(response.access_token), refresh_digest, response.scope, issued,
                      issued + grant.lifetime, grant.owner_id, grant.client_id);
  if (grant.owner_id) co_await enforce_token_limit(*grant.owner_id);
  co_return response;
}

Task<TokenResponse> AuthServer::password_grant(const ClientCredentials& client,
                                               std::string_view username, std::string_view password,
                                               std::optional<std::string_view> scope) {
  co_await impl_->check_brake(client.id, username);
  const StoredClient stored = co_await impl_->authenticate(client);
  require_credentials(username, password);
  const std::int64_t owner = co_await impl_->authenticate_owner(client.id, username, password,
                                                                AuthErrorCode::invalid_grant);
  std::vector<AuthScope> scopes = Impl::validated_scopes(stored, scope);
  // Built outside the co_await: GCC 12 mishandles non-trivial temporaries in one.
  const NewGrant grant{.owner_id = owner,
                       .client_id = stored.id,
                       .scopes = std::move(scopes),
                       .lifetime = options_.password_token_lifetime,
                       .with_refresh_token = !stored.is_public()};
  TokenResponse response = co_await impl_->issue_token(grant);
  co_return response;
}

Task<TokenResponse> AuthServer::refresh_grant(const ClientCredentials& client,
                                              std::string_view refresh_token,
                                              std::optional<std::string_view> scope) {
  co_await impl_->check_brake(client.id, std::nullopt);
  const StoredClient stored = co_await impl_->authenticate(client);
  if (refresh_token.empty()) {
    throw AuthServerError(AuthErrorCode::invalid_request, "refresh_token is required");
  }
  if (stored.is_public()) {
    throw AuthServerError(AuthErrorCode::invalid_grant, "public clients cannot refresh");
  }
  const db::Result result = co_await database_->execute(
      "SELECT \"id\", \"client_id\", \"scope\", \"issueDate\", \"expirationDate\" FROM " +
          impl_->tokens + " WHERE \"refreshToken\" = $1",
      token_digest(refresh_token));
  if (result.empty() || result[0].get<std::string>(1) != stored.id) {
    throw AuthServerError(AuthErrorCode::invalid_grant, "unknown refresh token");
  }
  const db::Row row = result[0];
  const std::vector<AuthScope> existing =
      scopes_from_column(row.get<std::optional<std::string>>(2));
  const std::vector<AuthScope> allowed = stored.allowed_scopes();
  auto client_allows = [&](const AuthScope& s) {
    return allowed.empty() || any_covers(allowed, s);
  };
  // Conduit: a refresh may narrow the scopes, never widen them, and the client must still
  // allow every scope the new token carries.
  std::vector<AuthScope> scopes = existing;
  const std::vector<AuthScope> asked = parse_requested_scopes(scope);
  if (!asked.empty()) {
    for (const AuthScope& s : asked) {
      if (!any_covers(existing, s) || !client_allows(s)) {
        throw AuthServerError(AuthErrorCode::invalid_scope, "scope not granted: " + s.str());
      }
    }
    scopes = asked;
  } else if (!allowed.empty()) {
    for (const AuthScope& s : existing) {
      if (!client_allows(s)) {
        throw AuthServerError(AuthErrorCode::invalid_scope, "scope no longer allowed: " + s.str());
      }
    }
  }
  // The new access token lives as long as the original one did (Conduit).
  const auto lifetime = std::chrono::duration_cast<std::chrono::seconds>(row.get<Timestamp>(4) -
                                                                         row.get<Timestamp>(3));
  TokenResponse response;
  response.access_token = generate_token();
  response.refresh_token = std::string(refresh_token);
  response.expires_in = lifetime.count();
  response.scope = scope_column(scopes);
  const Timestamp issued = impl_->now();
  co_await database_->execute("UPDATE " + impl_->tokens +
                                  " SET \"accessToken\" = $1, \"issueDate\" = $2,"
                                  " \"expirationDate\" = $3, \"scope\" = $4 WHERE \"id\" = $5",
                              token_digest(response.access_token), issued, issued + lifetime,
                              response.scope, row.get<std::int64_t>(0));
  co_return response;
}

Task<TokenResponse> AuthServer::authorization_code_grant(
    const ClientCredentials& client, std::string_view code,
    std::optional<std::string_view> code_verifier) {
  co_await impl_->check_brake(client.id, std::nullopt);
  const StoredClient stored = co_await impl_->authenticate(client);
  if (code.empty()) throw AuthServerError(AuthErrorCode::invalid_request, "code is required");
  const std::string digest = token_digest(code);
  const db::Result result = co_await database_->execute(
      "SELECT \"id\", \"client_id\", \"resourceOwner_id\", \"scope\", \"expirationDate\","
      " \"accessToken\", \"codeChallenge\" FROM " +
          impl_->tokens + " WHERE \"code\" = $1",
      digest);
  if (result.empty()) throw AuthServerError(AuthErrorCode::invalid_grant, "unknown code");
  const db::Row row = result[0];
  const std::int64_t row_id = row.get<std::int64_t>(0);
  const std::string delete_row = "DELETE FROM " + impl_->tokens + " WHERE \"id\" = $1";
  if (row.get<std::optional<std::string>>(5).has_value()) {
    // RFC 6749 §4.1.2: a code used twice revokes the tokens issued from it.
    co_await database_->execute(delete_row, row_id);
    throw AuthServerError(AuthErrorCode::invalid_grant, "code already used");
  }
  if (row.get<Timestamp>(4) <= impl_->now()) {
    co_await database_->execute(delete_row, row_id);
    throw AuthServerError(AuthErrorCode::invalid_grant, "code expired");
  }
  if (row.get<std::string>(1) != stored.id) {
    throw AuthServerError(AuthErrorCode::invalid_grant, "code issued to another client");
  }
  const std::optional<std::string> challenge = row.get<std::optional<std::string>>(6);
  if (challenge) {
    const bool ok = code_verifier && is_pkce_text(*code_verifier) &&
                    constant_time_equals(s256(*code_verifier), *challenge);
    if (!ok) throw AuthServerError(AuthErrorCode::invalid_grant, "code_verifier does not match");
  } else if (code_verifier) {
    throw AuthServerError(AuthErrorCode::invalid_grant, "code issued without a code_challenge");
  }

  TokenResponse response;
  response.access_token = generate_token();
  if (!stored.is_public()) response.refresh_token = generate_token();
  response.expires_in = options_.code_token_lifetime.count();
  response.scope = row.get<std::optional<std::string>>(3);
  std::optional<std::string> refresh_digest;
  if (response.refresh_token) refresh_digest = token_digest(*response.refresh_token);
  const Timestamp issued = impl_->now();
  // The code's row becomes the token's (Conduit), keeping the code so that a second use is
  // recognised. `accessToken IS NULL` makes the exchange single-use under concurrency.
  const db::Result updated = co_await database_->execute(
      "UPDATE " + impl_->tokens +
          " SET \"accessToken\" = $1, \"refreshToken\" = $2, \"issueDate\" = $3,"
          " \"expirationDate\" = $4, \"type\" = 'bearer' WHERE \"id\" = $5 AND \"accessToken\" IS "
          "NULL",
      token_digest(response.access_token), refresh_digest, issued,
      issued + options_.code_token_lifetime, row_id);
  if (updated.affected_rows() == 0) {
    co_await database_->execute(delete_row, row_id);
    throw AuthServerError(AuthErrorCode::invalid_grant, "code already used");
  }
  if (const auto owner = row.get<std::optional<std::int64_t>>(2)) {
    co_await impl_->enforce_token_limit(*owner);
  }
  co_return response;
}

Task<TokenResponse> AuthServer::client_credentials_grant(const ClientCredentials& client,
                                                         std::optional<std::string_view> scope) {
  co_await impl_->check_brake(client.id, std::nullopt);
  const StoredClient stored = co_await impl_->authenticate(client);
  if (stored.is_public()) {
    throw AuthServerError(AuthErrorCode::unauthorized_client,
                          "client_credentials needs a confidential client");
  }
  std::vector<AuthScope> scopes = Impl::validated_scopes(stored, scope);
  // Owner-less tokens have no token limit: the client's expired ones go instead.
  co_await database_->execute("DELETE FROM " + impl_->tokens +
                                  " WHERE \"client_id\" = $1 AND \"resourceOwner_id\" IS NULL"
                                  " AND \"expirationDate\" <= $2",
                              stored.id, impl_->now());
  // Built outside the co_await: GCC 12 mishandles non-trivial temporaries in one.
  const NewGrant grant{.owner_id = std::nullopt,
                       .client_id = stored.id,
                       .scopes = std::move(scopes),
                       .lifetime = options_.client_token_lifetime,
                       .with_refresh_token = false};
  TokenResponse response = co_await impl_->issue_token(grant);
  co_return response;
}

Task<std::string> AuthServer::issue_authorization_code(const AuthorizationRequest& request) {
  co_await impl_->check_brake(request.client_id, request.username);
  std::optional<StoredClient> stored = co_await impl_->find_client(request.client_id);
  if (!stored) throw AuthServerError(AuthErrorCode::invalid_client, "unknown client");
  if (!stored->redirect_uri) {
    throw AuthServerError(AuthErrorCode::unauthorized_client, "the client has no redirect URI");
  }
  std::optional<std::string> challenge;
  if (request.code_challenge || request.code_challenge_method) {
    // RFC 7636 §4.3: an absent method means "plain", which is refused (§7.2).
    if (request.code_challenge_method.value_or("plain") != "S256") {
      throw AuthServerError(AuthErrorCode::invalid_request, "code_challenge_method must be S256");
    }
    if (!request.code_challenge || request.code_challenge->size() != 43 ||
        !is_pkce_text(*request.code_challenge)) {
      throw AuthServerError(AuthErrorCode::invalid_request, "malformed code_challenge");
    }
    challenge = *request.code_challenge;
  } else if (stored->is_public()) {
    throw AuthServerError(AuthErrorCode::invalid_request, "public clients must use PKCE (S256)");
  }
  require_credentials(request.username, request.password);
  const std::int64_t owner = co_await impl_->authenticate_owner(
      request.client_id, request.username, request.password, AuthErrorCode::access_denied);
  std::vector<AuthScope> scopes = Impl::validated_scopes(*stored, request.scope);

  std::string code = generate_token();
  const Timestamp issued = impl_->now();
  co_await database_->execute("INSERT INTO " + impl_->tokens +
                                  " (\"code\", \"scope\", \"issueDate\", \"expirationDate\","
                                  " \"resourceOwner_id\", \"client_id\", \"codeChallenge\")"
                                  " VALUES ($1, $2, $3, $4, $5, $6, $7)",
                              token_digest(code), scope_column(scopes), issued,
                              issued + options_.code_lifetime, owner, stored->id, challenge);
  co_await impl_->enforce_token_limit(owner);
  co_return code;
}

Task<TokenResponse> AuthServer::issue_implicit_token(const AuthorizationRequest& request) {
  if (!options_.allow_implicit) {
    throw AuthServerError(AuthErrorCode::unsupported_response_type, "the implicit flow is off");
  }
  co_await impl_->check_brake(request.client_id, request.username);
  std::optional<StoredClient> stored = co_await impl_->find_client(request.client_id);
  if (!stored) throw AuthServerError(AuthErrorCode::invalid_client, "unknown client");
  if (!stored->redirect_uri) {
    throw AuthServerError(AuthErrorCode::unauthorized_client, "the client has no redirect URI");
  }
  require_credentials(request.username, request.password);
  const std::int64_t owner = co_await impl_->authenticate_owner(
      request.client_id, request.username, request.password, AuthErrorCode::access_denied);
  std::vector<AuthScope> scopes = Impl::validated_scopes(*stored, request.scope);
  // A token in a URL fragment: short-lived and never with a refresh token (RFC 6749 §4.2.2).
  // Built outside the co_await: GCC 12 mishandles non-trivial temporaries in one.
  const NewGrant grant{.owner_id = owner,
                       .client_id = stored->id,
                       .scopes = std::move(scopes),
                       .lifetime = options_.code_token_lifetime,
                       .with_refresh_token = false};
  TokenResponse response = co_await impl_->issue_token(grant);
  co_return response;
}

}  // namespace conduit::auth
