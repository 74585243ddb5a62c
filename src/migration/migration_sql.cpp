// Migration SQL: the names and DDL pieces both dialects share, the dispatch per dialect,
// and migration_sql(), which creates consecutive tables before their foreign keys (see
// migration_sql.hpp).
//
// Thread-safety: pure functions.
#include "conduit/migration/migration_sql.hpp"

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <utility>
#include <variant>

#include "conduit/db/dialect.hpp"
#include "conduit/migration/migration_error.hpp"
#include "conduit/migration/replay.hpp"
#include "conduit/migration/schema_sql.hpp"
#include "migration/migration_sql_support.hpp"

namespace conduit::migration {

namespace detail {

std::string quote(std::string_view identifier) { return db::quote_identifier(identifier); }

std::string index_name(std::string_view table, std::string_view column) {
  return std::string(table) + "_" + std::string(column) + "_idx";
}

std::string unique_set_name(std::string_view table, std::size_t position) {
  // As schema_sql.cpp: Conduit's one set is t_unique_idx, further ones count from 2.
  return std::string(table) + "_unique" + (position == 0 ? "" : std::to_string(position + 1)) +
         "_idx";
}

std::string unique_key_name(std::string_view table, std::string_view column) {
  return std::string(table) + "_" + std::string(column) + "_key";
}

std::string foreign_key_name(std::string_view table, std::string_view column) {
  return std::string(table) + "_" + std::string(column) + "_fkey";
}

std::string primary_key_name(std::string_view table) { return std::string(table) + "_pkey"; }

std::string sequence_name(std::string_view table, std::string_view column) {
  return std::string(table) + "_" + std::string(column) + "_seq";
}

std::string on_delete_sql(orm::DeleteRule rule) {
  switch (rule) {
    case orm::DeleteRule::nullify:
      return "SET NULL";
    case orm::DeleteRule::cascade:
      return "CASCADE";
    case orm::DeleteRule::restrict:
      return "RESTRICT";
    case orm::DeleteRule::set_default:
      return "SET DEFAULT";
  }
  return "NO ACTION";
}

std::string references_sql(const orm::ForeignKey& key) {
  return "REFERENCES " + quote(key.table) + " (" + quote(key.column) + ") ON DELETE " +
         on_delete_sql(key.on_delete);
}

std::string create_index_sql(std::string_view table, std::string_view column) {
  return "CREATE INDEX " + quote(index_name(table, column)) + " ON " + quote(table) + " (" +
         quote(column) + ")";
}

std::string create_unique_set_sql(std::string_view table, std::size_t position,
                                  const std::vector<std::string>& columns) {
  std::string sql = "CREATE UNIQUE INDEX " + quote(unique_set_name(table, position)) + " ON " +
                    quote(table) + " (";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += quote(columns[i]);
  }
  return sql + ")";
}

std::string add_foreign_key_sql(std::string_view table, const orm::SchemaColumn& column) {
  return "ALTER TABLE ONLY " + quote(table) + " ADD CONSTRAINT " +
         quote(foreign_key_name(table, column.name)) + " FOREIGN KEY (" + quote(column.name) +
         ") " + references_sql(*column.relationship);
}

void sync_unique_sets(std::string_view table, const std::vector<std::vector<std::string>>& from,
                      const std::vector<std::vector<std::string>>& to, bool if_exists,
                      std::vector<std::string>& out) {
  auto changed = [&](std::size_t i) {
    return i >= from.size() || i >= to.size() || from[i] != to[i];
  };
  // An empty set has no index (as in schema_sql.cpp) but still takes its position.
  for (std::size_t i = 0; i < from.size(); ++i) {
    if (!changed(i) || from[i].empty()) continue;
    out.push_back(std::string("DROP INDEX ") + (if_exists ? "IF EXISTS " : "") +
                  quote(unique_set_name(table, i)));
  }
  for (std::size_t i = 0; i < to.size(); ++i) {
    if (!changed(i) || to[i].empty()) continue;
    out.push_back(create_unique_set_sql(table, i, to[i]));
  }
}

const orm::SchemaTable& table_in(const orm::Schema& schema, std::string_view name) {
  const orm::SchemaTable* table = schema.find_table(name);
  if (!table) throw MigrationError("there is no table '" + std::string(name) + "'");
  return *table;
}

const orm::SchemaColumn& column_in(const orm::SchemaTable& table, std::string_view name) {
  const orm::SchemaColumn* column = table.find_column(name);
  if (!column) {
    throw MigrationError("table '" + table.name + "' has no column '" + std::string(name) + "'");
  }
  return *column;
}

}  // namespace detail

