// conduit::APIConfiguration: how to reach another HTTP API (Conduit's APIConfiguration).
//
//   payments:
//     baseURL: https://api.example.com/v1
//     clientID: $PAYMENTS_CLIENT_ID        # optional
//     clientSecret: $PAYMENTS_SECRET       # optional
//
// Thread-safety: a plain value type.
#pragma once

#include <boost/describe/class.hpp>
#include <optional>
#include <string>

#include "conduit/config/config_field.hpp"

namespace conduit {

struct APIConfiguration {
  std::string base_url;
  std::optional<std::string> client_id;
  std::optional<std::string> client_secret;

  static constexpr ConfigField config_fields[] = {
      {.member = "base_url", .key = "baseURL"},
      {.member = "client_id", .key = "clientID"},
      {.member = "client_secret", .key = "clientSecret"},
  };
};
BOOST_DESCRIBE_STRUCT(APIConfiguration, (), (base_url, client_id, client_secret))

}  // namespace conduit
