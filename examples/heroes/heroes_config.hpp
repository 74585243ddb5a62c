// The demo's configuration file, declared once: config.yaml maps onto these structs
// (conduit::load_config in heroes_channel.cpp reads it).
//
// Thread-safety: plain values.
#pragma once

#include <boost/describe.hpp>

#include <optional>
#include <string>

#include "conduit/app/openapi_configuration.hpp"
#include "conduit/config/database_configuration.hpp"

namespace heroes {

struct HeroesConfig {
  // `sqlite:heroes.db` (the default config), `sqlite::memory:`, or a postgres:// URL;
  // heroku.yaml says `database: $DATABASE_URL`.
  conduit::DatabaseConfiguration database;
  // Directory served under /files/ (relative to the working directory).
  std::optional<std::string> public_directory;
  // `openapi: {enabled: true}` serves /openapi.json and /docs (read by `serve` itself;
  // declared here because load_config refuses keys the struct does not have).
  std::optional<conduit::OpenApiConfiguration> openapi;
};
BOOST_DESCRIBE_STRUCT(HeroesConfig, (), (database, public_directory, openapi))

}  // namespace heroes
