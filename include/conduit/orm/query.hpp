// conduit::orm::Query<T>: typed queries on one model's table (Conduit's Query<T>).
//
//   orm::Query<Hero> q(*db);                           // a db::Database or a db::Transaction
//   q.where(&Hero::name).begins_with("Bat", orm::Case::insensitive)
//    .where(&Hero::age).between(20, 40)                // several where() = AND
//    .where(orm::field(&Hero::rating).greater_than(8) || orm::field(&Hero::active).equal_to(false))
//    .where(orm::path(&Hero::team, &Team::name)).equal_to("blue")     // through a relationship
//    .sort_by(&Hero::name).limit(10).offset(20).timeout(std::chrono::seconds(2));
//   std::vector<Hero> heroes = co_await q.fetch();
//
//   Hero created = co_await orm::Query<Hero>(*db).insert(hero, keys);   // keys from read_json
//   auto rows = co_await orm::Query<Hero>(*db).insert_many(heroes, keys);
//   co_await orm::Query<Hero>(*db).where(&Hero::id).equal_to(id).update_one(hero, keys);
//   std::optional<double> mean = co_await orm::Query<Hero>(*db).average(&Hero::age);
//   auto page = co_await orm::Query<Hero>(*db).page_by(&Hero::name, orm::SortOrder::ascending,
//                                                      last_name).limit(20).fetch();
//   auto teams = co_await orm::Query<Team>(*db).join(&Team::heroes).fetch();   // with heroes
//
// Predicates (predicate.hpp) name members by pointer, so a misspelt member or a value of
// the wrong type does not compile; only a pointer to a member that is not stored
// (transient, or not in BOOST_DESCRIBE_STRUCT) is refused at run time
// (std::invalid_argument). A BelongsTo member compares by the related primary key:
// where(&Hero::team).identified_by(3). OR and NOT: orm::field(&M::x).op(...) makes a
// Predicate<M> without a query; combine them with ||, && and !, or any_of/all_of, and
// pass the result to where(). A where(...) chain can be negated with .not_() before the
// operator. Key paths: where(orm::path(&Hero::team, &Team::name)), see predicate.hpp.
//
// Executing: fetch(), fetch_one() (QueryStateError if more than one row matches),
// insert(object, present) (only the present columns; the row is read back with RETURNING),
// insert_many(objects, present) (one multi-row INSERT ... RETURNING, rows in input order
// as both databases return a multi-row VALUES; every object is validated before any SQL
// runs; no statement at all for no objects; more rows than one statement's parameters
// allow (max_parameters) are split into several statements, run in one transaction when
// the query is on a Database; objects with no column to insert are one DEFAULT VALUES
// statement each), update(values, present) (sets only the present columns), update_one
// (QueryStateError if more than one row matches; on a Database it runs in its own
// transaction so nothing is changed then), delete_() (the number of rows), count(), and
// the aggregates (Conduit's Query.reduce):
//   sum(&T::m)      int members: optional<int64_t>; double: optional<double>; Decimal:
//                   optional<Decimal> (nullopt when no row, or only NULLs, matched)
//   average(&T::m)  optional<double> of a number member
//   minimum/maximum optional<member type> of a number or time-stamp member
// Other member types do not compile. Decimals are text on SQLite, so their aggregates are
// computed in double precision there (exact on PostgreSQL).
// update and delete without a predicate fail with QueryStateError unless
// can_modify_all_instances() was called. Validation (orm::validate, Event::insert/update)
// runs before insert and update and fails with ValidationError (400); database failures
// are db::DatabaseError (409 for a unique violation, 503 for a timeout, ...). Every
// failure is thrown when the task is awaited.
//
// What applies where: predicates apply to every statement; sort_by, page_by, limit,
// offset and joins to fetch and fetch_one only (count and the aggregates ignore them,
// except a to-one join's predicates, see below); timeout() to every statement of the
// query, including a join's second queries.
//
// Keyset paging (Conduit's pageBy): page_by(&T::m, order, bound) sorts by m before any
// sort_by keys and, when `bound` is set, keeps only the rows strictly after it in that
// order (m > bound ascending, m < bound descending); nullopt is the first page. Page by
// a member that is never NULL: a NULL is after no bound, so its row can only show on the
// first page (SQLite sorts NULLs first, PostgreSQL last).
//
// Rows are read with the default columns (FieldSet<T>::defaults(): omit-by-default
// members left out) plus the primary key, or those given to returning().
//
// Joins (detail/join.hpp): join(&Hero::team) (BelongsTo) and join(&User::profile)
// (HasOne) read the related object in the same statement (LEFT OUTER JOIN), so that
// to_json gives {"team":{...all of it...}} instead of {"team":{"id":3}}; a HasOne not
// found is fetched and empty (null in JSON). join(&Team::heroes) (HasMany) reads the
// related rows with a second query WHERE fk IN (the parents' keys). Joining the same
// member twice throws std::invalid_argument. An optional second argument configures the
// related model's query, join(&Hero::team, [](orm::Query<Team>& q) { ... }):
//  - HasMany: q.where(...) filters the related rows, not the parents; they are sorted by
//    primary key unless q sorts them; q may not have limit, offset or page_by.
//  - BelongsTo/HasOne: q.where(...) filters the PARENTS (as in Conduit): it is part of the
//    main statement's WHERE, on the joined table's alias, so a hero whose team does not
//    match is not returned. As the joined columns are NULL for a hero with no team,
//    such a hero matches is_null() on them and no other operator. count() and the
//    aggregates apply these predicates too; update() and delete_() refuse them
//    (std::invalid_argument when awaited: filter by a key path instead).
//    q.returning(...) chooses the joined object's columns (its primary key is always read;
//    default: FieldSet<U>::defaults()). q may not have limit, offset, sort_by or page_by
//    (std::invalid_argument from join()): sort the parents by a key path instead. q's
//    timeout() and can_modify_all_instances() play no part.
//  - Joins of q nest: a to-one join below a to-one join is one more LEFT JOIN of the same
//    statement (hero -> team -> league), a HasMany below it a second query for the
//    joined objects (the heroes of every joined team); the objects are filled at every
//    level, so to_json shows them.
// Otherwise a joined object is read with its default columns and its own relationships
// unjoined.
//
// Sorting by a member of a related model: sort_by(orm::path(&Hero::team, &Team::name),
// order), through BelongsTo and HasOne members only (several hops allowed; a HasMany in
// the path does not compile). Each hop is a LEFT JOIN, shared with a join() of the same
// relationships, so rows with no related row are kept; they (and NULL values) sort last
// in both orders on both databases (NULLS LAST).
//
// Thread-safety: a Query is a plain value; its tasks run on the executor's event loop.
#pragma once

