// SqlWriter (private to src/orm): appends SQL text and its bound parameters for
// orm::Query's statements, rendering predicate trees for PostgreSQL or SQLite.
//
// Columns of the query's own table are written qualified by `qualifier` when one is set
// (a SELECT with joins); inside a key path's subquery they are unqualified, since only
// the subquery's table is in scope there.
//
// Thread-safety: one writer per statement being built; not shared.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "conduit/db/dialect.hpp"
#include "conduit/orm/detail/query_sql.hpp"

namespace conduit::orm::detail {

class SqlWriter {
 public:
  explicit SqlWriter(db::Dialect dialect) : dialect_(dialect) {}

  db::Dialect dialect() const noexcept { return dialect_; }
  std::string& sql() noexcept { return sql_; }

  // Appends a placeholder bound to `value`.
  void param(db::Value value);
  void identifier(std::string_view name) { sql_ += db::quote_identifier(name); }
  // A column of the table in scope, qualified when a qualifier is set.
  void column(std::string_view name);
  void set_qualifier(std::string qualifier) { qualifier_ = std::move(qualifier); }

  void predicate(const PredicateNode& node);
  // " WHERE a AND b" for the non-null predicates; nothing when there are none.
  void where(const std::vector<const PredicateNode*>& predicates);
  void where(const std::vector<PredicatePtr>& predicates);
  // "a, b" of the table in scope.
  void column_list(const std::vector<std::string>& columns);
  // " RETURNING a, b" (unqualified: INSERT/UPDATE/DELETE never alias their table).
  void returning(const std::vector<std::string>& columns);
  // " LIMIT $n OFFSET $m" as far as set.
  void limit_offset(std::optional<std::int64_t> limit, std::optional<std::int64_t> offset);

  Statement finish() { return Statement{std::move(sql_), std::move(params_), nullptr, {}}; }

 private:
  void leaf(const PredicateNode& node);
  void related(const PredicateNode& node);
  void operand(const PredicateNode& node);
  void value_operand(const PredicateNode& node, std::size_t i);
  void binary(const PredicateNode& node, std::string_view op);
  void pattern(const PredicateNode& node);

  db::Dialect dialect_;
  std::string sql_;
  std::vector<db::Value> params_;
  std::string qualifier_;
};

}  // namespace conduit::orm::detail
