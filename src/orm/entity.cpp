// Implementation of conduit::orm::Entity and its builder: columns from member settings,
// foreign keys, unique sets, and validator literals compiled for their member's type.
// Builders are used once per model type, from entity_of<T>()'s static initialisation.
#include "conduit/orm/entity.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "conduit/http/json.hpp"
#include "conduit/orm/errors.hpp"
#include "orm/rules.hpp"

namespace conduit::orm {

const Property* Entity::find_property(std::string_view name) const noexcept {
  for (const Property& property : properties_) {
    if (property.name == name) return &property;
  }
  return nullptr;
}

const Property* Entity::find_column_property(std::string_view column) const noexcept {
  for (const Property& property : properties_) {
    if (property.column && table_.columns[*property.column].name == column) return &property;
  }
  return nullptr;
}

namespace detail {

void throw_null_key() { throw std::logic_error("BelongsTo::id() called on a NULL relationship"); }

void throw_key_type_mismatch() {
  throw std::logic_error("BelongsTo holds a key of another type than the related primary key");
}

std::string snake_case(std::string_view name) {
  auto is_upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto is_lower = [](char c) { return c >= 'a' && c <= 'z'; };
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (!is_upper(c)) {
      out += c;
      continue;
    }
    // A word starts at a capital after a lower-case letter or digit ("HeroPower"), or at
    // the last capital of an acronym when a lower-case letter follows ("HTTPServer").
    bool after_word = i > 0 && (is_lower(name[i - 1]) || is_digit(name[i - 1]));
    bool ends_acronym =
        i > 0 && is_upper(name[i - 1]) && i + 1 < name.size() && is_lower(name[i + 1]);
    if ((after_word || ends_acronym) && !out.empty() && out.back() != '_') out += '_';
    out += static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

namespace {

std::string display_operand(const Operand& operand) {
  switch (operand.kind) {
    case Operand::Kind::integer:
      return std::to_string(operand.integer);
    case Operand::Kind::real:
      return fmt::format("{}", operand.real);
    case Operand::Kind::text:
      return std::string(operand.text);
    case Operand::Kind::none:
      break;
  }
  return {};
}

CompiledOperand compile_operand(const Operand& operand, ValueClass value_class,
                                const std::string& where) {
  CompiledOperand out;
  out.kind = operand.kind;
  out.integer = operand.integer;
  out.real =
      operand.kind == Operand::Kind::integer ? static_cast<double>(operand.integer) : operand.real;
  out.text = std::string(operand.text);
  out.display = display_operand(operand);
  if (value_class == ValueClass::timestamp) {
    auto time = parse_iso8601(operand.text);
    if (!time) {
      throw DataModelError(fmt::format("{}: '{}' is not an ISO-8601 time stamp (in a validator)",
                                       where, operand.text));
    }
    out.time = *time;
  } else if (value_class == ValueClass::decimal) {
    auto decimal = operand.kind == Operand::Kind::integer ? std::optional(Decimal(operand.integer))
                                                          : Decimal::parse(operand.text);
    if (!decimal) {
      throw DataModelError(
          fmt::format("{}: '{}' is not a decimal number (in a validator)", where, operand.text));
    }
    out.decimal = std::move(decimal);
  }
  return out;
}

CompiledRule compile_rule(const Validator& v, ValueClass value_class, const std::string& where) {
  CompiledRule rule;
  rule.kind = v.kind;
  rule.when = v.when;
  rule.custom = v.custom;
  // Length rules compare a count, whatever the member's type.
  ValueClass operand_class = v.kind == ValidatorKind::length ? ValueClass::int64 : value_class;
  for (const Comparison& comparison : v.comparisons) {
    if (comparison.op == CompareOp::none) continue;
    rule.comparisons.emplace_back(comparison.op,
                                  compile_operand(comparison.operand, operand_class, where));
  }
  if (v.kind == ValidatorKind::matches) {
    rule.pattern = std::string(v.pattern);
    try {
      rule.regex.emplace(rule.pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& error) {
      throw DataModelError(fmt::format("{}: invalid regular expression '{}' ({})", where,
                                       rule.pattern, error.what()));
    }
  }
  for (std::size_t i = 0; i < v.option_count; ++i) {
    if (v.option_kind == Operand::Kind::text) {
      rule.text_options.emplace_back(v.text_options[i]);
    } else {
      rule.integer_options.push_back(v.integer_options[i]);
    }
  }
  return rule;
}

}  // namespace

EntityBuilder::EntityBuilder(std::string_view type_name, std::string table, const void* type) {
  entity_.name_ = std::string(type_name);
  entity_.table_.name = std::move(table);
  entity_.type_ = type;
}

void EntityBuilder::add_property(Property property, ValueClass value_class) {
  entity_.properties_.push_back(std::move(property));
  value_classes_.push_back(value_class);
  validators_.emplace_back();
}

void EntityBuilder::add_attribute(std::string_view member, const ColumnSettings& settings,
                                  ValueClass value_class, bool nullable, bool primary_key,
                                  bool autoincrement, std::vector<std::string_view> enum_names) {
  SchemaColumn column;
  column.name = std::string(settings.name.empty() ? member : settings.name);
  column.type = column_type_of(value_class);
  column.nullable = nullable;
  column.primary_key = primary_key;
  column.autoincrement = autoincrement;
  column.unique = settings.unique;
  column.indexed = settings.indexed;
  if (!settings.default_value.empty()) column.default_value = std::string(settings.default_value);
  if (primary_key) entity_.primary_key_ = entity_.properties_.size();

  Property property;
  property.name = member;
  property.kind = PropertyKind::attribute;
  property.column = entity_.table_.columns.size();
  property.omit_by_default = settings.omit_by_default;
  property.enum_names = std::move(enum_names);
  entity_.table_.columns.push_back(std::move(column));
  add_property(std::move(property), value_class);
}

void EntityBuilder::add_belongs_to(std::string_view member, const ColumnSettings& settings,
                                   RelatedModel related, bool unique, std::string_view inverse) {
  SchemaColumn column;
  column.name = settings.name.empty() ? fmt::format("{}_{}", member, related.key_column)
                                      : std::string(settings.name);
  column.type = related.key_type;
  column.nullable = !settings.required;
  column.unique = settings.unique || unique;
  column.indexed = true;
  if (!settings.default_value.empty()) column.default_value = std::string(settings.default_value);
  DeleteRule rule =
      settings.on_delete.value_or(settings.required ? DeleteRule::restrict : DeleteRule::nullify);
  column.relationship = ForeignKey{related.table, std::string(related.key_column), rule};

  Property property;
  property.name = member;
  property.kind = PropertyKind::belongs_to;
  property.column = entity_.table_.columns.size();
  property.omit_by_default = settings.omit_by_default;
  property.target = related.entity;
  property.target_key = related.key_member;
  property.inverse = inverse;
  entity_.table_.columns.push_back(std::move(column));
  add_property(std::move(property), ValueClass::none);
}

void EntityBuilder::add_inverse(std::string_view member, PropertyKind kind, RelatedModel related,
                                std::string_view inverse) {
  Property property;
  property.name = member;
  property.kind = kind;
  property.target = related.entity;
  property.target_key = related.key_member;
  property.inverse = inverse;
  add_property(std::move(property), ValueClass::none);
}

void EntityBuilder::add_transient(std::string_view member, const ColumnSettings& settings,
                                  ValueClass value_class) {
  Property property;
  property.name = member;
  property.kind = PropertyKind::transient;
  property.transient = settings.transient;
  add_property(std::move(property), value_class);
}

void EntityBuilder::add_validator(const Validator& validator) {
  validators_.back().push_back(validator);
}

void EntityBuilder::describe(std::string_view description, std::string_view example) {
  entity_.properties_.back().description = description;
  entity_.properties_.back().example = example;
}

void EntityBuilder::add_unique_set(std::string_view members) { unique_sets_.push_back(members); }

Entity EntityBuilder::finish() {
  auto rules = std::make_shared<EntityRules>();
  for (std::size_t i = 0; i < entity_.properties_.size(); ++i) {
    PropertyRules property_rules;
    property_rules.value_class = value_classes_[i];
    std::string where = fmt::format("{}.{}", entity_.name_, entity_.properties_[i].name);
    for (const Validator& validator : validators_[i]) {
      property_rules.rules.push_back(compile_rule(validator, value_classes_[i], where));
    }
    rules->properties.push_back(std::move(property_rules));
  }
  for (std::string_view list : unique_sets_) {
    std::vector<std::string> columns;
    for_each_listed_name(list, [&](std::string_view name) {
      // The names were checked at compile time.
      const Property* property = entity_.find_property(name);
      columns.push_back(entity_.table_.columns[*property->column].name);
    });
    entity_.table_.unique_sets.push_back(std::move(columns));
  }
  entity_.rules_ = std::move(rules);
  return std::move(entity_);
}

}  // namespace detail

}  // namespace conduit::orm
