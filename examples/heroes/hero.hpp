// The demo's data model: one declaration drives the table, JSON and validation.
//
// Thread-safety: a plain value type.
#pragma once

#include <boost/describe.hpp>

#include <cstdint>
#include <string>

#include "conduit/orm/orm.hpp"

namespace heroes {

struct Hero {
  std::int64_t id = 0;
  std::string name;

  static constexpr auto table = "heroes";
  static constexpr conduit::orm::Column columns[] = {
      {.member = "name",
       .unique = true,
       .validators = {conduit::orm::length(1, 100)},
       .description = "The hero's name, unique among heroes",
       .example = "Mr. Incredible"},
  };
};
BOOST_DESCRIBE_STRUCT(Hero, (), (id, name))

}  // namespace heroes
