// make_hero_controller: the REST controller of the heroes table (/heroes/[:id]).
//
// Declared apart from its definition so that heroes_channel.cpp, the file one edits to
// change routes, does not instantiate ManagedObjectController<Hero> (its ORM queries and
// route coroutines are most of a channel's compile time): editing routes recompiles the
// channel only, and a fresh build compiles the two files in parallel.
//
// Thread-safety: see ManagedObjectController (one instance per event loop).
#pragma once

#include <memory>

namespace conduit {
class Controller;
}
namespace conduit::db {
class Database;
}

namespace heroes {

// ManagedObjectController<Hero> on `database` (GET/POST /heroes, GET/PUT/DELETE /heroes/<id>).
std::shared_ptr<conduit::Controller> make_hero_controller(
    std::shared_ptr<conduit::db::Database> database);

}  // namespace heroes
