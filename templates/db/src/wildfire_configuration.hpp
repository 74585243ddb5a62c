// wildfire's configuration file, declared once: config.yaml (and heroku.yaml) map onto
// this struct; the channel's prepare() loads it with conduit::load_config.
//
// Thread-safety: plain values.
#pragma once

#include <boost/describe.hpp>

#include <optional>

#include "conduit/app/openapi_configuration.hpp"
#include "conduit/config/database_configuration.hpp"

namespace wildfire {

struct WildfireConfiguration {
  // `sqlite:wildfire.db` (config.yaml), or a postgres:// URL (heroku.yaml: $DATABASE_URL).
  conduit::DatabaseConfiguration database;
  // `openapi: {enabled: true}` serves /openapi.json and /docs (`serve` reads it).
  std::optional<conduit::OpenApiConfiguration> openapi;
};
BOOST_DESCRIBE_STRUCT(WildfireConfiguration, (), (database, openapi))

}  // namespace wildfire
