// The non-template half of orm::Query: a predicate tree, a query's clauses as plain
// values, the SQL text rendered from them for each dialect, and the conversion between
// the orm's canonical value types (row.hpp) and db::Value. Include conduit/orm/query.hpp
// rather than this header.
//
// Every value becomes a bound parameter ($1..$n); identifiers are double-quoted, which
// PostgreSQL and SQLite both accept. Identifiers come from the model's declaration, never
// from a request.
//
// A key path through a relationship (PredicateNode::Kind::related) is rendered as
//   outer_column IN (SELECT inner_column FROM table WHERE inner_column IS NOT NULL AND ...)
// which needs no alias for the outer table, so it works alike in SELECT, UPDATE, DELETE
// and inside another such subquery. A SELECT with joins (JoinSpec) qualifies the query's
// own columns with the alias "t0" and the joined ones with theirs ("t1", ...), selecting
// the latter as "t1.<column>". A joined table's predicates (JoinSpec::where) are part of
// the WHERE clause, on its alias; a key path to sort by is a chain of such LEFT JOINs.
//
// Thread-safety: plain values and stateless functions; safe from any thread.
#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conduit/core/task.hpp"
#include "conduit/db/database.hpp"
#include "conduit/db/result.hpp"
#include "conduit/db/value.hpp"
#include "conduit/orm/column.hpp"
#include "conduit/orm/decimal.hpp"
#include "conduit/orm/entity.hpp"
#include "conduit/orm/key.hpp"
#include "conduit/orm/uuid.hpp"

