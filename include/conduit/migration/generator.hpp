// conduit::migration generate and validate: comparing the compiled data model with the
// migration files (`db generate`, `db validate`). Neither needs a database.
//
//   auto g = migration::generate_migration("migrations", model.schema(), {.name = "add_age"});
//   // g.file is the written file (empty when nothing changed); g.diff lists the operations
//   // and warnings to print.
//
// generate_migration replays the files into a schema, diffs it against the model's, and
// writes the next file: 00000001_initial.migration.yaml first (or --name), later ones
// NNNNNNNN_<name> with name "unnamed" by default, snake-cased. A rename is never guessed:
// Renames says it; without one a renamed column is a delete plus an add (and a warning).
// The directory is created if missing. Nothing to change: nothing is written.
//
// Thread-safety: plain functions; two generators writing the same directory at once race.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "conduit/migration/operation.hpp"
#include "conduit/migration/schema_diff.hpp"
#include "conduit/orm/schema.hpp"

namespace conduit::migration {

struct GenerateOptions {
  std::optional<std::string> name;  // default "initial" for the first file, else "unnamed"
  Renames renames;
};

struct GenerateResult {
  SchemaDiff diff;
  std::filesystem::path file;  // empty when nothing was written
  std::uint32_t version = 0;   // the new file's version
};

// Throws MigrationError for unreadable or inconsistent files, a bad name or a change that
// cannot be generated (see schema_diff.hpp).
GenerateResult generate_migration(const std::filesystem::path& directory, const orm::Schema& model,
                                  const GenerateOptions& options = {});

struct ValidateResult {
  SchemaDiff diff;  // what a new file would have to do; empty when valid
  std::uint32_t latest_version = 0;
  bool valid() const noexcept { return diff.operations.empty(); }
};

ValidateResult validate_migrations(const std::filesystem::path& directory,
                                   const orm::Schema& model);

// "AddAge" / "add-age" / "add age" -> "add_age"; throws MigrationError when nothing is left.
std::string snake_case_name(std::string_view name);

}  // namespace conduit::migration
