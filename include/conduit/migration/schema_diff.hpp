// Schema diff: the operations that turn one schema into another, which is what
// `db generate` writes into a new migration (the replay of the existing files against the
// model's schema) and what `db validate` reports.
//
//   auto diff = migration::diff_schemas(migration::replay(files), model.schema(),
//                                       {.tables = {{"_hero", "_heroes"}}});
//   for (const auto& w : diff.warnings) print("WARNING: " + w);
//
// As Conduit's Schema.differenceFrom: tables are created and deleted, columns added,
// deleted and altered (nullable, unique, indexed, default, delete rule: one alter_column per
// column) and unique sets replaced. Unlike Conduit, a table or column can be renamed, but
// only when `renames` says so; otherwise a changed name is a delete plus an add. What SQL
// cannot change in place (a column's type, primary key, autoincrement or the table its
// foreign key refers to, a table's primary key) is a MigrationError that says what to do
// instead. Warnings name the changes that lose data or may fail on a table with rows.
//
// The operations come in a fixed order, each valid on the schema the previous ones leave
// (apply_operations(from, diff.operations) gives a schema equal to `to`):
//   1. table renames, then column renames (sorted by name), so later steps use new names;
//   2. new tables, sorted by name (one create_table run: they may refer to each other);
//   3. per existing table, sorted by name: deleted columns, added columns, altered columns,
//      unique sets;
//   4. deleted tables, each after the deleted tables that refer to it (sorted by name
//      otherwise; in a reference cycle the referring column is deleted first).
//
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "conduit/migration/operation.hpp"
#include "conduit/orm/schema.hpp"

namespace conduit::migration {

struct Renames {
  // {old name, new name}
  std::vector<std::pair<std::string, std::string>> tables = {};
  struct Column {
    std::string table = {};  // the table's NEW name
    std::string from = {};
    std::string to = {};
  };
  std::vector<Column> columns = {};
};

struct SchemaDiff {
  std::vector<Operation> operations = {};
  // One line each, e.g. "deleting column '_hero.age' loses its values".
  std::vector<std::string> warnings = {};

  bool empty() const noexcept { return operations.empty(); }
};

// The operations from `from` to `to`. Throws MigrationError for a change SQL cannot make
// in place and for a rename that does not match the two schemas.
SchemaDiff diff_schemas(const orm::Schema& from, const orm::Schema& to,
                        const Renames& renames = {});

}  // namespace conduit::migration
