// The auth benchmark's server (bench/auth_bench.sh): the accounts example's channel with one
// more route, GET /open/users/[:id], served by the same UserController as the
// bearer-protected /users/[:id] but without the Authorizer in front.
//
// Thread-safety: one channel per event loop, as every channel.
#include <memory>

#include "accounts_channel.hpp"
#include "conduit/app/application.hpp"
#include "conduit/http/router.hpp"
#include "user_controllers.hpp"

namespace {

class AuthBenchChannel : public accounts::AccountsChannel {
 public:
  std::shared_ptr<conduit::Controller> entry_point() override {
    auto root = AccountsChannel::entry_point();
    auto router = std::static_pointer_cast<conduit::Router>(root);
    router->route("/open/users/[:id]").link<accounts::UserController>(database_, auth_);
    return router;
  }
};

}  // namespace

int main(int argc, char** argv) {
  return conduit::run<AuthBenchChannel>(argc, argv, "conduit_auth_bench");
}
