// Implementation of conduit::orm::Schema: lookups, order-insensitive equality and the
// JSON form. Stateless; thread-safe.
#include "conduit/orm/schema.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

namespace conduit::orm {

namespace {

constexpr std::array<std::pair<ColumnType, std::string_view>, 9> kColumnTypes = {{
    {ColumnType::integer, "integer"},
    {ColumnType::big_integer, "big_integer"},
    {ColumnType::boolean, "boolean"},
    {ColumnType::double_precision, "double_precision"},
    {ColumnType::text, "text"},
    {ColumnType::timestamp, "timestamp"},
    {ColumnType::document, "document"},
    {ColumnType::uuid, "uuid"},
    {ColumnType::decimal, "decimal"},
}};

constexpr std::array<std::pair<DeleteRule, std::string_view>, 4> kDeleteRules = {{
    {DeleteRule::nullify, "nullify"},
    {DeleteRule::cascade, "cascade"},
    {DeleteRule::restrict, "restrict"},
    {DeleteRule::set_default, "set_default"},
}};

template <class V>
const V* find_named(const std::vector<V>& items, std::string_view name) {
  for (const V& item : items) {
    if (item.name == name) return &item;
  }
  return nullptr;
}

// Every element of `a` has an equal, same-named element in `b`, and the sizes match.
template <class V>
bool same_by_name(const std::vector<V>& a, const std::vector<V>& b) {
  if (a.size() != b.size()) return false;
  for (const V& item : a) {
    const V* other = find_named(b, item.name);
    if (!other || !(*other == item)) return false;
  }
  return true;
}

std::vector<std::vector<std::string>> normalized(std::vector<std::vector<std::string>> sets) {
  for (auto& set : sets) std::sort(set.begin(), set.end());
  std::sort(sets.begin(), sets.end());
  return sets;
}

[[noreturn]] void bad_schema(std::string_view where) {
  throw std::invalid_argument("invalid schema JSON at '" + std::string(where) + "'");
}

const boost::json::value& member(const boost::json::object& object, std::string_view key,
                                 std::string_view where) {
  const auto* value = object.if_contains(key);
  if (!value) bad_schema(std::string(where) + "." + std::string(key));
  return *value;
}

std::string string_member(const boost::json::object& object, std::string_view key,
                          std::string_view where) {
  const auto& value = member(object, key, where);
  if (!value.is_string()) bad_schema(std::string(where) + "." + std::string(key));
  return std::string(value.get_string());
}

bool bool_member(const boost::json::object& object, std::string_view key, std::string_view where) {
  const auto* value = object.if_contains(key);
  if (!value) return false;
  if (!value->is_bool()) bad_schema(std::string(where) + "." + std::string(key));
  return value->get_bool();
}

const boost::json::object& as_object(const boost::json::value& value, std::string_view where) {
  if (!value.is_object()) bad_schema(where);
  return value.get_object();
}

const boost::json::array& as_array(const boost::json::value& value, std::string_view where) {
  if (!value.is_array()) bad_schema(where);
  return value.get_array();
}

SchemaColumn column_from_json(const boost::json::value& json, const std::string& where) {
  const auto& object = as_object(json, where);
  SchemaColumn column;
  column.name = string_member(object, "name", where);
  auto type = parse_column_type(string_member(object, "type", where));
  if (!type) bad_schema(where + ".type");
  column.type = *type;
  column.nullable = bool_member(object, "nullable", where);
  column.primary_key = bool_member(object, "primary_key", where);
  column.autoincrement = bool_member(object, "autoincrement", where);
  column.unique = bool_member(object, "unique", where);
  column.indexed = bool_member(object, "indexed", where);
  if (const auto* value = object.if_contains("default_value"); value && !value->is_null()) {
    if (!value->is_string()) bad_schema(where + ".default_value");
    column.default_value = std::string(value->get_string());
  }
  if (const auto* value = object.if_contains("relationship"); value && !value->is_null()) {
    std::string at = where + ".relationship";
    const auto& relationship = as_object(*value, at);
    ForeignKey key;
    key.table = string_member(relationship, "table", at);
    key.column = string_member(relationship, "column", at);
    auto rule = parse_delete_rule(string_member(relationship, "on_delete", at));
    if (!rule) bad_schema(at + ".on_delete");
    key.on_delete = *rule;
    column.relationship = std::move(key);
  }
  return column;
}

}  // namespace

std::string_view to_string(ColumnType type) noexcept {
  for (const auto& [value, name] : kColumnTypes) {
    if (value == type) return name;
  }
  return "unknown";
}

std::string_view to_string(DeleteRule rule) noexcept {
  for (const auto& [value, name] : kDeleteRules) {
    if (value == rule) return name;
  }
  return "unknown";
}

std::optional<ColumnType> parse_column_type(std::string_view text) noexcept {
  for (const auto& [value, name] : kColumnTypes) {
    if (name == text) return value;
  }
  return std::nullopt;
}

std::optional<DeleteRule> parse_delete_rule(std::string_view text) noexcept {
  for (const auto& [value, name] : kDeleteRules) {
    if (name == text) return value;
  }
  return std::nullopt;
}

const SchemaColumn* SchemaTable::find_column(std::string_view column) const noexcept {
  return find_named(columns, column);
}

SchemaColumn* SchemaTable::find_column(std::string_view column) noexcept {
  return const_cast<SchemaColumn*>(find_named(columns, column));
}

const SchemaColumn* SchemaTable::primary_key() const noexcept {
  for (const SchemaColumn& column : columns) {
    if (column.primary_key) return &column;
  }
  return nullptr;
}

bool operator==(const SchemaTable& a, const SchemaTable& b) {
  return a.name == b.name && same_by_name(a.columns, b.columns) &&
         normalized(a.unique_sets) == normalized(b.unique_sets);
}

const SchemaTable* Schema::find_table(std::string_view table) const noexcept {
  return find_named(tables, table);
}

SchemaTable* Schema::find_table(std::string_view table) noexcept {
  return const_cast<SchemaTable*>(find_named(tables, table));
}

bool operator==(const Schema& a, const Schema& b) { return same_by_name(a.tables, b.tables); }

boost::json::value to_json(const SchemaColumn& column) {
  boost::json::object out;
  out["name"] = column.name;
  out["type"] = to_string(column.type);
  out["nullable"] = column.nullable;
  out["primary_key"] = column.primary_key;
  out["autoincrement"] = column.autoincrement;
  out["unique"] = column.unique;
  out["indexed"] = column.indexed;
  if (column.default_value) {
    out["default_value"] = *column.default_value;
  } else {
    out["default_value"] = nullptr;
  }
  if (column.relationship) {
    out["relationship"] =
        boost::json::object{{"table", column.relationship->table},
                            {"column", column.relationship->column},
                            {"on_delete", to_string(column.relationship->on_delete)}};
  } else {
    out["relationship"] = nullptr;
  }
  return out;
}

boost::json::value to_json(const SchemaTable& table) {
  boost::json::array columns;
  for (const SchemaColumn& column : table.columns) columns.push_back(to_json(column));
  boost::json::array sets;
  for (const auto& set : table.unique_sets) {
    boost::json::array names;
    for (const auto& name : set) names.emplace_back(name);
    sets.push_back(std::move(names));
  }
  return boost::json::object{
      {"name", table.name}, {"columns", std::move(columns)}, {"unique_sets", std::move(sets)}};
}

boost::json::value to_json(const Schema& schema) {
  boost::json::array tables;
  for (const SchemaTable& table : schema.tables) tables.push_back(to_json(table));
  return boost::json::object{{"tables", std::move(tables)}};
}

Schema schema_from_json(const boost::json::value& json) {
  Schema schema;
  const auto& root = as_object(json, "");
  const auto& tables = as_array(member(root, "tables", ""), "tables");
  for (std::size_t t = 0; t < tables.size(); ++t) {
    std::string where = "tables[" + std::to_string(t) + "]";
    const auto& object = as_object(tables[t], where);
    SchemaTable table;
    table.name = string_member(object, "name", where);
    const auto& columns = as_array(member(object, "columns", where), where + ".columns");
    for (std::size_t c = 0; c < columns.size(); ++c) {
      table.columns.push_back(
          column_from_json(columns[c], where + ".columns[" + std::to_string(c) + "]"));
    }
    if (const auto* sets = object.if_contains("unique_sets")) {
      for (const auto& set : as_array(*sets, where + ".unique_sets")) {
        std::vector<std::string> names;
        for (const auto& name : as_array(set, where + ".unique_sets")) {
          if (!name.is_string()) bad_schema(where + ".unique_sets");
          names.emplace_back(name.get_string());
        }
        table.unique_sets.push_back(std::move(names));
      }
    }
    schema.tables.push_back(std::move(table));
  }
  return schema;
}

}  // namespace conduit::orm
