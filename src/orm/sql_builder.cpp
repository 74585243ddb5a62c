// SQL text for orm::Query's statements: SELECT (with joins and keyset paging), COUNT,
// INSERT (one row or many), UPDATE, DELETE and the aggregates, for PostgreSQL and SQLite.
// Predicates are rendered by SqlWriter (sql_writer.cpp). Stateless; thread-safe.
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "conduit/orm/detail/query_sql.hpp"
#include "conduit/orm/query.hpp"
#include "sql_writer.hpp"

namespace conduit::orm::detail {

namespace {

Statement refused(const char* operation, const QuerySpec& spec) {
  Statement statement;
  statement.error = std::make_exception_ptr(QueryStateError(
      fmt::format("orm::Query: {} of every row of \"{}\" refused: the query has no predicate (call "
                  "can_modify_all_instances() to allow it)",
                  operation, spec.table)));
  return statement;
}

Statement failed(std::string message) {
  Statement statement;
  statement.error = std::make_exception_ptr(std::invalid_argument(std::move(message)));
  return statement;
}

// True when a to-one join's predicates filter the query's rows, so that every statement
// that reads them (count, the aggregates) needs the joins.
bool filtered_by_joins(const QuerySpec& spec) {
  for (const JoinSpec& join : spec.joins) {
    if (!join.where.empty()) return true;
  }
  return false;
}

// The query's own predicates, for a fetch the page bound, and the joined tables'
// predicates, each on its table's alias.
void where_clause(SqlWriter& w, const QuerySpec& spec, bool fetch) {
  std::vector<const PredicateNode*> own;
  own.reserve(spec.where.size() + 1);
  for (const PredicatePtr& p : spec.where) own.push_back(p.get());
  if (fetch && spec.page) own.push_back(spec.page->bound.get());
  w.where(own);
  bool first =
      std::find_if(own.begin(), own.end(), [](auto* p) { return p != nullptr; }) == own.end();
  for (const JoinSpec& join : spec.joins) {
    if (join.where.empty()) continue;
    w.set_qualifier(join.alias);
    for (const PredicatePtr& p : join.where) {
      w.sql() += first ? " WHERE " : " AND ";
      first = false;
      w.predicate(*p);
    }
    w.set_qualifier("t0");
  }
}

void select_list(SqlWriter& w, const QuerySpec& spec, const std::vector<std::string>& columns) {
  if (spec.joins.empty()) {
    w.column_list(columns);
    return;
  }
  // Every column named explicitly: the joined tables share column names with ours.
  bool first = true;
  auto item = [&](const std::string& alias, const std::string& column, const std::string& as) {
    if (!first) w.sql() += ", ";
    first = false;
    w.identifier(alias);
    w.sql() += '.';
    w.identifier(column);
    w.sql() += " AS ";
    w.identifier(as);
  };
  for (const std::string& column : columns) item("t0", column, column);
  for (const JoinSpec& join : spec.joins) {
    for (const std::string& column : join.columns)
      item(join.alias, column, join.alias + "." + column);
  }
}

void from_clause(SqlWriter& w, const QuerySpec& spec) {
  w.sql() += " FROM ";
  w.identifier(spec.table);
  if (spec.joins.empty()) return;
  w.sql() += " AS \"t0\"";
  for (const JoinSpec& join : spec.joins) {
    w.sql() += " LEFT OUTER JOIN ";
    w.identifier(join.table);
    w.sql() += " AS ";
    w.identifier(join.alias);
    w.sql() += " ON ";
    w.identifier(join.alias);
    w.sql() += '.';
    w.identifier(join.join_column);
    w.sql() += " = ";
    w.identifier(join.parent_alias);
    w.sql() += '.';
    w.identifier(join.parent_column);
  }
  w.set_qualifier("t0");
}

// FROM and WHERE of a count or aggregate: with the joins only when their predicates
// filter (a to-one LEFT JOIN never changes the number of rows).
void filtered_from(SqlWriter& w, const QuerySpec& spec) {
  if (filtered_by_joins(spec)) {
    from_clause(w, spec);
    where_clause(w, spec, false);
    return;
  }
  w.sql() += " FROM ";
  w.identifier(spec.table);
  w.where(spec.where);
}

Statement refused_join_filter(const char* operation, const QuerySpec& spec) {
  return failed(fmt::format(
      "orm::Query: {} of \"{}\" refused: a to-one join's predicates filter fetches, count "
      "and aggregates only; filter by a key path (orm::path) instead",
      operation, spec.table));
}

void order_by(SqlWriter& w, const QuerySpec& spec) {
  std::vector<const SortKey*> keys;
  if (spec.page) keys.push_back(&spec.page->key);
  for (const SortKey& key : spec.sort) keys.push_back(&key);
  if (keys.empty()) return;
  w.sql() += " ORDER BY ";
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) w.sql() += ", ";
    if (keys[i]->qualifier.empty()) {
      w.column(keys[i]->column);
    } else {
      w.identifier(keys[i]->qualifier);
      w.sql() += '.';
      w.identifier(keys[i]->column);
    }
    w.sql() += keys[i]->descending ? " DESC" : " ASC";
    // Both databases have it (SQLite since 3.30); without it PostgreSQL sorts NULLs as
    // the largest value and SQLite as the smallest.
    if (keys[i]->nulls_last) w.sql() += " NULLS LAST";
  }
}

