// conduit::orm::Query<T>: typed queries on one model's table (Conduit's Query<T>).
//
//   orm::Query<Hero> q(*db);                           // a db::Database or a db::Transaction
//   q.where(&Hero::name).begins_with("Bat", orm::Case::insensitive)
//    .where(&Hero::age).between(20, 40)                // several where() = AND
//    .where(orm::field(&Hero::rating).greater_than(8) || orm::field(&Hero::active).equal_to(false))
//    .sort_by(&Hero::name).limit(10).offset(20);
//   std::vector<Hero> heroes = co_await q.fetch();
//
//   Hero created = co_await orm::Query<Hero>(*db).insert(hero, keys);   // keys from read_json
//   co_await orm::Query<Hero>(*db).where(&Hero::id).equal_to(id).update_one(hero, keys);
//
// Predicates name members by pointer, so a misspelt member or a value of the wrong type
// does not compile; only a pointer to a member that is not stored (transient, or not in
// BOOST_DESCRIBE_STRUCT) is refused at run time (std::invalid_argument). A BelongsTo member
// compares by the related primary key: where(&Hero::team).identified_by(3).
//
// OR and NOT: orm::field(&M::x).op(...) makes a Predicate<M> without a query; combine them
// with ||, && and !, or any_of(...)/all_of(...), and pass the result to where(). A
// where(...) chain can also be negated with .not_() before the operator.
//
// Executing: fetch(), fetch_one() (QueryStateError if more than one row matches),
// insert(object, present) (only the present columns; the row is read back with RETURNING),
// update(values, present) (sets only the present columns), update_one (QueryStateError if
// more than one row matches; on a Database it runs in its own transaction so nothing is
// changed then), delete_() (the number of rows), count(). update and delete without a
// predicate fail with QueryStateError unless can_modify_all_instances() was called.
// Validation (orm::validate, Event::insert/update) runs before insert and update and
// fails with ValidationError (400); database failures are db::DatabaseError (409 for a
// unique violation, ...). Every failure is thrown when the task is awaited.
//
// Rows are read with the default columns (FieldSet<T>::defaults(): omit-by-default
// members left out) plus the primary key, or those given to returning().
// Not yet: joins, key paths through relationships, keyset paging (pageBy), insert_many,
// aggregates other than count. count() ignores sorting, limit and offset.
//
// Thread-safety: a Query is a plain value; its tasks run on the executor's event loop.
#pragma once

#include <boost/describe/enum_to_string.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <stdexcept>
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
#include "conduit/orm/field_set.hpp"
#include "conduit/orm/row.hpp"
#include "conduit/orm/validation.hpp"

namespace conduit::orm {

// A query used in a way its result cannot honour (Conduit's StateError; a 500): fetch_one
// or update_one matching several rows, update or delete of every row not allowed.
class QueryStateError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

enum class SortOrder { ascending, descending };
enum class Case { sensitive, insensitive };

template <class T>
class Query;

// A condition on T's rows; combine with &&, || and !.
template <class T>
class Predicate {
 public:
  explicit Predicate(detail::PredicatePtr node) : node_(std::move(node)) {}
  const detail::PredicatePtr& node() const noexcept { return node_; }

  friend Predicate operator&&(const Predicate& a, const Predicate& b) {
    return Predicate(detail::make_group(detail::PredicateNode::Kind::all, {a.node_, b.node_}));
  }
  friend Predicate operator||(const Predicate& a, const Predicate& b) {
    return Predicate(detail::make_group(detail::PredicateNode::Kind::any, {a.node_, b.node_}));
  }
  friend Predicate operator!(const Predicate& a) { return Predicate(detail::make_not(a.node_)); }

