// Joined relationships of orm::Query (Query::join). Include conduit/orm/query.hpp rather
// than this header.
//
// To-one (BelongsTo, HasOne): a LEFT OUTER JOIN in the query's own statement; the related
// columns come back in the same row as "t<n>.<column>" and fill the member with the whole
// object. A to-one join cannot multiply rows (a HasOne's foreign key is UNIQUE), so
// limit, offset and fetch_one keep their meaning. Its configured Query<U> is never run:
// its columns, predicates and to-one joins are merged into the parent's statement (the
// joins re-aliased below this one, see merge_joins), and its to-many joins run after the
// parents are read, on the joined objects (load_below_to_one).
//
// To-many (HasMany): a second query once the parents are read,
//   SELECT ... FROM child WHERE fk IN ($1, ..., $n) ORDER BY ...
// with at most kKeysPerJoinQuery parent keys per statement (fewer on SQLite); the children are then
// grouped under their parents in the order the second query returned them. Unlike one
// statement joining both tables, this never repeats a parent per child, so limit and
// offset still count parents, and the parents' columns travel once. The second query is
// a full Query<U>: it may have its own predicates, sorting and joins (e.g. the far side
// of a many-to-many link). It runs after the first, so on a busy database it may see
// rows committed in between, as two statements of a READ COMMITTED transaction would.
//
// Thread-safety: plain functions; the tasks run on the executor's event loop.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "conduit/core/task.hpp"
#include "conduit/orm/detail/query_run.hpp"
#include "conduit/orm/detail/query_sql.hpp"
#include "conduit/orm/predicate.hpp"

namespace conduit::orm::detail {

// join() without a second argument.
struct NoConfigure {};

// Parent keys per statement of a to-many join: far below PostgreSQL's parameter limit,
// leaving room for the second query's own parameters; on SQLite, 90% of max_parameters.
inline constexpr std::size_t kKeysPerJoinQuery = 10'000;

// True when row `row` has a joined object under `prefix` (its primary key is not NULL).
template <class U>
bool joined_row_present(const db::Result& result, std::size_t row, const std::string& prefix) {
  const Entity& target = entity_of<U>();
  const auto at = result.column_index(prefix + target.column_of(target.primary_key()).name);
  return at && !result[row][*at].is_null();
}

template <class U>
void fill_to_one(BelongsTo<U>& out, const db::Result& result, std::size_t row,
                 const std::string& prefix) {
  // No joined row: the foreign key is NULL (or names a row the join cannot see); the
  // key read from our own column stays as it is.
  if (!joined_row_present<U>(result, row, prefix)) return;
  out = BelongsTo<U>(read_model<U>(result, row, prefix));
}

template <class U>
void fill_to_one(HasOne<U>& out, const db::Result& result, std::size_t row,
                 const std::string& prefix) {
  if (!joined_row_present<U>(result, row, prefix)) {
    out.reset();
    out.set_fetched(true);
    return;
  }
  out = HasOne<U>(read_model<U>(result, row, prefix));
}

// Fills the HasMany member `relationship` of every parent with the rows of `children`
// (the configured second query) whose foreign key `fk` (column `fk_column`) names it.
template <class T, class U, class Relationship, class ForeignKey>
Task<void> load_has_many(Query<U> children, std::string fk_column, Relationship relationship,
                         ForeignKey fk, std::vector<T>& parents,
                         std::optional<std::chrono::milliseconds> timeout) {
  std::map<Key, std::vector<std::size_t>> parents_by_key;
  std::vector<db::Value> keys;
  for (std::size_t i = 0; i < parents.size(); ++i) {
    (parents[i].*relationship) = HasMany<U>(std::vector<U>{});
    auto [it, fresh] = parents_by_key.try_emplace(primary_key_value(parents[i]));
    if (fresh) keys.push_back(key_to_db_value(it->first));
    it->second.push_back(i);
  }
  if (timeout && !children.timeout_setting()) children.timeout(*timeout);
  const std::size_t per_query =
      std::min(kKeysPerJoinQuery, max_parameters(children.dialect()) * 9 / 10);
  for (std::size_t start = 0; start < keys.size(); start += per_query) {
    const std::size_t end = std::min(keys.size(), start + per_query);
    std::vector<db::Value> chunk(keys.begin() + static_cast<std::ptrdiff_t>(start),
                                 keys.begin() + static_cast<std::ptrdiff_t>(end));
    Query<U> query = children;
    query.where(Predicate<U>(make_leaf(fk_column, Op::one_of, std::move(chunk), false)));
    std::vector<U> rows = co_await query.fetch();
    for (U& row : rows) {
      const auto it = parents_by_key.find((row.*fk).key());
      if (it == parents_by_key.end()) continue;
      for (std::size_t k = 0; k < it->second.size(); ++k) {
        HasMany<U>& items = parents[it->second[k]].*relationship;
        if (k + 1 == it->second.size()) {
          items.push_back(std::move(row));
        } else {
          items.push_back(row);
        }
      }
    }
  }
}

// Runs the to-many joins `loads` of a to-one join's query on the objects the parents'
// member `relationship` holds (those joined: the others have no object to fill). The
// objects are moved out into one vector for the loads and back again.
template <class T, class U, class Relationship>
Task<void> load_below_to_one(std::vector<typename Joins<U>::Load> loads, Relationship relationship,
                             std::vector<T>& parents,
                             std::optional<std::chrono::milliseconds> timeout) {
  std::vector<U*> holders;
  std::vector<U> objects;
  for (T& parent : parents) {
    if (U* object = (parent.*relationship).get()) {
      holders.push_back(object);
      objects.push_back(std::move(*object));
    }
  }
  if (objects.empty()) co_return;
  for (const auto& load : loads) co_await load(objects, timeout);
  for (std::size_t i = 0; i < holders.size(); ++i) *holders[i] = std::move(objects[i]);
}

}  // namespace conduit::orm::detail
