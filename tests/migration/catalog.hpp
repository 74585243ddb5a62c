// Test support: reads an orm::Schema back from a live database's catalog (PostgreSQL: the
// tables of current_schema(); SQLite: the main database), so a test can assert that the
// SQL it ran built exactly the schema it expected. Also reads the names of indexes,
// constraints and sequences, which later migrations depend on.
//
//   const Catalog catalog = run(read_catalog(*db));
//   EXPECT_EQ(catalog.schema, comparable(expected, db->dialect()));
//   EXPECT_EQ(catalog.names, expected_names(expected, db->dialect()));
//
// What a catalog cannot tell apart is normalised on both sides by comparable(): defaults
// as text without PostgreSQL's casts and SQLite's parentheses (and the SQLite stand-ins
// for now() and gen_random_uuid() read back as those), quoted numbers unquoted, an SQLite
// autoincrement key (always INTEGER) as big_integer, a primary key as NOT NULL and not
// UNIQUE. Foreign keys with NO ACTION are reported as an error.
//
// Thread-safety: test code; the tasks run on the database's loop.
#pragma once

#include <cctype>
#include <cstdint>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "conduit/core/task.hpp"
#include "conduit/db/database.hpp"
#include "conduit/orm/schema.hpp"

namespace conduit::migration::testing {

struct Catalog {
  orm::Schema schema;
  std::set<std::string> names;  // indexes, constraints and sequences we name
};

// A default as both databases show it and as a test writes it, reduced to one text.
inline std::string canonical_default(std::string text) {
  auto trim = [](std::string s) {
    const auto first = s.find_first_not_of(" \t\n");
    const auto last = s.find_last_not_of(" \t\n");
    return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
  };
  text = trim(text);
  if (text.find("strftime(") != std::string::npos && text.find("'now'") != std::string::npos) {
    return "now()";
  }
  if (text.find("randomblob(") != std::string::npos) return "gen_random_uuid()";
  // Outer parentheses that enclose everything (SQLite's function defaults).
  while (text.size() > 1 && text.front() == '(' && text.back() == ')') {
    int depth = 0;
    bool encloses = true;
    for (std::size_t i = 0; i < text.size() - 1; ++i) {
      depth += text[i] == '(' ? 1 : text[i] == ')' ? -1 : 0;
      if (depth == 0) encloses = false;
    }
    if (!encloses) break;
    text = trim(text.substr(1, text.size() - 2));
  }
  // PostgreSQL's casts: 'x'::text, '-1'::integer, '{}'::jsonb.
  static const std::regex cast("::[a-z_ ]+(\\[\\])?$");
  while (std::regex_search(text, cast)) text = std::regex_replace(text, cast, "");
  static const std::regex quoted_number("'(-?[0-9]+(\\.[0-9]+)?)'");
  if (std::regex_match(text, quoted_number)) text = text.substr(1, text.size() - 2);
  if (!text.empty() && text.front() != '\'') {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return text;
}

// `schema` as read_catalog can show it (see above).
inline orm::Schema comparable(orm::Schema schema, db::Dialect dialect) {
  for (orm::SchemaTable& table : schema.tables) {
    for (orm::SchemaColumn& column : table.columns) {
      if (column.default_value) column.default_value = canonical_default(*column.default_value);
      if (column.primary_key) {
        column.nullable = false;
        column.unique = false;
      }
      if (column.autoincrement && dialect == db::Dialect::sqlite) {
        column.type = orm::ColumnType::big_integer;
      }
    }
  }
  return schema;
}

// The names the DDL of schema_sql.hpp and migration_sql.hpp give `schema`'s objects.
inline std::set<std::string> expected_names(const orm::Schema& schema, db::Dialect dialect) {
  const bool postgres = dialect == db::Dialect::postgres;
  std::set<std::string> names;
  for (const orm::SchemaTable& table : schema.tables) {
    const std::string& t = table.name;
    for (const orm::SchemaColumn& column : table.columns) {
      const std::string& c = column.name;
      if (column.indexed) names.insert(t + "_" + c + "_idx");
      if (!postgres) continue;
      if (column.primary_key) names.insert(t + "_pkey");
      if (column.unique && !column.primary_key) names.insert(t + "_" + c + "_key");
      if (column.relationship) names.insert(t + "_" + c + "_fkey");
      if (column.autoincrement) names.insert(t + "_" + c + "_seq");
    }
    for (std::size_t i = 0; i < table.unique_sets.size(); ++i) {
      names.insert(t + "_unique" + (i == 0 ? "" : std::to_string(i + 1)) + "_idx");
    }
  }
  return names;
}

namespace detail {

inline orm::DeleteRule delete_rule(const std::string& rule) {
  static const std::map<std::string, orm::DeleteRule> rules = {
      {"SET NULL", orm::DeleteRule::nullify},        {"n", orm::DeleteRule::nullify},
      {"CASCADE", orm::DeleteRule::cascade},         {"c", orm::DeleteRule::cascade},
      {"RESTRICT", orm::DeleteRule::restrict},       {"r", orm::DeleteRule::restrict},
      {"SET DEFAULT", orm::DeleteRule::set_default}, {"d", orm::DeleteRule::set_default}};
  const auto it = rules.find(rule);
  if (it == rules.end()) throw std::runtime_error("catalog: unexpected delete rule " + rule);
  return it->second;
}

inline orm::ColumnType column_type(const std::string& type) {
  static const std::map<std::string, orm::ColumnType> types = {
      {"integer", orm::ColumnType::integer},
      {"bigint", orm::ColumnType::big_integer},
      {"boolean", orm::ColumnType::boolean},
      {"double precision", orm::ColumnType::double_precision},
      {"real", orm::ColumnType::double_precision},
      {"text", orm::ColumnType::text},
      {"timestamp without time zone", orm::ColumnType::timestamp},
      {"timestamp_text", orm::ColumnType::timestamp},
      {"jsonb", orm::ColumnType::document},
      {"json_text", orm::ColumnType::document},
      {"uuid", orm::ColumnType::uuid},
      {"uuid_text", orm::ColumnType::uuid},
      {"numeric", orm::ColumnType::decimal},
      {"decimal_text", orm::ColumnType::decimal}};
  std::string key = type;
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto it = types.find(key);
  if (it == types.end()) throw std::runtime_error("catalog: unexpected column type " + type);
  return it->second;
}

// Index `name` of `table` as a unique set at its position (t_unique_idx, t_unique2_idx..).
inline void add_unique_set(orm::SchemaTable& table,
                           std::map<std::size_t, std::vector<std::string>>& sets,
                           const std::string& name, std::vector<std::string> columns) {
  const std::string prefix = table.name + "_unique";
  std::size_t position = 1000 + sets.size();  // misnamed: still a set, after the others
  if (name.rfind(prefix, 0) == 0 && name.size() > prefix.size() + 3) {
    const std::string middle = name.substr(prefix.size(), name.size() - prefix.size() - 4);
    position = middle.empty() ? 0 : std::stoul(middle) - 1;
  }
  sets[position] = std::move(columns);
}

inline std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::string::size_type start = 0;
  while (start <= text.size()) {
    const auto end = text.find(',', start);
    out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

inline Task<orm::SchemaTable> read_postgres_table(db::Executor& db, std::string name,
                                                  std::set<std::string>& names) {
  orm::SchemaTable table{.name = name};
  db::Result columns = co_await db.execute(
      "SELECT column_name::text, data_type::text, is_nullable = 'YES', column_default::text "
      "FROM information_schema.columns WHERE table_schema = current_schema() "
      "AND table_name = $1 ORDER BY ordinal_position",
      name);
  for (const db::Row& row : columns) {
    orm::SchemaColumn column{.name = row.get<std::string>(0),
                             .type = column_type(row.get<std::string>(1)),
                             .nullable = row.get<bool>(2)};
    if (!row.is_null(3)) {
      const std::string value = row.get<std::string>(3);
      if (value.rfind("nextval(", 0) == 0) {
        column.autoincrement = true;
      } else {
        column.default_value = canonical_default(value);
      }
    }
    table.columns.push_back(column);
  }
  db::Result indexes = co_await db.execute(
      "SELECT i.relname::text, ix.indisunique, ix.indisprimary, "
      "EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid AND c.contype = "
      "'u'), (SELECT string_agg(a.attname::text, ',' ORDER BY k.n) FROM "
      "unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) JOIN pg_attribute a ON "
      "a.attrelid = ix.indrelid AND a.attnum = k.attnum) "
      "FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid "
      "JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace s ON s.oid = t.relnamespace "
      "WHERE s.nspname = current_schema() AND t.relname = $1",
      name);
  std::map<std::size_t, std::vector<std::string>> sets;
  for (const db::Row& row : indexes) {
    const std::string index = row.get<std::string>(0);
    names.insert(index);
    const std::vector<std::string> on = split(row.get<std::string>(4));
    const bool unique = row.get<bool>(1);
    if (row.get<bool>(2)) {
      for (const std::string& c : on) table.find_column(c)->primary_key = true;
    } else if (row.get<bool>(3) && on.size() == 1) {
      table.find_column(on[0])->unique = true;
    } else if (unique) {
      add_unique_set(table, sets, index, on);
    } else if (on.size() == 1) {
      table.find_column(on[0])->indexed = true;
    }
  }
  for (auto& [position, set] : sets) table.unique_sets.push_back(set);
  db::Result keys = co_await db.execute(
      "SELECT c.conname::text, c.contype::text, a.attname::text, rt.relname::text, "
      "ra.attname::text, c.confdeltype::text FROM pg_constraint c "
      "JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace s ON s.oid = t.relnamespace "
      "LEFT JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
      "LEFT JOIN pg_class rt ON rt.oid = c.confrelid "
      "LEFT JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1] "
      "WHERE s.nspname = current_schema() AND t.relname = $1",
      name);
  for (const db::Row& row : keys) {
    names.insert(row.get<std::string>(0));
    if (row.get<std::string>(1) != "f") continue;
    table.find_column(row.get<std::string>(2))->relationship = orm::ForeignKey{
        row.get<std::string>(3), row.get<std::string>(4), delete_rule(row.get<std::string>(5))};
  }
  co_return table;
}

inline Task<orm::SchemaTable> read_sqlite_table(db::Executor& db, std::string name,
                                                std::set<std::string>& names) {
  orm::SchemaTable table{.name = name};
  db::Result sql = co_await db.execute("SELECT sql FROM sqlite_master WHERE name = $1", name);
  const bool autoincrement =
      sql.front().get<std::string>(0).find("AUTOINCREMENT") != std::string::npos;
  db::Result columns = co_await db.execute(
      "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($1) ORDER BY cid",
      name);
  for (const db::Row& row : columns) {
    const bool key = row.get<std::int64_t>(4) > 0;
    orm::SchemaColumn column{.name = row.get<std::string>(0),
                             .type = column_type(row.get<std::string>(1)),
                             .nullable = !key && row.get<std::int64_t>(2) == 0,
                             .primary_key = key};
    if (key && autoincrement && column.type == orm::ColumnType::integer) {
      column.autoincrement = true;
      column.type = orm::ColumnType::big_integer;
    }
    if (!row.is_null(3)) column.default_value = canonical_default(row.get<std::string>(3));
    table.columns.push_back(column);
  }
  db::Result indexes = co_await db.execute(
      "SELECT l.name, l.\"unique\", l.origin, (SELECT group_concat(name, ',') FROM (SELECT "
      "i.name FROM pragma_index_info(l.name) i ORDER BY i.seqno)) FROM pragma_index_list($1) l",
      name);
  std::map<std::size_t, std::vector<std::string>> sets;
  for (const db::Row& row : indexes) {
    const std::string index = row.get<std::string>(0);
    const std::string origin = row.get<std::string>(2);
    const std::vector<std::string> on = split(row.get<std::string>(3));
    if (origin == "pk") continue;
    if (origin == "u") {
      if (on.size() == 1)
        table.find_column(on[0])->unique = true;
      else
        add_unique_set(table, sets, index, on);  // not something we create
      continue;
    }
    names.insert(index);
    if (row.get<bool>(1)) {
      add_unique_set(table, sets, index, on);
    } else if (on.size() == 1) {
      table.find_column(on[0])->indexed = true;
    }
  }
  for (auto& [position, set] : sets) table.unique_sets.push_back(set);
  db::Result keys = co_await db.execute(
      "SELECT \"from\", \"table\", \"to\", on_delete FROM pragma_foreign_key_list($1)", name);
  for (const db::Row& row : keys) {
    table.find_column(row.get<std::string>(0))->relationship = orm::ForeignKey{
        row.get<std::string>(1), row.get<std::string>(2), delete_rule(row.get<std::string>(3))};
  }
  co_return table;
}

}  // namespace detail

// Every table with its columns, keys, indexes and unique sets, and the names of indexes,
// constraints and sequences; the migration version table is not part of any model and is
// left out.
inline Task<Catalog> read_catalog(db::Executor& db) {
  const bool postgres = db.dialect() == db::Dialect::postgres;
  Catalog catalog;
  db::Result tables = co_await db.execute(
      postgres ? "SELECT table_name::text FROM information_schema.tables WHERE table_schema = "
                 "current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
               : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                 "'sqlite\\_%' ESCAPE '\\' ORDER BY 1");
  for (const db::Row& row : tables) {
    const std::string name = row.get<std::string>(0);
    if (name == "_conduit_version_pgsql") continue;
    if (postgres) {
      catalog.schema.tables.push_back(
          co_await detail::read_postgres_table(db, name, catalog.names));
    } else {
      catalog.schema.tables.push_back(co_await detail::read_sqlite_table(db, name, catalog.names));
    }
  }
  if (postgres) {
    db::Result sequences = co_await db.execute(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace "
        "WHERE c.relkind = 'S' AND s.nspname = current_schema()");
    for (const db::Row& row : sequences) catalog.names.insert(row.get<std::string>(0));
  }
  co_return catalog;
}

}  // namespace conduit::migration::testing
