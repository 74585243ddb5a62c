// wildfire's account controllers (register, /me, /users).
#include "user_controllers.hpp"

#include "conduit/auth/auth_controller.hpp"
#include "conduit/auth/auth_server.hpp"
#include "conduit/auth/authorizer.hpp"
#include "conduit/auth/password.hpp"
#include "conduit/db/database.hpp"
#include "conduit/orm/query.hpp"

namespace wildfire {

namespace {

// The signed-in user's id; the Authorizer in front guarantees a bearer authorization.
std::int64_t signed_in_user(const conduit::Request& request) {
  const conduit::auth::Authorization* authorization = conduit::auth::authorization(request);
  return authorization && authorization->owner_id ? *authorization->owner_id : 0;
}

}  // namespace

RegisterController::RegisterController(std::shared_ptr<conduit::db::Database> database,
                                       std::shared_ptr<conduit::auth::AuthServer> auth)
    : database_(std::move(database)), auth_(std::move(auth)) {
  post<&RegisterController::create>()
      .summary("Register a user; answers with an access token for them")
      .request_example(
          R"({"username": "bob@example.com", "password": "correct horse", "display_name": "Bob"})");
}

conduit::Task<conduit::Response> RegisterController::create(
    conduit::Request& request, conduit::Body<Registration> registration) {
  const Registration& input = registration.value;
  if (input.username.empty() || input.password.empty()) {
    co_return conduit::Response::error(400, "username and password are required");
  }
  User user;
  user.username = input.username;
  user.display_name = input.display_name;
  user.salt = conduit::auth::generate_salt();
  user.hashed_password = auth_->hash_password(input.password, user.salt);
  conduit::orm::Query<User> same_name(*database_);
  same_name.where(&User::username).equal_to(user.username);
  const std::optional<User> existing = co_await same_name.fetch_one();
  if (existing) {
    co_return conduit::Response::conflict(boost::json::object{{"error", "username is taken"}});
  }
  const auto columns = conduit::orm::FieldSet<User>::of<&User::username, &User::hashed_password,
                                                        &User::salt, &User::display_name>();
  conduit::orm::Query<User> insert(*database_);
  co_await insert.insert(user, columns);
  // Conduit's template answers with a token for the new user, issued to the client that
  // registered it (whose Basic credentials the Authorizer in front has checked). Arguments
  // of co_await are named values: GCC 12 mishandles temporaries there.
  // The token carries every scope the client may grant (a client with allowed scopes must
  // be asked for at least one).
  const conduit::auth::ClientCredentials client = *conduit::auth::basic_credentials(request);
  const std::string client_id = client.id;
  const std::optional<conduit::auth::ClientInfo> info = co_await auth_->client(client_id);
  const std::string all_scopes = info ? conduit::auth::to_string(info->allowed_scopes) : "";
  std::optional<std::string_view> scope;
  if (!all_scopes.empty()) scope = all_scopes;
  const conduit::auth::TokenResponse token =
      co_await auth_->password_grant(client, input.username, input.password, scope);
  co_return conduit::auth::token_response(token);
}

MeController::MeController(std::shared_ptr<conduit::db::Database> database)
    : database_(std::move(database)) {
  get<&MeController::show>().summary("The signed-in user");
}

conduit::Task<conduit::Response> MeController::show(conduit::Request& request) {
  conduit::orm::Query<User> query(*database_);
  query.where(&User::id).equal_to(signed_in_user(request));
  const std::optional<User> user = co_await query.fetch_one();
  if (!user) co_return conduit::Response::not_found(boost::json::object{{"error", "no such user"}});
  co_return conduit::Response::ok(*user);
}

UserController::UserController(std::shared_ptr<conduit::db::Database> database,
                               std::shared_ptr<conduit::auth::AuthServer> auth)
    : database_(std::move(database)), auth_(std::move(auth)) {
  get<&UserController::show>().summary("A user").parameter_example("id", "1");
  put<&UserController::update>()
      .summary("Change your own profile")
      .request_example(R"({"display_name": "Bobby"})");
  del<&UserController::remove>().summary("Delete your own account and its tokens").returns<void>();
}

conduit::Task<conduit::Response> UserController::show(conduit::Path<"id", std::int64_t> id) {
  conduit::orm::Query<User> query(*database_);
  query.where(&User::id).equal_to(id.value);
  const std::optional<User> user = co_await query.fetch_one();
  if (!user) co_return conduit::Response::not_found(boost::json::object{{"error", "no such user"}});
  co_return conduit::Response::ok(*user);
}

conduit::Task<conduit::Response> UserController::update(conduit::Request& request,
                                                        conduit::Path<"id", std::int64_t> id,
                                                        conduit::Body<ProfileChanges> changes) {
  if (signed_in_user(request) != id.value) {
    co_return conduit::Response::forbidden(
        boost::json::object{{"error", "you may change only your own account"}});
  }
  User values;
  values.display_name = changes.value.display_name;
  const auto changed = conduit::orm::FieldSet<User>::of<&User::display_name>();
  conduit::orm::Query<User> query(*database_);
  query.where(&User::id).equal_to(id.value);
  const std::optional<User> updated = co_await query.update_one(values, changed);
  if (!updated)
    co_return conduit::Response::not_found(boost::json::object{{"error", "no such user"}});
  co_return conduit::Response::ok(*updated);
}

conduit::Task<conduit::Response> UserController::remove(conduit::Request& request,
                                                        conduit::Path<"id", std::int64_t> id) {
  if (signed_in_user(request) != id.value) {
    co_return conduit::Response::forbidden(
        boost::json::object{{"error", "you may delete only your own account"}});
  }
  const std::int64_t owner = id.value;
  co_await auth_->revoke_all_grants(owner);
  conduit::orm::Query<User> query(*database_);
  query.where(&User::id).equal_to(owner);
  co_await query.delete_();
  co_return conduit::Response::no_content();
}

}  // namespace wildfire
