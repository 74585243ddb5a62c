// conduit::ConfigError: the one exception type of the configuration module.
//
// what() reads like a compiler diagnostic so it can be printed as-is at startup:
//   "config.yaml:4:9: database.port: expected an integer, got 'abc'"
//   "config.yaml: database: missing required key(s): 'host', 'port'"
// Every part but the message is optional; the parts are also available separately for
// callers that want to format them differently. Messages never contain passwords.
//
// Thread-safety: an immutable value type.
#pragma once

#include <stdexcept>
#include <string>

namespace conduit {

class ConfigError : public std::runtime_error {
 public:
  // A bare message with no location (e.g. from DatabaseConfiguration::parse_url).
  explicit ConfigError(std::string message);
  // `line`/`column` are 1-based, 0 when unknown; `path` is "" for the top level.
  ConfigError(std::string source, int line, int column, std::string path, std::string message);

  // The file name (or "<string>"), "" when the error has no source.
  const std::string& source() const noexcept { return source_; }
  int line() const noexcept { return line_; }
  int column() const noexcept { return column_; }
  // The key path, e.g. "servers[2].host"; "" at the top level.
  const std::string& path() const noexcept { return path_; }
  // What was wrong, without the location prefix.
  const std::string& message() const noexcept { return message_; }

 private:
  std::string source_;
  int line_ = 0;
  int column_ = 0;
  std::string path_;
  std::string message_;
};

}  // namespace conduit
