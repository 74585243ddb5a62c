// The heroes table's REST controller: the one place the demo instantiates
// ManagedObjectController<Hero> (see hero_controller.hpp for why it has a file of its own).
#include "hero_controller.hpp"

#include <utility>

#include "conduit/orm/managed_object_controller.hpp"
#include "hero.hpp"

namespace heroes {

std::shared_ptr<conduit::Controller> make_hero_controller(
    std::shared_ptr<conduit::db::Database> database) {
  return std::make_shared<conduit::orm::ManagedObjectController<Hero>>(std::move(database));
}

}  // namespace heroes
