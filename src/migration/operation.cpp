// describe(): the one-line summaries of migration operations that `db generate` lists and
// `db upgrade` prints as it goes. Stateless; thread-safe.
#include <string>
#include <type_traits>
#include <variant>

#include "conduit/migration/operation.hpp"

namespace conduit::migration {
namespace {

std::string column_of(const std::string& table, const std::string& column) {
  return table + "." + column;
}

std::string describe_alter(const AlterColumn& alter) {
  std::string changes;
  auto add = [&changes](const char* what) {
    if (!changes.empty()) changes += ", ";
    changes += what;
  };
  if (alter.nullable) add(*alter.nullable ? "nullable" : "not null");
  if (alter.unique) add(*alter.unique ? "unique" : "not unique");
  if (alter.indexed) add(*alter.indexed ? "indexed" : "not indexed");
  if (alter.default_value) add(*alter.default_value ? "default" : "no default");
  if (alter.on_delete) add("delete rule");
  std::string out = "alter column " + column_of(alter.table, alter.column);
  if (!changes.empty()) out += " (" + changes + ")";
  return out;
}

// The first line of the statement, shortened: enough to recognise it in a progress log.
std::string sql_summary(const RawSql& raw) {
  const std::optional<std::string>& text = raw.sql        ? raw.sql
                                           : raw.postgres ? raw.postgres
                                                          : raw.sqlite;
  if (!text) return "run SQL";
  std::string line = text->substr(0, text->find('\n'));
  constexpr std::size_t max_length = 60;
  if (line.size() > max_length) line = line.substr(0, max_length) + "...";
  return "run SQL: " + line;
}

}  // namespace

std::string describe(const Operation& operation) {
  return std::visit(
      [](const auto& op) -> std::string {
        using T = std::decay_t<decltype(op)>;
        if constexpr (std::is_same_v<T, CreateTable>) {
          return "create table " + op.table.name;
        } else if constexpr (std::is_same_v<T, DeleteTable>) {
          return "delete table " + op.table;
        } else if constexpr (std::is_same_v<T, RenameTable>) {
          return "rename table " + op.from + " to " + op.to;
        } else if constexpr (std::is_same_v<T, AddColumn>) {
          return "add column " + column_of(op.table, op.column.name);
        } else if constexpr (std::is_same_v<T, DeleteColumn>) {
          return "delete column " + column_of(op.table, op.column);
        } else if constexpr (std::is_same_v<T, RenameColumn>) {
          return "rename column " + column_of(op.table, op.from) + " to " + op.to;
        } else if constexpr (std::is_same_v<T, AlterColumn>) {
          return describe_alter(op);
        } else if constexpr (std::is_same_v<T, AlterUniqueSets>) {
          return "change the unique column sets of " + op.table;
        } else {
          static_assert(std::is_same_v<T, RawSql>);
          return sql_summary(op);
        }
      },
      operation);
}

}  // namespace conduit::migration
