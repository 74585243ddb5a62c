// conduit::migration::MigrationError: what is wrong with a migration file, a set of files, a
// diff or an upgrade, located as precisely as we know.
//
// A LocatedError (conduit/core/located_error.hpp): what() reads like a compiler diagnostic
// and is printed as-is by the `db` commands:
//   "migrations/00000002_add_age.migration.yaml:7:9: operations[0].add_column.column.type:
//    unknown column type 'strng' (use one of integer, big_integer, ...)"
//   "migrations/00000003_x.migration.yaml:4: delete_column: table '_hero' has no column 'agee'"
//   "migrations: two files have version 2: 00000002_a.migration.yaml, 00000002_b.migration.yaml"
// The file, line, column and key path are optional (empty/0 when unknown). Messages never
// contain passwords.
//
// Thread-safety: an immutable value type.
#pragma once

#include <string>

#include "conduit/core/located_error.hpp"

namespace conduit::migration {

class MigrationError : public LocatedError {
 public:
  using LocatedError::LocatedError;

  // The key path inside the file (LocatedError::key_path()).
  const std::string& key() const noexcept { return key_path(); }
};

}  // namespace conduit::migration
