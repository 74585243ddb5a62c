// Validation of a model before INSERT or UPDATE (Conduit's ManagedValidator).
//
//   auto keys = orm::read_json(body, hero);
//   orm::validate(hero, orm::Event::insert, keys);   // throws orm::ValidationError (400)
//
// Rules come from the `.validators` of the model's Column list (see validator.hpp); enum
// members are checked against their enumerators. As in Conduit, present/absent look at
// which keys were given, and value rules only run on given keys whose value is not NULL,
// so an UPDATE that leaves `name` out does not re-check it. All failures are collected:
//   400 {"error":"entity validation failed","reasons":["Hero.name: must be one of: 'a','b'.",
//        "Hero.team.id: key 'team' is required for inserts."]}
//
// A model may also check the whole object (rules across members) with a member function
//   void validate(conduit::orm::ValidationContext& context) const;
// which runs after the column rules; its add_error() reasons are used as given.
//
// Thread-safety: stateless functions; safe from any thread.
#pragma once

#include <boost/describe/enum_to_string.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "conduit/orm/entity.hpp"
#include "conduit/orm/errors.hpp"
#include "conduit/orm/field_set.hpp"
#include "conduit/orm/validator.hpp"

namespace conduit::orm {

namespace detail {
struct ValidationAccess;
}

class ValidationContext {
 public:
  explicit ValidationContext(Event event) noexcept : event_(event) {}

  Event event() const noexcept { return event_; }
  // Records a failure. Inside a column's custom rule the reason is prefixed with
  // "Model.member: ", as Conduit's context.addError does.
  void add_error(std::string_view reason);
  // True when the member named `key` was given (see FieldSet).
  bool is_present(std::string_view key) const noexcept;

  const std::vector<std::string>& errors() const noexcept { return errors_; }
  bool is_valid() const noexcept { return errors_.empty(); }

 private:
  friend struct detail::ValidationAccess;
  Event event_;
  std::string prefix_;
  std::vector<std::string> errors_;
  std::uint64_t present_ = 0;
  std::span<const std::string_view> names_;
};

namespace detail {

// A member value as the (non-template) rule runner sees it.
struct ValueRef {
  ValueClass value_class = ValueClass::none;
  std::int64_t integer = 0;
  double real = 0;
  std::string_view text;
  Timestamp time{};
  const Decimal* decimal = nullptr;
  // The member's value itself (std::optional unwrapped), for custom rules.
  const void* raw = nullptr;
};

struct ValidationAccess {
  static void begin(ValidationContext& context, std::uint64_t present,
                    std::span<const std::string_view> names) {
    context.present_ = present;
    context.names_ = names;
  }
  static void set_prefix(ValidationContext& context, std::string prefix) {
    context.prefix_ = std::move(prefix);
  }
  static std::vector<std::string> take_errors(ValidationContext& context) {
    return std::move(context.errors_);
  }
};

void check_presence(const Entity& entity, std::size_t property, bool given, bool has_value,
                    ValidationContext& context);
void check_value(const Entity& entity, std::size_t property, const ValueRef& value,
                 ValidationContext& context);
void report_bad_enum(const Entity& entity, std::size_t property, ValidationContext& context);

template <class V>
ValueRef value_ref(const V& value) {
  constexpr ValueClass value_class = value_class_of<V>();
  ValueRef ref;
  ref.value_class = value_class;
  ref.raw = &value;
  if constexpr (value_class == ValueClass::int32 || value_class == ValueClass::int64) {
    ref.integer = value;
  } else if constexpr (value_class == ValueClass::real) {
    ref.real = value;
  } else if constexpr (value_class == ValueClass::text) {
    ref.text = value;
  } else if constexpr (value_class == ValueClass::timestamp) {
    ref.time = std::chrono::floor<std::chrono::microseconds>(value);
  } else if constexpr (value_class == ValueClass::decimal) {
    ref.decimal = &value;
  } else if constexpr (value_class == ValueClass::enumeration) {
    const char* name = boost::describe::enum_to_string(value, nullptr);
    if (name) ref.text = name;
  }
  return ref;
}

template <class T, std::size_t I>
constexpr bool has_validators() {
  for (const Validator& v : column_options<T>[I].validators) {
    if (v.kind != ValidatorKind::none) return true;
  }
  return false;
}

template <class T>
concept HasValidateHook = requires(const T& object, ValidationContext& context) {
  object.validate(context);
};

template <class T, std::size_t I, class V>
void check_member_value(const Entity& entity, const V& value, ValidationContext& context) {
  constexpr ValueClass value_class = value_class_of<V>();
  if constexpr (value_class == ValueClass::enumeration) {
    if (!boost::describe::enum_to_string(value, nullptr)) report_bad_enum(entity, I, context);
  }
  if constexpr (has_validators<T, I>()) check_value(entity, I, value_ref(value), context);
}

template <class T, std::size_t I>
void validate_member(const Entity& entity, const T& object, const FieldSet<T>& present,
                     ValidationContext& context) {
  constexpr MemberKind kind = member_kind<T, I>();
  constexpr bool enumeration = member_value_class<T, I>() == ValueClass::enumeration;
  constexpr bool ruled = has_validators<T, I>();
  if constexpr (kind == MemberKind::has_many || kind == MemberKind::has_one ||
                (!ruled && !enumeration)) {
    return;
  } else {
    const auto& value = member<I>(object);
    const bool given = present.contains_index(I);
    if constexpr (kind == MemberKind::belongs_to) {
      check_presence(entity, I, given, !value.is_null(), context);
    } else {
      if constexpr (ruled) check_presence(entity, I, given, true, context);
      if (!given) return;
      using M = std::remove_cvref_t<decltype(value)>;
      if constexpr (Optionality<M>::nullable) {
        if (value) check_member_value<T, I>(entity, *value, context);
      } else {
        check_member_value<T, I>(entity, value, context);
      }
    }
  }
}

}  // namespace detail

// Every failed rule's reason, in member order, then the model's own validate() reasons.
template <class T>
std::vector<std::string> validation_errors(const T& object, Event event,
                                           const FieldSet<T>& present) {
  const Entity& entity = entity_of<T>();
  ValidationContext context(event);
  detail::ValidationAccess::begin(context, present.bits(), detail::member_names<T>);
  detail::for_each_index<T>([&](auto index) {
    detail::validate_member<T, decltype(index)::value>(entity, object, present, context);
  });
  if constexpr (detail::HasValidateHook<T>) {
    detail::ValidationAccess::set_prefix(context, {});
    object.validate(context);
  }
  return detail::ValidationAccess::take_errors(context);
}

// Throws ValidationError (400) listing every failure. `present` is the set of keys given
// (from read_json); without it every member counts as given.
template <class T>
void validate(const T& object, Event event, const FieldSet<T>& present) {
  auto errors = validation_errors(object, event, present);
  if (!errors.empty()) throw ValidationError(std::move(errors));
}

template <class T>
void validate(const T& object, Event event) {
  validate(object, event, FieldSet<T>::all());
}

}  // namespace conduit::orm
