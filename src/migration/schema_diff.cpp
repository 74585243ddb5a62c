// Implementation of diff_schemas: matches the tables and columns of two schemas (by name,
// through the given renames), refuses changes SQL cannot make in place, and emits the
// operations in the order documented in schema_diff.hpp.
//
// Thread-safety: stateless; each call works on its own Differ.
#include "conduit/migration/schema_diff.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "conduit/migration/migration_error.hpp"

namespace conduit::migration {
namespace {

using orm::Schema;
using orm::SchemaColumn;
using orm::SchemaTable;
using NameMap = std::map<std::string, std::string>;

const char* const kNewColumnAdvice =
    ": add a new column, copy the values with a `sql` step, then delete the old one";
const char* const kNewTableAdvice =
    ": create a new table, copy the rows with a `sql` step, then delete the old one";

[[noreturn]] void fail(std::string message) { throw MigrationError(std::move(message)); }

std::string in_quotes(const std::string& text) { return "'" + text + "'"; }

std::string lookup(const NameMap& map, const std::string& key) {
  auto it = map.find(key);
  return it == map.end() ? key : it->second;
}

std::vector<std::vector<std::string>> normalized(std::vector<std::vector<std::string>> sets) {
  for (auto& set : sets) std::sort(set.begin(), set.end());
  std::sort(sets.begin(), sets.end());
  return sets;
}

std::vector<const SchemaTable*> sorted_tables(const Schema& schema) {
  std::vector<const SchemaTable*> out;
  for (const SchemaTable& table : schema.tables) out.push_back(&table);
  std::sort(out.begin(), out.end(),
            [](const SchemaTable* a, const SchemaTable* b) { return a->name < b->name; });
  return out;
}

class Differ {
 public:
  Differ(const Schema& from, const Schema& to, const Renames& renames) : from_(from), to_(to) {
    for (const auto& [old_name, new_name] : renames.tables) add_table_rename(old_name, new_name);
    for (const Renames::Column& rename : renames.columns) add_column_rename(rename);
  }

  SchemaDiff run() {
    std::vector<std::pair<const SchemaTable*, const SchemaTable*>> kept;  // {old, new}
    std::vector<const SchemaTable*> created;
    for (const SchemaTable* table : sorted_tables(to_)) {
      const SchemaTable* old = from_.find_table(lookup(table_new_to_old_, table->name));
      if (old) {
        check_table(*old, *table);
        kept.emplace_back(old, table);
      } else {
        created.push_back(table);
      }
    }
    for (const auto& [old_name, new_name] : table_old_to_new_)
      out_.operations.push_back(RenameTable{old_name, new_name});
    for (const auto& [table, renames] : column_old_to_new_) {
      for (const auto& [old_name, new_name] : renames) {
        out_.operations.push_back(RenameColumn{table, old_name, new_name});
      }
    }
    for (const SchemaTable* table : created) out_.operations.push_back(CreateTable{*table});
    for (const auto& [old, table] : kept) diff_table(*old, *table);
    delete_tables();
    return std::move(out_);
  }

 private:
  void add_table_rename(const std::string& old_name, const std::string& new_name) {
    const std::string what =
        "cannot rename table " + in_quotes(old_name) + " to " + in_quotes(new_name) + ": ";
    if (!from_.find_table(old_name))
      fail(what + "the current schema has no table " + in_quotes(old_name));
    if (!to_.find_table(new_name))
      fail(what + "the new schema has no table " + in_quotes(new_name));
    if (from_.find_table(new_name)) fail(what + "table " + in_quotes(new_name) + " already exists");
    if (to_.find_table(old_name))
      fail(what + "the new schema still has a table " + in_quotes(old_name));
    if (!table_old_to_new_.emplace(old_name, new_name).second) fail(what + "it is renamed twice");
    if (!table_new_to_old_.emplace(new_name, old_name).second) {
      fail(what + "two tables are renamed to " + in_quotes(new_name));
    }
  }

