// Implementation of the accounts example's controllers.
#include "user_controllers.hpp"

#include "conduit/auth/auth_server.hpp"
#include "conduit/auth/authorizer.hpp"
#include "conduit/auth/password.hpp"
#include "conduit/db/database.hpp"
#include "conduit/orm/query.hpp"

namespace accounts {

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
  post<&RegisterController::create>();
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
  if (co_await conduit::orm::Query<User>(*database_)
          .where(&User::username)
          .equal_to(user.username)
          .fetch_one()) {
    co_return conduit::Response::conflict(boost::json::object{{"error", "username is taken"}});
  }
  co_await conduit::orm::Query<User>(*database_).insert(user);
  // Conduit's template answers with a token for the new user, issued to the client that
  // registered it (whose Basic credentials the Authorizer already checked).
  auto client = conduit::auth::parse_basic_credentials(request.headers().get("authorization"));
  auto token = co_await auth_->password_grant(*client, input.username, input.password,
                                              std::nullopt);
  co_return conduit::Response::ok(conduit::auth::to_json(token));
}

MeController::MeController(std::shared_ptr<conduit::db::Database> database)
    : database_(std::move(database)) {
  get<&MeController::show>();
}

conduit::Task<conduit::Response> MeController::show(conduit::Request& request) {
  auto user = co_await conduit::orm::Query<User>(*database_)
                  .where(&User::id)
                  .equal_to(signed_in_user(request))
                  .fetch_one();
  if (!user) co_return conduit::Response::not_found(boost::json::object{{"error", "no such user"}});
  co_return conduit::Response::ok(*user);
}

UserController::UserController(std::shared_ptr<conduit::db::Database> database,
                               std::shared_ptr<conduit::auth::AuthServer> auth)
    : database_(std::move(database)), auth_(std::move(auth)) {
  get<&UserController::show>();
  put<&UserController::update>();
  delete_<&UserController::remove>();
}

conduit::Task<conduit::Response> UserController::show(conduit::Path<"id", std::int64_t> id) {
  auto user = co_await conduit::orm::Query<User>(*database_).where(&User::id).equal_to(id.value).fetch_one();
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
  auto updated = co_await conduit::orm::Query<User>(*database_)
                     .where(&User::id)
                     .equal_to(id.value)
                     .update_one(values, conduit::orm::FieldSet<User>::of<&User::display_name>());
  if (!updated) co_return conduit::Response::not_found(boost::json::object{{"error", "no such user"}});
  co_return conduit::Response::ok(*updated);
}

conduit::Task<conduit::Response> UserController::remove(conduit::Request& request,
                                                        conduit::Path<"id", std::int64_t> id) {
  if (signed_in_user(request) != id.value) {
    co_return conduit::Response::forbidden(
        boost::json::object{{"error", "you may delete only your own account"}});
  }
  co_await auth_->revoke_all_grants(id.value);
  co_await conduit::orm::Query<User>(*database_).where(&User::id).equal_to(id.value).delete_();
  co_return conduit::Response::no_content();
}

}  // namespace accounts
