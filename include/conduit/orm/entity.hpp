// conduit::orm::Entity: the runtime description of one model type, built once from its
// declaration: its table (SchemaTable), and one Property per described member in
// declaration order (so property i is member i), with relationships resolved.
//
//   const orm::Entity& hero = orm::entity_of<Hero>();
//   hero.table().name            // "_hero"
//   hero.find_property("team")   // kind belongs_to, column "team_id", target Team
//
// entity_of<T>() runs the compile-time checks of the declaration (detail/model_checks.hpp) and, on
// first call, the few that need the runtime: regular expressions and time-stamp or decimal
// literals of validators (DataModelError).
//
// Thread-safety: entity_of<T>() initialises a function-local static (thread-safe); an
// Entity is immutable afterwards.
#pragma once

#include <boost/describe/enumerators.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conduit/orm/column.hpp"
#include "conduit/orm/detail/model_checks.hpp"
#include "conduit/orm/detail/model_info.hpp"
#include "conduit/orm/schema.hpp"

namespace conduit::orm {

class Entity;

enum class PropertyKind : unsigned char { attribute, belongs_to, has_many, has_one, transient };

struct Property {
  // The member name, which is also the JSON key.
  std::string_view name;
  PropertyKind kind = PropertyKind::attribute;
  // Index of its column in the entity's table (attributes and belongs-to only).
  std::optional<std::size_t> column;
  bool omit_by_default = false;
  Transient transient = Transient::none;
  // For enum attributes: the enumerator names, in declaration order.
  std::vector<std::string_view> enum_names;
  // For relationships: the related model and its primary-key member.
  const Entity& (*target)() = nullptr;
  std::string_view target_key;
  // For relationships: the member of the related model on the other side ("" when a
  // BelongsTo has no HasMany/HasOne pointing back).
  std::string_view inverse;
  // Column::description and Column::example, for the OpenAPI document.
  std::string_view description;
  std::string_view example;

  bool is_relationship() const noexcept {
    return kind == PropertyKind::belongs_to || kind == PropertyKind::has_many ||
           kind == PropertyKind::has_one;
  }
};

namespace detail {
struct EntityRules;
class EntityBuilder;

template <class T>
inline constexpr char type_tag = 0;
template <class T>
const void* type_id() noexcept {
  return &type_tag<T>;
}
}  // namespace detail

class Entity {
 public:
  // The C++ type's unqualified name, used in validation messages ("Hero.name: ...").
  const std::string& name() const noexcept { return name_; }
  const SchemaTable& table() const noexcept { return table_; }
  const std::vector<Property>& properties() const noexcept { return properties_; }
  const Property* find_property(std::string_view name) const noexcept;
  // The property stored in `column`, or nullptr.
  const Property* find_column_property(std::string_view column) const noexcept;
  const Property& primary_key() const noexcept { return properties_[primary_key_]; }
  const SchemaColumn& column_of(const Property& property) const {
    return table_.columns.at(*property.column);
  }

  const void* type_id() const noexcept { return type_; }
  template <class T>
  bool is() const noexcept {
    return type_ == detail::type_id<T>();
  }
  const detail::EntityRules& rules() const noexcept { return *rules_; }

 private:
  friend class detail::EntityBuilder;
  std::string name_;
  SchemaTable table_;
  std::vector<Property> properties_;
  std::size_t primary_key_ = 0;
  const void* type_ = nullptr;
  std::shared_ptr<const detail::EntityRules> rules_;
};

template <class T>
const Entity& entity_of();

namespace detail {

// Column minus its validators: what the builder needs, small enough to pass around.
struct ColumnSettings {
  std::string_view name;
  bool unique = false;
  bool indexed = false;
  std::string_view default_value;
  bool omit_by_default = false;
  Transient transient = Transient::none;
  bool required = false;
  std::optional<DeleteRule> on_delete;
};

constexpr ColumnSettings settings_of(const Column& c) {
  return {c.name,      c.unique,   c.indexed,  c.default_value, c.omit_by_default,
          c.transient, c.required, c.on_delete};
}

struct RelatedModel {
  const Entity& (*entity)() = nullptr;
  std::string table;
  std::string_view key_member;
  std::string_view key_column;
  ColumnType key_type = ColumnType::big_integer;
};

// "HeroPower" -> "hero_power".
std::string snake_case(std::string_view name);

template <class T>
std::string table_name() {
  constexpr Table options = table_options<T>();
  if constexpr (!options.name.empty()) {
    return std::string(options.name);
  } else {
    return snake_case(type_name<T>());
  }
}

template <class U>
RelatedModel related_model() {
  return {&entity_of<U>, table_name<U>(), member_names<U>[primary_key_index<U>],
          primary_key_column<U>, column_type_of(value_class_of<PrimaryKeyType<U>>())};
}

template <class E>
std::vector<std::string_view> enumerator_names() {
  std::vector<std::string_view> names;
  if constexpr (conduit::http::detail::DescribedEnum<E>) {
    boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>(
        [&](auto descriptor) { names.emplace_back(descriptor.name); });
  }
  return names;
}

// Collects properties in member order; compiles validators on finish(). Non-template so
// that the work is compiled once, in src/orm/entity.cpp.
class EntityBuilder {
 public:
  EntityBuilder(std::string_view type_name, std::string table, const void* type);

