// AuthServer for resource servers and revocation: verifying a bearer token or a client's
// Basic credentials, revoking a token (RFC 7009) and every grant of a resource owner.
// Thread-safety: see auth_server.hpp (one event loop).
#include "auth/auth_server_impl.hpp"
#include "conduit/auth/token.hpp"

namespace conduit::auth {

Task<Authorization> AuthServer::verify_access_token(std::string_view access_token) {
  if (access_token.empty()) throw AuthServerError(AuthErrorCode::invalid_token, "no token");
  // Looked up by digest: the index finds the row, and a guess that matches a prefix of a
  // stored value learns nothing (the digest of a near miss shares nothing with it).
  const db::Result result = co_await database_->execute(
      "SELECT \"client_id\", \"resourceOwner_id\", \"scope\", \"expirationDate\" FROM " +
          impl_->tokens + " WHERE \"accessToken\" = $1",
      token_digest(access_token));
  if (result.empty()) throw AuthServerError(AuthErrorCode::invalid_token, "unknown token");
  const db::Row row = result[0];
  if (row.get<Timestamp>(3) <= impl_->now()) {
    throw AuthServerError(AuthErrorCode::invalid_token, "expired token");
  }
  co_return Authorization{.client_id = row.get<std::string>(0),
                          .owner_id = row.get<std::optional<std::int64_t>>(1),
                          .scopes = scopes_from_column(row.get<std::optional<std::string>>(2))};
}

Task<Authorization> AuthServer::verify_client(const ClientCredentials& client) {
  co_await impl_->check_brake(client.id, std::nullopt);
  const StoredClient stored = co_await impl_->authenticate(client);
  co_return Authorization{.client_id = stored.id, .owner_id = std::nullopt, .scopes = {}};
}

Task<void> AuthServer::revoke_token(const ClientCredentials& client, std::string_view token) {
  co_await impl_->check_brake(client.id, std::nullopt);
  const StoredClient stored = co_await impl_->authenticate(client);
  if (token.empty()) throw AuthServerError(AuthErrorCode::invalid_request, "token is required");
  // RFC 7009 §2.1-2.2: the access token and its refresh token are one row and go together;
  // a token of another client, or none at all, is left alone without an error (so the
  // answer does not tell whether the token exists).
  co_await database_->execute("DELETE FROM " + impl_->tokens +
                                  " WHERE (\"accessToken\" = $1 OR \"refreshToken\" = $1)"
                                  " AND \"client_id\" = $2",
                              token_digest(token), stored.id);
}

Task<void> AuthServer::revoke_all_grants(std::int64_t owner_id) {
  co_await database_->execute("DELETE FROM " + impl_->tokens + " WHERE \"resourceOwner_id\" = $1",
                              owner_id);
}

}  // namespace conduit::auth