 private:
  detail::PredicatePtr node_;
};

// True when any (all) of the predicates is; any_of() of nothing is false, all_of() true.
template <class T, class... Rest>
requires(std::is_same_v<Rest, Predicate<T>>&&...) Predicate<T> any_of(const Predicate<T>& first,
                                                                      const Rest&... rest) {
  return Predicate<T>(
      detail::make_group(detail::PredicateNode::Kind::any, {first.node(), rest.node()...}));
}
template <class T, class... Rest>
requires(std::is_same_v<Rest, Predicate<T>>&&...) Predicate<T> all_of(const Predicate<T>& first,
                                                                      const Rest&... rest) {
  return Predicate<T>(
      detail::make_group(detail::PredicateNode::Kind::all, {first.node(), rest.node()...}));
}

namespace detail {

// The type a member is compared with: its value type, or for a BelongsTo the related
// model's primary-key type. `valid` is false for HasMany/HasOne and unsupported types.
template <class M>
struct Operand {
  using type = ValueType<M>;
  static constexpr bool valid = value_class_of<ValueType<M>>() != ValueClass::none;
  static constexpr bool relationship = false;
};
template <class U>
struct Operand<BelongsTo<U>> {
  using type = PrimaryKeyType<U>;
  static constexpr bool valid = true;
  static constexpr bool relationship = true;
};
// Stands in for the operand type of members that have none, so that only the
// static_assert in member_column() is reported.
struct NotAColumn {};

template <class U>
struct Operand<HasMany<U>> {
  using type = NotAColumn;
  static constexpr bool valid = false;
  static constexpr bool relationship = true;
};
template <class U>
struct Operand<HasOne<U>> {
  using type = NotAColumn;
  static constexpr bool valid = false;
  static constexpr bool relationship = true;
};

template <class V>
db::Value operand_value([[maybe_unused]] const V& value) {
  if constexpr (value_class_of<V>() == ValueClass::none) {
    return db::Value();  // not a column: member_column() reports it
  } else if constexpr (std::is_same_v<V, Canonical<V>>) {
    return to_db_value(value);
  } else if constexpr (value_class_of<V>() == ValueClass::enumeration) {
    const char* name = boost::describe::enum_to_string(value, nullptr);
    return to_db_value(name ? std::string(name) : std::to_string(static_cast<long long>(value)));
  } else if constexpr (value_class_of<V>() == ValueClass::timestamp) {
    return to_db_value(Timestamp(std::chrono::floor<std::chrono::microseconds>(value)));
  } else {
    return to_db_value(static_cast<Canonical<V>>(value));
  }
}

template <class T, class M, class C>
const std::string& member_column(M C::*member) {
  static_assert(std::is_base_of_v<C, T>, "orm::Query: the member pointer is not of this model");
  static_assert(Operand<M>::valid,
                "orm::Query: the member is not a column (HasMany/HasOne have no column; use "
                "the BelongsTo side)");
  return column_for_member(entity_of<T>(), index_of_pointer<T>(member));
}

template <class T>
struct PredicateSink {
  Predicate<T> operator()(Predicate<T> predicate) const { return predicate; }
};
template <class T>
struct QuerySink {
  Query<T>* query;
  Query<T>& operator()(Predicate<T> predicate) const { return query->where(std::move(predicate)); }
};

}  // namespace detail

// The operators on one member (column) of T, whose values are of type V. Each returns
// what the Sink makes of the predicate: a Predicate<T> (field()) or the Query (where()).
template <class T, class V, class Sink>
class Matcher {
 public:
  static constexpr bool is_text = std::is_same_v<V, std::string>;

  Matcher(std::string column, Sink sink) : column_(std::move(column)), sink_(std::move(sink)) {}

  // Negates the operator that follows (Conduit's `.not`).
  Matcher not_() const {
    Matcher copy = *this;
    copy.negate_ = !negate_;
    return copy;
  }

  decltype(auto) equal_to(const V& value) { return emit(detail::Op::equal, {value}); }
  decltype(auto) equal_to(const V& value, Case c) requires is_text {
    return emit(detail::Op::equal, {value}, c);
  }
  decltype(auto) not_equal_to(const V& value) { return emit(detail::Op::not_equal, {value}); }
  decltype(auto) not_equal_to(const V& value, Case c) requires is_text {
    return emit(detail::Op::not_equal, {value}, c);
  }
  // For a BelongsTo: the related row's primary key.
  decltype(auto) identified_by(const V& key) { return emit(detail::Op::equal, {key}); }

