// Implementation of the non-template parts of model JSON: Conduit's error reasons, the
// read filters, keys and decimals. Stateless; thread-safe.
#include "conduit/orm/model_json.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace conduit::orm::detail {

namespace {

bool listed(const std::vector<std::string_view>& keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

}  // namespace

void throw_invalid_key(std::string_view key) {
  throw ValidationError({fmt::format("invalid input key '{}'", key)});
}

void throw_invalid_value(std::string_view key) {
  throw ValidationError({fmt::format("invalid input value for '{}'", key)});
}

void throw_invalid_option(std::string_view key) {
  throw ValidationError({fmt::format("invalid option for key '{}'", key)});
}

void throw_nul_in_text(std::string_view key) {
  throw ValidationError(
      {fmt::format("invalid input value for '{}': text cannot contain a NUL character", key)});
}

void throw_not_an_object() { throw ValidationError({"request entity was unexpected type"}); }

void throw_unknown_field(std::string_view model, std::string_view name) {
  throw std::invalid_argument(fmt::format("{} has no member '{}'", model, name));
}

void check_read_filters(const boost::json::object& object, const ReadOptions& options) {
  for (const auto& entry : object) {
    if (listed(options.reject, entry.key())) throw_invalid_key(entry.key());
  }
  std::string missing;
  for (std::string_view key : options.require) {
    if (object.contains(key)) continue;
    if (!missing.empty()) missing += ", ";
    missing += key;
  }
  if (!missing.empty()) {
    throw ValidationError({fmt::format("missing required input key(s): '{}'", missing)});
  }
}

bool skipped_by_filters(std::string_view key, const ReadOptions& options) {
  if (listed(options.ignore, key)) return true;
  return options.accept && !listed(*options.accept, key);
}

std::optional<Decimal> decimal_from_json(const boost::json::value& json) {
  if (const auto* text = json.if_string()) {
    return Decimal::parse(std::string_view(text->data(), text->size()));
  }
  if (json.is_int64()) return Decimal(json.get_int64());
  if (json.is_uint64()) return Decimal::parse(std::to_string(json.get_uint64()));
  if (json.is_double()) {
    // The shortest text that reads back as the same double: what the client most likely
    // wrote. Clients that need every digit send a string.
    return Decimal::parse(fmt::format("{}", json.get_double()));
  }
  return std::nullopt;
}

boost::json::value key_to_json(const Key& key) {
  if (const auto* integer = std::get_if<std::int64_t>(&key)) return *integer;
  if (const auto* uuid = std::get_if<Uuid>(&key)) return boost::json::value(uuid->to_string());
  if (const auto* text = std::get_if<std::string>(&key)) return boost::json::value(*text);
  return nullptr;
}

}  // namespace conduit::orm::detail
