// The demo's configuration file, declared once: config.yaml maps onto these structs.
//
// Thread-safety: plain values.
#pragma once

#include <boost/describe.hpp>

#include <optional>
#include <string>
#include <vector>

#include "conduit/config/configuration.hpp"

namespace heroes {

struct HeroSeed {
  std::string name;
};
BOOST_DESCRIBE_STRUCT(HeroSeed, (), (name))

struct HeroesConfig {
  // Heroes the demo starts with.
  std::vector<HeroSeed> heroes;
  // Directory served under /files/ (relative to the working directory).
  std::optional<std::string> public_directory;
};
BOOST_DESCRIBE_STRUCT(HeroesConfig, (), (heroes, public_directory))

}  // namespace heroes
