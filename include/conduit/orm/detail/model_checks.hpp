// The compile-time checks of a model declaration: check_model<T>() runs them all and
// each failure calls one of the error_* functions below, whose name and template arguments
// (model and member name) head the compiler's message, e.g.
//   In instantiation of 'constexpr void conduit::orm::detail::error_unknown_member_in_columns()
//       [with Model = Hero; auto Member = Name<4>{"nmae"}]'
//   error: static assertion failed: orm::Column names a member that BOOST_DESCRIBE_STRUCT ...
// tests/orm/compile_error_cases.inc shows every error with the declaration that causes it.
// Include conduit/orm/orm.hpp rather than this header.
//
// Thread-safety: compile-time only.
#pragma once

#include <boost/describe/members.hpp>

#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

#include "conduit/orm/column.hpp"
#include "conduit/orm/detail/model_info.hpp"
#include "conduit/orm/validator.hpp"

namespace conduit::orm::detail {

// ---- validators ------------------------------------------------------------------------

constexpr bool operand_fits(const Operand& operand, ValueClass value_class) {
  using K = Operand::Kind;
  switch (value_class) {
    case ValueClass::int32:
    case ValueClass::int64:
      return operand.kind == K::integer;
    case ValueClass::real:
      return operand.kind == K::integer || operand.kind == K::real;
    case ValueClass::text:
    case ValueClass::timestamp:
      return operand.kind == K::text;
    case ValueClass::decimal:
      return operand.kind == K::integer || operand.kind == K::text;
    default:
      return false;
  }
}

constexpr bool comparisons_fit(const Validator& v, ValueClass value_class) {
  for (const Comparison& comparison : v.comparisons) {
    if (comparison.op != CompareOp::none && !operand_fits(comparison.operand, value_class)) {
      return false;
    }
  }
  return true;
}

constexpr bool validator_fits(const Validator& v, MemberKind kind, ValueClass value_class,
                              std::string_view value_type) {
  const bool valued = kind == MemberKind::attribute ||
                      (kind == MemberKind::transient && value_class != ValueClass::none);
  switch (v.kind) {
    case ValidatorKind::none:
      return true;
    case ValidatorKind::present:
    case ValidatorKind::absent:
      return kind == MemberKind::attribute || kind == MemberKind::belongs_to ||
             kind == MemberKind::transient;
    case ValidatorKind::matches:
      return valued && value_class == ValueClass::text;
    case ValidatorKind::length:
      return valued && value_class == ValueClass::text && comparisons_fit(v, ValueClass::int64);
    case ValidatorKind::compare:
      return valued && comparisons_fit(v, value_class);
    case ValidatorKind::one_of:
      return valued && ((value_class == ValueClass::text && v.option_kind == Operand::Kind::text) ||
                        ((value_class == ValueClass::int32 || value_class == ValueClass::int64) &&
                         v.option_kind == Operand::Kind::integer));
    case ValidatorKind::custom:
      return (kind == MemberKind::attribute || kind == MemberKind::transient) &&
             v.custom_type == value_type;
  }
  return false;
}

// ---- errors ----------------------------------------------------------------------------

// A member name as a template argument, so that the compiler prints it.
template <std::size_t N>
struct Name {
  char text[N + 1] = {};
  constexpr Name(std::string_view name) {
    for (std::size_t i = 0; i < N; ++i) text[i] = name[i];
  }
};

template <class>
inline constexpr bool always_false = false;

template <class Model>
constexpr void error_model_is_not_described() {
  static_assert(always_false<Model>,
                "orm: describe the model with BOOST_DESCRIBE_STRUCT(Model, (), (members...))");
}
template <class Model>
constexpr void error_model_is_not_default_constructible() {
  static_assert(always_false<Model>, "orm: a model must be default-constructible");
}
template <class Model>
constexpr void error_model_has_too_many_members() {
  static_assert(always_false<Model>, "orm: a model may describe at most 64 members");
}
template <class Model, auto Member>
constexpr void error_unknown_member_in_columns() {
  static_assert(always_false<Model>,
                "orm::Column names a member that BOOST_DESCRIBE_STRUCT does not list "
                "(see Member above)");
}
template <class Model, auto Member>
constexpr void error_member_listed_twice_in_columns() {
  static_assert(always_false<Model>, "orm::Column: this member has two entries in `columns`");
}
template <class Model, auto Member, class Type>
constexpr void error_member_type_is_not_a_column_type() {
  static_assert(always_false<Model>,
                "orm: this member's type is not a column type. Use std::int32_t, std::int64_t, "
                "bool, double, std::string, orm::Timestamp, boost::json::value, a described enum, "
                "orm::Uuid, orm::Decimal (or std::optional of one), BelongsTo/HasMany/HasOne, "
                "or mark the member .transient");
}
template <class Model>
constexpr void error_model_has_no_primary_key() {
  static_assert(always_false<Model>,
                "orm: the model has no primary key: mark a member .primary_key = true or name it "
                "`id`");
}
template <class Model>
constexpr void error_model_has_several_primary_keys() {
  static_assert(always_false<Model>, "orm: only one member may be .primary_key = true");
}
template <class Model, auto Member, class Type>
constexpr void error_primary_key_type_not_supported() {
  static_assert(always_false<Model>,
                "orm: a primary key is a non-optional std::int32_t, std::int64_t, orm::Uuid or "
                "std::string");
}
template <class Model, auto Member>
constexpr void error_autoincrement_needs_an_integer() {
  static_assert(always_false<Model>,
                "orm: .autoincrement = true needs a std::int32_t or std::int64_t member");
}
template <class Model, auto Member>
constexpr void error_option_only_for_belongs_to() {
  static_assert(always_false<Model>,
                "orm: .required and .on_delete apply to BelongsTo members only");
}
template <class Model, auto Member>
constexpr void error_inverse_only_for_has_many_or_has_one() {
  static_assert(always_false<Model>, "orm: .inverse applies to HasMany and HasOne members only");
}
template <class Model, auto Member>
constexpr void error_option_not_for_belongs_to() {
  static_assert(always_false<Model>,
                "orm: a BelongsTo cannot be .primary_key, .autoincrement or .transient");
}
template <class Model, auto Member>
constexpr void error_required_belongs_to_cannot_nullify() {
  static_assert(always_false<Model>,
                "orm: a .required BelongsTo cannot use DeleteRule::nullify (its column is NOT "
                "NULL); use cascade or restrict");
}
template <class Model, auto Member>
constexpr void error_set_default_needs_a_default_value() {
  static_assert(always_false<Model>,
                "orm: DeleteRule::set_default needs a .default_value for the foreign key");
}
template <class Model, auto Member>
constexpr void error_option_not_for_has_many_or_has_one() {
  static_assert(always_false<Model>,
                "orm: HasMany and HasOne have no column: only .inverse applies to them");
}
template <class Model, auto Member, class Related>
constexpr void error_related_model_has_no_belongs_to_back() {
  static_assert(always_false<Model>,
                "orm: HasMany/HasOne needs a BelongsTo<Model> member in the Related model (its "
                "inverse)");
}
template <class Model, auto Member, class Related>
constexpr void error_inverse_is_ambiguous() {
  static_assert(always_false<Model>,
                "orm: the Related model has several BelongsTo<Model> members: name the inverse "
                "with .inverse = \"member\"");
}
template <class Model, auto Member, class Related>
constexpr void error_inverse_is_not_a_belongs_to_model() {
  static_assert(always_false<Model>,
                "orm: .inverse must name a BelongsTo<Model> member of the Related model");
}
template <class Model, auto Member, class Related>
constexpr void error_related_model_has_no_primary_key() {
  static_assert(always_false<Model>,
                "orm: the Related model of this BelongsTo has no primary key (or is not "
                "described)");
}
template <class Model, auto Member>
constexpr void error_transient_member_takes_no_column_options() {
  static_assert(always_false<Model>,
                "orm: a .transient member is not stored: column options and relationships do "
                "not apply");
}
template <class Model, auto Member, std::size_t ValidatorIndex>
constexpr void error_validator_does_not_fit_member_type() {
  static_assert(always_false<Model>,
                "orm: validator number ValidatorIndex of this member does not apply to its type "
                "(see orm/validator.hpp for which rules fit which types; custom<&f> needs "
                "f(const V&, ValidationContext&) with V the member's type)");
}
template <class Model, auto Member>
constexpr void error_unique_set_names_an_unknown_member() {
  static_assert(always_false<Model>,
                "orm::Table::unique names something that is not a stored member (an attribute "
                "or a BelongsTo)");
}
template <class Model, std::size_t SetIndex>
constexpr void error_unique_set_needs_two_members() {
  static_assert(always_false<Model>,
                "orm::Table::unique sets combine at least two members; use .unique = true for "
                "one column");
}

// ---- checks ----------------------------------------------------------------------------

constexpr bool is_option_free_of_column_settings(const Column& c) {
  return !c.primary_key && !c.autoincrement && !c.unique && !c.indexed && c.default_value.empty() &&
         c.name.empty() && !c.required && !c.on_delete;
}

template <class T, std::size_t J>
constexpr void check_column_entry() {
  constexpr std::string_view name = T::columns[J].member;
  if constexpr (member_index<T>(name) == npos) {
    error_unknown_member_in_columns<T, Name<name.size()>(name)>();
  } else {
    constexpr bool duplicated = [] {
      for (std::size_t k = 0; k < J; ++k) {
        if (T::columns[k].member == name) return true;
      }
      return false;
    }();
    if constexpr (duplicated) error_member_listed_twice_in_columns<T, Name<name.size()>(name)>();
  }
}

template <class T, std::size_t I, std::size_t V>
constexpr void check_validator() {
  constexpr MemberKind kind = member_kind<T, I>();
  constexpr std::string_view value_type =
      orm::detail::type_signature<ValueType<MemberType<T, I>>>();
  if constexpr (!validator_fits(column_options<T>[I].validators[V], kind,
                                member_value_class<T, I>(), value_type)) {
    constexpr std::string_view name = member_names<T>[I];
    error_validator_does_not_fit_member_type<T, Name<name.size()>(name), V>();
  }
}

template <class T, std::size_t I>
constexpr void check_belongs_to() {
  constexpr std::string_view name = member_names<T>[I];
  constexpr auto N = Name<name.size()>(name);
  constexpr Column options = column_options<T>[I];
  using U = TargetOf<T, I>;
  if constexpr (options.primary_key || options.autoincrement ||
                options.transient != Transient::none) {
    error_option_not_for_belongs_to<T, N>();
  }
  if constexpr (!options.inverse.empty()) error_inverse_only_for_has_many_or_has_one<T, N>();
  if constexpr (options.required && options.on_delete == DeleteRule::nullify) {
    error_required_belongs_to_cannot_nullify<T, N>();
  }
  if constexpr (options.on_delete == DeleteRule::set_default && options.default_value.empty()) {
    error_set_default_needs_a_default_value<T, N>();
  }
  if constexpr (!boost::describe::has_describe_members<U>::value) {
    error_related_model_has_no_primary_key<T, N, U>();
  } else if constexpr (primary_key_index<U> == npos) {
    error_related_model_has_no_primary_key<T, N, U>();
  }
}

template <class T, std::size_t I>
constexpr void check_has_relationship() {
  constexpr std::string_view name = member_names<T>[I];
  constexpr auto N = Name<name.size()>(name);
  constexpr Column options = column_options<T>[I];
  using U = TargetOf<T, I>;
  if constexpr (!is_option_free_of_column_settings(options) || options.omit_by_default ||
                options.transient != Transient::none) {
    error_option_not_for_has_many_or_has_one<T, N>();
  }
  constexpr InverseResult inverse = inverse_of<T, I>();
  if constexpr (inverse.status == InverseStatus::missing) {
    error_related_model_has_no_belongs_to_back<T, N, U>();
  } else if constexpr (inverse.status == InverseStatus::ambiguous) {
    error_inverse_is_ambiguous<T, N, U>();
  } else if constexpr (inverse.status == InverseStatus::not_a_belongs_to) {
    error_inverse_is_not_a_belongs_to_model<T, N, U>();
  }
}

template <class T, std::size_t I>
constexpr void check_member() {
  constexpr std::string_view name = member_names<T>[I];
  constexpr auto N = Name<name.size()>(name);
  constexpr Column options = column_options<T>[I];
  constexpr MemberKind kind = member_kind<T, I>();
  constexpr ValueClass value_class = member_value_class<T, I>();
  using M = MemberType<T, I>;

  if constexpr (kind == MemberKind::unsupported) {
    error_member_type_is_not_a_column_type<T, N, M>();
  } else if constexpr (kind == MemberKind::belongs_to) {
    check_belongs_to<T, I>();
  } else if constexpr (kind == MemberKind::has_many || kind == MemberKind::has_one) {
    check_has_relationship<T, I>();
  } else if constexpr (kind == MemberKind::transient) {
    if constexpr (!is_option_free_of_column_settings(options) || options.omit_by_default ||
                  !options.inverse.empty()) {
      error_transient_member_takes_no_column_options<T, N>();
    }
  } else {
    if constexpr (options.required || options.on_delete) {
      error_option_only_for_belongs_to<T, N>();
    }
    if constexpr (!options.inverse.empty()) error_inverse_only_for_has_many_or_has_one<T, N>();
    if constexpr (options.autoincrement.value_or(false) && value_class != ValueClass::int32 &&
                  value_class != ValueClass::int64) {
      error_autoincrement_needs_an_integer<T, N>();
    }
  }
  [&]<std::size_t... V>(std::index_sequence<V...>) { (check_validator<T, I, V>(), ...); }
  (std::make_index_sequence<kMaxValidatorsPerColumn>{});
}

template <class T>
constexpr void check_primary_key() {
  constexpr std::size_t index = primary_key_index<T>;
  if constexpr (primary_key_flag_count<T>() > 1) {
    error_model_has_several_primary_keys<T>();
  } else if constexpr (index == npos) {
    error_model_has_no_primary_key<T>();
  } else {
    using K = MemberType<T, index>;
    constexpr ValueClass value_class = value_class_of<K>();
    if constexpr (value_class != ValueClass::int32 && value_class != ValueClass::int64 &&
                  value_class != ValueClass::uuid && value_class != ValueClass::text) {
      constexpr std::string_view name = member_names<T>[index];
      error_primary_key_type_not_supported<T, Name<name.size()>(name), K>();
    } else if constexpr (member_kind<T, index>() != MemberKind::attribute) {
      constexpr std::string_view name = member_names<T>[index];
      error_primary_key_type_not_supported<T, Name<name.size()>(name), K>();
    }
  }
}

// The first name in unique set S that is not a stored member, or "" (and "?" when the set
// has fewer than two names).
template <class T, std::size_t S>
constexpr std::string_view bad_unique_name() {
  std::string_view bad;
  std::size_t count = 0;
  for_each_listed_name(table_options<T>().unique[S], [&](std::string_view name) {
    ++count;
    std::size_t index = member_index<T>(name);
    if (!bad.empty()) return;
    if (index == npos) {
      bad = name.empty() ? std::string_view("(empty)") : name;
      return;
    }
    const Column options = column_options<T>[index];
    if (options.transient != Transient::none) bad = name;
  });
  if (bad.empty() && count == 1) return "?";
  return bad;
}

template <class T, std::size_t S>
constexpr void check_unique_set() {
  constexpr std::string_view bad = bad_unique_name<T, S>();
  if constexpr (bad == "?") {
    error_unique_set_needs_two_members<T, S>();
  } else if constexpr (!bad.empty()) {
    error_unique_set_names_an_unknown_member<T, Name<bad.size()>(bad)>();
  }
}

// Has-many and has-one members named in unique sets are refused here, where kinds are
// known per member.
template <class T, std::size_t I>
constexpr void check_unique_set_kinds() {
  constexpr MemberKind kind = member_kind<T, I>();
  if constexpr (kind == MemberKind::has_many || kind == MemberKind::has_one) {
    constexpr bool listed = [] {
      bool found = false;
      for (std::string_view list : table_options<T>().unique) {
        for_each_listed_name(
            list, [&](std::string_view name) { found = found || name == member_names<T>[I]; });
      }
      return found;
    }();
    if constexpr (listed) {
      constexpr std::string_view name = member_names<T>[I];
      error_unique_set_names_an_unknown_member<T, Name<name.size()>(name)>();
    }
  }
}

// Runs every check on T; returns true so that it can initialise a constexpr variable.
template <class T>
constexpr bool check_model() {
  if constexpr (!boost::describe::has_describe_members<T>::value) {
    error_model_is_not_described<T>();
  } else if constexpr (!std::is_default_constructible_v<T>) {
    error_model_is_not_default_constructible<T>();
  } else if constexpr (member_count<T> > kMaxMembers) {
    error_model_has_too_many_members<T>();
  } else {
    [&]<std::size_t... J>(std::index_sequence<J...>) { (check_column_entry<T, J>(), ...); }
    (std::make_index_sequence<column_entry_count<T>()>{});
    check_primary_key<T>();
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (check_member<T, I>(), ...);
      (check_unique_set_kinds<T, I>(), ...);
    }
    (std::make_index_sequence<member_count<T>>{});
    [&]<std::size_t... S>(std::index_sequence<S...>) { (check_unique_set<T, S>(), ...); }
    (std::make_index_sequence<kMaxUniqueSets>{});
  }
  return true;
}

template <class T>
inline constexpr bool model_checked = check_model<T>();

}  // namespace conduit::orm::detail
