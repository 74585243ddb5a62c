// conduit::LocatedError: an error in a file the user wrote (a configuration file, a
// migration file), located as precisely as is known.
//
// what() reads like a compiler diagnostic, so it can be printed as-is:
//   "config.yaml:4:9: database.port: expected an integer, got 'abc'"
//   "migrations/00000003_x.migration.yaml:4: delete_column: table '_hero' has no column 'agee'"
// The file, line, column and key path are optional (empty or 0 when unknown) and left out of
// what() when they are; each part is also available on its own. ConfigError and
// migration::MigrationError derive from it, so a tool can report both the same way.
// Messages never contain passwords.
//
// Thread-safety: an immutable value type.
#pragma once

#include <stdexcept>
#include <string>

namespace conduit {

class LocatedError : public std::runtime_error {
 public:
  // A bare message with no location.
  explicit LocatedError(std::string message);
  // `line`/`column` are 1-based, 0 when unknown; `key_path` is "" at the top level.
  LocatedError(std::string file, int line, int column, std::string key_path, std::string message);

  // The file name (or "<string>"), "" when the error has no file.
  const std::string& file() const noexcept { return file_; }
  int line() const noexcept { return line_; }
  int column() const noexcept { return column_; }
  // The key path inside the file, e.g. "servers[2].host"; "" at the top level.
  const std::string& key_path() const noexcept { return key_path_; }
  // What was wrong, without the location prefix.
  const std::string& message() const noexcept { return message_; }

 private:
  std::string file_;
  int line_ = 0;
  int column_ = 0;
  std::string key_path_;
  std::string message_;
};

}  // namespace conduit
