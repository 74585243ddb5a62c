// Implementation of the OpenAPI document's example handling (see openapi_examples.hpp).
#include "app/openapi_examples.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

namespace conduit::app::detail {

namespace json = boost::json;

namespace {

// A value as the message shows it: JSON, cut short.
std::string shown(const json::value& value) {
  // 1.5, not Boost.JSON's 1.5E0: the message quotes what the user wrote.
  std::string text =
      value.is_double() ? fmt::format("{}", value.get_double()) : json::serialize(value);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

// Deeper than any example anyone writes; stops a self-referencing schema.
constexpr int kMaxDepth = 64;

std::string misfit(const json::value& value, const ApiSchema& schema,
                   const ApiComponents& components, const std::string& where, int depth) {
  using K = ApiSchema::Kind;
  if (depth > kMaxDepth || schema.kind == K::any) return {};
  if (value.is_null()) {
    return schema.nullable ? std::string() : fmt::format("{}: null, but it is not nullable", where);
  }
  switch (schema.kind) {
    case K::ref: {
      auto found = components.find(schema.ref);
      if (found == components.end()) return {};
      return misfit(value, found->second, components, where, depth + 1);
    }
    case K::string:
      if (!value.is_string()) return fmt::format("{}: {} is not a string", where, shown(value));
      if (!schema.enum_values.empty() &&
          std::find(schema.enum_values.begin(), schema.enum_values.end(),
                    std::string_view(value.get_string())) == schema.enum_values.end()) {
        return fmt::format("{}: {} is not one of {}", where, shown(value),
                           fmt::join(schema.enum_values, ", "));
      }
      return {};
    case K::integer: {
      if (!value.is_int64() && !value.is_uint64())
        return fmt::format("{}: {} is not an integer", where, shown(value));
      if (schema.format == "int32") {
        const bool fits = value.is_int64() &&
                          value.get_int64() >= std::numeric_limits<std::int32_t>::min() &&
                          value.get_int64() <= std::numeric_limits<std::int32_t>::max();
        if (!fits) return fmt::format("{}: {} is out of int32's range", where, shown(value));
      } else if (value.is_uint64()) {
        return fmt::format("{}: {} is out of int64's range", where, shown(value));
      }
      return {};
    }
    case K::number:
      if (!value.is_number()) return fmt::format("{}: {} is not a number", where, shown(value));
      return {};
    case K::boolean:
      if (!value.is_bool()) return fmt::format("{}: {} is not true or false", where, shown(value));
      return {};
    case K::array: {
      if (!value.is_array()) return fmt::format("{}: {} is not an array", where, shown(value));
      if (schema.items.empty()) return {};
      const json::array& items = value.get_array();
      for (std::size_t i = 0; i < items.size(); ++i) {
        std::string found = misfit(items[i], schema.items.front(), components,
                                   fmt::format("{}[{}]", where, i), depth + 1);
        if (!found.empty()) return found;
      }
      return {};
    }
    case K::object: {
      if (!value.is_object()) return fmt::format("{}: {} is not an object", where, shown(value));
      if (schema.property_names.empty()) return {};  // a free-form object
      for (const auto& [key, member] : value.get_object()) {
        auto named = std::find(schema.property_names.begin(), schema.property_names.end(),
                               std::string_view(key));
        if (named == schema.property_names.end()) {
          return fmt::format("{}: has no property \"{}\" (it has: {})", where,
                             std::string_view(key), fmt::join(schema.property_names, ", "));
        }
        const auto index = static_cast<std::size_t>(named - schema.property_names.begin());
        std::string found = misfit(member, schema.properties[index], components,
                                   fmt::format("{}.{}", where, std::string_view(key)), depth + 1);
        if (!found.empty()) return found;
      }
      return {};
    }
    case K::any:
      break;
  }
  return {};
}

}  // namespace

json::value example_value(std::string_view text, const ApiSchema& schema) {
  using K = ApiSchema::Kind;
  if (schema.kind == K::integer || schema.kind == K::number || schema.kind == K::boolean ||
      schema.kind == K::array || schema.kind == K::object || schema.kind == K::any) {
    boost::system::error_code ec;
    json::value parsed = json::parse(text, ec);
    if (!ec) return parsed;
  }
  return json::value(text);
}

json::value parse_example_json(std::string_view text, std::string_view where) {
  boost::system::error_code ec;
  json::stream_parser parser;
  std::size_t offset = parser.write(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    std::string start(text.substr(0, 40));
    if (text.size() > 40) start += "...";
    std::replace(start.begin(), start.end(), '\n', ' ');
    throw std::runtime_error(
        fmt::format("{} is not JSON ({} at offset {}): {}", where, ec.message(), offset, start));
  }
  return parser.release();
}

std::string example_misfit(const json::value& value, const ApiSchema& schema,
                           const ApiComponents& components, const std::string& where) {
  return misfit(value, schema, components, where, 0);
}

json::value checked_body_example(const std::string& text, const ApiSchema& schema, bool has_schema,
                                 const ApiComponents& components, const std::string& label,
                                 const char* what) {
  if (text.empty()) return nullptr;
  json::value value = parse_example_json(text, label + ": " + what);
  if (has_schema) {
    std::string found = example_misfit(value, schema, components, what);
    if (!found.empty()) throw std::runtime_error(label + ": " + found);
  }
  return value;
}

void add_parameter_examples(const ApiOperation& op, const ApiComponents& components,
                            const std::string& label, json::array& parameters) {
  for (const auto& [name, text] : op.parameter_examples) {
    const std::string where = fmt::format("parameter_example(\"{}\")", name);
    json::object* target = nullptr;
    std::vector<std::string_view> names;
    for (json::value& p : parameters) {
      json::object& object = p.as_object();
      names.push_back(object["name"].as_string());
      if (!target && names.back() == name) target = &object;
    }
    if (!target) {
      throw std::runtime_error(
          fmt::format("{}: {} names no parameter of the operation ({})", label, where,
                      names.empty() ? std::string("it has none")
                                    : fmt::format("it has: {}", fmt::join(names, ", "))));
    }
    ApiSchema type;  // a path variable the operation does not bind: a string
    type.kind = ApiSchema::Kind::string;
    for (const ApiParameter& p : op.parameters) {
      if (p.name == name) {
        type = p.schema;
        break;
      }
    }
    json::value value = example_value(text, type);
    std::string found = example_misfit(value, type, components, where);
    if (!found.empty()) throw std::runtime_error(label + ": " + found);
    (*target)["example"] = std::move(value);
  }
}

}  // namespace conduit::app::detail