namespace {

std::vector<std::string> raw_sql(const RawSql& raw, db::Dialect dialect) {
  const std::optional<std::string>& own =
      dialect == db::Dialect::postgres ? raw.postgres : raw.sqlite;
  const std::optional<std::string>& text = own ? own : raw.sql;
  if (!text || text->find_first_not_of(" \t\r\n;") == std::string::npos) return {};
  return {*text};
}

void append(std::vector<std::string>& out, std::vector<std::string> more) {
  for (std::string& sql : more) out.push_back(std::move(sql));
}

MigrationError at(std::size_t index, const MigrationError& error) {
  return MigrationError("", 0, 0, "operations[" + std::to_string(index) + "]", error.message());
}

// Consecutive CreateTables [first, end) as replay.hpp treats them: every table first, then
// the foreign keys, so that they may refer to each other in any order. Advances `schema`.
std::vector<std::string> create_tables_sql(const std::vector<Operation>& operations,
                                           std::size_t first, std::size_t end, orm::Schema& schema,
                                           db::Dialect dialect) {
  orm::Schema keyless = schema;
  for (std::size_t i = first; i < end; ++i) {
    CreateTable create = std::get<CreateTable>(operations[i]);
    for (orm::SchemaColumn& column : create.table.columns) column.relationship.reset();
    try {
      apply_operation(keyless, create);
    } catch (const MigrationError& error) {
      throw at(i, error);
    }
  }
  for (std::size_t i = first; i < end; ++i) {
    const orm::SchemaTable& table = std::get<CreateTable>(operations[i]).table;
    for (const orm::SchemaColumn& column : table.columns) {
      if (!column.relationship) continue;
      const orm::SchemaTable* target = keyless.find_table(column.relationship->table);
      if (!target || !target->find_column(column.relationship->column)) {
        throw at(i, MigrationError("column '" + table.name + "." + column.name +
                                   "' refers to column '" + column.relationship->table + "." +
                                   column.relationship->column + "', which does not exist"));
      }
    }
  }
  std::vector<std::string> out;
  std::vector<std::string> keys;
  for (std::size_t i = first; i < end; ++i) {
    const orm::SchemaTable& table = std::get<CreateTable>(operations[i]).table;
    try {
      if (dialect == db::Dialect::sqlite) {
        // Inline REFERENCES, which SQLite resolves only when rows are written.
        append(out, migration::create_schema_sql(orm::Schema{{table}}, dialect));
        continue;
      }
      // The table without its foreign keys, which follow every table of the run.
      append(out,
             migration::create_schema_sql(orm::Schema{{*keyless.find_table(table.name)}}, dialect));
      for (const orm::SchemaColumn& column : table.columns) {
        if (column.relationship) keys.push_back(detail::add_foreign_key_sql(table.name, column));
      }
    } catch (const std::invalid_argument& error) {
      throw at(i, MigrationError(describe(operations[i]) + ": " + error.what()));
    }
  }
  append(out, std::move(keys));
  std::vector<Operation> run(operations.begin() + static_cast<std::ptrdiff_t>(first),
                             operations.begin() + static_cast<std::ptrdiff_t>(end));
  apply_operations(schema, run);
  return out;
}

}  // namespace

std::vector<std::string> operation_sql(const Operation& op, const orm::Schema& before,
                                       db::Dialect dialect) {
  if (const auto* raw = std::get_if<RawSql>(&op)) return raw_sql(*raw, dialect);
  orm::Schema after = before;
  apply_operation(after, op);  // validates `op` against `before`
  try {
    return dialect == db::Dialect::postgres ? detail::postgres_sql(op, before, after)
                                            : detail::sqlite_sql(op, before, after);
  } catch (const std::invalid_argument& error) {
    // orm's DDL refusing what the dialect cannot express.
    throw MigrationError(describe(op) + ": " + error.what());
  }
}

std::vector<std::string> migration_sql(const std::vector<Operation>& operations,
                                       const orm::Schema& before, db::Dialect dialect) {
  std::vector<std::string> out;
  orm::Schema schema = before;
  for (std::size_t i = 0; i < operations.size(); ++i) {
    if (std::holds_alternative<CreateTable>(operations[i])) {
      std::size_t end = i;
      while (end < operations.size() && std::holds_alternative<CreateTable>(operations[end])) {
        ++end;
      }
      append(out, create_tables_sql(operations, i, end, schema, dialect));
      i = end - 1;
      continue;
    }
    try {
      append(out, operation_sql(operations[i], schema, dialect));
      apply_operation(schema, operations[i]);
    } catch (const MigrationError& error) {
      throw at(i, error);
    }
  }
  return out;
}

}  // namespace conduit::migration
