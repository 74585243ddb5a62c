// The seam between models and the database layer: a model's column values for INSERT and
// UPDATE, and a model read back from a result row, without naming the database's own value
// type (the db layer converts in one overloaded visitor).
//
// Values travel as one of these C++ types, by column type:
//   integer -> std::int32_t        big_integer -> std::int64_t    boolean -> bool
//   double_precision -> double     text -> std::string (enums by enumerator name)
//   timestamp -> orm::Timestamp    document -> boost::json::value
//   uuid -> orm::Uuid              decimal -> orm::Decimal
// and a foreign key as the related primary key's type.
//
//   // INSERT: the columns the client gave (a BelongsTo key stands for its FK column).
//   orm::for_each_column_value(hero, keys, [&](const orm::SchemaColumn& column,
//                                              const auto* value) {
//     names.push_back(column.name);
//     params.push_back(value ? db::Value(*value) : db::Value(nullptr));
//   });
//
//   // SELECT: `source` fills `cell` (nullopt for NULL) and returns false when the row has
//   // no such column (the member is left alone and not in the returned set).
//   Hero hero;
//   auto fetched = orm::read_row(hero, [&](const orm::SchemaColumn& column, auto& cell) {
//     using V = typename std::remove_reference_t<decltype(cell)>::value_type;
//     ...; return true;
//   });
//
// read_text_row() does the same from PostgreSQL's text result format (parse_column_text).
// A value that does not fit its member (NULL in a non-optional member, an unknown enum
// name, malformed text) throws RowError naming Model.member.
//
// Thread-safety: stateless functions; safe from any thread.
#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "conduit/http/json.hpp"
#include "conduit/orm/entity.hpp"
#include "conduit/orm/errors.hpp"
#include "conduit/orm/field_set.hpp"

namespace conduit::orm {

// What read_text_row's lookup returns for one column.
struct Cell {
  enum class State : unsigned char { missing, null, value };
  State state = State::missing;
  std::string_view text = {};

