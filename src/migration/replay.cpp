// Implementation of migration replay: each operation checked against, then applied to, an
// orm::Schema value.
//
// Thread-safety: stateless functions.
#include "conduit/migration/replay.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "conduit/migration/migration_error.hpp"
#include "conduit/migration/migration_file.hpp"

namespace conduit::migration {
namespace {

using orm::Schema;
using orm::SchemaColumn;
using orm::SchemaTable;

[[noreturn]] void fail(std::string message) { throw MigrationError(std::move(message)); }

std::string in_quotes(const std::string& text) { return "'" + text + "'"; }
std::string qualified(const std::string& table, const std::string& column) {
  return "'" + table + "." + column + "'";
}

std::string set_text(const std::vector<std::string>& set) {
  std::string out = "[";
  for (std::size_t i = 0; i < set.size(); ++i) out += (i ? ", " : "") + set[i];
  return out + "]";
}

SchemaTable& table_of(Schema& schema, const std::string& name) {
  SchemaTable* table = schema.find_table(name);
  if (!table) fail("table " + in_quotes(name) + " does not exist");
  return *table;
}

SchemaColumn& column_of(SchemaTable& table, const std::string& name) {
  SchemaColumn* column = table.find_column(name);
  if (!column) fail("table " + in_quotes(table.name) + " has no column " + in_quotes(name));
  return *column;
}

// PostgreSQL keeps the first 63 bytes of a name and silently drops the rest; the index
// and constraint names derived from a table and column ("t_col_fkey", "t_col_idx",
// "t_col_key", "t_col_seq", "t_pkey", "t_unique2_idx") would then no longer be the names
// the migration SQL and the catalog checks expect. Refused here, where the file and line
// are known, rather than found out by a failing upgrade.
constexpr std::size_t kMaxNameBytes = 63;

void check_name_lengths(const std::string& table, const std::string& column) {
  const std::string longest = table + "_" + column + "_fkey";
  if (longest.size() > kMaxNameBytes) {
    fail("table " + in_quotes(table) + " and column " + in_quotes(column) + " make the name " +
         in_quotes(longest) + " (" + std::to_string(longest.size()) +
         " bytes), but PostgreSQL keeps only " + std::to_string(kMaxNameBytes) +
         " bytes of a name: shorten the table or the column name");
  }
}

void check_name_lengths(const SchemaTable& table) {
  const std::string longest = table.name + "_unique99_idx";
  if (longest.size() > kMaxNameBytes) {
    fail("table name " + in_quotes(table.name) + " is too long: the names derived from it (" +
         in_quotes(table.name + "_unique2_idx") + ") must fit in the " +
         std::to_string(kMaxNameBytes) + " bytes PostgreSQL keeps of a name; shorten it");
  }
  for (const SchemaColumn& column : table.columns) check_name_lengths(table.name, column.name);
}

void check_table_name_free(const Schema& schema, const std::string& name) {
  if (name.empty()) fail("a table needs a name");
  if (schema.find_table(name)) fail("table " + in_quotes(name) + " already exists");
}

// The column's foreign key names a table and column that exist.
void check_reference(const Schema& schema, const SchemaTable& table, const SchemaColumn& column) {
  if (!column.relationship) return;
  const orm::ForeignKey& key = *column.relationship;
  const SchemaTable* target = key.table == table.name ? &table : schema.find_table(key.table);
  if (!target) {
    fail("column " + qualified(table.name, column.name) + " refers to table " +
         in_quotes(key.table) + ", which does not exist");
  }
  if (!target->find_column(key.column)) {
    fail("column " + qualified(table.name, column.name) + " refers to column " +
         qualified(key.table, key.column) + ", which does not exist");
  }
}

void check_unique_sets(const SchemaTable& table) {
  for (const auto& set : table.unique_sets) {
    if (set.empty()) fail("table " + in_quotes(table.name) + " has an empty unique set");
    for (std::size_t i = 0; i < set.size(); ++i) {
      if (!table.find_column(set[i])) {
        fail("unique set " + set_text(set) + " of table " + in_quotes(table.name) +
             " names column " + in_quotes(set[i]) + ", which does not exist");
      }
      if (std::find(set.begin(), set.begin() + static_cast<std::ptrdiff_t>(i), set[i]) !=
          set.begin() + static_cast<std::ptrdiff_t>(i)) {
        fail("unique set " + set_text(set) + " of table " + in_quotes(table.name) +
             " names column " + in_quotes(set[i]) + " twice");
      }
    }
  }
}

// Every column (other than those of `except`) whose foreign key refers to `table`
// (and to `column`, when given).
std::vector<std::string> referrers(const Schema& schema, const std::string& table,
                                   const std::string* column, const std::string& except) {
  std::vector<std::string> out;
  for (const SchemaTable& other : schema.tables) {
    if (other.name == except) continue;
    for (const SchemaColumn& c : other.columns) {
      if (c.relationship && c.relationship->table == table &&
          (!column || c.relationship->column == *column)) {
        out.push_back(qualified(other.name, c.name));
      }
    }
  }
  return out;
}

std::string refer_to_it(const std::vector<std::string>& columns) {
  std::string out = columns.size() == 1 ? "column " : "columns ";
  for (std::size_t i = 0; i < columns.size(); ++i) out += (i ? ", " : "") + columns[i];
  return out + (columns.size() == 1 ? " refers to it" : " refer to it");
}

// Adds the table after checking everything but its foreign keys.
void add_table(Schema& schema, const SchemaTable& table) {
  check_table_name_free(schema, table.name);
  if (table.columns.empty()) fail("table " + in_quotes(table.name) + " has no columns");
  const SchemaColumn* primary_key = nullptr;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    const SchemaColumn& column = table.columns[i];
    if (column.name.empty()) fail("a column of table " + in_quotes(table.name) + " has no name");
    for (std::size_t j = 0; j < i; ++j) {
      if (table.columns[j].name == column.name) {
        fail("table " + in_quotes(table.name) + " has two columns named " + in_quotes(column.name));
      }
    }
    if (column.primary_key && primary_key) {
      fail("table " + in_quotes(table.name) + " has two primary key columns, " +
           in_quotes(primary_key->name) + " and " + in_quotes(column.name));
    }
    if (column.primary_key) primary_key = &column;
  }
  check_unique_sets(table);
  check_name_lengths(table);
  schema.tables.push_back(table);
}

void check_references(const Schema& schema, const SchemaTable& table) {
  for (const SchemaColumn& column : table.columns) check_reference(schema, table, column);
}

void apply(Schema& schema, const CreateTable& op) {
  add_table(schema, op.table);
  check_references(schema, op.table);
}

void apply(Schema& schema, const DeleteTable& op) {
  table_of(schema, op.table);
  const auto columns = referrers(schema, op.table, nullptr, op.table);
  if (!columns.empty())
    fail("cannot delete table " + in_quotes(op.table) + ": " + refer_to_it(columns));
  std::erase_if(schema.tables, [&](const SchemaTable& t) { return t.name == op.table; });
}

void apply(Schema& schema, const RenameTable& op) {
  table_of(schema, op.from);
  if (op.to.empty()) fail("a table needs a name");
  if (schema.find_table(op.to)) {
    fail("cannot rename table " + in_quotes(op.from) + " to " + in_quotes(op.to) + ": table " +
         in_quotes(op.to) + " already exists");
  }
  SchemaTable renamed = table_of(schema, op.from);
  renamed.name = op.to;
  check_name_lengths(renamed);
  for (SchemaTable& table : schema.tables) {
    for (SchemaColumn& column : table.columns) {
      if (column.relationship && column.relationship->table == op.from)
        column.relationship->table = op.to;
    }
  }
  table_of(schema, op.from).name = op.to;
}

void apply(Schema& schema, const AddColumn& op) {
  SchemaTable& table = table_of(schema, op.table);
  if (op.column.name.empty()) fail("a column needs a name");
  if (table.find_column(op.column.name)) {
    fail("table " + in_quotes(op.table) + " already has a column " + in_quotes(op.column.name));
  }
  if (op.column.primary_key) {
    if (const SchemaColumn* key = table.primary_key()) {
      fail("table " + in_quotes(op.table) + " already has a primary key, " + in_quotes(key->name));
    }
  }
  check_reference(schema, table, op.column);
  check_name_lengths(op.table, op.column.name);
  table.columns.push_back(op.column);
}

void apply(Schema& schema, const DeleteColumn& op) {
  SchemaTable& table = table_of(schema, op.table);
  const SchemaColumn& column = column_of(table, op.column);
  const std::string name = qualified(op.table, op.column);
  if (column.primary_key) fail("cannot delete column " + name + ": it is the table's primary key");
  if (table.columns.size() == 1)
    fail("cannot delete column " + name + ": it is the table's only column");
  const auto columns = referrers(schema, op.table, &op.column, "");
  if (!columns.empty()) fail("cannot delete column " + name + ": " + refer_to_it(columns));
  std::erase_if(table.columns, [&](const SchemaColumn& c) { return c.name == op.column; });
  std::erase_if(table.unique_sets, [&](const std::vector<std::string>& set) {
    return std::find(set.begin(), set.end(), op.column) != set.end();
  });
}

void apply(Schema& schema, const RenameColumn& op) {
  SchemaTable& table = table_of(schema, op.table);
  column_of(table, op.from);
  if (op.to.empty()) fail("a column needs a name");
  if (table.find_column(op.to)) {
    fail("cannot rename column " + qualified(op.table, op.from) + " to " + in_quotes(op.to) +
         ": the table already has a column " + in_quotes(op.to));
  }
  check_name_lengths(op.table, op.to);
  column_of(table, op.from).name = op.to;
  for (auto& set : table.unique_sets) std::replace(set.begin(), set.end(), op.from, op.to);
  for (SchemaTable& other : schema.tables) {
    for (SchemaColumn& column : other.columns) {
      if (column.relationship && column.relationship->table == op.table &&
          column.relationship->column == op.from) {
        column.relationship->column = op.to;
      }
    }
  }
}

void apply(Schema& schema, const AlterColumn& op) {
  SchemaColumn& column = column_of(table_of(schema, op.table), op.column);
  if (op.on_delete && !column.relationship) {
    fail("column " + qualified(op.table, op.column) +
         " is not a foreign key, so it has no delete rule");
  }
  if (op.nullable) column.nullable = *op.nullable;
  if (op.unique) column.unique = *op.unique;
  if (op.indexed) column.indexed = *op.indexed;
  if (op.default_value) column.default_value = *op.default_value;
  if (op.on_delete) column.relationship->on_delete = *op.on_delete;
}

void apply(Schema& schema, const AlterUniqueSets& op) {
  SchemaTable& table = table_of(schema, op.table);
  SchemaTable changed = table;
  changed.unique_sets = op.unique_sets;
  check_unique_sets(changed);
  table.unique_sets = op.unique_sets;
}

void apply(Schema&, const RawSql&) {}

// Applies every operation, keeping in `at` the index of the one being applied so that a
// caller catching the error knows which operation failed.
void apply_all(Schema& schema, const std::vector<Operation>& operations, std::size_t& at) {
  for (at = 0; at < operations.size(); ++at) {
    if (!std::holds_alternative<CreateTable>(operations[at])) {
      std::visit([&schema](const auto& op) { apply(schema, op); }, operations[at]);
      continue;
    }
    const std::size_t first = at;
    std::size_t end = at;
    while (end < operations.size() && std::holds_alternative<CreateTable>(operations[end])) ++end;
    for (at = first; at < end; ++at) add_table(schema, std::get<CreateTable>(operations[at]).table);
    for (at = first; at < end; ++at) {
      const std::string& name = std::get<CreateTable>(operations[at]).table.name;
      check_references(schema, *schema.find_table(name));
    }
    at = end - 1;
  }
}

}  // namespace

void apply_operation(orm::Schema& schema, const Operation& operation) {
  orm::Schema changed = schema;
  std::visit([&changed](const auto& op) { apply(changed, op); }, operation);
  schema = std::move(changed);
}

void apply_operations(orm::Schema& schema, const std::vector<Operation>& operations) {
  std::size_t at = 0;
  apply_all(schema, operations, at);
}

void apply_migration(orm::Schema& schema, const Migration& migration) {
  std::size_t at = 0;
  try {
    apply_all(schema, migration.operations, at);
  } catch (const MigrationError& e) {
    const std::string file = migration.path.empty()
                                 ? "migration " + std::to_string(migration.version)
                                 : migration.path.string();
    const int line = at < migration.operation_lines.size() ? migration.operation_lines[at] : 0;
    throw MigrationError(file, line, 0, std::string(operation_key(migration.operations[at])),
                         e.message());
  }
}

orm::Schema replay(const std::vector<Migration>& migrations) {
  orm::Schema schema;
  for (const Migration& migration : migrations) apply_migration(schema, migration);
  return schema;
}

}  // namespace conduit::migration
