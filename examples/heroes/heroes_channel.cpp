// Implementation of the demo's channel.
#include "heroes_channel.hpp"

#include "conduit/config/configuration.hpp"
#include "conduit/db/database.hpp"
#include "conduit/http/file_controller.hpp"
#include "conduit/http/router.hpp"
#include "conduit/orm/data_model.hpp"
#include "hero.hpp"
#include "hero_controller.hpp"

namespace heroes {

const conduit::orm::DataModel& HeroesChannel::data_model() {
  static const auto model = conduit::orm::DataModel::of<Hero>();
  return model;
}

conduit::Task<void> HeroesChannel::prepare() {
  config_ = conduit::load_config<HeroesConfig>(options().config_path);
  // The tables come from migrations/ (`heroes db upgrade`), not from start-up: on Heroku
  // the release phase applies them before any web dyno starts.
  database_ = conduit::db::Database::open(config_.database);
  co_return;
}

conduit::Task<void> HeroesChannel::close() {
  if (database_) co_await database_->close();
}

std::shared_ptr<conduit::Controller> HeroesChannel::entry_point() {
  auto router = std::make_shared<conduit::Router>();

  // Conduit's default template endpoint.
  router->route("/example")
      .link_function([](conduit::Request&) -> conduit::Task<conduit::Response> {
        co_return conduit::Response::ok(boost::json::object{{"key", "value"}});
      });

  // TechEmpower's plaintext and JSON tests (bench/ measures these).
  router->route("/plaintext")
      .link_function([](conduit::Request&) -> conduit::Task<conduit::Response> {
        co_return conduit::Response::text(200, "Hello, World!");
      });
  router->route("/json").link_function([](conduit::Request&) -> conduit::Task<conduit::Response> {
    co_return conduit::Response::ok(boost::json::object{{"message", "Hello, World!"}});
  });

  router->route("/heroes/[:id]").link(make_hero_controller(database_));

  if (config_.public_directory) {
    router->route("/files/*").link<conduit::FileController>(*config_.public_directory);
  }
  return router;
}

}  // namespace heroes
