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

#include "conduit/config/config_error.hpp"
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

  // Run by the decoder: an empty baseURL is refused as
  // "config.yaml:2:12: payments.baseURL: must not be empty".
  void validate() const;
};
BOOST_DESCRIBE_STRUCT(APIConfiguration, (), (base_url, client_id, client_secret))

inline void APIConfiguration::validate() const {
  if (base_url.empty()) throw ConfigFieldError(&APIConfiguration::base_url, "must not be empty");
}

}  // namespace conduit
