// Migration SQL for SQLite: ALTER TABLE where SQLite allows it, else the table rebuild
// SQLite documents ("Making Other Kinds Of Table Schema Changes"); migration_sql.hpp lists
// the choice per operation and what the runner must do around a rebuild.
//
// Thread-safety: pure functions.
#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "conduit/migration/migration_error.hpp"
#include "conduit/migration/schema_sql.hpp"
#include "migration/migration_sql_support.hpp"

namespace conduit::migration::detail {

namespace {

constexpr db::Dialect sqlite = db::Dialect::sqlite;

std::string string_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// ADD COLUMN accepts neither an expression in parentheses (what schema_sql makes of a
// function call such as now()) nor CURRENT_TIME/DATE/TIMESTAMP as the default.
bool constant_default(const std::string& value) {
  const std::string key = lowercase(value);
  return key.find('(') == std::string::npos && key.find("current_") == std::string::npos &&
         key.find("localtimestamp") == std::string::npos;
}

// What ALTER TABLE ADD COLUMN can add (https://sqlite.org/lang_altertable.html).
bool addable(const orm::SchemaColumn& column) {
  if (column.primary_key || column.unique || column.autoincrement) return false;
  if (!column.default_value) return column.nullable;
  // With foreign keys on, a REFERENCES column may only be added with a NULL default.
  return constant_default(*column.default_value) && !column.relationship;
}

bool in_unique_set(const orm::SchemaTable& table, const std::string& column) {
  return std::any_of(table.unique_sets.begin(), table.unique_sets.end(), [&](const auto& set) {
    return std::find(set.begin(), set.end(), column) != set.end();
  });
}

// What ALTER TABLE DROP COLUMN can drop: not a key, not UNIQUE, not in a foreign key or
// a unique index. A plain index is dropped first.
bool droppable(const orm::SchemaTable& table, const orm::SchemaColumn& column) {
  return !column.primary_key && !column.unique && !column.relationship &&
         !in_unique_set(table, column.name);
}

std::string drop_index(const std::string& name) { return "DROP INDEX " + quote(name); }

// The rebuild: the new table under a temporary name, the rows copied (`values` gives the
// SELECT expression of a column; a column neither there nor in `old_table` takes its
// default), the old table dropped, the new one renamed, its indexes created.
void rebuild(const orm::SchemaTable& old_table, const orm::SchemaTable& new_table,
             const std::map<std::string, std::string>& values, std::vector<std::string>& out) {
  const std::string& name = new_table.name;
  const std::string temporary = "_conduit_new_" + name;
  std::vector<std::string> create = migration::create_schema_sql(orm::Schema{{new_table}}, sqlite);
  const std::string prefix = "CREATE TABLE " + quote(name) + " ";
  if (create.empty() || create.front().rfind(prefix, 0) != 0) {
    throw MigrationError("cannot rebuild table '" + name + "': unexpected CREATE TABLE text");
  }
  out.push_back("CREATE TABLE " + quote(temporary) + " " + create.front().substr(prefix.size()));

  std::string columns;
  std::string selected;
  for (const orm::SchemaColumn& column : new_table.columns) {
    const auto value = values.find(column.name);
    if (value == values.end() && !old_table.find_column(column.name)) continue;
    if (!columns.empty()) {
      columns += ", ";
      selected += ", ";
    }
    columns += quote(column.name);
    selected += value != values.end() ? value->second : quote(column.name);
  }
  if (!columns.empty()) {
    out.push_back("INSERT INTO " + quote(temporary) + " (" + columns + ") SELECT " + selected +
                  " FROM " + quote(name));
  }
  // Copying the keys sets the counter to the largest key; keep the old, higher one so an
  // AUTOINCREMENT key is still never reused.
  const orm::SchemaColumn* old_key = old_table.primary_key();
  const orm::SchemaColumn* new_key = new_table.primary_key();
  if (old_key && new_key && old_key->autoincrement && new_key->autoincrement &&
      old_key->name == new_key->name) {
    out.push_back("DELETE FROM sqlite_sequence WHERE name = " + string_literal(temporary));
    out.push_back("INSERT INTO sqlite_sequence (name, seq) SELECT " + string_literal(temporary) +
                  ", seq FROM sqlite_sequence WHERE name = " + string_literal(name));
  }
  // Drop before rename: other tables' REFERENCES "name" then mean the new table, whereas
  // renaming the old table away first would rewrite them to follow it.
  out.push_back("DROP TABLE " + quote(name));
  out.push_back("ALTER TABLE " + quote(temporary) + " RENAME TO " + quote(name));
  out.insert(out.end(), create.begin() + 1, create.end());
}

struct SqliteSql {
  const orm::Schema& before;
  const orm::Schema& after;
  std::vector<std::string> out = {};

  void operator()(const CreateTable& op) {
    out = migration::create_schema_sql(orm::Schema{{table_in(after, op.table.name)}}, sqlite);
  }

