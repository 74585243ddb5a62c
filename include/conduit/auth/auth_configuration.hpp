// conduit::auth::AuthConfiguration: the managed OAuth 2.0 server's settings as a section of
// an application's typed configuration, every key optional with Conduit's defaults.
//
//   struct AppConfig {
//     conduit::DatabaseConfiguration database;
//     conduit::auth::AuthConfiguration auth;
//     static constexpr conduit::ConfigField config_fields[] = {
//         {.member = "auth", .has_default = true}};
//   };
//   BOOST_DESCRIBE_STRUCT(AppConfig, (), (database, auth))
//   ...
//   auth_ = std::make_shared<conduit::auth::AuthServer>(database_, config_.auth.server_options());
//
// In config.yaml (all keys optional; these are the defaults):
//   auth:
//     owner_table: _user
//     password_token_lifetime: 24h     # durations: "30s", "10m", "1h30m"
//     code_lifetime: 600s
//     code_token_lifetime: 1h
//     client_token_lifetime: 1h
//     hash_rounds: 1000                # PBKDF2 rounds for secrets and passwords
//     token_limit: 40                  # tokens and codes kept per resource owner
//     allow_implicit: false
//     brake:                           # failed attempts per window; 0 disables a limit
//       max_failures_per_client: 100
//       max_failures_per_username: 10
//       window: 5m
//     token_path: /auth/token
//     form_path: /auth/form
//     revoke_path: /auth/revoke
//
// Errors name file, line and key like every configuration error:
//   "config.yaml:3:16: auth.hash_rounds: must be at least 1".
//
// Thread-safety: a plain value type.
#pragma once

#include <boost/describe/class.hpp>

#include <chrono>
#include <string>

#include "conduit/auth/auth_server.hpp"
#include "conduit/config/config_field.hpp"

namespace conduit::auth {

struct AuthBrakeConfiguration {
  int max_failures_per_client = 100;
  int max_failures_per_username = 10;
  std::chrono::seconds window{300};

  static constexpr ConfigField config_fields[] = {
      {.member = "max_failures_per_client", .has_default = true},
      {.member = "max_failures_per_username", .has_default = true},
      {.member = "window", .has_default = true},
  };

  // Negative limits and a window under one second are refused.
  void validate() const;
};
BOOST_DESCRIBE_STRUCT(AuthBrakeConfiguration, (),
                      (max_failures_per_client, max_failures_per_username, window))

struct AuthConfiguration {
  std::string owner_table = "_user";
  std::chrono::seconds password_token_lifetime{24 * 3600};
  std::chrono::seconds code_lifetime{600};
  std::chrono::seconds code_token_lifetime{3600};
  std::chrono::seconds client_token_lifetime{3600};
  int hash_rounds = 1000;
  int token_limit = 40;
  bool allow_implicit = false;
  AuthBrakeConfiguration brake{};
  // Where the application routes the token endpoint, the login form and revocation.
  std::string token_path = "/auth/token";
  std::string form_path = "/auth/form";
  std::string revoke_path = "/auth/revoke";

  static constexpr ConfigField config_fields[] = {
      {.member = "owner_table", .has_default = true},
      {.member = "password_token_lifetime", .has_default = true},
      {.member = "code_lifetime", .has_default = true},
      {.member = "code_token_lifetime", .has_default = true},
      {.member = "client_token_lifetime", .has_default = true},
      {.member = "hash_rounds", .has_default = true},
      {.member = "token_limit", .has_default = true},
      {.member = "allow_implicit", .has_default = true},
      {.member = "brake", .has_default = true},
      {.member = "token_path", .has_default = true},
      {.member = "form_path", .has_default = true},
      {.member = "revoke_path", .has_default = true},
  };

  // Run by the decoder: an empty owner table, lifetimes under one second, hash_rounds or
  // token_limit under 1, and paths that do not start with '/' are refused.
  void validate() const;

  // The AuthServer's options (no clock: the system clock).
  AuthServerOptions server_options() const;
};
BOOST_DESCRIBE_STRUCT(AuthConfiguration, (),
                      (owner_table, password_token_lifetime, code_lifetime, code_token_lifetime,
                       client_token_lifetime, hash_rounds, token_limit, allow_implicit, brake,
                       token_path, form_path, revoke_path))

}  // namespace conduit::auth