  // `pattern` uses SQL's wildcards: % any run, _ one character, \ escapes the next.
  decltype(auto) like(std::string_view pattern, Case c = Case::sensitive) requires is_text {
    return emit(detail::Op::like, {std::string(pattern)}, c);
  }
  decltype(auto) not_like(std::string_view pattern, Case c = Case::sensitive) requires is_text {
    return emit(detail::Op::not_like, {std::string(pattern)}, c);
  }
  // `text` is literal: wildcards in it are escaped.
  decltype(auto) contains(std::string_view text, Case c = Case::sensitive) requires is_text {
    return emit(detail::Op::contains, {std::string(text)}, c);
  }
  decltype(auto) begins_with(std::string_view text, Case c = Case::sensitive) requires is_text {
    return emit(detail::Op::begins_with, {std::string(text)}, c);
  }
  decltype(auto) ends_with(std::string_view text, Case c = Case::sensitive) requires is_text {
    return emit(detail::Op::ends_with, {std::string(text)}, c);
  }

  decltype(auto) greater_than(const V& value) { return emit(detail::Op::greater, {value}); }
  decltype(auto) greater_than_or_equal_to(const V& value) {
    return emit(detail::Op::greater_or_equal, {value});
  }
  decltype(auto) less_than(const V& value) { return emit(detail::Op::less, {value}); }
  decltype(auto) less_than_or_equal_to(const V& value) {
    return emit(detail::Op::less_or_equal, {value});
  }
  // Inclusive bounds.
  decltype(auto) between(const V& lower, const V& upper) {
    return emit(detail::Op::between, {lower, upper});
  }
  // Below `lower` or above `upper`.
  decltype(auto) outside(const V& lower, const V& upper) {
    return emit(detail::Op::outside, {lower, upper});
  }
  // Throws std::invalid_argument for an empty list, as Conduit's oneOf.
  decltype(auto) one_of(const std::vector<V>& values) {
    if (values.empty()) {
      throw std::invalid_argument("orm::Query: one_of() of column \"" + column_ +
                                  "\" needs at least one value");
    }
    return emit(detail::Op::one_of, values);
  }
  decltype(auto) one_of(std::initializer_list<V> values) { return one_of(std::vector<V>(values)); }

  decltype(auto) is_null() { return emit(detail::Op::is_null, {}); }
  decltype(auto) is_not_null() { return emit(detail::Op::is_not_null, {}); }

 private:
  decltype(auto) emit(detail::Op op, const std::vector<V>& values, Case c = Case::sensitive) {
    std::vector<db::Value> params;
    params.reserve(values.size());
    for (const V& value : values) params.push_back(detail::operand_value(value));
    auto node =
        detail::make_leaf(column_, op, std::move(params), is_text && c == Case::insensitive);
    if (negate_) node = detail::make_not(std::move(node));
    return sink_(Predicate<T>(std::move(node)));
  }

