// conduit::OpenApiConfiguration: the `openapi` key of an application's configuration file,
// which makes the running app serve its OpenAPI document and docs page (off by default):
//
//   openapi:
//     enabled: true          # default false
//     path: /openapi.json    # the document (default)
//     page: /docs            # the interactive docs page (default)
//
// `serve` reads it from --config-path (config.yaml) before the event loops start; a bad
// value stops the app with the file, line and key ("config.yaml:2:12: openapi.enabled:
// expected true or false, got 'maybe'"). `serve --docs` turns serving on whatever the file
// says. An application whose own configuration struct is loaded with load_config (which
// refuses unknown keys) declares the key there too, with this type:
//
//   std::optional<conduit::OpenApiConfiguration> openapi;
//
// Thread-safety: a plain value type.
#pragma once

#include <boost/describe/class.hpp>
#include <string>

#include "conduit/config/config_error.hpp"
#include "conduit/config/config_field.hpp"

namespace conduit {

struct OpenApiConfiguration {
  bool enabled = false;
  std::string path = "/openapi.json";
  std::string page = "/docs";

  static constexpr ConfigField config_fields[] = {
      {.member = "enabled", .has_default = true},
      {.member = "path", .has_default = true},
      {.member = "page", .has_default = true},
  };

  // Run by the decoder: both are absolute request paths, and different.
  void validate() const {
    if (path.empty() || path.front() != '/')
      throw ConfigFieldError(&OpenApiConfiguration::path, "must start with '/'");
    if (page.empty() || page.front() != '/')
      throw ConfigFieldError(&OpenApiConfiguration::page, "must start with '/'");
    if (page == path)
      throw ConfigFieldError(&OpenApiConfiguration::page, "must differ from openapi.path");
  }
};
BOOST_DESCRIBE_STRUCT(OpenApiConfiguration, (), (enabled, path, page))

}  // namespace conduit
