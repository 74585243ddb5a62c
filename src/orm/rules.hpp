// Compiled validation rules of an entity (private to src/orm): validator literals parsed
// once for the member's type, regular expressions compiled once.
//
// Thread-safety: immutable after EntityBuilder::finish(); std::regex matching is const.
#pragma once

#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "conduit/orm/column.hpp"
#include "conduit/orm/decimal.hpp"
#include "conduit/orm/detail/model_info.hpp"
#include "conduit/orm/validator.hpp"

namespace conduit::orm::detail {

struct CompiledOperand {
  Operand::Kind kind = Operand::Kind::none;
  std::int64_t integer = 0;
  double real = 0;
  std::string text;
  std::optional<Timestamp> time;
  std::optional<Decimal> decimal;
  // How messages quote it: "must be greater than '<display>'."
  std::string display;
};

struct CompiledRule {
  ValidatorKind kind = ValidatorKind::none;
  When when = When::always;
  std::vector<std::pair<CompareOp, CompiledOperand>> comparisons;
  std::string pattern;
  std::optional<std::regex> regex;
  std::vector<std::string> text_options;
  std::vector<std::int64_t> integer_options;
  CustomValidatorFn custom = nullptr;
};

struct PropertyRules {
  ValueClass value_class = ValueClass::none;
  std::vector<CompiledRule> rules;
};

struct EntityRules {
  std::vector<PropertyRules> properties;
};

}  // namespace conduit::orm::detail