#include <boost/mp11/algorithm.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "conduit/core/task.hpp"
#include "conduit/db/database.hpp"
#include "conduit/orm/detail/aggregate.hpp"
#include "conduit/orm/detail/join.hpp"
#include "conduit/orm/detail/query_run.hpp"
#include "conduit/orm/detail/query_sql.hpp"
#include "conduit/orm/entity.hpp"
#include "conduit/orm/errors.hpp"
#include "conduit/orm/field_set.hpp"
#include "conduit/orm/predicate.hpp"
#include "conduit/orm/row.hpp"
#include "conduit/orm/validation.hpp"

namespace conduit::orm {

// A query used in a way its result cannot honour (Conduit's StateError; a 500): fetch_one
// or update_one matching several rows, update or delete of every row not allowed.
class QueryStateError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

template <class T>
class Query {
 public:
  explicit Query(db::Executor& executor) : executor_(&executor) {
    spec_.table = entity_of<T>().table().name;
  }

  // ---- conditions ------------------------------------------------------------------------
  // A condition on one member: where(&Hero::name).equal_to("x"). Returns the operators,
  // each of which adds its predicate and returns this query.
  template <class M, class C>
  Matcher<T, typename detail::Operand<M>::type, detail::QuerySink<T>> where(M C::*member) {
    return {detail::ColumnRef{detail::member_column<T>(member), {}}, detail::QuerySink<T>{this}};
  }
  // A condition on a member reached through relationships: where(path(&Hero::team, ...)).
  template <class V, bool ToOne>
  Matcher<T, V, detail::QuerySink<T>> where(const Path<T, V, ToOne>& path) {
    return {path.ref(), detail::QuerySink<T>{this}};
  }
  // A predicate built with field(), ||, && and !.
  Query& where(const Predicate<T>& predicate) {
    spec_.where.push_back(predicate.node());
    return *this;
  }

