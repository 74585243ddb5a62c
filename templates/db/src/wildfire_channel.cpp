// The application's configuration, database and routes.
#include "wildfire_channel.hpp"

#include "conduit/db/database.hpp"
#include "conduit/http/router.hpp"
#include "model.hpp"

namespace wildfire {

conduit::Task<void> WildfireChannel::prepare() {
  config_ = load_configuration(options().config_path);
  // The tables come from migrations/ (`conduit db upgrade`), not from start-up; connections
  // open on first use.
  database_ = conduit::db::Database::open(config_.database);
  co_return;
}

conduit::Task<void> WildfireChannel::close() {
  if (database_) co_await database_->close();
}

std::shared_ptr<conduit::Controller> WildfireChannel::entry_point() {
  auto router = std::make_shared<conduit::Router>();

  // GET /example -> {"key":"value"}
  router->route("/example")
      .link_function([](conduit::Request&) -> conduit::Task<conduit::Response> {
        co_return conduit::Response::ok(boost::json::object{{"key", "value"}});
      });

  // GET, POST /model; GET, PUT, DELETE /model/:id
  router->route("/model/[:id]").link(make_model_controller(database_));

  return router;
}

}  // namespace wildfire
