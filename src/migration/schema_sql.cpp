// SQL DDL generation for orm::Schema (see schema_sql.hpp for the per-dialect decisions).
//
// Thread-safety: pure functions.
#include "conduit/migration/schema_sql.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "conduit/db/dialect.hpp"

namespace conduit::migration {

using namespace conduit::orm;

namespace {

using db::quote_identifier;

bool is_sqlite(db::Dialect dialect) { return dialect == db::Dialect::sqlite; }

bool is_integer(ColumnType type) {
  return type == ColumnType::integer || type == ColumnType::big_integer;
}

std::string_view on_delete_sql(DeleteRule rule) {
  switch (rule) {
    case DeleteRule::nullify:
      return "SET NULL";
    case DeleteRule::cascade:
      return "CASCADE";
    case DeleteRule::restrict:
      return "RESTRICT";
    case DeleteRule::set_default:
      return "SET DEFAULT";
  }
  return "NO ACTION";
}

std::string lowercase_trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Defaults are PostgreSQL SQL (Conduit's defaultValue). SQLite has neither now() nor
// gen_random_uuid(), and accepts a function call as a default only in parentheses.
std::string default_sql(const std::string& value, db::Dialect dialect) {
  if (!is_sqlite(dialect)) return value;
  const std::string key = lowercase_trimmed(value);
  if (key == "now()" || key == "current_timestamp" || key == "localtimestamp") {
    // The db module's text form: microsecond digits are optional when parsing.
    return "(strftime('%Y-%m-%d %H:%M:%f', 'now'))";
  }
  if (key == "gen_random_uuid()") {
    // A version 4 UUID in canonical lowercase text, as the db module writes UUIDs.
    return "(lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || "
           "substr(lower(hex(randomblob(2))), 2) || '-' || "
           "substr('89ab', 1 + (abs(random()) % 4), 1) || "
           "substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))))";
  }
  if (!key.empty() && key.front() != '(' && key.find('(') != std::string::npos) {
    return "(" + value + ")";
  }
  return value;
}

void check_table(const SchemaTable& table) {
  if (table.columns.empty()) {
    throw std::invalid_argument("schema SQL: table '" + table.name + "' has no columns");
  }
}

std::vector<const SchemaTable*> sorted_by_name(const Schema& schema) {
  std::vector<const SchemaTable*> tables;
  for (const SchemaTable& table : schema.tables) tables.push_back(&table);
  std::stable_sort(tables.begin(), tables.end(),
                   [](const SchemaTable* a, const SchemaTable* b) { return a->name < b->name; });
  return tables;
}

// By name, but a table after the tables it refers to, unless a cycle forbids it: then the
// first remaining table by name goes next. Stable whatever the declaration order.
std::vector<const SchemaTable*> referenced_first(const Schema& schema) {
  std::vector<const SchemaTable*> remaining = sorted_by_name(schema);
  std::set<std::string> placed;
  std::vector<const SchemaTable*> order;
  auto ready = [&](const SchemaTable* table) {
    for (const SchemaColumn& column : table->columns) {
      if (!column.relationship) continue;
      const std::string& target = column.relationship->table;
      if (target == table->name || placed.count(target) || !schema.find_table(target)) continue;
      return false;
    }
    return true;
  };
  while (!remaining.empty()) {
    auto next = std::find_if(remaining.begin(), remaining.end(), ready);
    if (next == remaining.end()) next = remaining.begin();
    placed.insert((*next)->name);
    order.push_back(*next);
    remaining.erase(next);
  }
  return order;
}

std::string foreign_key_name(const SchemaTable& table, const SchemaColumn& column) {
  return table.name + "_" + column.name + "_fkey";
}

std::string references_sql(const ForeignKey& key) {
  return "REFERENCES " + quote_identifier(key.table) + " (" + quote_identifier(key.column) +
         ") ON DELETE " + std::string(on_delete_sql(key.on_delete));
}

std::string create_table_sql(const SchemaTable& table, db::Dialect dialect) {
  check_table(table);
  std::string sql = "CREATE TABLE " + quote_identifier(table.name) + " (";
  bool first = true;
  for (const SchemaColumn& column : table.columns) {
    if (!first) sql += ", ";
    first = false;
    sql += column_definition_sql(column, dialect);
    if (is_sqlite(dialect) && column.relationship) {
      sql += " CONSTRAINT " + quote_identifier(foreign_key_name(table, column)) + " " +
             references_sql(*column.relationship);
    }
  }
  sql += ")";
  return sql;
}

void append_indexes(const SchemaTable& table, std::vector<std::string>& out) {
  const std::string quoted_table = quote_identifier(table.name);
  for (const SchemaColumn& column : table.columns) {
    if (!column.indexed) continue;
    out.push_back("CREATE INDEX " + quote_identifier(table.name + "_" + column.name + "_idx") +
                  " ON " + quoted_table + " (" + quote_identifier(column.name) + ")");
  }
  for (std::size_t i = 0; i < table.unique_sets.size(); ++i) {
    const auto& set = table.unique_sets[i];
    if (set.empty()) continue;
    // Conduit allows one set, named t_unique_idx; further ones are numbered from 2.
    const std::string name =
        table.name + "_unique" + (i == 0 ? std::string() : std::to_string(i + 1)) + "_idx";
    std::string sql =
        "CREATE UNIQUE INDEX " + quote_identifier(name) + " ON " + quoted_table + " (";
    for (std::size_t c = 0; c < set.size(); ++c) {
      if (c > 0) sql += ", ";
      sql += quote_identifier(set[c]);
    }
    out.push_back(sql + ")");
  }
}

}  // namespace

std::string column_sql_type(const SchemaColumn& column, db::Dialect dialect) {
  const bool sqlite = is_sqlite(dialect);
  if (column.autoincrement) {
    if (!is_integer(column.type)) {
      throw std::invalid_argument("schema SQL: column '" + column.name +
                                  "' autoincrements but is not an integer");
    }
    if (sqlite) {
      if (!column.primary_key) {
        throw std::invalid_argument(
            "schema SQL: SQLite autoincrements only an INTEGER PRIMARY "
            "KEY; column '" +
            column.name + "' is not the primary key");
      }
      return "INTEGER";
    }
    return column.type == ColumnType::integer ? "SERIAL" : "BIGSERIAL";
  }
  switch (column.type) {
    case ColumnType::integer:
      return "INTEGER";
    case ColumnType::big_integer:
      return "BIGINT";
    case ColumnType::boolean:
      return "BOOLEAN";
    case ColumnType::double_precision:
      return sqlite ? "REAL" : "DOUBLE PRECISION";
    case ColumnType::text:
      return "TEXT";
    case ColumnType::timestamp:
      return sqlite ? "TIMESTAMP_TEXT" : "TIMESTAMP";
    case ColumnType::document:
      return sqlite ? "JSON_TEXT" : "JSONB";
    case ColumnType::uuid:
      return sqlite ? "UUID_TEXT" : "UUID";
    case ColumnType::decimal:
      return sqlite ? "DECIMAL_TEXT" : "NUMERIC";
  }
  throw std::invalid_argument("schema SQL: unknown column type");
}

std::string column_definition_sql(const SchemaColumn& column, db::Dialect dialect) {
  std::string sql = quote_identifier(column.name) + " " + column_sql_type(column, dialect);
  if (column.primary_key) {
    sql += " PRIMARY KEY";
    if (is_sqlite(dialect)) {
      // A rowid alias is never NULL; any other SQLite key accepts NULL unless told.
      sql += column.autoincrement ? " AUTOINCREMENT" : " NOT NULL";
    }
  } else {
    sql += column.nullable ? " NULL" : " NOT NULL";
  }
  if (column.default_value) sql += " DEFAULT " + default_sql(*column.default_value, dialect);
  if (column.unique && !column.primary_key) sql += " UNIQUE";
  return sql;
}

std::vector<std::string> create_schema_sql(const Schema& schema, db::Dialect dialect) {
  std::vector<std::string> out;
  const bool sqlite = is_sqlite(dialect);
  const std::vector<const SchemaTable*> tables =
      sqlite ? referenced_first(schema) : sorted_by_name(schema);
  for (const SchemaTable* table : tables) {
    out.push_back(create_table_sql(*table, dialect));
    append_indexes(*table, out);
  }
  if (!sqlite) {
    for (const SchemaTable* table : tables) {
      for (const SchemaColumn& column : table->columns) {
        if (!column.relationship) continue;
        out.push_back("ALTER TABLE ONLY " + quote_identifier(table->name) + " ADD CONSTRAINT " +
                      quote_identifier(foreign_key_name(*table, column)) + " FOREIGN KEY (" +
                      quote_identifier(column.name) + ") " + references_sql(*column.relationship));
      }
    }
  }
  return out;
}

std::vector<std::string> drop_schema_sql(const Schema& schema, db::Dialect dialect) {
  std::vector<std::string> out;
  const bool sqlite = is_sqlite(dialect);
  std::vector<const SchemaTable*> tables =
      sqlite ? referenced_first(schema) : sorted_by_name(schema);
  std::reverse(tables.begin(), tables.end());
  for (const SchemaTable* table : tables) {
    // Indexes go with their table; CASCADE drops foreign keys that point at it.
    out.push_back("DROP TABLE " + quote_identifier(table->name) + (sqlite ? "" : " CASCADE"));
  }
  return out;
}

Task<void> create_schema(db::Executor& executor, const Schema& schema) {
  const std::vector<std::string> statements = create_schema_sql(schema, executor.dialect());
  for (const std::string& sql : statements) co_await executor.execute(sql);
}

}  // namespace conduit::migration
