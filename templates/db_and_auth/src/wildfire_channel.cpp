// The application's configuration, database, OAuth 2.0 server and routes.
//   POST /auth/token          OAuth 2.0 token endpoint (password, refresh_token,
//                             authorization_code, client_credentials)
//   GET|POST /auth/form       login page of the authorization-code flow (PKCE)
//   POST /auth/revoke         token revocation
//   POST /register            client Basic auth; creates a user, answers with a token
//   GET /me                   bearer: the signed-in user
//   GET|PUT|DELETE /users/[:id] bearer: read any user; change or delete only yourself
//   /model/[:id]              bearer: the managed-object controller of Model
#include "wildfire_channel.hpp"

#include "conduit/auth/auth_controller.hpp"
#include "conduit/auth/auth_redirect_controller.hpp"
#include "conduit/auth/auth_server.hpp"
#include "conduit/auth/authorizer.hpp"
#include "conduit/db/database.hpp"
#include "conduit/http/router.hpp"
#include "model.hpp"
#include "user.hpp"
#include "user_controllers.hpp"

namespace wildfire {

conduit::Task<void> WildfireChannel::prepare() {
  config_ = load_configuration(options().config_path);
  // The tables come from migrations/ (`conduit db upgrade`), not from start-up; connections
  // open on first use.
  database_ = conduit::db::Database::open(config_.database);
  auto auth_options = config_.auth.value_or(conduit::auth::AuthConfiguration{}).server_options();
  auth_options.owner_table = User::table;
  auth_ = std::make_shared<conduit::auth::AuthServer>(database_, std::move(auth_options));
  co_return;
}

conduit::Task<void> WildfireChannel::close() {
  if (database_) co_await database_->close();
}

std::shared_ptr<conduit::Controller> WildfireChannel::entry_point() {
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

  // GET /example -> {"key":"value"}
  router->route("/example")
      .link_function([](conduit::Request&) -> conduit::Task<conduit::Response> {
        co_return conduit::Response::ok(boost::json::object{{"key", "value"}});
      });

  // GET, POST /model; GET, PUT, DELETE /model/:id, for signed-in users.
  router->route("/model/[:id]")
      .link<Authorizer>(Authorizer::bearer(auth_))
      .link(make_model_controller(database_));

  return router;
}

}  // namespace wildfire
