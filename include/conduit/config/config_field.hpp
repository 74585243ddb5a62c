// conduit::ConfigField: per-member options for configuration structs.
//
// A described struct may declare `static constexpr conduit::ConfigField config_fields[]`
// to give members a YAML key other than their C++ name and to mark members whose
// initializer is their default (C++ cannot tell an initialised member from one that is
// not, so the choice has to be spelt out):
//
//   struct ServerConfig {
//     std::string base_url;
//     int port = 8080;
//     static constexpr conduit::ConfigField config_fields[] = {
//         {.member = "base_url", .key = "baseURL"},
//         {.member = "port", .has_default = true},
//     };
//   };
//   BOOST_DESCRIBE_STRUCT(ServerConfig, (), (base_url, port))
//
// Names are checked at compile time against the described members. A derived struct
// that declares its own config_fields hides its base's, so it must repeat the entries
// for inherited members it wants to keep.
//
// Thread-safety: a constexpr value type.
#pragma once

#include <string_view>

namespace conduit {

struct ConfigField {
  // The C++ member name, as listed in BOOST_DESCRIBE_STRUCT.
  std::string_view member;
  // The YAML key; empty means the member name.
  std::string_view key = {};
  // When true, an absent or null key leaves the member at its initial value instead of
  // being reported as missing.
  bool has_default = false;
};

}  // namespace conduit
