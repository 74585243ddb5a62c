// HeroController: the /heroes/[:id] resource of the demo.
//
// Heroes live in memory (one store per event loop) until the managed-object layer lands;
// the controller shows typed bindings: path, query and body.
//
// Thread-safety: used by one event loop, like every controller.
#pragma once

#include <boost/describe.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "conduit/http/resource_controller.hpp"

namespace heroes {

struct Hero {
  std::int64_t id = 0;
  std::string name;
};
BOOST_DESCRIBE_STRUCT(Hero, (), (id, name))

struct HeroInput {
  std::string name;
};
BOOST_DESCRIBE_STRUCT(HeroInput, (), (name))

struct HeroStore {
  std::map<std::int64_t, Hero> heroes;
  std::int64_t next_id = 1;
};

class HeroController : public conduit::ResourceController {
 public:
  explicit HeroController(std::shared_ptr<HeroStore> store);

  conduit::Task<conduit::Response> list(conduit::Query<"name", std::optional<std::string>> name);
  conduit::Task<conduit::Response> get_one(conduit::Path<"id", std::int64_t> id);
  conduit::Task<conduit::Response> create(conduit::Body<HeroInput> body);
  conduit::Task<conduit::Response> update(conduit::Path<"id", std::int64_t> id,
                                          conduit::Body<HeroInput> body);
  conduit::Task<conduit::Response> remove(conduit::Path<"id", std::int64_t> id);

 private:
  std::shared_ptr<HeroStore> store_;
};

}  // namespace heroes
