// conduit::ConfigError: the one exception type of the configuration module.
//
// A LocatedError (conduit/core/located_error.hpp), so what() reads like a compiler
// diagnostic and can be printed as-is at startup:
//   "config.yaml:4:9: database.port: expected an integer, got 'abc'"
//   "config.yaml: database: missing required key(s): 'host', 'port'"
// Every part but the message is optional. Messages never contain passwords.
//
// Thread-safety: an immutable value type.
#pragma once

#include <string>

#include "conduit/core/located_error.hpp"

namespace conduit {

class ConfigError : public LocatedError {
 public:
  using LocatedError::LocatedError;

  // The configuration's own names for file() and key_path().
  const std::string& source() const noexcept { return file(); }
  const std::string& path() const noexcept { return key_path(); }
};

}  // namespace conduit
