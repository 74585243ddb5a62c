// wildfire's configuration file, declared once: config.yaml (and heroku.yaml) map onto
// this struct; the channel's prepare() loads it with load_configuration.
//   database: sqlite:wildfire.db        # or a postgres:// URL, or $DATABASE_URL
//   auth:                               # optional; every key has a default
//     password_token_lifetime: 24h
//
// Thread-safety: plain values.
#pragma once

#include <boost/describe.hpp>

#include <optional>
#include <string>

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

// conduit::load_config<WildfireConfiguration>(path), compiled in wildfire_configuration.cpp:
// decoding instantiates conduit's configuration reader for the struct (about a second of
// compile time), which the channel, the file edited most, then does not pay on each edit.
WildfireConfiguration load_configuration(const std::string& path);

}  // namespace wildfire
