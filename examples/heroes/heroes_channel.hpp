// HeroesChannel: the demo application's channel: configuration, database, routes.
//
// Thread-safety: one instance per event loop, each with its own database pool.
#pragma once

#include <memory>

#include "conduit/app/application_channel.hpp"
#include "conduit/db/database.hpp"
#include "conduit/orm/data_model.hpp"
#include "heroes_config.hpp"

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
