// The managed OAuth 2.0 storage models, with Conduit's tables and column names so that a
// database written by a Conduit (Dart) server is read here unchanged (conduit.md §5.1):
//   _authclient   AuthClient         (id TEXT PK, hashedSecret, salt, redirectURI, allowedScope)
//   _authtoken    AuthToken<Owner>   (codes and tokens; one row per grant)
//   the app's     ResourceOwner base (username, hashedPassword, salt)
//
// An application declares its user model by extending ResourceOwner, and registers the
// three models together:
//
//   struct User : conduit::auth::ResourceOwner {
//     std::string email;
//     static constexpr auto table = "_user";
//     // Extra options go after the owner's own (a plain `columns` would hide them):
//     static constexpr auto columns = conduit::auth::resource_owner_columns({
//         {.member = "email", .unique = true},
//     });
//   };
//   BOOST_DESCRIBE_STRUCT(User, (conduit::auth::ResourceOwner), (email))
//   // The owner, AuthClient, AuthToken<User> and AuthAttempt, then the app's own models:
//   auto model = conduit::auth::AuthModels<User>::data_model<Note>();
//   // (the same as orm::DataModel::of<User, conduit::auth::AuthClient,
//   //                                   conduit::auth::AuthToken<User>,
//   //                                   conduit::auth::AuthAttempt, Note>())
//
// Beyond Conduit: code, accessToken and refreshToken hold token_digest(...) of the values
// handed out (token.hpp), never the values themselves; _authtoken has a nullable
// codeChallenge column (PKCE) and its resourceOwner_id is nullable (a client_credentials
// token has no owner); the _authattempt table (AuthAttempt) counts failed attempts for the
// brute-force brake.
//
// Thread-safety: type declarations; instances are plain values.
#pragma once

#include <boost/describe/class.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "conduit/orm/orm.hpp"

namespace conduit::auth {

// A client application (Conduit's ManagedAuthClient). A public client has no secret.
struct AuthClient {
  // The client identifier, chosen when the client is added (e.g. "com.example.app").
  std::string id;
  // hash_password(secret, salt) (password.hpp); null for a public client.
  std::optional<std::string> hashed_secret;
  std::optional<std::string> salt;
  // Where the authorization-code and implicit flows redirect; null if the client uses neither.
  std::optional<std::string> redirect_uri;
  // Space-separated scopes (parse_scope_list); null if the client does not use scopes.
  std::optional<std::string> allowed_scope;

  static constexpr auto table = "_authclient";
  static constexpr orm::Column columns[] = {
      {.member = "id", .primary_key = true},
      {.member = "hashed_secret", .name = "hashedSecret", .omit_by_default = true},
      {.member = "salt", .omit_by_default = true},
      {.member = "redirect_uri", .name = "redirectURI"},
      {.member = "allowed_scope", .name = "allowedScope"},
  };
};
BOOST_DESCRIBE_STRUCT(AuthClient, (), (id, hashed_secret, salt, redirect_uri, allowed_scope))

// The base of the application's user model (Conduit's ResourceOwnerTableDefinition).
struct ResourceOwner {
  std::int64_t id = 0;
  std::string username;
  // hash_password(password, salt) (password.hpp); both left out of JSON by default.
  std::string hashed_password;
  std::string salt;

  static constexpr orm::Column columns[] = {
      {.member = "username", .unique = true, .indexed = true},
      {.member = "hashed_password", .name = "hashedPassword", .omit_by_default = true},
      {.member = "salt", .omit_by_default = true},
  };
};
BOOST_DESCRIBE_STRUCT(ResourceOwner, (), (id, username, hashed_password, salt))

// ResourceOwner's column options followed by `extra` (the derived model's own options), as
// one list for the derived model's `columns` member.
template <std::size_t N>
constexpr std::array<orm::Column, std::size(ResourceOwner::columns) + N> resource_owner_columns(
    const orm::Column (&extra)[N]) {
  std::array<orm::Column, std::size(ResourceOwner::columns) + N> out{};
  std::size_t i = 0;
  for (const orm::Column& column : ResourceOwner::columns) out[i++] = column;
  for (const orm::Column& column : extra) out[i++] = column;
  return out;
}

// An authorization code or an access token (with its refresh token) issued to `Owner`
// through a client (Conduit's ManagedAuthToken). A code row has `code` set and no tokens
// until it is exchanged.
template <class Owner>
struct AuthToken {
  std::int64_t id = 0;
  // token_digest(...) of the authorization code, access token and refresh token.
  std::optional<std::string> code;
  std::optional<std::string> access_token;
  std::optional<std::string> refresh_token;
  // Space-separated granted scopes; null when the client does not use scopes.
  std::optional<std::string> scope;
  orm::Timestamp issue_date{};
  orm::Timestamp expiration_date{};
  // "bearer" for tokens; null for a code not yet exchanged.
  std::optional<std::string> type;
  // Null for a client_credentials token, which no resource owner granted (Conduit's column
  // is NOT NULL: it has no such grant).
  orm::BelongsTo<Owner> resource_owner;
  orm::BelongsTo<AuthClient> client;
  // PKCE (RFC 7636): the S256 code_challenge sent with the authorization request, checked
  // against the code_verifier when the code is exchanged; null without PKCE.
  std::optional<std::string> code_challenge;

  static constexpr auto table = "_authtoken";
  static constexpr orm::Column columns[] = {
      {.member = "code", .unique = true, .indexed = true},
      {.member = "access_token", .name = "accessToken", .unique = true, .indexed = true},
      {.member = "refresh_token", .name = "refreshToken", .unique = true, .indexed = true},
      {.member = "issue_date", .name = "issueDate"},
      {.member = "expiration_date", .name = "expirationDate", .indexed = true},
      {.member = "type", .indexed = true},
      {.member = "resource_owner",
       .name = "resourceOwner_id",
       .on_delete = orm::DeleteRule::cascade},
      {.member = "client", .required = true, .on_delete = orm::DeleteRule::cascade},
      {.member = "code_challenge", .name = "codeChallenge"},
  };

  BOOST_DESCRIBE_CLASS(AuthToken, (),
                       (id, code, access_token, refresh_token, scope, issue_date, expiration_date,
                        type, resource_owner, client, code_challenge),
                       (), ())
};

// Failed authentication attempts in the current window, for the brake (AuthServer,
// BrakeOptions): one row per client id ("client:<id>") and per username
// ("username:<name>"). Kept in the database so that every process behind a router counts
// together. Not in Conduit.
struct AuthAttempt {
  std::string id;
  std::int32_t failures = 0;
  // When the current window began; a failure after window_start + window starts a new one.
  orm::Timestamp window_start{};

  static constexpr auto table = "_authattempt";
  static constexpr orm::Column columns[] = {
      {.member = "id", .primary_key = true},
      {.member = "window_start", .name = "windowStart"},
  };
};
BOOST_DESCRIBE_STRUCT(AuthAttempt, (), (id, failures, window_start))

// The managed-auth models for the resource-owner model `Owner`, to register with the
// application's own: AuthModels<User>::data_model<Note, Tag>() is
// orm::DataModel::of<User, AuthClient, AuthToken<User>, AuthAttempt, Note, Tag>().
template <class Owner>
struct AuthModels {
  using Token = AuthToken<Owner>;
  template <class... AppModels>
  static orm::DataModel data_model() {
    return orm::DataModel::of<Owner, AuthClient, AuthToken<Owner>, AuthAttempt, AppModels...>();
  }
};

}  // namespace conduit::auth