  void add_column_rename(const Renames::Column& rename) {
    const std::string what = "cannot rename column " + in_quotes(rename.table + "." + rename.from) +
                             " to " + in_quotes(rename.to) + ": ";
    const SchemaTable* table = to_.find_table(rename.table);
    if (!table) fail(what + "the new schema has no table " + in_quotes(rename.table));
    const std::string old_name = lookup(table_new_to_old_, rename.table);
    const SchemaTable* old = from_.find_table(old_name);
    if (!old) fail(what + "table " + in_quotes(rename.table) + " is new");
    if (!old->find_column(rename.from)) {
      fail(what + "table " + in_quotes(old_name) + " has no column " + in_quotes(rename.from));
    }
    if (!table->find_column(rename.to))
      fail(what + "the new table has no column " + in_quotes(rename.to));
    if (old->find_column(rename.to))
      fail(what + "the table already has a column " + in_quotes(rename.to));
    if (table->find_column(rename.from)) {
      fail(what + "the new table still has a column " + in_quotes(rename.from));
    }
    if (!column_old_to_new_[rename.table].emplace(rename.from, rename.to).second) {
      fail(what + "it is renamed twice");
    }
    if (!column_new_to_old_[rename.table].emplace(rename.to, rename.from).second) {
      fail(what + "two columns are renamed to " + in_quotes(rename.to));
    }
  }

  std::string old_column(const std::string& table, const std::string& column) const {
    auto it = column_new_to_old_.find(table);
    return it == column_new_to_old_.end() ? column : lookup(it->second, column);
  }

  std::string new_column(const std::string& table, const std::string& column) const {
    auto it = column_old_to_new_.find(table);
    return it == column_old_to_new_.end() ? column : lookup(it->second, column);
  }

  // Where the old foreign key points, in new names.
  std::pair<std::string, std::string> new_target(const orm::ForeignKey& key) const {
    const std::string table = lookup(table_old_to_new_, key.table);
    return {table, new_column(table, key.column)};
  }

  void check_table(const SchemaTable& old, const SchemaTable& table) const {
    const SchemaColumn* old_key = old.primary_key();
    const SchemaColumn* key = table.primary_key();
    if (old_key && (!key || new_column(table.name, old_key->name) != key->name)) {
      fail("cannot change the primary key of table " + table.name + " from " + old_key->name +
           " to " + (key ? key->name : std::string("none")) + kNewTableAdvice);
    }
    for (const SchemaColumn& column : table.columns) {
      const SchemaColumn* before = old.find_column(old_column(table.name, column.name));
      if (before) check_column(table.name, *before, column);
    }
  }

  void check_column(const std::string& table, const SchemaColumn& old,
                    const SchemaColumn& column) const {
    const std::string name = table + "." + column.name;
    if (old.type != column.type) {
      fail("cannot change the type of column " + name + " from " +
           std::string(orm::to_string(old.type)) + " to " +
           std::string(orm::to_string(column.type)) + kNewColumnAdvice);
    }
    if (old.primary_key != column.primary_key) {
      fail("cannot change whether column " + name + " is the primary key" + kNewTableAdvice);
    }
    if (old.autoincrement != column.autoincrement) {
      fail("cannot change whether column " + name + " is autoincremented" + kNewColumnAdvice);
    }
    auto describe = [](const std::optional<std::pair<std::string, std::string>>& target) {
      return target ? target->first + "." + target->second : std::string("nothing");
    };
    std::optional<std::pair<std::string, std::string>> was;
    std::optional<std::pair<std::string, std::string>> now;
    if (old.relationship) was = new_target(*old.relationship);
    if (column.relationship)
      now = std::pair(column.relationship->table, column.relationship->column);
    if (was != now) {
      fail("cannot change what column " + name + " refers to from " + describe(was) + " to " +
           describe(now) + kNewColumnAdvice);
    }
  }

