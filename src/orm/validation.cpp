// Implementation of the orm's rule runner: presence rules, value rules on a ValueRef, and
// Conduit's messages. Stateless apart from the context passed in; thread-safe.
#include "conduit/orm/validation.hpp"

#include <fmt/format.h>

#include <regex>

#include "orm/rules.hpp"

namespace conduit::orm {

void ValidationContext::add_error(std::string_view reason) {
  errors_.push_back(prefix_ + std::string(reason));
}

bool ValidationContext::is_present(std::string_view key) const noexcept {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == key) return (present_ >> i) & 1U;
  }
  return false;
}

namespace detail {

namespace {

bool applies(const CompiledRule& rule, Event event) {
  switch (rule.when) {
    case When::always:
      return true;
    case When::insert:
      return event == Event::insert;
    case When::update:
      return event == Event::update;
  }
  return true;
}

std::string_view event_name(Event event) { return event == Event::insert ? "insert" : "update"; }

// "Hero.name: ", or for a relationship "Hero.team.id: " (Conduit names the related key).
std::string prefix_for(const Entity& entity, const Property& property) {
  if (property.kind == PropertyKind::belongs_to) {
    return fmt::format("{}.{}.{}: ", entity.name(), property.name, property.target_key);
  }
  return fmt::format("{}.{}: ", entity.name(), property.name);
}

std::size_t code_points(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

// <0, 0, >0 as value compares with operand.
int compare(const ValueRef& value, const CompiledOperand& operand) {
  auto sign = [](auto a, auto b) { return a < b ? -1 : (b < a ? 1 : 0); };
  switch (value.value_class) {
    case ValueClass::int32:
    case ValueClass::int64:
      return sign(value.integer, operand.integer);
    case ValueClass::real:
      return sign(value.real, operand.real);
    case ValueClass::text:
      return sign(value.text, std::string_view(operand.text));
    case ValueClass::timestamp:
      return sign(value.time, *operand.time);
    case ValueClass::decimal: {
      auto order = *value.decimal <=> *operand.decimal;
      return order < 0 ? -1 : (order > 0 ? 1 : 0);
    }
    default:
      return 0;
  }
}

// Conduit's comparison messages ("must be greater than '5'."); `subject` prefixes them
// for length rules.
void check_comparison(int order, CompareOp op, const CompiledOperand& operand,
                      std::string_view subject, ValidationContext& context) {
  std::string_view phrase;
  bool ok = true;
  switch (op) {
    case CompareOp::less_than:
      ok = order < 0;
      phrase = "less than";
      break;
    case CompareOp::less_than_or_equal_to:
      ok = order <= 0;
      phrase = "less than or equal to";
      break;
    case CompareOp::greater_than:
      ok = order > 0;
      phrase = "greater than";
      break;
    case CompareOp::greater_than_or_equal_to:
      ok = order >= 0;
      phrase = "greater than or equal to";
      break;
    case CompareOp::equal_to:
      ok = order == 0;
      phrase = "equal to";
      break;
    case CompareOp::none:
      return;
  }
  if (!ok) context.add_error(fmt::format("{}must be {} '{}'.", subject, phrase, operand.display));
}

template <class V>
std::string quoted_list(const std::vector<V>& options) {
  std::string out;
  for (const auto& option : options) {
    if (!out.empty()) out += ',';
    out += fmt::format("'{}'", option);
  }
  return out;
}

void run_rule(const CompiledRule& rule, const ValueRef& value, ValidationContext& context) {
  switch (rule.kind) {
    case ValidatorKind::matches:
      if (!std::regex_search(value.text.begin(), value.text.end(), *rule.regex)) {
        context.add_error(fmt::format("does not match pattern {}", rule.pattern));
      }
      break;
    case ValidatorKind::length: {
      auto length = static_cast<std::int64_t>(code_points(value.text));
      for (const auto& [op, operand] : rule.comparisons) {
        int order = length < operand.integer ? -1 : (length > operand.integer ? 1 : 0);
        check_comparison(order, op, operand, "length ", context);
      }
      break;
    }
    case ValidatorKind::compare:
      for (const auto& [op, operand] : rule.comparisons) {
        check_comparison(compare(value, operand), op, operand, "", context);
      }
      break;
    case ValidatorKind::one_of:
      if (!rule.text_options.empty()) {
        bool found = false;
        for (const auto& option : rule.text_options) found = found || option == value.text;
        if (!found) {
          context.add_error(fmt::format("must be one of: {}.", quoted_list(rule.text_options)));
        }
      } else {
        bool found = false;
        for (auto option : rule.integer_options) found = found || option == value.integer;
        if (!found) {
          context.add_error(fmt::format("must be one of: {}.", quoted_list(rule.integer_options)));
        }
      }
      break;
    case ValidatorKind::custom:
      rule.custom(value.raw, context);
      break;
    case ValidatorKind::none:
    case ValidatorKind::present:
    case ValidatorKind::absent:
      break;
  }
}

}  // namespace

void check_presence(const Entity& entity, std::size_t index, bool given, bool has_value,
                    ValidationContext& context) {
  const Property& property = entity.properties()[index];
  ValidationAccess::set_prefix(context, prefix_for(entity, property));
  for (const CompiledRule& rule : entity.rules().properties[index].rules) {
    if (!applies(rule, context.event())) continue;
    if (rule.kind == ValidatorKind::present && !(given && has_value)) {
      context.add_error(
          fmt::format("key '{}' is required for {}s.", property.name, event_name(context.event())));
    } else if (rule.kind == ValidatorKind::absent && given && has_value) {
      context.add_error(fmt::format("key '{}' is not allowed for {}s.", property.name,
                                    event_name(context.event())));
    }
  }
}

void check_value(const Entity& entity, std::size_t index, const ValueRef& value,
                 ValidationContext& context) {
  ValidationAccess::set_prefix(context, prefix_for(entity, entity.properties()[index]));
  for (const CompiledRule& rule : entity.rules().properties[index].rules) {
    if (applies(rule, context.event())) run_rule(rule, value, context);
  }
}

void report_bad_enum(const Entity& entity, std::size_t index, ValidationContext& context) {
  const Property& property = entity.properties()[index];
  ValidationAccess::set_prefix(context, prefix_for(entity, property));
  context.add_error(fmt::format("must be one of: {}.", quoted_list(property.enum_names)));
}

}  // namespace detail

}  // namespace conduit::orm
