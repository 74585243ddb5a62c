// conduit::migration::MigrationError: what is wrong with a migration file, a set of files, a
// diff or an upgrade, located as precisely as we know.
//
// what() reads like a compiler diagnostic and is printed as-is by the `db` commands:
//   "migrations/00000002_add_age.migration.yaml:7:9: operations[0].add_column.column.type:
//    unknown column type 'strng' (use one of integer, big_integer, ...)"
//   "migrations/00000003_x.migration.yaml:4: delete_column: table '_hero' has no column 'agee'"
//   "migrations: two files have version 2: 00000002_a.migration.yaml, 00000002_b.migration.yaml"
// The file, line, column and key path are optional (empty/0 when unknown). Messages never
// contain passwords.
//
// Thread-safety: an immutable value type.
#pragma once

#include <stdexcept>
#include <string>

namespace conduit::migration {

class MigrationError : public std::runtime_error {
 public:
  explicit MigrationError(std::string message);
  MigrationError(std::string file, int line, int column, std::string key, std::string message);

  const std::string& file() const noexcept { return file_; }
  int line() const noexcept { return line_; }
  int column() const noexcept { return column_; }
  const std::string& key() const noexcept { return key_; }
  const std::string& message() const noexcept { return message_; }

 private:
  std::string file_;
  int line_ = 0;
  int column_ = 0;
  std::string key_;
  std::string message_;
};

}  // namespace conduit::migration
