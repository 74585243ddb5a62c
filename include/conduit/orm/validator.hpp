// conduit::orm validators: Conduit's @Validate rules as constexpr values for Column lists.
//
//   {.member = "email", .validators = {orm::matches(R"(^[^@]+@[^@]+$)"), orm::max_length(200)}},
//   {.member = "age", .validators = {orm::range(0, 150)}},
//   {.member = "kind", .validators = {orm::one_of("a", "b")}},
//   {.member = "created_at", .validators = {orm::constant()}},
//   {.member = "name", .validators = {orm::present(orm::When::insert)}},
//   {.member = "slug", .validators = {orm::custom<&check_slug>()}},
//
// Each rule runs on inserts and updates unless given When::insert or When::update. Value
// rules (everything but present/absent) only look at keys that were given (see
// validation.hpp) and skip NULL. What a rule may be applied to is checked at compile time:
//   matches, length          std::string members
//   greater_than & co, range integers and double (numbers), std::string (text order),
//                            Timestamp (an ISO-8601 string), Decimal (number or string)
//   one_of                   std::string (strings) and integers (integers); at most 16
//   present, absent          any stored member, BelongsTo and transients
//   custom<&f>               f is void(const V&, ValidationContext&) and V the member's type
//                            (std::optional unwrapped)
// Enum members are checked against their enumerators automatically.
//
// Thread-safety: constexpr value types.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace conduit::orm {

class ValidationContext;

// Which statement a validation is for.
enum class Event { insert, update };

// Which events a rule runs for.
enum class When : unsigned char { always, insert, update };

enum class ValidatorKind : unsigned char {
  none,
  matches,
  length,
  compare,
  one_of,
  present,
  absent,
  custom
};

enum class CompareOp : unsigned char {
  none,
  less_than,
  less_than_or_equal_to,
  greater_than,
  greater_than_or_equal_to,
  equal_to
};

// A literal a rule compares with.
struct Operand {
  enum class Kind : unsigned char { none, integer, real, text };
  Kind kind = Kind::none;
  std::int64_t integer = 0;
  double real = 0;
  std::string_view text = {};
};

struct Comparison {
  CompareOp op = CompareOp::none;
  Operand operand = {};
};

inline constexpr std::size_t kMaxOneOfValues = 16;

using CustomValidatorFn = void (*)(const void* value, ValidationContext& context);

namespace detail {

// The spelling of T in the compiler's function signature: a way to tell types apart in
// constant expressions (pointer comparison is not reliable there under sanitizers).
template <class T>
constexpr std::string_view type_signature() {
  return __PRETTY_FUNCTION__;
}

template <class F>
struct CustomTraits;
template <class V>
struct CustomTraits<void (*)(const V&, ValidationContext&)> {
  using value_type = V;
};

template <auto F>
void call_custom(const void* value, ValidationContext& context) {
  using V = typename CustomTraits<decltype(F)>::value_type;
  F(*static_cast<const V*>(value), context);
}

template <class V>
constexpr Operand make_operand(const V& value) {
  if constexpr (std::is_same_v<V, bool>) {
    static_assert(!std::is_same_v<V, bool>, "orm validators do not compare booleans");
    return {};
  } else if constexpr (std::is_integral_v<V>) {
    return {.kind = Operand::Kind::integer, .integer = static_cast<std::int64_t>(value)};
  } else if constexpr (std::is_floating_point_v<V>) {
    return {.kind = Operand::Kind::real, .real = static_cast<double>(value)};
  } else {
    static_assert(std::is_convertible_v<V, std::string_view>,
                  "orm validators compare with a number or a string literal");
    return {.kind = Operand::Kind::text, .text = std::string_view(value)};
  }
}

}  // namespace detail

// One rule. Build it with the functions below rather than by hand.
struct Validator {
  ValidatorKind kind = ValidatorKind::none;
  When when = When::always;
  std::string_view pattern = {};
  std::array<Comparison, 2> comparisons = {};
  Operand::Kind option_kind = Operand::Kind::none;
  std::size_t option_count = 0;
  std::array<std::string_view, kMaxOneOfValues> text_options = {};
  std::array<std::int64_t, kMaxOneOfValues> integer_options = {};
  CustomValidatorFn custom = nullptr;
  std::string_view custom_type = {};
};

