// The data model: one declaration drives the table (migrations/, `conduit db generate`),
// the JSON of /model and its validation.
//
// Thread-safety: a plain value type.
#pragma once

#include <boost/describe.hpp>

#include <cstdint>
#include <string>

#include "conduit/orm/orm.hpp"

namespace wildfire {

struct Model {
  std::int64_t id = 0;
  std::string name;

  static constexpr auto table = "models";
  static constexpr conduit::orm::Column columns[] = {
      {.member = "name", .indexed = true, .validators = {conduit::orm::length(1, 200)}},
  };
};
BOOST_DESCRIBE_STRUCT(Model, (), (id, name))

}  // namespace wildfire
