// The application's routes.
#include "wildfire_channel.hpp"

#include "conduit/http/router.hpp"

namespace wildfire {

std::shared_ptr<conduit::Controller> WildfireChannel::entry_point() {
  auto router = std::make_shared<conduit::Router>();

  // GET /example -> {"key":"value"}
  router->route("/example")
      .link_function([](conduit::Request&) -> conduit::Task<conduit::Response> {
        co_return conduit::Response::ok(boost::json::object{{"key", "value"}});
      });

  return router;
}

}  // namespace wildfire
