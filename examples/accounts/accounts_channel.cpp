// Implementation of the accounts example's channel.
#include "accounts_channel.hpp"

#include "conduit/auth/auth_controller.hpp"
#include "conduit/auth/auth_redirect_controller.hpp"
#include "conduit/auth/auth_server.hpp"
#include "conduit/auth/authorizer.hpp"
#include "conduit/config/configuration.hpp"
#include "conduit/db/database.hpp"
#include "conduit/http/router.hpp"
#include "conduit/orm/data_model.hpp"
#include "user.hpp"
#include "user_controllers.hpp"

namespace accounts {

const conduit::orm::DataModel& AccountsChannel::data_model() {
  static const auto model = conduit::auth::AuthModels<User>::data_model();
  return model;
}

conduit::Task<void> AccountsChannel::prepare() {
  config_ = conduit::load_config<AccountsConfig>(options().config_path);
  database_ = conduit::db::Database::open(config_.database);
  auto auth_options = config_.auth.value_or(conduit::auth::AuthConfiguration{}).server_options();
  auth_options.owner_table = User::table;
  auth_ = std::make_shared<conduit::auth::AuthServer>(database_, std::move(auth_options));
  co_return;
}

conduit::Task<void> AccountsChannel::close() {
  if (database_) co_await database_->close();
}

std::shared_ptr<conduit::Controller> AccountsChannel::entry_point() {
  using conduit::auth::Authorizer;
  const auto paths = config_.auth.value_or(conduit::auth::AuthConfiguration{});
  auto router = std::make_shared<conduit::Router>();

  router->route(paths.token_path).link<conduit::auth::AuthController>(auth_);
  router->route(paths.form_path).link<conduit::auth::AuthRedirectController>(auth_);
  router->route(paths.revoke_path).link<conduit::auth::RevocationController>(auth_);

  router->route("/register")
      .link<Authorizer>(Authorizer::basic(auth_))
      .link<RegisterController>(database_, auth_);
  router->route("/me").link<Authorizer>(Authorizer::bearer(auth_)).link<MeController>(database_);
  router->route("/users/[:id]")
      .link<Authorizer>(Authorizer::bearer(auth_))
      .link<UserController>(database_, auth_);
  return router;
}

}  // namespace accounts
