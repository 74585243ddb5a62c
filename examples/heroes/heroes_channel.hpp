// HeroesChannel: the demo application's channel: configuration, database, routes.
//
// Thread-safety: one instance per event loop, each with its own database pool.
#pragma once

#include <memory>

#include "conduit/app/application_channel.hpp"
#include "heroes_config.hpp"

// Named only by pointer and reference here: main.cpp, which includes this header, need not
// parse the database and ORM headers (heroes_channel.cpp includes them).
namespace conduit::db {
class Database;
}
namespace conduit::orm {
class DataModel;
}

namespace heroes {

class HeroesChannel : public conduit::ApplicationChannel {
 public:
  // The models `heroes db generate|validate|schema` compare with migrations/.
  static const conduit::orm::DataModel& data_model();

  conduit::Task<void> prepare() override;
  std::shared_ptr<conduit::Controller> entry_point() override;
  conduit::Task<void> close() override;

 private:
  HeroesConfig config_;
  std::shared_ptr<conduit::db::Database> database_;
};

}  // namespace heroes
