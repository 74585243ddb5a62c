// WildfireChannel: the application's entry point: its configuration, database, OAuth 2.0
// server and routes.
//
// Thread-safety: one instance per event loop, each with its own database pool; its
// controllers run on that loop only.
#pragma once

#include <memory>

#include "conduit/app/application_channel.hpp"
#include "wildfire_configuration.hpp"

// Named only by reference here, so main.cpp need not parse the database and ORM headers.
namespace conduit::db {
class Database;
}
namespace conduit::orm {
class DataModel;
}
namespace conduit::auth {
class AuthServer;
}

namespace wildfire {

class WildfireChannel : public conduit::ApplicationChannel {
 public:
  // The models `conduit db generate|validate|schema` compare with migrations/: users,
  // conduit's managed-auth tables and Model.
  static const conduit::orm::DataModel& data_model();

  conduit::Task<void> prepare() override;
  std::shared_ptr<conduit::Controller> entry_point() override;
  conduit::Task<void> close() override;

 private:
  WildfireConfiguration config_;
  std::shared_ptr<conduit::db::Database> database_;
  std::shared_ptr<conduit::auth::AuthServer> auth_;
};

}  // namespace wildfire
