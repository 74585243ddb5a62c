// Implementation of the demo's channel.
#include "heroes_channel.hpp"

#include "conduit/http/file_controller.hpp"
#include "conduit/http/router.hpp"

namespace heroes {

conduit::Task<void> HeroesChannel::prepare() {
  config_ = conduit::load_config<HeroesConfig>(options().config_path);
  for (const auto& seed : config_.heroes) {
    Hero hero{store_->next_id++, seed.name};
    store_->heroes[hero.id] = hero;
  }
  co_return;
}

std::shared_ptr<conduit::Controller> HeroesChannel::entry_point() {
  auto router = std::make_shared<conduit::Router>();

  // Conduit's default template endpoint.
  router->route("/example").link_function([](conduit::Request&) -> conduit::Task<conduit::Response> {
    co_return conduit::Response::ok(boost::json::object{{"key", "value"}});
  });

  // TechEmpower's plaintext and JSON tests (bench/ measures these).
  router->route("/plaintext").link_function([](conduit::Request&) -> conduit::Task<conduit::Response> {
    co_return conduit::Response::text(200, "Hello, World!");
  });
  router->route("/json").link_function([](conduit::Request&) -> conduit::Task<conduit::Response> {
    co_return conduit::Response::ok(boost::json::object{{"message", "Hello, World!"}});
  });

  router->route("/heroes/[:id]").link<HeroController>(store_);

  if (config_.public_directory) {
    router->route("/files/*").link<conduit::FileController>(*config_.public_directory);
  }
  return router;
}

}  // namespace heroes
