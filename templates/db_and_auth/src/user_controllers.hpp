// wildfire's account controllers, behind conduit's Authorizer:
//   RegisterController  POST /register    (client Basic auth) creates a user, returns a token
//   MeController        GET /me           (bearer) the signed-in user
//   UserController      /users/[:id]      (bearer) GET any user; PUT, DELETE only yourself
//
// Thread-safety: like every controller, used by its own event loop only.
#pragma once

#include <boost/describe.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "conduit/http/resource_controller.hpp"
#include "conduit/orm/model_json.hpp"
#include "user.hpp"

namespace conduit::db {
class Database;
}
namespace conduit::auth {
class AuthServer;
}

namespace wildfire {

struct Registration {
  std::string username;
  std::string password;
  std::optional<std::string> display_name;
};
BOOST_DESCRIBE_STRUCT(Registration, (), (username, password, display_name))

struct ProfileChanges {
  std::optional<std::string> display_name;
};
BOOST_DESCRIBE_STRUCT(ProfileChanges, (), (display_name))

class RegisterController : public conduit::ResourceController {
 public:
  RegisterController(std::shared_ptr<conduit::db::Database> database,
                     std::shared_ptr<conduit::auth::AuthServer> auth);
  conduit::Task<conduit::Response> create(conduit::Request& request,
                                          conduit::Body<Registration> registration);

 private:
  std::shared_ptr<conduit::db::Database> database_;
  std::shared_ptr<conduit::auth::AuthServer> auth_;
};

class MeController : public conduit::ResourceController {
 public:
  explicit MeController(std::shared_ptr<conduit::db::Database> database);
  conduit::Task<conduit::Response> show(conduit::Request& request);

 private:
  std::shared_ptr<conduit::db::Database> database_;
};

class UserController : public conduit::ResourceController {
 public:
  UserController(std::shared_ptr<conduit::db::Database> database,
                 std::shared_ptr<conduit::auth::AuthServer> auth);
  conduit::Task<conduit::Response> show(conduit::Path<"id", std::int64_t> id);
  conduit::Task<conduit::Response> update(conduit::Request& request,
                                          conduit::Path<"id", std::int64_t> id,
                                          conduit::Body<ProfileChanges> changes);
  conduit::Task<conduit::Response> remove(conduit::Request& request,
                                          conduit::Path<"id", std::int64_t> id);

 private:
  std::shared_ptr<conduit::db::Database> database_;
  std::shared_ptr<conduit::auth::AuthServer> auth_;
};

}  // namespace wildfire