  void diff_table(const SchemaTable& old, const SchemaTable& table) {
    std::set<std::string> deleted;
    for (const SchemaColumn& column : old.columns) {
      if (table.find_column(new_column(table.name, column.name))) continue;
      deleted.insert(column.name);
      out_.operations.push_back(DeleteColumn{table.name, column.name});
      out_.warnings.push_back("deleting column " + in_quotes(table.name + "." + column.name) +
                              " loses its values");
    }
    for (const SchemaColumn& column : table.columns) {
      if (old.find_column(old_column(table.name, column.name))) continue;
      out_.operations.push_back(AddColumn{table.name, column});
      if (!column.nullable && !column.default_value && !column.autoincrement) {
        out_.warnings.push_back("This migration may fail if table " + in_quotes(table.name) +
                                " already has rows. Add an 'initial_value' for column " +
                                in_quotes(column.name) +
                                " to its add_column operation (raw SQL such as \"0\" or \"''\"), "
                                "or give the column a default.");
      }
    }
    for (const SchemaColumn& column : table.columns) {
      if (const SchemaColumn* before = old.find_column(old_column(table.name, column.name))) {
        alter_column(table.name, *before, column);
      }
    }
    std::vector<std::vector<std::string>> sets;
    for (const auto& set : old.unique_sets) {
      std::vector<std::string> names;
      for (const std::string& name : set) names.push_back(new_column(table.name, name));
      // delete_column has dropped the sets that name a deleted column.
      const bool dropped = std::any_of(
          set.begin(), set.end(), [&](const std::string& name) { return deleted.count(name) > 0; });
      if (!dropped) sets.push_back(std::move(names));
    }
    if (normalized(sets) != normalized(table.unique_sets)) {
      out_.operations.push_back(AlterUniqueSets{table.name, table.unique_sets});
    }
  }

  void alter_column(const std::string& table, const SchemaColumn& old, const SchemaColumn& column) {
    AlterColumn alter{table, column.name};
    if (old.nullable != column.nullable) alter.nullable = column.nullable;
    if (old.unique != column.unique) alter.unique = column.unique;
    if (old.indexed != column.indexed) alter.indexed = column.indexed;
    if (old.default_value != column.default_value) alter.default_value = column.default_value;
    if (old.relationship && column.relationship &&
        old.relationship->on_delete != column.relationship->on_delete) {
      alter.on_delete = column.relationship->on_delete;
    }
    if (alter == AlterColumn{table, column.name}) return;
    out_.operations.push_back(std::move(alter));
    if (old.nullable && !column.nullable) {
      out_.warnings.push_back("This migration may fail if table " + in_quotes(table) +
                              " has rows where " + in_quotes(column.name) +
                              " is NULL. Add an 'initial_value' for column " +
                              in_quotes(column.name) + " to its alter_column operation.");
    }
  }

  // A deleted table goes after the deleted tables that refer to it; in a cycle, the first
  // by name goes first, after the columns of the others that refer to it.
  void delete_tables() {
    std::vector<const SchemaTable*> remaining;
    for (const SchemaTable* table : sorted_tables(from_)) {
      if (!table_old_to_new_.count(table->name) && !to_.find_table(table->name))
        remaining.push_back(table);
    }
    auto refers_to = [](const SchemaColumn& column, const SchemaTable& target) {
      return column.relationship && column.relationship->table == target.name;
    };
    while (!remaining.empty()) {
      auto next = std::find_if(remaining.begin(), remaining.end(), [&](const SchemaTable* target) {
        return std::none_of(remaining.begin(), remaining.end(), [&](const SchemaTable* other) {
          return other != target &&
                 std::any_of(other->columns.begin(), other->columns.end(),
                             [&](const SchemaColumn& c) { return refers_to(c, *target); });
        });
      });
      if (next == remaining.end()) {
        next = remaining.begin();
        for (const SchemaTable* other : remaining) {
          if (other == *next) continue;
          for (const SchemaColumn& column : other->columns) {
            if (refers_to(column, **next))
              out_.operations.push_back(DeleteColumn{other->name, column.name});
          }
        }
      }
      out_.operations.push_back(DeleteTable{(*next)->name});
      out_.warnings.push_back("deleting table " + in_quotes((*next)->name) + " loses its rows");
      remaining.erase(next);
    }
  }

  const Schema& from_;
  const Schema& to_;
  NameMap table_old_to_new_;
  NameMap table_new_to_old_;
  std::map<std::string, NameMap> column_old_to_new_;  // keyed by the table's new name
  std::map<std::string, NameMap> column_new_to_old_;
  SchemaDiff out_;
};

}  // namespace

SchemaDiff diff_schemas(const orm::Schema& from, const orm::Schema& to, const Renames& renames) {
  return Differ(from, to, renames).run();
}

}  // namespace conduit::migration