  void add_attribute(std::string_view member, const ColumnSettings& settings,
                     ValueClass value_class, bool nullable, bool primary_key, bool autoincrement,
                     std::vector<std::string_view> enum_names);
  void add_belongs_to(std::string_view member, const ColumnSettings& settings, RelatedModel related,
                      bool unique, std::string_view inverse);
  void add_inverse(std::string_view member, PropertyKind kind, RelatedModel related,
                   std::string_view inverse);
  void add_transient(std::string_view member, const ColumnSettings& settings,
                     ValueClass value_class);
  // A rule of the property added last.
  void add_validator(const Validator& validator);
  // The OpenAPI description and example of the property added last.
  void describe(std::string_view description, std::string_view example);
  void add_unique_set(std::string_view members);
  // Throws DataModelError for validator literals that do not parse.
  Entity finish();

 private:
  void add_property(Property property, ValueClass value_class);

  Entity entity_;
  std::vector<ValueClass> value_classes_;
  std::vector<std::vector<Validator>> validators_;
  std::vector<std::string_view> unique_sets_;
};

template <class T, std::size_t I>
void add_validators(EntityBuilder& builder) {
  [&]<std::size_t... V>(std::index_sequence<V...>) {
    auto add = [&]<std::size_t K>(std::integral_constant<std::size_t, K>) {
      if constexpr (column_options<T>[I].validators[K].kind != ValidatorKind::none) {
        static constexpr Validator validator = column_options<T>[I].validators[K];
        builder.add_validator(validator);
      }
    };
    (add(std::integral_constant<std::size_t, V>{}), ...);
  }
  (std::make_index_sequence<kMaxValidatorsPerColumn>{});
}

template <class T, std::size_t I>
void add_member(EntityBuilder& builder) {
  constexpr MemberKind kind = member_kind<T, I>();
  constexpr ColumnSettings settings = settings_of(column_options<T>[I]);
  constexpr std::string_view name = member_names<T>[I];
  using M = MemberType<T, I>;
  if constexpr (kind == MemberKind::attribute) {
    constexpr ValueClass value_class = member_value_class<T, I>();
    constexpr bool primary_key = I == primary_key_index<T>;
    constexpr bool autoincrement = autoincrements<T>(I, value_class);
    builder.add_attribute(name, settings, value_class, Optionality<M>::nullable, primary_key,
                          autoincrement, enumerator_names<ValueType<M>>());
  } else if constexpr (kind == MemberKind::belongs_to) {
    using U = TargetOf<T, I>;
    constexpr std::size_t inverse = inverse_of_belongs_to<T, I>();
    if constexpr (inverse == npos) {
      builder.add_belongs_to(name, settings, related_model<U>(), false, {});
    } else {
      constexpr bool has_one = std::is_same_v<MemberType<U, inverse>, HasOne<T>>;
      builder.add_belongs_to(name, settings, related_model<U>(), has_one, member_names<U>[inverse]);
    }
  } else if constexpr (kind == MemberKind::has_many || kind == MemberKind::has_one) {
    using U = TargetOf<T, I>;
    constexpr std::size_t inverse = inverse_of<T, I>().index;
    builder.add_inverse(
        name, kind == MemberKind::has_many ? PropertyKind::has_many : PropertyKind::has_one,
        related_model<U>(), member_names<U>[inverse]);
  } else {
    builder.add_transient(name, settings, member_value_class<T, I>());
  }
  if constexpr (!column_options<T>[I].description.empty() ||
                !column_options<T>[I].example.empty()) {
    builder.describe(column_options<T>[I].description, column_options<T>[I].example);
  }
  add_validators<T, I>(builder);
}

template <class T>
Entity build_entity() {
  EntityBuilder builder(type_name<T>(), table_name<T>(), type_id<T>());
  for_each_index<T>([&](auto index) { add_member<T, decltype(index)::value>(builder); });
  static constexpr Table options = table_options<T>();
  for (std::string_view set : options.unique) {
    if (!set.empty()) builder.add_unique_set(set);
  }
  return builder.finish();
}

}  // namespace detail

template <class T>
const Entity& entity_of() {
  static_assert(detail::model_checked<T>);
  static const Entity entity = detail::build_entity<T>();
  return entity;
}

}  // namespace conduit::orm
