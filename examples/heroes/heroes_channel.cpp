// Implementation of the demo's channel.
#include "heroes_channel.hpp"

#include "conduit/core/log.hpp"
#include "conduit/http/file_controller.hpp"
#include "conduit/http/router.hpp"
#include "conduit/orm/data_model.hpp"
#include "conduit/orm/managed_object_controller.hpp"
#include "conduit/orm/query.hpp"
#include "conduit/orm/schema_sql.hpp"
#include "hero.hpp"

namespace heroes {

namespace {

const conduit::orm::DataModel& data_model() {
  static const auto model = conduit::orm::DataModel::of<Hero>();
  return model;
}

conduit::Task<bool> heroes_table_exists(conduit::db::Database& db) {
  // (Not a ?: with co_await in both arms: GCC 12 miscompiles that.)
  std::string_view sql =
      db.dialect() == conduit::db::Dialect::sqlite
          ? "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'heroes'"
          : "SELECT 1 FROM pg_tables WHERE tablename = 'heroes' AND schemaname = current_schema()";
  auto result = co_await db.execute(sql);
  co_return result.size() > 0;
}

// Until migrations land (`heroes db upgrade`), the demo creates its table at start-up and
// seeds it from the configuration. Several loops may race to do it: whoever loses finds
// the table there and carries on.
conduit::Task<void> ensure_schema(conduit::db::Database& db, const HeroesConfig& config) {
  if (co_await heroes_table_exists(db)) co_return;
  std::exception_ptr failure;
  try {
    co_await db.transaction([&](conduit::db::Transaction& tx) -> conduit::Task<void> {
      co_await conduit::orm::create_schema(tx, data_model().schema());
      for (const auto& seed : config.heroes) {
        Hero hero;
        hero.name = seed.name;
        co_await conduit::orm::Query<Hero>(tx).insert(hero);
      }
    });
    conduit::log::info("created table heroes with {} hero(es)", config.heroes.size());
  } catch (const conduit::db::DatabaseError&) {
    failure = std::current_exception();
  }
  // (co_await is not allowed inside a catch block.)
  if (failure && !(co_await heroes_table_exists(db))) std::rethrow_exception(failure);
}

}  // namespace

conduit::Task<void> HeroesChannel::prepare() {
  config_ = conduit::load_config<HeroesConfig>(options().config_path);
  database_ = conduit::db::Database::open(config_.database);
  co_await ensure_schema(*database_, config_);
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

  router->route("/heroes/[:id]").link<conduit::orm::ManagedObjectController<Hero>>(database_);

  if (config_.public_directory) {
    router->route("/files/*").link<conduit::FileController>(*config_.public_directory);
  }
  return router;
}

}  // namespace heroes
