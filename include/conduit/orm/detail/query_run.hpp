// The run-time half of orm::Query: running its statements and reading models back from
// the results, including the objects of joined relationships. Include
// conduit/orm/query.hpp rather than this header.
//
// Every function takes what it needs by value (statements, join steps), so a task stays
// valid after the Query that made it is gone.
//
// Thread-safety: stateless functions; the tasks run on the executor's event loop.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "conduit/core/task.hpp"
#include "conduit/db/database.hpp"
#include "conduit/orm/detail/query_sql.hpp"
#include "conduit/orm/entity.hpp"
#include "conduit/orm/errors.hpp"
#include "conduit/orm/row.hpp"

namespace conduit::orm::detail {

// What a query does beyond reading its own columns: fill a to-one relationship from the
// joined columns of a row, and load a to-many one for all fetched objects (a second
// query, given the statement timeout of the first). A Fill finds its columns by the
// index of its join: `prefixes` holds each join's column prefix ("t1."), which differ
// when the query's joins were merged below another query's to-one join.
template <class T>
struct Joins {
  using Fill = std::function<void(const db::Result&, std::size_t, T&,
                                  const std::vector<std::string>& prefixes)>;
  using Load = std::function<Task<void>(std::vector<T>&, std::optional<std::chrono::milliseconds>)>;
  std::vector<Fill> fill;
  std::vector<Load> load;
  std::vector<std::string> prefixes;  // set when the query runs
};

// The model in row `index` of `result`, from the columns the result has, named
// `prefix` + column (a joined table's columns are "t1.name").
template <class T>
T read_model(const db::Result& result, std::size_t index, std::string_view prefix = {}) {
  const Entity& entity = entity_of<T>();
  const db::Row row = result[index];
  T object{};
  std::string name(prefix);
  read_row(object, [&](const SchemaColumn& column, auto& cell) {
    name.resize(prefix.size());
    name += column.name;
    const auto at = result.column_index(name);
    if (!at) return false;
    const db::Value& value = row[*at];
    if (value.is_null()) {
      cell.reset();
      return true;
    }
    typename std::remove_reference_t<decltype(cell)>::value_type out{};
    try {
      from_db_value(value, out);
    } catch (const db::ValueError& e) {
      throw_bad_value(entity, column.name, e);
    }
    cell = std::move(out);
    return true;
  });
  return object;
}

template <class T>
std::vector<T> read_models(const db::Result& result, const Joins<T>& joins) {
  std::vector<T> out;
  out.reserve(result.size());
  for (std::size_t i = 0; i < result.size(); ++i) {
    out.push_back(read_model<T>(result, i));
    for (const auto& f : joins.fill) f(result, i, out.back(), joins.prefixes);
  }
  return out;
}

template <class T>
Task<std::vector<T>> run_fetch(db::Executor& executor, Statement statement, Joins<T> joins) {
  const auto timeout = statement.timeout;
  const db::Result result = co_await execute(executor, std::move(statement));
  std::vector<T> out = read_models<T>(result, joins);
  for (const auto& load : joins.load) co_await load(out, timeout);
  co_return out;
}

template <class T>
Task<std::optional<T>> run_fetch_one(db::Executor& executor, Statement statement, Joins<T> joins) {
  const auto timeout = statement.timeout;
  const db::Result result = co_await execute(executor, std::move(statement));
  if (result.size() > 1) throw_too_many_rows("fetch_one", entity_of<T>());
  if (result.empty()) co_return std::nullopt;
  std::vector<T> out = read_models<T>(result, joins);
  for (const auto& load : joins.load) co_await load(out, timeout);
  co_return std::move(out.front());
}

[[noreturn]] void throw_no_row_returned();

template <class T>
Task<T> run_insert(db::Executor& executor, Statement statement) {
  const db::Result result = co_await execute(executor, std::move(statement));
  if (result.size() != 1) throw_no_row_returned();
  co_return read_model<T>(result, 0);
}

template <class T>
Task<void> insert_batches(db::Executor& executor, const std::vector<Statement>& statements,
                          std::vector<T>& out) {
  out.clear();
  for (const Statement& statement : statements) {
    const db::Result result = co_await execute(executor, statement);
    for (std::size_t i = 0; i < result.size(); ++i) out.push_back(read_model<T>(result, i));
  }
}

// Several statements on a Database run in one transaction, so that a failing batch
// leaves none of the rows behind.
template <class T>
Task<std::vector<T>> run_insert_many(db::Executor& executor, std::vector<Statement> statements) {
  std::vector<T> out;
  auto* database = statements.size() > 1 ? dynamic_cast<db::Database*>(&executor) : nullptr;
  if (database) {
    std::function<Task<void>(db::Transaction&)> body = [&](db::Transaction& tx) {
      return insert_batches<T>(tx, statements, out);
    };
    co_await database->transaction(std::move(body));
  } else {
    co_await insert_batches<T>(executor, statements, out);
  }
  co_return out;
}

template <class T>
Task<void> update_at_most_one(db::Executor& executor, const Statement& statement,
                              std::optional<T>& out) {
  const db::Result result = co_await execute(executor, statement);
  if (result.size() > 1) throw_too_many_rows("update_one", entity_of<T>());
  if (result.size() == 1) out = read_model<T>(result, 0);
}

template <class T>
Task<std::optional<T>> run_update_one(db::Executor& executor, Statement statement) {
  if (statement.error) std::rethrow_exception(statement.error);
  std::optional<T> out;
  if (auto* database = dynamic_cast<db::Database*>(&executor)) {
    // Its own transaction, so that a second matching row undoes the whole update.
    std::function<Task<void>(db::Transaction&)> body = [&](db::Transaction& tx) {
      return update_at_most_one<T>(tx, statement, out);
    };
    co_await database->transaction(std::move(body));
  } else {
    co_await update_at_most_one<T>(executor, statement, out);
  }
  co_return out;
}

// The member type R from the canonical type C it travels as.
template <class R, class C>
R from_canonical(C value) {
  if constexpr (std::is_same_v<R, C>) {
    return value;
  } else if constexpr (value_class_of<R>() == ValueClass::timestamp) {
    return std::chrono::floor<typename R::duration>(value);
  } else {
    return static_cast<R>(value);
  }
}

// The single value of a one-row, one-column result, nullopt for NULL.
template <class R>
Task<std::optional<R>> run_aggregate(db::Executor& executor, Statement statement) {
  const db::Result result = co_await execute(executor, std::move(statement));
  const db::Row row = result.front();
  const db::Value& value = row[0];
  if (value.is_null()) co_return std::nullopt;
  Canonical<R> out{};
  try {
    from_db_value(value, out);
  } catch (const db::ValueError& e) {
    throw RowError(std::string("orm::Query: an aggregate's value: ") + e.what());
  }
  co_return from_canonical<R>(std::move(out));
}

Task<std::size_t> run_delete(db::Executor& executor, Statement statement);
Task<std::int64_t> run_count(db::Executor& executor, Statement statement);

}  // namespace conduit::orm::detail