const char* function_name(Aggregate function) {
  switch (function) {
    case Aggregate::sum:
      return "SUM";
    case Aggregate::average:
      return "AVG";
    case Aggregate::minimum:
      return "MIN";
    case Aggregate::maximum:
      return "MAX";
  }
  return "";
}

}  // namespace

Statement select_sql(db::Dialect dialect, const QuerySpec& spec,
                     const std::vector<std::string>& columns, std::optional<std::int64_t> limit) {
  SqlWriter w(dialect);
  w.sql() += "SELECT ";
  select_list(w, spec, columns);
  from_clause(w, spec);
  where_clause(w, spec, true);
  order_by(w, spec);
  w.limit_offset(limit ? limit : spec.limit, spec.offset);
  return w.finish();
}

Statement count_sql(db::Dialect dialect, const QuerySpec& spec) {
  SqlWriter w(dialect);
  w.sql() += "SELECT COUNT(*)";
  filtered_from(w, spec);
  return w.finish();
}

Statement aggregate_sql(db::Dialect dialect, const QuerySpec& spec, Aggregate function,
                        AggregateInput input, const std::string& column) {
  SqlWriter w(dialect);
  w.sql() += "SELECT ";
  // PostgreSQL's sum(bigint) and avg() of integers are numeric: cast back to the type the
  // caller receives, which also makes an out-of-range sum an error rather than a rounding.
  const bool cast_sum = function == Aggregate::sum && input == AggregateInput::integer;
  const bool cast_average = function == Aggregate::average;
  if (cast_sum || cast_average) w.sql() += "CAST(";
  w.sql() += function_name(function);
  w.sql() += '(';
  if (filtered_by_joins(spec)) w.set_qualifier("t0");
  if (input == AggregateInput::decimal && dialect == db::Dialect::sqlite) {
    // Decimals are text on SQLite (compared as text): aggregate their numeric values.
    w.sql() += "CAST(";
    w.column(column);
    w.sql() += " AS REAL)";
  } else {
    w.column(column);
  }
  w.sql() += ')';
  if (cast_sum) w.sql() += " AS BIGINT)";
  if (cast_average) w.sql() += " AS DOUBLE PRECISION)";
  filtered_from(w, spec);
  return w.finish();
}

Statement insert_sql(db::Dialect dialect, const QuerySpec& spec,
                     const std::vector<std::string>& names, std::vector<db::Value> values,
                     const std::vector<std::string>& returning) {
  if (names.empty()) {
    SqlWriter w(dialect);
    w.sql() += "INSERT INTO ";
    w.identifier(spec.table);
    w.sql() += " DEFAULT VALUES";
    w.returning(returning);
    return w.finish();
  }
  std::vector<std::vector<db::Value>> rows;
  rows.push_back(std::move(values));
  return insert_many_sql(dialect, spec, names, std::move(rows), returning);
}

Statement insert_many_sql(db::Dialect dialect, const QuerySpec& spec,
                          const std::vector<std::string>& names,
                          std::vector<std::vector<db::Value>> rows,
                          const std::vector<std::string>& returning) {
  if (names.empty() || rows.empty()) {
    return failed(
        fmt::format("orm::Query: an insert into \"{}\" of several rows needs columns", spec.table));
  }
  SqlWriter w(dialect);
  w.sql() += "INSERT INTO ";
  w.identifier(spec.table);
  w.sql() += " (";
  w.column_list(names);
  w.sql() += ") VALUES ";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].size() != names.size()) {
      return failed("orm::Query: an inserted row has the wrong number of values");
    }
    w.sql() += r > 0 ? ", (" : "(";
    for (std::size_t i = 0; i < rows[r].size(); ++i) {
      if (i > 0) w.sql() += ", ";
      w.param(std::move(rows[r][i]));
    }
    w.sql() += ")";
  }
  w.returning(returning);
  return w.finish();
}

Statement update_sql(db::Dialect dialect, const QuerySpec& spec,
                     const std::vector<std::string>& names, std::vector<db::Value> values,
                     const std::vector<std::string>& returning) {
  if (filtered_by_joins(spec)) return refused_join_filter("update", spec);
  if (spec.where.empty() && !spec.can_modify_all) return refused("update", spec);
  if (names.empty()) {
    return failed(
        fmt::format("orm::Query: update of \"{}\" names no stored column to set", spec.table));
  }
  SqlWriter w(dialect);
  w.sql() += "UPDATE ";
  w.identifier(spec.table);
  w.sql() += " SET ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) w.sql() += ", ";
    w.identifier(names[i]);
    w.sql() += " = ";
    w.param(std::move(values.at(i)));
  }
  w.where(spec.where);
  w.returning(returning);
  return w.finish();
}

Statement delete_sql(db::Dialect dialect, const QuerySpec& spec) {
  if (filtered_by_joins(spec)) return refused_join_filter("delete", spec);
  if (spec.where.empty() && !spec.can_modify_all) return refused("delete", spec);
  SqlWriter w(dialect);
  w.sql() += "DELETE FROM ";
  w.identifier(spec.table);
  w.where(spec.where);
  return w.finish();
}

// SQLite allows 32766, but both its parser and sqlite3_bind_parameter_name look `$n`
// names up linearly, so a statement's cost grows with the square of its parameters: one
// INSERT of 16,000 two-column rows took 13 s, a thousand statements of 999 parameters a
// few milliseconds each.
std::size_t max_parameters(db::Dialect dialect) noexcept {
  return dialect == db::Dialect::postgres ? 65535 : 999;
}

}  // namespace conduit::orm::detail