namespace conduit::orm::detail {

enum class Op : unsigned char {
  equal,
  not_equal,
  less,
  less_or_equal,
  greater,
  greater_or_equal,
  between,
  outside,
  one_of,
  is_null,
  is_not_null,
  like,  // the caller's pattern, with % and _ wildcards and \ escapes
  not_like,
  contains,  // a literal, escaped
  begins_with,
  ends_with,
};

struct PredicateNode;
using PredicatePtr = std::shared_ptr<const PredicateNode>;

// One step of a key path: the rows whose `outer_column` is among the `inner_column`
// values of the rows of `table` that match the rest of the path.
struct Hop {
  std::string outer_column;
  std::string table;
  std::string inner_column;
};

struct PredicateNode {
  enum class Kind : unsigned char { leaf, all, any, negate, related };
  Kind kind = Kind::leaf;
  // Leaves: the column compared; related: the outer column of the hop.
  std::string column;
  // Leaves only.
  Op op = Op::equal;
  bool case_insensitive = false;
  std::vector<db::Value> values;
  // related only: the hop's table and inner column.
  std::string table;
  std::string inner_column;
  // all/any: the operands; negate: the one operand; related: the condition on `table`.
  std::vector<PredicatePtr> children;
};

PredicatePtr make_leaf(std::string column, Op op, std::vector<db::Value> values,
                       bool case_insensitive);
PredicatePtr make_group(PredicateNode::Kind kind, std::vector<PredicatePtr> children);
PredicatePtr make_not(PredicatePtr child);
PredicatePtr make_related(const Hop& hop, PredicatePtr condition);

struct SortKey {
  std::string column;
  bool descending = false;
  // The alias of the joined table the column is of (a key path); empty for our own.
  std::string qualifier{};
  // NULLS LAST whatever the order (the databases differ without it).
  bool nulls_last = false;
};

// A LEFT OUTER JOIN of a to-one relationship (or a step of one), read back in the same
// row. A join only sorted by selects no columns.
struct JoinSpec {
  std::string table;
  std::string alias;          // "t1", "t2", ...
  std::string join_column;    // of the joined table, equal to
  std::string parent_column;  // this column of the table aliased parent_alias
  std::vector<std::string> columns;
  std::string parent_alias = "t0";
  // Conditions on the joined table's columns: they filter the query's rows.
  std::vector<PredicatePtr> where{};
};

// Keyset paging (Conduit's pageBy): sorted by `key` first, and when `bound` is set only
// the rows strictly after it in that order.
struct PageSpec {
  SortKey key;
  PredicatePtr bound;
};

// A query's clauses, independent of the model type.
struct QuerySpec {
  std::string table;
  std::vector<PredicatePtr> where;  // ANDed
  std::vector<SortKey> sort;
  std::optional<PageSpec> page;  // fetch only
  std::vector<JoinSpec> joins;   // fetch only
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> offset;
  bool can_modify_all = false;
};

// A statement ready to run, or the error preparing it raised (rethrown when the
// statement's task is awaited, so that every failure surfaces at the co_await).
struct Statement {
  std::string sql;
  std::vector<db::Value> params;
  std::exception_ptr error;
  // Instead of the database's default statement timeout.
  std::optional<std::chrono::milliseconds> timeout;
};

// The index in spec.joins of the LEFT JOIN through `hop` below the table aliased
// `parent_alias`: an existing one (a join and a sort key through the same relationships
// share it) or a new one that selects nothing.
std::size_t join_index(QuerySpec& spec, const std::string& parent_alias, const Hop& hop);
// Adds `joins` (a related query's to-one joins, relative to its own table) below
// spec.joins[at]; returns the index in spec.joins each of them got.
std::vector<std::size_t> merge_joins(QuerySpec& spec, std::size_t at,
                                     const std::vector<JoinSpec>& joins);
// A sort key on `column` of the table reached through the to-one `hops`, joining them.
SortKey sort_key_through(QuerySpec& spec, const std::vector<Hop>& hops, const std::string& column,
                         bool descending);
// "t1.", "t2.", ...: the prefixes of the joined tables' columns in a result, by join.
std::vector<std::string> join_prefixes(const QuerySpec& spec);

// Runs `statement` (rethrowing its error first) with its timeout.
Task<db::Result> execute(db::Executor& executor, Statement statement);

enum class Aggregate : unsigned char { sum, average, minimum, maximum };
// How an aggregate treats its column's values.
enum class AggregateInput : unsigned char {
  integer,  // the sum is cast to BIGINT (PostgreSQL's sum(bigint) is numeric)
  real,
  decimal,  // exact text on SQLite: aggregated as REAL there
  timestamp,
};

// `limit` overrides the spec's when set (fetch_one asks for two rows).
Statement select_sql(db::Dialect dialect, const QuerySpec& spec,
                     const std::vector<std::string>& columns,
                     std::optional<std::int64_t> limit = std::nullopt);
Statement count_sql(db::Dialect dialect, const QuerySpec& spec);
Statement insert_sql(db::Dialect dialect, const QuerySpec& spec,
                     const std::vector<std::string>& names, std::vector<db::Value> values,
                     const std::vector<std::string>& returning);
// Throws QueryStateError (captured in the Statement) without a predicate, unless allowed.
Statement update_sql(db::Dialect dialect, const QuerySpec& spec,
                     const std::vector<std::string>& names, std::vector<db::Value> values,
                     const std::vector<std::string>& returning);
Statement delete_sql(db::Dialect dialect, const QuerySpec& spec);
// One INSERT with a VALUES row per element of `rows` (each as long as `names`, which must
// not be empty).
Statement insert_many_sql(db::Dialect dialect, const QuerySpec& spec,
                          const std::vector<std::string>& names,
                          std::vector<std::vector<db::Value>> rows,
                          const std::vector<std::string>& returning);
// SELECT fn(column) over the rows the predicates match (sorting, paging, limit and
// offset do not apply). An average is a double precision.
Statement aggregate_sql(db::Dialect dialect, const QuerySpec& spec, Aggregate function,
                        AggregateInput input, const std::string& column);
// The most bound parameters one statement gets: 65535 (PostgreSQL's protocol limit) or
// 999 on SQLite (its limit is 32766, but it handles `$n` names in quadratic time, so
// smaller statements are faster; see sql_builder.cpp).
std::size_t max_parameters(db::Dialect dialect) noexcept;

// `text` with LIKE's wildcards and escape character escaped by backslashes.
std::string escape_like(std::string_view text);
// A LIKE pattern (% _ and \ escapes) as the equivalent SQLite GLOB pattern.
std::string like_to_glob(std::string_view pattern);

// The columns of the members in `bits` that are stored, primary key always included, in
// declaration order.
std::vector<std::string> selected_columns(const Entity& entity, std::uint64_t bits);
// Members stored in a column that the database does not assign (not autoincrement).
std::uint64_t insertable_bits(const Entity& entity);
// The column of member `index`; throws std::invalid_argument for npos or an unstored member.
const std::string& column_for_member(const Entity& entity, std::size_t index);

// Canonical orm values (row.hpp) to and from db::Value.
db::Value to_db_value(std::int32_t v);
db::Value to_db_value(std::int64_t v);
db::Value to_db_value(bool v);
db::Value to_db_value(double v);
db::Value to_db_value(const std::string& v);
db::Value to_db_value(const Timestamp& v);
db::Value to_db_value(const boost::json::value& v);
db::Value to_db_value(const Uuid& v);
db::Value to_db_value(const Decimal& v);
// A primary-key value as a parameter; null for a null key.
db::Value key_to_db_value(const Key& key);

void from_db_value(const db::Value& v, std::int32_t& out);
void from_db_value(const db::Value& v, std::int64_t& out);
void from_db_value(const db::Value& v, bool& out);
void from_db_value(const db::Value& v, double& out);
void from_db_value(const db::Value& v, std::string& out);
void from_db_value(const db::Value& v, Timestamp& out);
void from_db_value(const db::Value& v, boost::json::value& out);
void from_db_value(const db::Value& v, Uuid& out);
void from_db_value(const db::Value& v, Decimal& out);

[[noreturn]] void throw_bad_value(const Entity& entity, std::string_view column,
                                  const std::exception& cause);
[[noreturn]] void throw_too_many_rows(std::string_view operation, const Entity& entity);

}  // namespace conduit::orm::detail
