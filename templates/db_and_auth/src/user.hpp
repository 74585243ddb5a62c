// wildfire's resource owner: conduit's ResourceOwner (username, hashed
// password, salt; the columns Conduit's managed auth reads) plus the application's own
// field. One declaration drives the table, the JSON and the migration.
//
// Thread-safety: a plain value type.
#pragma once

#include <boost/describe.hpp>

#include <optional>
#include <string>

#include "conduit/auth/models.hpp"

namespace wildfire {

struct User : conduit::auth::ResourceOwner {
  std::optional<std::string> display_name;

  static constexpr auto table = "_user";
  static constexpr auto columns = conduit::auth::resource_owner_columns({
      {.member = "display_name", .name = "displayName"},
  });
};
BOOST_DESCRIBE_STRUCT(User, (conduit::auth::ResourceOwner), (display_name))

using Token = conduit::auth::AuthToken<User>;

}  // namespace wildfire