  static Cell missing() noexcept { return {}; }
  static Cell null() noexcept { return {State::null, {}}; }
  static Cell value(std::string_view text) noexcept { return {State::value, text}; }
};

namespace detail {

template <ValueClass C>
struct CanonicalFor;
template <>
struct CanonicalFor<ValueClass::int32> {
  using type = std::int32_t;
};
template <>
struct CanonicalFor<ValueClass::int64> {
  using type = std::int64_t;
};
template <>
struct CanonicalFor<ValueClass::boolean> {
  using type = bool;
};
template <>
struct CanonicalFor<ValueClass::real> {
  using type = double;
};
template <>
struct CanonicalFor<ValueClass::text> {
  using type = std::string;
};
template <>
struct CanonicalFor<ValueClass::enumeration> {
  using type = std::string;
};
template <>
struct CanonicalFor<ValueClass::timestamp> {
  using type = Timestamp;
};
template <>
struct CanonicalFor<ValueClass::document> {
  using type = boost::json::value;
};
template <>
struct CanonicalFor<ValueClass::uuid> {
  using type = Uuid;
};
template <>
struct CanonicalFor<ValueClass::decimal> {
  using type = Decimal;
};

// The type a value of member type V (optional unwrapped) travels as.
template <class V>
using Canonical = typename CanonicalFor<value_class_of<V>()>::type;

[[noreturn]] void throw_null_in_required(const Entity& entity, std::size_t property);
[[noreturn]] void throw_bad_cell(const Entity& entity, std::size_t property, std::string_view text);

bool parse_text(std::string_view text, std::int32_t& out);
bool parse_text(std::string_view text, std::int64_t& out);
bool parse_text(std::string_view text, bool& out);
bool parse_text(std::string_view text, double& out);
bool parse_text(std::string_view text, std::string& out);
bool parse_text(std::string_view text, Timestamp& out);
bool parse_text(std::string_view text, boost::json::value& out);
bool parse_text(std::string_view text, Uuid& out);
bool parse_text(std::string_view text, Decimal& out);

// Calls f(column, pointer) with the value as its Canonical type.
template <class V, class F>
void visit_value(const SchemaColumn& column, const V& value, F& f) {
  using C = Canonical<V>;
  if constexpr (std::is_same_v<V, C>) {
    f(column, &value);
  } else if constexpr (value_class_of<V>() == ValueClass::enumeration) {
    const char* name = boost::describe::enum_to_string(value, nullptr);
    const C text = name ? C(name) : std::to_string(static_cast<long long>(value));
    f(column, &text);
  } else if constexpr (value_class_of<V>() == ValueClass::timestamp) {
    const C time = std::chrono::floor<std::chrono::microseconds>(value);
    f(column, &time);
  } else {
    const C converted = static_cast<C>(value);
    f(column, &converted);
  }
}

template <class T, std::size_t I, class F>
void visit_column(const Entity& entity, const T& object, F& f) {
  constexpr MemberKind kind = member_kind<T, I>();
  const auto& value = member<I>(object);
  if constexpr (kind == MemberKind::attribute) {
    const SchemaColumn& column = entity.column_of(entity.properties()[I]);
    using M = std::remove_cvref_t<decltype(value)>;
    if constexpr (Optionality<M>::nullable) {
      if (!value) {
        f(column, static_cast<const Canonical<ValueType<M>>*>(nullptr));
      } else {
        visit_value(column, *value, f);
      }
    } else {
      visit_value(column, value, f);
    }
  } else if constexpr (kind == MemberKind::belongs_to) {
    using K = PrimaryKeyType<TargetOf<T, I>>;
    const SchemaColumn& column = entity.column_of(entity.properties()[I]);
    if (value.is_null()) {
      f(column, static_cast<const Canonical<K>*>(nullptr));
    } else {
      visit_value(column, K(typed_key<TargetOf<T, I>>(value.key())), f);
    }
  }
}

// Reads one member through `source`; true when the row had its column.
template <class T, std::size_t I, class Source>
bool read_column(const Entity& entity, T& object, Source& source) {
  constexpr MemberKind kind = member_kind<T, I>();
  auto& value = member<I>(object);
  using M = std::remove_cvref_t<decltype(value)>;
  if constexpr (kind == MemberKind::attribute) {
    using V = ValueType<M>;
    using C = Canonical<V>;
    std::optional<C> cell;
    if (!source(entity.column_of(entity.properties()[I]), cell)) return false;
    if (!cell) {
      if constexpr (Optionality<M>::nullable) {
        value.reset();
        return true;
      } else {
        throw_null_in_required(entity, I);
      }
    }
    if constexpr (std::is_same_v<V, C>) {
      value = std::move(*cell);
    } else if constexpr (value_class_of<V>() == ValueClass::enumeration) {
      auto parsed = conduit::http::detail::parse_enum<V>(*cell);
      if (!parsed) throw_bad_cell(entity, I, *cell);
      value = *parsed;
    } else if constexpr (value_class_of<V>() == ValueClass::timestamp) {
      value = std::chrono::floor<typename V::duration>(*cell);
    } else {
      value = static_cast<V>(*cell);
    }
    return true;
  } else if constexpr (kind == MemberKind::belongs_to) {
    using U = TargetOf<T, I>;
    using K = PrimaryKeyType<U>;
    std::optional<Canonical<K>> cell;
    if (!source(entity.column_of(entity.properties()[I]), cell)) return false;
    if (!cell) {
      value.reset();
    } else {
      value = BelongsTo<U>(K(std::move(*cell)));
    }
    return true;
  } else {
    return false;
  }
}

}  // namespace detail

// Calls f(const SchemaColumn& column, const V* value) for each stored column of `object`
// whose member is in `keys`, in declaration order; value is nullptr for NULL.
template <class T, class F>
void for_each_column_value(const T& object, const FieldSet<T>& keys, F&& f) {
  const Entity& entity = entity_of<T>();
  detail::for_each_index<T>([&](auto index) {
    constexpr std::size_t I = decltype(index)::value;
    if (keys.contains_index(I)) detail::visit_column<T, I>(entity, object, f);
  });
}

// Every stored column.
template <class T, class F>
void for_each_column_value(const T& object, F&& f) {
  for_each_column_value(object, FieldSet<T>::all(), f);
}

// Fills `object` from a row: source(const SchemaColumn&, std::optional<V>& cell) -> bool.
// Returns the members read.
template <class T, class Source>
FieldSet<T> read_row(T& object, Source&& source) {
  const Entity& entity = entity_of<T>();
  FieldSet<T> read;
  detail::for_each_index<T>([&](auto index) {
    constexpr std::size_t I = decltype(index)::value;
    if (detail::read_column<T, I>(entity, object, source)) read.insert_index(I);
  });
  return read;
}

// Parses PostgreSQL's text format of a value of type V (one of the types listed above):
// "t"/"f" for booleans, "2024-05-01 12:30:00.5+00" for time stamps, JSON text, ...
template <class V>
std::optional<V> parse_column_text(std::string_view text) {
  V out{};
  if (!detail::parse_text(text, out)) return std::nullopt;
  return out;
}

// read_row from text cells: lookup(const SchemaColumn&) -> Cell.
template <class T, class Lookup>
FieldSet<T> read_text_row(T& object, Lookup&& lookup) {
  const Entity& entity = entity_of<T>();
  return read_row(object, [&](const SchemaColumn& column, auto& cell) {
    using V = typename std::remove_reference_t<decltype(cell)>::value_type;
    Cell found = lookup(column);
    if (found.state == Cell::State::missing) return false;
    if (found.state == Cell::State::null) return true;
    V value{};
    if (!detail::parse_text(found.text, value)) {
      const Property* property = entity.find_column_property(column.name);
      detail::throw_bad_cell(
          entity, static_cast<std::size_t>(property - entity.properties().data()), found.text);
    }
    cell = std::move(value);
    return true;
  });
}

}  // namespace conduit::orm
