// Compile-time facts about a model type: its members, their kinds and options, its primary
// key and its relationships. The checks that turn declaration mistakes into compile
// errors are in model_checks.hpp. Include conduit/orm/orm.hpp rather than this header.
//
// Reading guide: members are addressed by their index in BOOST_DESCRIBE_STRUCT's list
// (inherited ones first); column_options<T>[I] is the Column entry for member I (or the
// defaults); member_kind<T, I>() says what the member is. Run-time code reads only the
// small constexpr variables (primary_key_index, member_names), never column_options, so
// that the large Column table stays a compile-time value.
//
// Thread-safety: compile-time only.
#pragma once

#include <boost/describe/enum_to_string.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/describe/members.hpp>
#include <boost/describe/modifiers.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "conduit/http/json.hpp"
#include "conduit/orm/column.hpp"
#include "conduit/orm/decimal.hpp"
#include "conduit/orm/key.hpp"
#include "conduit/orm/relationships.hpp"
#include "conduit/orm/uuid.hpp"

namespace conduit::orm::detail {

inline constexpr std::size_t npos = static_cast<std::size_t>(-1);
inline constexpr std::size_t kMaxMembers = 64;

// ---- members ---------------------------------------------------------------------------

template <class T>
using Members = boost::describe::describe_members<T, boost::describe::mod_public |
                                                         boost::describe::mod_inherited>;

template <class T>
inline constexpr std::size_t member_count = boost::mp11::mp_size<Members<T>>::value;

template <class P>
struct MemberPointerTraits;
template <class M, class C>
struct MemberPointerTraits<M C::*> {
  using type = M;
};

template <class T, std::size_t I>
using MemberAt = boost::mp11::mp_at_c<Members<T>, I>;
template <class T, std::size_t I>
using MemberType = std::remove_cv_t<
    typename MemberPointerTraits<std::remove_cv_t<decltype(MemberAt<T, I>::pointer)>>::type>;

// Calls f(std::integral_constant<std::size_t, I>{}) for every member index I.
template <class T, class F>
constexpr void for_each_index(F&& f) {
  boost::mp11::mp_for_each<boost::mp11::mp_iota_c<member_count<T>>>(f);
}

template <std::size_t I, class T>
constexpr auto& member(T& object) {
  return object.*MemberAt<std::remove_const_t<T>, I>::pointer;
}

template <template <class...> class L, class... D>
constexpr std::array<std::string_view, sizeof...(D)> descriptor_names(L<D...>) {
  return {std::string_view(D::name)...};
}

template <class T>
inline constexpr auto member_names = descriptor_names(Members<T>{});

template <class T>
constexpr std::size_t member_index(std::string_view name) {
  for (std::size_t i = 0; i < member_count<T>; ++i) {
    if (member_names<T>[i] == name) return i;
  }
  return npos;
}

// The unqualified name of T ("Hero" for app::Hero), from the compiler's signature text.
template <class T>
constexpr std::string_view type_name() {
  std::string_view text = __PRETTY_FUNCTION__;
  auto start = text.find("T = ");
  if (start == std::string_view::npos) return "model";
  start += 4;
  auto end = text.find_first_of(";]", start);
  std::string_view full = text.substr(start, end - start);
  auto bracket = full.find('<');
  auto colon = full.substr(0, bracket).rfind("::");
  return colon == std::string_view::npos ? full : full.substr(colon + 2);
}

// ---- value classes ---------------------------------------------------------------------

enum class ValueClass : unsigned char {
  none,
  int32,
  int64,
  boolean,
  real,
  text,
  timestamp,
  document,
  enumeration,
  uuid,
  decimal
};

template <class V>
constexpr ValueClass value_class_of() {
  if constexpr (std::is_same_v<V, bool>) {
    return ValueClass::boolean;
  } else if constexpr (conduit::http::detail::Integer<V> && std::is_signed_v<V> && sizeof(V) == 4) {
    return ValueClass::int32;
  } else if constexpr (conduit::http::detail::Integer<V> && std::is_signed_v<V> && sizeof(V) == 8) {
    return ValueClass::int64;
  } else if constexpr (std::is_same_v<V, double>) {
    return ValueClass::real;
  } else if constexpr (std::is_same_v<V, std::string>) {
    return ValueClass::text;
  } else if constexpr (conduit::http::detail::SysTime<V>) {
    return ValueClass::timestamp;
  } else if constexpr (std::is_same_v<V, boost::json::value>) {
    return ValueClass::document;
  } else if constexpr (conduit::http::detail::DescribedEnum<V>) {
    return ValueClass::enumeration;
  } else if constexpr (std::is_same_v<V, Uuid>) {
    return ValueClass::uuid;
  } else if constexpr (std::is_same_v<V, Decimal>) {
    return ValueClass::decimal;
  } else {
    return ValueClass::none;
  }
}

constexpr ColumnType column_type_of(ValueClass value_class) {
  switch (value_class) {
    case ValueClass::int32:
      return ColumnType::integer;
    case ValueClass::int64:
      return ColumnType::big_integer;
    case ValueClass::boolean:
      return ColumnType::boolean;
    case ValueClass::real:
      return ColumnType::double_precision;
    case ValueClass::timestamp:
      return ColumnType::timestamp;
    case ValueClass::document:
      return ColumnType::document;
    case ValueClass::uuid:
      return ColumnType::uuid;
    case ValueClass::decimal:
      return ColumnType::decimal;
    default:
      return ColumnType::text;
  }
}

template <class M>
struct Optionality {
  using value_type = M;
  static constexpr bool nullable = false;
};
template <class V>
struct Optionality<std::optional<V>> {
  using value_type = V;
  static constexpr bool nullable = true;
};

template <class M>
using ValueType = typename Optionality<M>::value_type;

// ---- member kinds ----------------------------------------------------------------------

enum class MemberKind : unsigned char {
  attribute,
  belongs_to,
  has_many,
  has_one,
  transient,
  unsupported
};

template <class M>
struct RelationTraits {
  static constexpr bool is_relationship = false;
};
template <class U>
struct RelationTraits<BelongsTo<U>> {
  static constexpr bool is_relationship = true;
  static constexpr MemberKind kind = MemberKind::belongs_to;
  using target = U;
};
template <class U>
struct RelationTraits<HasMany<U>> {
  static constexpr bool is_relationship = true;
  static constexpr MemberKind kind = MemberKind::has_many;
  using target = U;
};
template <class U>
struct RelationTraits<HasOne<U>> {
  static constexpr bool is_relationship = true;
  static constexpr MemberKind kind = MemberKind::has_one;
  using target = U;
};

template <class T, std::size_t I>
using TargetOf = typename RelationTraits<MemberType<T, I>>::target;

// ---- options ---------------------------------------------------------------------------

template <class T>
concept HasColumns = requires {
  { T::columns[0] } -> std::convertible_to<const Column&>;
};

template <class T>
concept HasTableOptions = requires {
  { T::table } -> std::convertible_to<const Table&>;
};

template <class T>
concept HasTableName = !HasTableOptions<T> && requires {
  { T::table } -> std::convertible_to<std::string_view>;
};

template <class T>
constexpr Table table_options() {
  if constexpr (HasTableOptions<T>) {
    return T::table;
  } else if constexpr (HasTableName<T>) {
    return Table{.name = std::string_view(T::table)};
  } else {
    return Table{};
  }
}

template <class T>
constexpr std::size_t column_entry_count() {
  if constexpr (HasColumns<T>) {
    return std::size(T::columns);
  } else {
    return 0;
  }
}

// The Column entry for `member`, or the defaults. (Returned by value: GCC's
// -fsanitize=undefined rejects comparing pointers to constexpr arrays in constant
// expressions.)
template <class T>
constexpr Column column_entry(std::string_view member) {
  if constexpr (HasColumns<T>) {
    for (const Column& column : T::columns) {
      if (column.member == member) return column;
    }
  }
  return Column{.member = member};
}

template <class T>
inline constexpr auto column_options = [] {
  std::array<Column, member_count<T>> out{};
  for (std::size_t i = 0; i < member_count<T>; ++i) out[i] = column_entry<T>(member_names<T>[i]);
  return out;
}();

template <class T, std::size_t I>
constexpr MemberKind member_kind() {
  using M = MemberType<T, I>;
  if constexpr (RelationTraits<M>::is_relationship) {
    return RelationTraits<M>::kind;
  } else if (column_options<T>[I].transient != Transient::none) {
    return MemberKind::transient;
  } else if (value_class_of<ValueType<M>>() != ValueClass::none) {
    return MemberKind::attribute;
  } else {
    return MemberKind::unsupported;
  }
}

template <class T, std::size_t I>
constexpr ValueClass member_value_class() {
  return value_class_of<ValueType<MemberType<T, I>>>();
}

// ---- primary key -----------------------------------------------------------------------

template <class T>
constexpr std::size_t primary_key_flag_count() {
  std::size_t count = 0;
  for (const Column& column : column_options<T>) count += column.primary_key ? 1 : 0;
  return count;
}

// The primary key's member index: the member marked primary_key, else the one named id.
template <class T>
constexpr std::size_t find_primary_key() {
  for (std::size_t i = 0; i < member_count<T>; ++i) {
    if (column_options<T>[i].primary_key) return i;
  }
  return member_index<T>("id");
}

// Variables rather than function calls so that run-time code never evaluates (and so
// never emits) the large column_options table.
template <class T>
inline constexpr std::size_t primary_key_index = find_primary_key<T>();

template <class T>
using PrimaryKeyType = MemberType<T, primary_key_index<T>>;

template <class T, std::size_t I>
constexpr std::string_view attribute_column_name() {
  constexpr std::string_view name = column_options<T>[I].name;
  return name.empty() ? member_names<T>[I] : name;
}

template <class T>
inline constexpr std::string_view primary_key_column =
    attribute_column_name<T, primary_key_index<T>>();

template <class T>
constexpr bool autoincrements(std::size_t index, ValueClass value_class) {
  const Column& options = column_options<T>[index];
  if (options.autoincrement) return *options.autoincrement;
  return index == primary_key_index<T> &&
         (value_class == ValueClass::int32 || value_class == ValueClass::int64);
}

template <class T>
Key primary_key_value(const T& object) {
  using K = PrimaryKeyType<T>;
  const K& value = member<primary_key_index<T>>(object);
  if constexpr (std::is_integral_v<K>) {
    return Key(static_cast<std::int64_t>(value));
  } else {
    return Key(value);
  }
}

[[noreturn]] void throw_null_key();
[[noreturn]] void throw_key_type_mismatch();

template <class T>
auto typed_key(const Key& key) {
  using K = PrimaryKeyType<T>;
  if (is_null(key)) throw_null_key();
  if constexpr (std::is_integral_v<K>) {
    const auto* value = std::get_if<std::int64_t>(&key);
    if (!value) throw_key_type_mismatch();
    return static_cast<K>(*value);
  } else {
    const auto* value = std::get_if<K>(&key);
    if (!value) throw_key_type_mismatch();
    return *value;
  }
}

// ---- relationships ---------------------------------------------------------------------

enum class InverseStatus { found, missing, ambiguous, not_a_belongs_to };

struct InverseResult {
  InverseStatus status = InverseStatus::missing;
  std::size_t index = npos;
};

template <class U, class T, std::size_t... J>
constexpr std::array<bool, sizeof...(J)> belongs_to_flags(std::index_sequence<J...>) {
  return {std::is_same_v<MemberType<U, J>, BelongsTo<T>>...};
}

// For HasMany/HasOne member I of T (related model U): the BelongsTo<T> member of U that
// is its inverse, named by Column::inverse or the only one.
template <class T, std::size_t I>
constexpr InverseResult inverse_of() {
  using U = TargetOf<T, I>;
  constexpr auto flags = belongs_to_flags<U, T>(std::make_index_sequence<member_count<U>>{});
  constexpr std::string_view named = column_options<T>[I].inverse;
  InverseResult result;
  for (std::size_t j = 0; j < flags.size(); ++j) {
    if (!named.empty()) {
      if (member_names<U>[j] == named) {
        return {flags[j] ? InverseStatus::found : InverseStatus::not_a_belongs_to, j};
      }
    } else if (flags[j]) {
      if (result.status == InverseStatus::found) return {InverseStatus::ambiguous, npos};
      result = {InverseStatus::found, j};
    }
  }
  if (!named.empty()) return {InverseStatus::not_a_belongs_to, npos};
  return result;
}

// For BelongsTo member I of T (related model U): the HasMany/HasOne member of U whose
// inverse it is, or npos.
template <class T, std::size_t I, std::size_t... J>
constexpr std::size_t inverse_of_belongs_to(std::index_sequence<J...>) {
  using U = TargetOf<T, I>;
  std::size_t found = npos;
  auto visit = [&]<std::size_t K>(std::integral_constant<std::size_t, K>) {
    using M = MemberType<U, K>;
    if constexpr (std::is_same_v<M, HasMany<T>> || std::is_same_v<M, HasOne<T>>) {
      constexpr InverseResult inverse = inverse_of<U, K>();
      if (inverse.status == InverseStatus::found && inverse.index == I) found = K;
    }
  };
  (visit(std::integral_constant<std::size_t, J>{}), ...);
  return found;
}

template <class T, std::size_t I>
constexpr std::size_t inverse_of_belongs_to() {
  return inverse_of_belongs_to<T, I>(std::make_index_sequence<member_count<TargetOf<T, I>>>{});
}

// ---- unique sets -----------------------------------------------------------------------

// Splits "a, b ,c" into trimmed names; calls f(name) for each.
template <class F>
constexpr void for_each_listed_name(std::string_view list, F&& f) {
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view name = list.substr(0, comma);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    f(name);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

}  // namespace conduit::orm::detail
