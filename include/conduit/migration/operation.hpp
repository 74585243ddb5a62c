// conduit::migration::Operation: one step of a migration file, as a plain value.
//
// A migration is a list of schema operations plus optional seed statements. The same
// values are read from and written to migration files (migration_file.hpp), replayed
// onto an orm::Schema (replay.hpp), produced by diffing two schemas (schema_diff.hpp)
// and turned into SQL per dialect (migration_sql.hpp). Keeping them SQL-free is what lets
// one file apply to PostgreSQL and SQLite alike.
//
// Thread-safety: plain value types.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "conduit/orm/schema.hpp"

namespace conduit::migration {

// CREATE TABLE with its columns, indexes, unique sets and foreign keys.
struct CreateTable {
  orm::SchemaTable table;
  friend bool operator==(const CreateTable&, const CreateTable&) = default;
};

// DROP TABLE (its rows are lost).
struct DeleteTable {
  std::string table;
  friend bool operator==(const DeleteTable&, const DeleteTable&) = default;
};

// Renames a table, keeping its rows; indexes and constraints follow the new name.
struct RenameTable {
  std::string from;
  std::string to;
  friend bool operator==(const RenameTable&, const RenameTable&) = default;
};

// Adds a column. A NOT NULL column without a default needs `initial_value` (raw SQL, e.g.
// "0" or "'unknown'") for the rows that already exist; it is not kept as a default.
struct AddColumn {
  std::string table;
  orm::SchemaColumn column;
  std::optional<std::string> initial_value = std::nullopt;
  friend bool operator==(const AddColumn&, const AddColumn&) = default;
};

// Drops a column (its values are lost).
struct DeleteColumn {
  std::string table;
  std::string column;
  friend bool operator==(const DeleteColumn&, const DeleteColumn&) = default;
};

// Renames a column, keeping its values.
struct RenameColumn {
  std::string table;
  std::string from;
  std::string to;
  friend bool operator==(const RenameColumn&, const RenameColumn&) = default;
};

// Changes what may change about a column without rewriting its values: every field that is
// set is the new state. The type, primary key, autoincrement and the table a foreign key
// refers to cannot change (as in Conduit): delete and add a column instead.
struct AlterColumn {
  std::string table;
  std::string column;
  std::optional<bool> nullable = std::nullopt;
  std::optional<bool> unique = std::nullopt;
  std::optional<bool> indexed = std::nullopt;
  // Set: the new default; set to nullopt: the default is dropped; unset: unchanged.
  std::optional<std::optional<std::string>> default_value = std::nullopt;
  std::optional<orm::DeleteRule> on_delete = std::nullopt;
  // When the column becomes NOT NULL: the value (raw SQL) given to rows holding NULL.
  std::optional<std::string> initial_value = std::nullopt;
  friend bool operator==(const AlterColumn&, const AlterColumn&) = default;
};

// Replaces a table's multi-column unique sets.
struct AlterUniqueSets {
  std::string table;
  std::vector<std::vector<std::string>> unique_sets;
  friend bool operator==(const AlterUniqueSets&, const AlterUniqueSets&) = default;
};

// Hand-written SQL, run as it is; it does not change the replayed schema, so it is for
// data changes, extensions, views or functions, not for tables the model declares.
// `sql` runs on every dialect unless a dialect has its own text.
struct RawSql {
  std::optional<std::string> sql = std::nullopt;
  std::optional<std::string> postgres = std::nullopt;
  std::optional<std::string> sqlite = std::nullopt;
  friend bool operator==(const RawSql&, const RawSql&) = default;
};

using Operation = std::variant<CreateTable, DeleteTable, RenameTable, AddColumn, DeleteColumn,
                               RenameColumn, AlterColumn, AlterUniqueSets, RawSql>;

// One migration file.
struct Migration {
  std::uint32_t version = 0;
  std::string name = {};            // "initial", from the file name
  std::filesystem::path path = {};  // empty for a migration built in memory
  std::vector<Operation> operations = {};
  // SQL statements run after the operations, in the same transaction (Conduit's seed()).
  std::vector<std::string> seed = {};
  // Line of each operation in its file (same size as operations; 0 when unknown), so that
  // a failure while applying can name the file and line.
  std::vector<int> operation_lines = {};
};

// A human-readable one-line summary: "create table _hero", "add column _hero.age", ...
std::string describe(const Operation& operation);

}  // namespace conduit::migration
