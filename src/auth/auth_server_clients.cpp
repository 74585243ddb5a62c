// AuthServer's clients: adding, listing, changing and removing _authclient rows, and
// authenticating a client's credentials in constant time.
// Thread-safety: see auth_server.hpp (one event loop).
#include <utility>

#include "auth/auth_server_impl.hpp"
#include "conduit/auth/password.hpp"
#include "conduit/db/database_error.hpp"

namespace conduit::auth {

namespace {

StoredClient client_from_row(const db::Row& row) {
  StoredClient client;
  client.id = row.get<std::string>(0);
  client.hashed_secret = row.get<std::optional<std::string>>(1);
  client.salt = row.get<std::optional<std::string>>(2);
  client.redirect_uri = row.get<std::optional<std::string>>(3);
  client.allowed_scope = row.get<std::optional<std::string>>(4);
  return client;
}

bool has_secret(const ClientCredentials& credentials) {
  return credentials.secret.has_value() && !credentials.secret->empty();
}

}  // namespace

std::vector<AuthScope> StoredClient::allowed_scopes() const {
  return scopes_from_column(allowed_scope);
}

ClientInfo StoredClient::info() const {
  return ClientInfo{.id = id,
                    .is_public = is_public(),
                    .redirect_uri = redirect_uri,
                    .allowed_scopes = allowed_scopes()};
}

Task<std::optional<StoredClient>> AuthServer::Impl::find_client(std::string_view id) {
  const db::Result result = co_await db.execute(
      "SELECT \"id\", \"hashedSecret\", \"salt\", \"redirectURI\", \"allowedScope\" FROM " +
          clients + " WHERE \"id\" = $1",
      id);
  if (result.empty()) co_return std::nullopt;
  co_return client_from_row(result[0]);
}

Task<StoredClient> AuthServer::Impl::authenticate(const ClientCredentials& credentials) {
  if (credentials.id.empty()) {
    throw AuthServerError(AuthErrorCode::invalid_client, "no client id");
  }
  std::optional<StoredClient> client = co_await find_client(credentials.id);
  const std::string_view secret =
      has_secret(credentials) ? std::string_view(*credentials.secret) : std::string_view();
  bool ok = false;
  if (client && !client->is_public()) {
    // Hashed even when no secret was sent, so the answer takes the time of a wrong secret.
    ok = verify_password(secret, client->salt.value_or(""), *client->hashed_secret,
                         options.hashing) &&
         has_secret(credentials);
  } else {
    // An unknown client, or a public one: hash anyway so that neither is told apart from a
    // wrong secret by the time taken. A public client must not send a secret (Conduit).
    (void)verify_password(secret, "conduit-dummy-salt", "", options.hashing);
    ok = client.has_value() && !has_secret(credentials);
  }
  if (!ok) {
    co_await record_failure(credentials.id, std::nullopt);
    throw AuthServerError(AuthErrorCode::invalid_client);
  }
  co_return std::move(*client);
}

Task<void> AuthServer::add_client(const ClientCredentials& client,
                                  std::optional<std::string> redirect_uri,
                                  std::vector<AuthScope> allowed_scopes) {
  if (client.id.empty()) throw AuthServerError(AuthErrorCode::invalid_request, "empty client id");
  std::optional<std::string> salt;
  std::optional<std::string> hashed_secret;
  if (has_secret(client)) {
    salt = generate_salt();
    hashed_secret = hash_password(*client.secret, *salt);
  }
  if (redirect_uri && redirect_uri->empty()) redirect_uri.reset();
  const std::optional<std::string> scope = scope_column(collapse_scopes(allowed_scopes));
  bool duplicate = false;
  try {
    co_await database_->execute(
        "INSERT INTO " + impl_->clients +
            " (\"id\", \"hashedSecret\", \"salt\", \"redirectURI\", \"allowedScope\")"
            " VALUES ($1, $2, $3, $4, $5)",
        client.id, hashed_secret, salt, redirect_uri, scope);
  } catch (const db::ConstraintViolation& e) {
    if (e.kind() != db::ErrorKind::unique_violation) throw;
    duplicate = true;
  }
  if (duplicate) {
    throw AuthServerError(AuthErrorCode::invalid_request,
                          "Client ID '" + client.id + "' already exists.");
  }
}

Task<std::optional<ClientInfo>> AuthServer::client(std::string_view id) {
  std::optional<StoredClient> stored = co_await impl_->find_client(id);
  if (!stored) co_return std::nullopt;
  co_return stored->info();
}

Task<std::vector<ClientInfo>> AuthServer::clients() {
  // The secret's hash and salt are not read: only whether there is one.
  const db::Result result = co_await database_->execute(
      "SELECT \"id\", CASE WHEN \"hashedSecret\" IS NULL THEN 1 ELSE 0 END, \"redirectURI\","
      " \"allowedScope\" FROM " +
      impl_->clients + " ORDER BY \"id\"");
  std::vector<ClientInfo> out;
  out.reserve(result.size());
  for (const db::Row& row : result) {
    out.push_back(
        ClientInfo{.id = row.get<std::string>(0),
                   .is_public = row.get<std::int64_t>(1) != 0,
                   .redirect_uri = row.get<std::optional<std::string>>(2),
                   .allowed_scopes = scopes_from_column(row.get<std::optional<std::string>>(3))});
  }
  co_return out;
}

Task<bool> AuthServer::set_allowed_scopes(std::string_view id, std::vector<AuthScope> scopes) {
  const std::optional<std::string> scope = scope_column(collapse_scopes(scopes));
  const db::Result result = co_await database_->execute(
      "UPDATE " + impl_->clients + " SET \"allowedScope\" = $1 WHERE \"id\" = $2", scope, id);
  co_return result.affected_rows() > 0;
}

Task<bool> AuthServer::remove_client(std::string_view id) {
  const db::Result result =
      co_await database_->execute("DELETE FROM " + impl_->clients + " WHERE \"id\" = $1", id);
  co_return result.affected_rows() > 0;
}

Task<ClientInfo> AuthServer::authenticate_client(const ClientCredentials& client) {
  co_await impl_->check_brake(client.id, std::nullopt);
  const StoredClient stored = co_await impl_->authenticate(client);
  co_return stored.info();
}

}  // namespace conduit::auth
