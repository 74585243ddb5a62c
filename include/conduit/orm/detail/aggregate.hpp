// Compile-time helpers of orm::Query's aggregates (sum, average, minimum, maximum): which
// member types they take and what they return. Include conduit/orm/query.hpp rather than
// this header.
//
// Thread-safety: type traits and constexpr functions only.
#pragma once

#include <cstdint>
#include <type_traits>

#include "conduit/orm/detail/query_sql.hpp"
#include "conduit/orm/row.hpp"

namespace conduit::orm::detail {

template <class V>
inline constexpr bool is_number = value_class_of<V>() == ValueClass::int32
                                  || value_class_of<V>() == ValueClass::int64
                                  || value_class_of<V>() == ValueClass::real
                                  || value_class_of<V>() == ValueClass::decimal;

// What sum() returns for values of type V: integers widen to int64.
template <class V>
using SumType = std::conditional_t<std::is_integral_v<V>, std::int64_t, V>;

template <class V>
constexpr AggregateInput aggregate_input() {
  switch (value_class_of<V>()) {
    case ValueClass::int32:
    case ValueClass::int64:
      return AggregateInput::integer;
    case ValueClass::decimal:
      return AggregateInput::decimal;
    case ValueClass::timestamp:
      return AggregateInput::timestamp;
    default:
      return AggregateInput::real;
  }
}

}  // namespace conduit::orm::detail
