// Migration files: one YAML file per version in the migrations directory, named
// `00000002_add_age.migration.yaml` (the version, zero-padded to 8 digits, '_', a snake_case
// name). `db generate` writes them, people review and edit them, `db upgrade` applies them.
//
//   # conduit migration 2: add_age
//   operations:
//     - create_table:
//         name: _team
//         columns:
//           - {name: id, type: big_integer, primary_key: true, autoincrement: true}
//           - {name: name, type: text, unique: true}
//           - {name: owner_id, type: big_integer, nullable: true, indexed: true,
//              references: {table: _user, column: id, on_delete: cascade}}
//           - {name: created, type: timestamp, default: "now()"}
//         unique_sets: [[name, owner_id]]
//     - add_column: {table: _hero, column: {name: age, type: integer}, initial_value: "0"}
//     - delete_column: {table: _hero, column: age}
//     - rename_column: {table: _hero, from: nam, to: name}
//     - alter_column: {table: _hero, column: name, nullable: true, default: null}
//     - delete_table: {table: _old}
//     - rename_table: {from: _a, to: _b}
//     - alter_unique_sets: {table: _hero, unique_sets: [[a, b]]}
//     - sql: "UPDATE _hero SET age = 0"
//     - sql:
//         all: "UPDATE _hero SET rating = 0"      # every dialect without its own text
//         postgres: "CREATE EXTENSION IF NOT EXISTS pgcrypto"
//         sqlite: "SELECT 1"
//   seed:
//     - "INSERT INTO _hero (name) VALUES ('Bob')"
//
// Keys:
//   operations (required; `[]` when there are none) and seed (optional): lists.
//   Each operation is a map with exactly one key, the operation's name (operation_key()).
//   A column: name and type (required; orm::to_string(ColumnType) names), then nullable,
//   primary_key, autoincrement, unique, indexed (true/false, default false), default (raw
//   SQL such as "'x'", "0" or "now()"; absent or null: no default) and references
//   {table, column, on_delete} (on_delete: an orm::to_string(DeleteRule) name, default
//   nullify). The writer leaves out keys that have their default value, except on_delete.
//   alter_column: table and column (required); every other key that is present is the
//   column's new state, and `default: null` drops the default (absent: unchanged).
//   initial_value (add_column, alter_column): raw SQL for the rows that already exist
//   when the column becomes NOT NULL; it is not kept as a default.
//   sql: a string, or a map with at least one of all, postgres, sqlite.
// Consecutive create_table operations are created together: their foreign keys may refer
// to any table among them (see apply_operations in replay.hpp). delete_column also drops
// the unique sets that name the column (PostgreSQL drops their indexes with it).
//
// Values are never substituted from environment variables (`$X` is just text). The
// writer's output is deterministic, quotes raw SQL always and names only when YAML needs
// it, writes multi-line SQL as `|-` blocks, and parses back to an equal Migration.
//
// Errors are MigrationError with the file, line, column and key path of the problem, e.g.
// "migrations/00000002_add_age.migration.yaml:7:41: operations[0].add_column.column.type:
//  unknown column type 'strng' (use one of integer, big_integer, ...)".
//
// Thread-safety: pure functions; the readers only read the file system.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conduit/migration/operation.hpp"

namespace conduit::migration {

inline constexpr std::string_view kMigrationFileSuffix = ".migration.yaml";

// The key that names `operation` in a file: "create_table", "add_column", ..., "sql".
std::string_view operation_key(const Operation& operation);

struct MigrationFileName {
  std::uint32_t version = 0;
  std::string name;
};

// "00000002_add_age.migration.yaml" -> {2, "add_age"}; nullopt for a name that does not
// match ^([0-9]+)_([a-z0-9_]*)\.migration\.yaml$ or whose version is 0 or above 2^32-1.
std::optional<MigrationFileName> parse_migration_file_name(std::string_view file_name);

// "00000002_add_age.migration.yaml". Throws MigrationError for a version 0 or a name that
// is not snake_case ([a-z0-9_]*).
std::string migration_file_name(std::uint32_t version, std::string_view name);

// Parses the text of the file at `path`; the version and name come from the file name
// (the directory part is only used in messages). Fills Migration::operation_lines.
Migration parse_migration(std::string_view yaml, const std::filesystem::path& path);

// Reads and parses one file.
Migration read_migration_file(const std::filesystem::path& path);

// Every `*.migration.yaml` file of `directory`, sorted by version. A missing directory has
// none. Other files are ignored; a `.migration.yaml` file with a bad name and two files
// with the same version are errors.
std::vector<Migration> read_migration_directory(const std::filesystem::path& directory);

// The file's text: a comment line naming the migration, then operations and seed.
std::string write_migration(const Migration& migration);

}  // namespace conduit::migration