  std::string column_;
  Sink sink_;
  bool negate_ = false;
};

// A predicate on a member outside any query, for OR/NOT: field(&Hero::age).less_than(18).
// For a member inherited from a base, name the model: field<Hero>(&Person::name).
template <class T = void, class M, class C>
auto field(M C::*member) {
  using Model = std::conditional_t<std::is_void_v<T>, C, T>;
  using V = typename detail::Operand<M>::type;
  return Matcher<Model, V, detail::PredicateSink<Model>>(detail::member_column<Model>(member), {});
}

namespace detail {

// The model in row `index` of `result`, from the columns the result has.
template <class T>
T read_model(const db::Result& result, std::size_t index) {
  const Entity& entity = entity_of<T>();
  const db::Row row = result[index];
  T object{};
  read_row(object, [&](const SchemaColumn& column, auto& cell) {
    const auto at = result.column_index(column.name);
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
std::vector<T> read_models(const db::Result& result) {
  std::vector<T> out;
  out.reserve(result.size());
  for (std::size_t i = 0; i < result.size(); ++i) out.push_back(read_model<T>(result, i));
  return out;
}

template <class T>
Task<std::vector<T>> run_fetch(db::Executor& executor, Statement statement) {
  if (statement.error) std::rethrow_exception(statement.error);
  const db::Result result = co_await executor.execute(statement.sql, std::move(statement.params));
  co_return read_models<T>(result);
}

template <class T>
Task<std::optional<T>> run_fetch_one(db::Executor& executor, Statement statement) {
  if (statement.error) std::rethrow_exception(statement.error);
  const db::Result result = co_await executor.execute(statement.sql, std::move(statement.params));
  if (result.size() > 1) throw_too_many_rows("fetch_one", entity_of<T>());
  if (result.empty()) co_return std::nullopt;
  co_return read_model<T>(result, 0);
}

template <class T>
Task<T> run_insert(db::Executor& executor, Statement statement) {
  if (statement.error) std::rethrow_exception(statement.error);
  const db::Result result = co_await executor.execute(statement.sql, std::move(statement.params));
  if (result.size() != 1) {
    throw QueryStateError("orm::Query::insert: the database returned no row for the insert");
  }
  co_return read_model<T>(result, 0);
}

template <class T>
Task<void> update_at_most_one(db::Executor& executor, const Statement& statement,
                              std::optional<T>& out) {
  const db::Result result = co_await executor.execute(statement.sql, statement.params);
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

Task<std::size_t> run_delete(db::Executor& executor, Statement statement);
Task<std::int64_t> run_count(db::Executor& executor, Statement statement);

}  // namespace detail

template <class T>
class Query {
 public:
  explicit Query(db::Executor& executor) : executor_(&executor) {
    spec_.table = entity_of<T>().table().name;
  }

  // A condition on one member: where(&Hero::name).equal_to("x"). Returns the operators,
  // each of which adds its predicate and returns this query.
  template <class M, class C>
  Matcher<T, typename detail::Operand<M>::type, detail::QuerySink<T>> where(M C::*member) {
    return {detail::member_column<T>(member), detail::QuerySink<T>{this}};
  }
  // A predicate built with field(), ||, && and !.
  Query& where(const Predicate<T>& predicate) {
    spec_.where.push_back(predicate.node());
    return *this;
  }

  // Several sort keys apply in the order given.
  template <class M, class C>
  Query& sort_by(M C::*member, SortOrder order = SortOrder::ascending) {
    spec_.sort.push_back({detail::member_column<T>(member), order == SortOrder::descending});
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
  // Allows update() and delete_() without a predicate.
  Query& can_modify_all_instances() {
    spec_.can_modify_all = true;
    return *this;
  }

  Task<std::vector<T>> fetch() const {
    return detail::run_fetch<T>(*executor_, detail::select_sql(dialect(), spec_, columns()));
  }
  // The one matching row, or nullopt; QueryStateError if several match.
  Task<std::optional<T>> fetch_one() const {
    const std::int64_t limit = spec_.limit ? std::min<std::int64_t>(*spec_.limit, 2) : 2;
    return detail::run_fetch_one<T>(*executor_,
                                    detail::select_sql(dialect(), spec_, columns(), limit));
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
    return detail::run_insert<T>(*executor_, std::move(statement));
  }
  // Inserts every stored member except database-assigned (autoincrement) keys.
  Task<T> insert(const T& object) const {
    FieldSet<T> present;
    const std::uint64_t bits = detail::insertable_bits(entity_of<T>());
    for (std::size_t i = 0; i < FieldSet<T>::capacity; ++i) {
      if ((bits >> i) & 1U) present.insert_index(i);
    }
    return insert(object, present);
  }
  // Sets the `present` members of `values` on every matching row; returns the rows.
  Task<std::vector<T>> update(const T& values, const FieldSet<T>& present) const {
    return detail::run_fetch<T>(*executor_, update_statement(values, present));
  }
  // The same for at most one row: nullopt when none matched, QueryStateError (and no
  // change, unless run on a Transaction the caller keeps) when several did.
  Task<std::optional<T>> update_one(const T& values, const FieldSet<T>& present) const {
    return detail::run_update_one<T>(*executor_, update_statement(values, present));
  }
  // The number of rows deleted.
  Task<std::size_t> delete_() const {
    return detail::run_delete(*executor_, detail::delete_sql(dialect(), spec_));
  }
  Task<std::int64_t> count() const {
    return detail::run_count(*executor_, detail::count_sql(dialect(), spec_));
  }

  db::Dialect dialect() const noexcept { return executor_->dialect(); }

 private:
  std::vector<std::string> columns() const {
    const FieldSet<T> members = returning_ ? *returning_ : FieldSet<T>::defaults();
    return detail::selected_columns(entity_of<T>(), members.bits());
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
    return statement;
  }

  db::Executor* executor_;
  detail::QuerySpec spec_;
  std::optional<FieldSet<T>> returning_;
};

}  // namespace conduit::orm