  // ---- what fetch returns ------------------------------------------------------------------
  // Several sort keys apply in the order given.
  template <class M, class C>
  Query& sort_by(M C::*member, SortOrder order = SortOrder::ascending) {
    spec_.sort.push_back({detail::member_column<T>(member), order == SortOrder::descending});
    return *this;
  }
  // By a member of a related model, through BelongsTo/HasOne: sort_by(path(&Hero::team,
  // &Team::name)). Rows with no related row (or a NULL value) come last in either order.
  template <class V, bool ToOne>
  Query& sort_by(const Path<T, V, ToOne>& path, SortOrder order = SortOrder::ascending) {
    static_assert(ToOne,
                  "orm::Query::sort_by: a key path to sort by must go through BelongsTo or "
                  "HasOne only (a HasMany relates several rows)");
    spec_.sort.push_back(detail::sort_key_through(spec_, path.ref().hops, path.ref().column,
                                                  order == SortOrder::descending));
    return *this;
  }
  // Sorted by `member` first; with a bound, only the rows after it. Replaces an earlier
  // page_by.
  template <class M, class C>
  Query& page_by(M C::*member, SortOrder order,
                 std::optional<typename detail::Operand<M>::type> bound_after = std::nullopt) {
    const bool descending = order == SortOrder::descending;
    detail::PageSpec page{{detail::member_column<T>(member), descending}, nullptr};
    if (bound_after) {
      page.bound =
          detail::make_leaf(page.key.column, descending ? detail::Op::less : detail::Op::greater,
                            {detail::operand_value(*bound_after)}, false);
    }
    spec_.page = std::move(page);
    return *this;
  }
  // At most `count` rows (Conduit's fetchLimit); throws std::invalid_argument if negative.
  Query& limit(std::int64_t count) {
    if (count < 0) throw std::invalid_argument("orm::Query::limit: negative");
    spec_.limit = count;
    return *this;
  }
  Query& offset(std::int64_t count) {
    if (count < 0) throw std::invalid_argument("orm::Query::offset: negative");
    spec_.offset = count;
    return *this;
  }
  // The members read back by fetch, insert and update (the primary key always is).
  Query& returning(const FieldSet<T>& members) {
    returning_ = members;
    return *this;
  }
  template <auto... Pointers>
  Query& returning() {
    return returning(FieldSet<T>::template of<Pointers...>());
  }
  // Reads a relationship's objects too (see the header comment).
  template <class R, class C>
  Query& join(R C::*relationship) {
    return join(relationship, detail::NoConfigure{});
  }
  template <class R, class C, class Configure>
  Query& join(R C::*relationship, Configure&& configure);

  // ---- how it runs ---------------------------------------------------------------------------
  // Each statement's timeout instead of the database's (DatabaseOptions::query_timeout).
  Query& timeout(std::chrono::milliseconds limit) {
    timeout_ = limit;
    return *this;
  }
  const std::optional<std::chrono::milliseconds>& timeout_setting() const noexcept {
    return timeout_;
  }
  // Allows update() and delete_() without a predicate.
  Query& can_modify_all_instances() {
    spec_.can_modify_all = true;
    return *this;
  }

  // ---- statements ------------------------------------------------------------------------------
  Task<std::vector<T>> fetch() const {
    return detail::run_fetch<T>(*executor_, timed(detail::select_sql(dialect(), spec_, columns())),
                                joins());
  }
  // The one matching row, or nullopt; QueryStateError if several match.
  Task<std::optional<T>> fetch_one() const {
    const std::int64_t limit = spec_.limit ? std::min<std::int64_t>(*spec_.limit, 2) : 2;
    return detail::run_fetch_one<T>(
        *executor_, timed(detail::select_sql(dialect(), spec_, columns(), limit)), joins());
  }
  // Inserts the `present` members of `object` (the database fills the rest with their
  // defaults) and returns the row as stored.
  Task<T> insert(const T& object, const FieldSet<T>& present) const {
    detail::Statement statement;
    try {
      validate(object, Event::insert, present);
      auto [names, values] = column_values(object, present);
      statement = detail::insert_sql(dialect(), spec_, names, std::move(values), columns());
    } catch (...) {
      statement.error = std::current_exception();
    }
    return detail::run_insert<T>(*executor_, timed(std::move(statement)));
  }
  // Inserts every stored member except database-assigned (autoincrement) keys.
  Task<T> insert(const T& object) const { return insert(object, insertable()); }
  // Inserts the `present` members of every object; returns the rows as stored, in order.
  Task<std::vector<T>> insert_many(const std::vector<T>& objects, const FieldSet<T>& present) const;
  Task<std::vector<T>> insert_many(const std::vector<T>& objects) const {
    return insert_many(objects, insertable());
  }
  // Sets the `present` members of `values` on every matching row; returns the rows.
  Task<std::vector<T>> update(const T& values, const FieldSet<T>& present) const {
    return detail::run_fetch<T>(*executor_, update_statement(values, present), {});
  }
  // The same for at most one row: nullopt when none matched, QueryStateError (and no
  // change, unless run on a Transaction the caller keeps) when several did.
  Task<std::optional<T>> update_one(const T& values, const FieldSet<T>& present) const {
    return detail::run_update_one<T>(*executor_, update_statement(values, present));
  }
  // The number of rows deleted.
  Task<std::size_t> delete_() const {
    return detail::run_delete(*executor_, timed(detail::delete_sql(dialect(), spec_)));
  }
  Task<std::int64_t> count() const {
    return detail::run_count(*executor_, timed(detail::count_sql(dialect(), spec_)));
  }

