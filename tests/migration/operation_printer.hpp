// Test helper: GoogleTest prints migration operations as the file lines they would be
// written as, instead of raw bytes, when an expectation on them fails.
//
// Thread-safety: a pure function.
#pragma once

#include <ostream>

#include "conduit/migration/migration_file.hpp"

namespace conduit::migration {

inline void PrintTo(const Operation& operation, std::ostream* out) {
  Migration migration;
  migration.version = 1;
  migration.operations.push_back(operation);
  const std::string text = write_migration(migration);
  // Drop the comment line and "operations:\n".
  *out << text.substr(text.find("  - "));
}

}  // namespace conduit::migration