// The value must contain a match of the ECMAScript regular expression `pattern`.
constexpr Validator matches(std::string_view pattern, When when = When::always) {
  return {.kind = ValidatorKind::matches, .when = when, .pattern = pattern};
}

// Length in Unicode code points, inclusive bounds.
constexpr Validator length(std::int64_t min, std::int64_t max, When when = When::always) {
  return {.kind = ValidatorKind::length,
          .when = when,
          .comparisons = {{{CompareOp::greater_than_or_equal_to, detail::make_operand(min)},
                           {CompareOp::less_than_or_equal_to, detail::make_operand(max)}}}};
}
constexpr Validator min_length(std::int64_t min, When when = When::always) {
  return {.kind = ValidatorKind::length,
          .when = when,
          .comparisons = {{{CompareOp::greater_than_or_equal_to, detail::make_operand(min)}}}};
}
constexpr Validator max_length(std::int64_t max, When when = When::always) {
  return {.kind = ValidatorKind::length,
          .when = when,
          .comparisons = {{{CompareOp::less_than_or_equal_to, detail::make_operand(max)}}}};
}

namespace detail {
template <class V>
constexpr Validator compare(CompareOp op, const V& value, When when) {
  return {.kind = ValidatorKind::compare,
          .when = when,
          .comparisons = {{{op, detail::make_operand(value)}}}};
}
}  // namespace detail

template <class V>
constexpr Validator greater_than(const V& value, When when = When::always) {
  return detail::compare(CompareOp::greater_than, value, when);
}
template <class V>
constexpr Validator greater_than_or_equal_to(const V& value, When when = When::always) {
  return detail::compare(CompareOp::greater_than_or_equal_to, value, when);
}
template <class V>
constexpr Validator less_than(const V& value, When when = When::always) {
  return detail::compare(CompareOp::less_than, value, when);
}
template <class V>
constexpr Validator less_than_or_equal_to(const V& value, When when = When::always) {
  return detail::compare(CompareOp::less_than_or_equal_to, value, when);
}
template <class V>
constexpr Validator equal_to(const V& value, When when = When::always) {
  return detail::compare(CompareOp::equal_to, value, when);
}
// min <= value <= max.
template <class V>
constexpr Validator range(const V& min, const V& max, When when = When::always) {
  return {.kind = ValidatorKind::compare,
          .when = when,
          .comparisons = {{{CompareOp::greater_than_or_equal_to, detail::make_operand(min)},
                           {CompareOp::less_than_or_equal_to, detail::make_operand(max)}}}};
}

// The value must be one of `values` (all strings or all integers).
template <class... V>
constexpr Validator one_of(const V&... values) {
  static_assert(sizeof...(V) > 0, "orm::one_of needs at least one value");
  static_assert(sizeof...(V) <= kMaxOneOfValues,
                "orm::one_of takes at most 16 values; use an enum or orm::custom");
  constexpr bool all_integers = ((std::is_integral_v<V> && !std::is_same_v<V, bool>)&&...);
  constexpr bool all_strings = (std::is_convertible_v<V, std::string_view> && ...);
  static_assert(all_integers || all_strings,
                "orm::one_of values must be all strings or all integers");
  Validator v{.kind = ValidatorKind::one_of, .option_count = sizeof...(V)};
  std::size_t i = 0;
  if constexpr (all_integers) {
    v.option_kind = Operand::Kind::integer;
    ((v.integer_options[i++] = static_cast<std::int64_t>(values)), ...);
  } else if constexpr (all_strings) {
    v.option_kind = Operand::Kind::text;
    ((v.text_options[i++] = std::string_view(values)), ...);
  }
  return v;
}

// The key must be given (for a BelongsTo: with a non-NULL key).
constexpr Validator present(When when = When::always) {
  return {.kind = ValidatorKind::present, .when = when};
}
// The key must not be given.
constexpr Validator absent(When when = When::always) {
  return {.kind = ValidatorKind::absent, .when = when};
}
// Settable on insert only: absent on updates.
constexpr Validator constant() { return absent(When::update); }

// Runs F(value, context); F reports problems with context.add_error("...").
template <auto F>
constexpr Validator custom(When when = When::always) {
  using V = typename detail::CustomTraits<decltype(F)>::value_type;
  return {.kind = ValidatorKind::custom,
          .when = when,
          .custom = &detail::call_custom<F>,
          .custom_type = detail::type_signature<V>()};
}

}  // namespace conduit::orm
