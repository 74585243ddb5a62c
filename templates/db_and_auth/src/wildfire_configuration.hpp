// wildfire's configuration file, declared once: config.yaml (and heroku.yaml) map onto
// this struct; the channel's prepare() loads it with conduit::load_config.
//   database: sqlite:wildfire.db        # or a postgres:// URL, or $DATABASE_URL
//   auth:                               # optional; every key has a default
//     password_token_lifetime: 24h
//
// Thread-safety: plain values.
#pragma once

#include <boost/describe.hpp>

#include <optional>

#include "conduit/app/openapi_configuration.hpp"
#include "conduit/auth/auth_configuration.hpp"
#include "conduit/config/database_configuration.hpp"

namespace wildfire {

struct WildfireConfiguration {
  conduit::DatabaseConfiguration database;
  std::optional<conduit::auth::AuthConfiguration> auth;
  // `openapi: {enabled: true}` serves /openapi.json and /docs (`serve` reads it).
  std::optional<conduit::OpenApiConfiguration> openapi;
};
BOOST_DESCRIBE_STRUCT(WildfireConfiguration, (), (database, auth, openapi))

}  // namespace wildfire
