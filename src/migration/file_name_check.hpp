// Internal to the migration module: the file-name check shared by the file and directory
// readers.
//
// Thread-safety: a pure function.
#pragma once

#include <filesystem>

#include "conduit/migration/migration_file.hpp"

namespace conduit::migration {

// parse_migration_file_name(path's file name), or a MigrationError naming the file and
// saying what a migration file name looks like.
MigrationFileName checked_migration_file_name(const std::filesystem::path& path);

}  // namespace conduit::migration