  template <class M, class C>
  auto sum(M C::*member) const {
    using V = detail::ValueType<M>;
    static_assert(detail::is_number<V>,
                  "orm::Query::sum: the member is not a number (an integer, double or Decimal)");
    return aggregate<detail::SumType<V>>(detail::Aggregate::sum, member);
  }
  template <class M, class C>
  Task<std::optional<double>> average(M C::*member) const {
    static_assert(detail::is_number<detail::ValueType<M>>,
                  "orm::Query::average: the member is not a number (an integer, double or "
                  "Decimal)");
    return aggregate<double>(detail::Aggregate::average, member);
  }
  template <class M, class C>
  auto minimum(M C::*member) const {
    using V = detail::ValueType<M>;
    static_assert(
        detail::is_number<V> || detail::value_class_of<V>() == detail::ValueClass::timestamp,
        "orm::Query::minimum: the member is not a number or a time stamp");
    return aggregate<V>(detail::Aggregate::minimum, member);
  }
  template <class M, class C>
  auto maximum(M C::*member) const {
    using V = detail::ValueType<M>;
    static_assert(
        detail::is_number<V> || detail::value_class_of<V>() == detail::ValueClass::timestamp,
        "orm::Query::maximum: the member is not a number or a time stamp");
    return aggregate<V>(detail::Aggregate::maximum, member);
  }

  db::Dialect dialect() const noexcept { return executor_->dialect(); }

 private:
  template <class>
  friend class Query;

  std::vector<std::string> columns() const {
    const FieldSet<T> members = returning_ ? *returning_ : FieldSet<T>::defaults();
    return detail::selected_columns(entity_of<T>(), members.bits());
  }

  detail::Joins<T> joins() const {
    detail::Joins<T> out = joins_;
    out.prefixes = detail::join_prefixes(spec_);
    return out;
  }

  static FieldSet<T> insertable() {
    FieldSet<T> present;
    const std::uint64_t bits = detail::insertable_bits(entity_of<T>());
    for (std::size_t i = 0; i < FieldSet<T>::capacity; ++i) {
      if ((bits >> i) & 1U) present.insert_index(i);
    }
    return present;
  }

  detail::Statement timed(detail::Statement statement) const {
    statement.timeout = timeout_;
    return statement;
  }

  template <class R, class M, class C>
  Task<std::optional<R>> aggregate(detail::Aggregate function, M C::*member) const {
    using V = detail::ValueType<M>;
    detail::Statement statement;
    try {
      statement = detail::aggregate_sql(dialect(), spec_, function, detail::aggregate_input<V>(),
                                        detail::member_column<T>(member));
    } catch (...) {
      statement.error = std::current_exception();
    }
    return detail::run_aggregate<R>(*executor_, timed(std::move(statement)));
  }

  static std::pair<std::vector<std::string>, std::vector<db::Value>> column_values(
      const T& object, const FieldSet<T>& present) {
    std::pair<std::vector<std::string>, std::vector<db::Value>> out;
    for_each_column_value(object, present, [&](const SchemaColumn& column, const auto* value) {
      out.first.push_back(column.name);
      out.second.push_back(value ? detail::to_db_value(*value) : db::Value(nullptr));
    });
    return out;
  }

  detail::Statement update_statement(const T& values, const FieldSet<T>& present) const {
    detail::Statement statement;
    try {
      validate(values, Event::update, present);
      auto [names, params] = column_values(values, present);
      statement = detail::update_sql(dialect(), spec_, names, std::move(params), columns());
    } catch (...) {
      statement.error = std::current_exception();
    }
    return timed(std::move(statement));
  }

  db::Executor* executor_;
  detail::QuerySpec spec_;
  std::optional<FieldSet<T>> returning_;
  std::optional<std::chrono::milliseconds> timeout_;
  detail::Joins<T> joins_;
  std::uint64_t joined_ = 0;  // members joined, by index
};

}  // namespace conduit::orm

#include "conduit/orm/detail/query_impl.hpp"
