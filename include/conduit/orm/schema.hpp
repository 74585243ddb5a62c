// conduit::orm::Schema: the relational schema derived from a data model, as plain values.
//
// A Schema holds tables, a table holds columns and multi-column unique sets. Types are
// SQL-independent (ColumnType); the SQL generator maps them per database. These are
// ordinary values so that migrations can build one by replaying migration files and diff
// it against the one derived from the C++ declarations.
//
// Equality ignores order where SQL does: tables are compared by name, columns by name,
// and unique sets as sets of column names. to_json() is what `db schema` prints; its shape:
//   {"tables":[{"name":"_hero","columns":[{"name":"id","type":"big_integer",
//     "nullable":false,"primary_key":true,"autoincrement":true,"unique":false,
//     "indexed":false,"default_value":null,"relationship":null}, ...],
//     "unique_sets":[["name","team_id"]]}]}
// with "relationship":{"table":"team","column":"id","on_delete":"cascade"} on foreign keys.
//
// Thread-safety: plain value types.
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace conduit::orm {

enum class ColumnType {
  integer,           // int32
  big_integer,       // int64
  boolean,           // bool
  double_precision,  // double
  text,              // std::string and enums (by enumerator name)
  timestamp,         // UTC time point, microsecond precision
  document,          // boost::json::value (JSONB)
  uuid,              // orm::Uuid
  decimal,           // orm::Decimal (NUMERIC)
};

// What happens to a row whose foreign key refers to a deleted row.
enum class DeleteRule { nullify, cascade, restrict, set_default };

std::string_view to_string(ColumnType type) noexcept;
std::string_view to_string(DeleteRule rule) noexcept;
std::optional<ColumnType> parse_column_type(std::string_view name) noexcept;
std::optional<DeleteRule> parse_delete_rule(std::string_view name) noexcept;

struct ForeignKey {
  std::string table = {};   // the referenced table
  std::string column = {};  // its primary-key column
  DeleteRule on_delete = DeleteRule::nullify;

  friend bool operator==(const ForeignKey&, const ForeignKey&) = default;
};

struct SchemaColumn {
  std::string name = {};
  ColumnType type = ColumnType::text;
  bool nullable = false;
  bool primary_key = false;
  bool autoincrement = false;
  bool unique = false;
  bool indexed = false;
  // Raw SQL ("'x'", "now()"), as Conduit's defaultValue.
  std::optional<std::string> default_value = std::nullopt;
  std::optional<ForeignKey> relationship = std::nullopt;

  friend bool operator==(const SchemaColumn&, const SchemaColumn&) = default;
};

struct SchemaTable {
  std::string name = {};
  std::vector<SchemaColumn> columns = {};
  // Sets of column names whose combination is unique.
  std::vector<std::vector<std::string>> unique_sets = {};

  const SchemaColumn* find_column(std::string_view column) const noexcept;
  SchemaColumn* find_column(std::string_view column) noexcept;
  const SchemaColumn* primary_key() const noexcept;

  friend bool operator==(const SchemaTable& a, const SchemaTable& b);
};

struct Schema {
  std::vector<SchemaTable> tables = {};

  const SchemaTable* find_table(std::string_view table) const noexcept;
  SchemaTable* find_table(std::string_view table) noexcept;

  friend bool operator==(const Schema& a, const Schema& b);
};

boost::json::value to_json(const SchemaColumn& column);
boost::json::value to_json(const SchemaTable& table);
boost::json::value to_json(const Schema& schema);
// The inverse of to_json(const Schema&); throws std::invalid_argument naming the bad key.
Schema schema_from_json(const boost::json::value& json);

}  // namespace conduit::orm
