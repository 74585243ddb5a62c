// Conditions on a model's rows for orm::Query: Predicate<T>, the operators of one member
// (Matcher), field() for predicates outside a query, and path() for members reached
// through relationships. Include conduit/orm/query.hpp, which includes this header.
//
//   orm::field(&Hero::age).less_than(18) || orm::field(&Hero::name).equal_to("Robin")
//   orm::path(&Hero::team, &Team::name)                  // the hero's team's name
//   orm::path(&Team::heroes, &Hero::age)                 // some hero's age (HasMany)
//   orm::path(&Hero::hero_powers, &HeroPower::power, &Power::name)   // through a link
//
// Members are named by pointer, so a misspelt member, a value of the wrong type, a
// member of another model, or a path whose next member is not of the related model does
// not compile.
//
// A path holds for a row when a related row matches: each step is rendered as
//   column IN (SELECT related_column FROM related_table WHERE ...)
// (the foreign key among the related primary keys for a BelongsTo; the primary key among
// the related rows' foreign keys for a HasMany/HasOne). So for a HasMany it means "at
// least one" (Conduit's haveAtLeastOneWhere), and !field(path(...)).op(...) means "none".
// sort_by(path(...)) takes a path through BelongsTo and HasOne only (a HasMany one does
// not compile): it is a chain of LEFT JOINs instead (see Query::sort_by).
// A row whose BelongsTo is NULL matches neither a path predicate nor its negation (as
// with Conduit's join, where the related columns are NULL); test the foreign key itself
// with where(&Hero::team).is_null(). not_() before an operator negates the comparison on
// the related row: path(&Team::heroes, &Hero::age).not_().equal_to(3) is "some hero
// whose age is not 3".
//
// Thread-safety: plain values.
#pragma once

#include <boost/describe/enum_to_string.hpp>

#include <chrono>
#include <cstddef>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "conduit/orm/detail/query_sql.hpp"
#include "conduit/orm/entity.hpp"
#include "conduit/orm/field_set.hpp"
#include "conduit/orm/row.hpp"

namespace conduit::orm {

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

// A column of the model a path ends in, and the steps that lead there (outermost first).
struct ColumnRef {
  std::string column;
  std::vector<Hop> hops;
};

// The step through relationship member `index` of `entity`; std::invalid_argument for a
// member that is not a described relationship.
Hop hop_of(const Entity& entity, std::size_t index);

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

// A member of a related model, reached from T; V is the type it compares with. ToOne:
// every step is a BelongsTo or HasOne, so the path names at most one value per row (what
// sort_by needs).
template <class T, class V, bool ToOne = true>
class Path {
 public:
  using value_type = V;
  static constexpr bool to_one = ToOne;
  explicit Path(detail::ColumnRef ref) : ref_(std::move(ref)) {}
  const detail::ColumnRef& ref() const noexcept { return ref_; }

 private:
  detail::ColumnRef ref_;
};

namespace detail {

template <class T, class M, class C>
auto path_from(M C::*last) {
  static_assert(std::is_base_of_v<C, T>,
                "orm::path: the member after a relationship must be a member of the related "
                "model");
  return Path<T, typename Operand<M>::type>(ColumnRef{member_column<T>(last), {}});
}

template <class T, class R, class C, class Next, class... Rest>
auto path_from(R C::*relationship, Next next, Rest... rest) {
  static_assert(std::is_base_of_v<C, T>,
                "orm::path: the member after a relationship must be a member of the related "
                "model");
  if constexpr (!RelationTraits<R>::is_relationship) {
    static_assert(RelationTraits<R>::is_relationship,
                  "orm::path: every member but the last must be a relationship (BelongsTo, "
                  "HasMany or HasOne)");
    return Path<T, NotAColumn>(ColumnRef{});
  } else {
    auto inner = path_from<typename RelationTraits<R>::target>(next, rest...);
    ColumnRef ref = inner.ref();
    ref.hops.insert(ref.hops.begin(), hop_of(entity_of<T>(), index_of_pointer<T>(relationship)));
    constexpr bool to_one =
        decltype(inner)::to_one && RelationTraits<R>::kind != MemberKind::has_many;
    return Path<T, typename decltype(inner)::value_type, to_one>(std::move(ref));
  }
}

}  // namespace detail

// The last member, reached from the first's model through the relationships before it.
// For a first member inherited from a base, name the model: path<Hero>(&Person::team, ...).
template <class Root = void, class M, class C, class... Rest>
auto path(M C::*first, Rest... rest) {
  using T = std::conditional_t<std::is_void_v<Root>, C, Root>;
  return detail::path_from<T>(first, rest...);
}

// The operators on one member (column) of T, whose values are of type V. Each returns
// what the Sink makes of the predicate: a Predicate<T> (field()) or the Query (where()).
template <class T, class V, class Sink>
class Matcher {
 public:
  static constexpr bool is_text = std::is_same_v<V, std::string>;

  Matcher(detail::ColumnRef ref, Sink sink) : ref_(std::move(ref)), sink_(std::move(sink)) {}

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
      throw std::invalid_argument("orm::Query: one_of() of column \"" + ref_.column +
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
        detail::make_leaf(ref_.column, op, std::move(params), is_text && c == Case::insensitive);
    if (negate_) node = detail::make_not(std::move(node));
    for (auto hop = ref_.hops.rbegin(); hop != ref_.hops.rend(); ++hop) {
      node = detail::make_related(*hop, std::move(node));
    }
    return sink_(Predicate<T>(std::move(node)));
  }

  detail::ColumnRef ref_;
  Sink sink_;
  bool negate_ = false;
};

// A predicate on a member outside any query, for OR/NOT: field(&Hero::age).less_than(18).
// For a member inherited from a base, name the model: field<Hero>(&Person::name).
template <class T = void, class M, class C>
auto field(M C::*member) {
  using Model = std::conditional_t<std::is_void_v<T>, C, T>;
  using V = typename detail::Operand<M>::type;
  return Matcher<Model, V, detail::PredicateSink<Model>>(
      detail::ColumnRef{detail::member_column<Model>(member), {}}, {});
}

// The same for a member reached through relationships: field(path(&Hero::team, &Team::name)).
template <class T, class V, bool ToOne>
auto field(const Path<T, V, ToOne>& path) {
  return Matcher<T, V, detail::PredicateSink<T>>(path.ref(), {});
}

}  // namespace conduit::orm
