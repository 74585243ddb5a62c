// The two TechEmpower tables as ORM models: World (10,000 rows of id and randomNumber)
// and Fortune (12 rows of id and message). The tables and their rows come from
// schema.sql (bench/db_bench.sh loads it); the application never creates them.
//
// Thread-safety: plain value types.
#pragma once

#include <boost/describe.hpp>

#include <cstdint>
#include <string>

#include "conduit/orm/orm.hpp"

namespace techempower {

struct World {
  std::int32_t id = 0;
  std::int32_t random_number = 0;

  static constexpr auto table = "world";
  // TechEmpower's DDL writes randomNumber unquoted, so PostgreSQL folds it to lower case.
  static constexpr conduit::orm::Column columns[] = {
      {.member = "random_number", .name = "randomnumber"},
  };
};
BOOST_DESCRIBE_STRUCT(World, (), (id, random_number))

struct Fortune {
  std::int32_t id = 0;
  std::string message;

  static constexpr auto table = "fortune";
};
BOOST_DESCRIBE_STRUCT(Fortune, (), (id, message))

}  // namespace techempower
