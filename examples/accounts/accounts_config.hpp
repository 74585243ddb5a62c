// The accounts example's typed configuration (config.yaml):
//   database: sqlite:accounts.db        # or a postgres:// URL, or $DATABASE_URL
//   auth:                               # optional; every key has a default
//     password_token_lifetime: 24h
//
// Thread-safety: a plain value type.
#pragma once

#include <boost/describe.hpp>

#include <optional>

#include "conduit/auth/auth_configuration.hpp"
#include "conduit/config/database_configuration.hpp"

namespace accounts {

struct AccountsConfig {
  conduit::DatabaseConfiguration database;
  std::optional<conduit::auth::AuthConfiguration> auth;
};
BOOST_DESCRIBE_STRUCT(AccountsConfig, (), (database, auth))

}  // namespace accounts
