// The data model: one declaration drives the table (migrations/, `conduit db generate`),
// the JSON of /model and its validation.
//
// Thread-safety: a plain value type; the controller serves one event loop.
#pragma once

#include <boost/describe.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "conduit/orm/orm.hpp"

namespace conduit {
class Controller;
}
namespace conduit::db {
class Database;
}

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

// The /model/[:id] controller (GET, POST /model; GET, PUT, DELETE /model/:id). Built in
// model.cpp, so that editing the channel does not recompile the ORM's templates for Model.
std::shared_ptr<conduit::Controller> make_model_controller(
    std::shared_ptr<conduit::db::Database> database);

}  // namespace wildfire
