// Typed configuration files: map a YAML document onto plain C++ structs.
//
//   struct AppConfig {
//     std::string name;
//     std::uint16_t port = 8080;
//     std::optional<std::string> motd;
//     std::vector<std::string> admins;
//     conduit::DatabaseConfiguration database;
//     static constexpr conduit::ConfigField config_fields[] = {
//         {.member = "port", .has_default = true}};
//   };
//   BOOST_DESCRIBE_STRUCT(AppConfig, (), (name, port, motd, admins, database))
//
//   auto config = conduit::load_config<AppConfig>("config.yaml");
//
// Rules (Conduit's, tightened where Conduit was silent or surprising):
// - Keys are the member names, exactly and case-sensitively, unless config_fields gives a
//   member another key (see config_field.hpp). Keys the struct does not have are errors:
//   "unexpected keys found: 'a', 'b'", with a suggestion for near misses.
// - A member is required unless it is a std::optional or config_fields marks it
//   has_default; such a member keeps its initializer when the key is absent (nullopt for a
//   plain std::optional), and an explicit null sets a std::optional to nullopt. `key:`
//   with no value is null. Missing keys are reported together, before any type error:
//   "config.yaml: database: missing required key(s): 'host', 'port'".
//   (A member initializer alone cannot mark a default: C++ cannot observe it.)
// - Types: std::string (any scalar, as written), bool (true/false, also as strings; not
//   yes/no), integers of every width (decimal, 0x hex, 0o octal; range-checked; numeric
//   strings accepted), float/double, std::optional, std::vector, std::map /
//   std::unordered_map with string keys, std::chrono::duration ("250ms", "30s", "1h30m"),
//   std::filesystem::path, enums described with BOOST_DESCRIBE_ENUM (by enumerator name),
//   ConfigNode (the raw subtree), and nested described structs (public and inherited
//   members).
// - Environment: a scalar that is exactly `$NAME` (NAME = letters, digits, underscore, not
//   starting with a digit) is replaced by the variable's value, quoted or not, wherever a
//   value is read (struct members, list items, map values). An unset variable makes a
//   member absent (an error if it is required, which names the variable), is nullopt for
//   optional list items or map values, and is an error otherwise. Nothing is interpolated
//   inside longer text ("$HOST:5432" is literal). `$$NAME` is the literal text `$NAME`.
// - Hooks on a described or undescribed type T:
//     static T from_config(const ConfigNode&, const ConfigContext&);  // other shapes
//     void validate() const;  // runs after decoding; anything it throws becomes a
//                             // ConfigError located at the value, and a
//                             // ConfigFieldError(&T::member, "what was wrong") one
//                             // located at that member's value, its key in the path:
//                             // "config.yaml:4:9: database.port: must be ...
//   or specialise conduit::ConfigDecoder<T> for types you do not own.
// - Errors are conduit::ConfigError naming file, line, column and key path:
//   "config.yaml:4:9: database.port: expected an integer, got 'abc'".
//
// Thread-safety: the functions are reentrant. The default environment lookup calls
// std::getenv, which must not race with setenv in another thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "conduit/config/config_context.hpp"
#include "conduit/config/config_error.hpp"
#include "conduit/config/config_field.hpp"
#include "conduit/config/config_node.hpp"
#include "conduit/config/detail/decode.hpp"

namespace conduit {

// Decodes an already parsed document; its top level must be a map.
template <class T>
T decode_config(const ConfigNode& document, std::string_view source_name,
                ConfigOptions options = {}) {
  ConfigContext ctx(std::string(source_name), std::move(options));
  config::detail::require_top_level_map(document, ctx);
  return ctx.decode<T>(document);
}

// Parses YAML text; `source_name` is what errors call it.
template <class T>
T parse_config(std::string_view yaml, std::string_view source_name = "<string>",
               ConfigOptions options = {}) {
  return decode_config<T>(parse_yaml(yaml, source_name), source_name, std::move(options));
}

// Reads and parses the file at `path`; errors name the path as given.
template <class T>
T load_config(const std::string& path, ConfigOptions options = {}) {
  return decode_config<T>(read_yaml_file(path), path, std::move(options));
}

}  // namespace conduit
