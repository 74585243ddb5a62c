// Test fixtures: the described structs the http suites bind requests to (a hero as a
// client sends it, and as stored with its id).
//
// Thread-safety: plain value types.
#pragma once

#include <boost/describe.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace conduit::testing {

enum class Side { hero, villain };
BOOST_DESCRIBE_ENUM(Side, hero, villain)

struct HeroInput {
  std::string name;
  std::optional<int> age;
  Side side = Side::hero;
  std::vector<std::string> powers;
};
BOOST_DESCRIBE_STRUCT(HeroInput, (), (name, age, side, powers))

struct Hero : HeroInput {
  std::int64_t id = 0;
};
BOOST_DESCRIBE_STRUCT(Hero, (HeroInput), (id))

}  // namespace conduit::testing