  void operator()(const DeleteTable& op) { out.push_back("DROP TABLE " + quote(op.table)); }

  void operator()(const RenameTable& op) {
    const orm::SchemaTable& table = table_in(before, op.from);
    // SQLite rewrites REFERENCES in other tables (unless legacy_alter_table is on) and the
    // index definitions, but has no ALTER INDEX: indexes named after the table are made anew.
    out.push_back("ALTER TABLE " + quote(op.from) + " RENAME TO " + quote(op.to));
    for (const orm::SchemaColumn& column : table.columns) {
      if (!column.indexed) continue;
      out.push_back(drop_index(index_name(op.from, column.name)));
      out.push_back(create_index_sql(op.to, column.name));
    }
    for (std::size_t i = 0; i < table.unique_sets.size(); ++i) {
      if (table.unique_sets[i].empty()) continue;
      out.push_back(drop_index(unique_set_name(op.from, i)));
      out.push_back(create_unique_set_sql(op.to, i, table.unique_sets[i]));
    }
  }

  void operator()(const AddColumn& op) {
    const orm::SchemaTable& old_table = table_in(before, op.table);
    const orm::SchemaTable& new_table = table_in(after, op.table);
    const orm::SchemaColumn& column = column_in(new_table, op.column.name);
    if (!addable(column)) {
      std::map<std::string, std::string> values;
      if (op.initial_value) values[column.name] = *op.initial_value;
      rebuild(old_table, new_table, values, out);
      return;
    }
    std::string sql = "ALTER TABLE " + quote(op.table) + " ADD COLUMN " +
                      migration::column_definition_sql(column, sqlite);
    if (column.relationship) {
      sql += " CONSTRAINT " + quote(foreign_key_name(op.table, column.name)) + " " +
             references_sql(*column.relationship);
    }
    out.push_back(sql);
    if (op.initial_value) {
      out.push_back("UPDATE " + quote(op.table) + " SET " + quote(column.name) + " = " +
                    *op.initial_value);
    }
    if (column.indexed) out.push_back(create_index_sql(op.table, column.name));
    sync_unique_sets(op.table, old_table.unique_sets, new_table.unique_sets, false, out);
  }

  void operator()(const DeleteColumn& op) {
    const orm::SchemaTable& old_table = table_in(before, op.table);
    const orm::SchemaTable& new_table = table_in(after, op.table);
    const orm::SchemaColumn& column = column_in(old_table, op.column);
    if (!droppable(old_table, column)) {
      rebuild(old_table, new_table, {}, out);
      return;
    }
    if (column.indexed) out.push_back(drop_index(index_name(op.table, op.column)));
    out.push_back("ALTER TABLE " + quote(op.table) + " DROP COLUMN " + quote(op.column));
    sync_unique_sets(op.table, old_table.unique_sets, new_table.unique_sets, false, out);
  }

  void operator()(const RenameColumn& op) {
    const orm::SchemaColumn& column = column_in(table_in(before, op.table), op.from);
    // Rewrites the column in index definitions and in other tables' REFERENCES.
    out.push_back("ALTER TABLE " + quote(op.table) + " RENAME COLUMN " + quote(op.from) + " TO " +
                  quote(op.to));
    if (column.indexed) {
      out.push_back(drop_index(index_name(op.table, op.from)));
      out.push_back(create_index_sql(op.table, op.to));
    }
  }

  void operator()(const AlterColumn& op) {
    const orm::SchemaTable& old_table = table_in(before, op.table);
    const orm::SchemaTable& new_table = table_in(after, op.table);
    const orm::SchemaColumn& was = column_in(old_table, op.column);
    const orm::SchemaColumn& now = column_in(new_table, op.column);
    orm::SchemaColumn reindexed = was;
    reindexed.indexed = now.indexed;
    if (reindexed != now) {
      // Nullability, UNIQUE, the default and the delete rule live in CREATE TABLE.
      std::map<std::string, std::string> values;
      if (was.nullable && !now.nullable && op.initial_value) {
        values[now.name] = "COALESCE(" + quote(now.name) + ", " + *op.initial_value + ")";
      }
      rebuild(old_table, new_table, values, out);
      return;
    }
    if (was.indexed != now.indexed) {
      out.push_back(now.indexed ? create_index_sql(op.table, op.column)
                                : drop_index(index_name(op.table, op.column)));
    }
    sync_unique_sets(op.table, old_table.unique_sets, new_table.unique_sets, false, out);
  }

  void operator()(const AlterUniqueSets& op) {
    sync_unique_sets(op.table, table_in(before, op.table).unique_sets,
                     table_in(after, op.table).unique_sets, false, out);
  }

  void operator()(const RawSql&) {}  // handled by operation_sql()
};

}  // namespace

std::vector<std::string> sqlite_sql(const Operation& op, const orm::Schema& before,
                                    const orm::Schema& after) {
  SqliteSql generator{before, after};
  std::visit(generator, op);
  return std::move(generator.out);
}

}  // namespace conduit::migration::detail
