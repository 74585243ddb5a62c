// The smallest conduit application: one route, served by `consumer serve`.
#include <conduit/app/application.hpp>
#include <conduit/http/router.hpp>

class ConsumerChannel : public conduit::ApplicationChannel {
 public:
  std::shared_ptr<conduit::Controller> entry_point() override {
    auto router = std::make_shared<conduit::Router>();
    router->route("/hello").link_function(
        [](conduit::Request&) -> conduit::Task<conduit::Response> {
          co_return conduit::Response::text(200, "hello from an installed conduit");
        });
    return router;
  }
};

int main(int argc, char** argv) { return conduit::run<ConsumerChannel>(argc, argv, "consumer"); }
