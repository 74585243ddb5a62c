// What a controller tells the OpenAPI document about itself, without serving: operations
// (method, path variables, parameters with their types, request body, scopes, summary,
// examples) and the schemas of the types they bind. The document builder (src/app/openapi_*) walks
// the channel's controller tree and turns these plain values into OpenAPI JSON, so this
// header stays light (no Boost.JSON).
//
// Types map to schemas at compile time with ApiSchemaOf<T>: strings, bools, integers
// (int32/int64 formats), floating point, sys_time (date-time), described enums (enum of
// names), std::optional (nullable), std::vector (array) and described structs (an object
// component named after the type). The orm specialises it for models (conduit/orm/
// model_api.hpp): read-only generated keys, nullable columns, omit-by-default fields absent.
//
// Thread-safety: plain values, built once when controllers are constructed.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/describe.hpp>

#include "conduit/core/type_traits.hpp"

namespace conduit {

struct ApiSchema {
  enum class Kind { any, string, integer, number, boolean, array, object, ref };
  Kind kind = Kind::any;
  std::string format;                    // "int32", "int64", "double", "date-time", ...
  std::vector<std::string> enum_values;  // for strings
  std::vector<ApiSchema> items;          // one element for arrays
  std::vector<std::string> property_names;
  std::vector<ApiSchema> properties;  // parallel to property_names
  std::vector<std::string> required;  // object properties that are always present
  std::string ref;                    // component name, for Kind::ref
  bool nullable = false;
  bool read_only = false;
  std::string description;
  // An example value as text ("42", "true", "Mr. Incredible"), written with the schema's
  // type; empty means none.
  std::string example;
};

// Named schemas (OpenAPI components) collected while describing operations.
using ApiComponents = std::map<std::string, ApiSchema>;

struct ApiParameter {
  std::string name;
  std::string location;  // "path", "query" or "header"
  bool required = true;
  ApiSchema schema;
};

struct ApiOperation {
  std::string method;                       // "GET", ...
  std::vector<std::string> path_variables;  // sorted; selects the route expansion
  std::string name;                         // "HeroController::list", may be empty
  std::string summary;
  std::string description;
  std::vector<ApiParameter> parameters;
  bool has_body = false;
  bool body_required = false;
  std::vector<std::string> body_content_types;  // "application/json", form, multipart
  ApiSchema body_schema;
  // The 2xx answer: status and schema (Kind::any when the operation does not say).
  int success_status = 200;
  ApiSchema response_schema;
  bool has_response_schema = false;
  // The 2xx answer's media types; empty means "application/json".
  std::vector<std::string> response_content_types;
  std::vector<std::string> scopes;
  ApiComponents components;
  // Examples for the document (empty: none): the request body's and the 2xx answer's as
  // JSON text, and (parameter name, value) pairs whose value is text written with the
  // parameter's type ("42" is the number 42 for an integer; path variables included). The
  // document builder checks each against its schema and names the operation when one does
  // not fit.
  std::string request_example;
  std::string response_example;
  std::vector<std::pair<std::string, std::string>> parameter_examples;
};

namespace http::detail {
// The one set of traits (core's type_traits.hpp).
using conduit::detail::IsOptional;
using conduit::detail::IsSysTime;
using conduit::detail::IsVector;

// "Hero" for heroes::Hero, from the compiler's signature.
template <class T>
std::string api_type_name() {
  std::string_view s = __PRETTY_FUNCTION__;
  auto start = s.find("T = ");
  if (start == std::string_view::npos) return "Object";
  start += 4;
  auto end = s.find_first_of(";]", start);
  std::string_view name = s.substr(start, end - start);
  auto template_start = name.find('<');
  std::string_view head = name.substr(0, template_start);
  auto colon = head.rfind("::");
  std::string out(colon == std::string_view::npos ? head : head.substr(colon + 2));
  if (template_start != std::string_view::npos) {
    // "Partial<Hero, ...>" -> "PartialHero": component names are [A-Za-z0-9._-].
    for (char c : name.substr(template_start)) {
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
    }
  }
  return out;
}
}  // namespace http::detail

template <class T, class Enable = void>
struct ApiSchemaOf {
  static ApiSchema make(ApiComponents& components);
};

template <class T>
ApiSchema api_schema(ApiComponents& components) {
  return ApiSchemaOf<std::remove_cvref_t<T>>::make(components);
}

template <class T, class Enable>
ApiSchema ApiSchemaOf<T, Enable>::make(ApiComponents& components) {
  ApiSchema s;
  using K = ApiSchema::Kind;
  if constexpr (std::same_as<T, std::string> || std::same_as<T, std::string_view>) {
    s.kind = K::string;
  } else if constexpr (std::same_as<T, bool>) {
    s.kind = K::boolean;
  } else if constexpr (std::integral<T>) {
    s.kind = K::integer;
    s.format = sizeof(T) > 4 ? "int64" : "int32";
  } else if constexpr (std::floating_point<T>) {
    s.kind = K::number;
    s.format = sizeof(T) > 4 ? "double" : "float";
  } else if constexpr (http::detail::IsSysTime<T>::value) {
    s.kind = K::string;
    s.format = "date-time";
  } else if constexpr (std::is_enum_v<T>) {
    s.kind = K::string;
    if constexpr (boost::describe::has_describe_enumerators<T>::value) {
      boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>(
          [&](auto e) { s.enum_values.emplace_back(e.name); });
    }
  } else if constexpr (http::detail::IsOptional<T>::value) {
    s = api_schema<typename T::value_type>(components);
    s.nullable = true;
  } else if constexpr (http::detail::IsVector<T>::value) {
    s.kind = K::array;
    s.items.push_back(api_schema<typename T::value_type>(components));
  } else if constexpr (std::is_class_v<T> && boost::describe::has_describe_members<T>::value) {
    const std::string name = http::detail::api_type_name<T>();
    s.kind = K::ref;
    s.ref = name;
    if (!components.contains(name)) {
      components[name] = ApiSchema{};  // placeholder: recursive types terminate
      ApiSchema object;
      object.kind = K::object;
      using Members = boost::describe::describe_members<T, boost::describe::mod_public |
                                                               boost::describe::mod_inherited>;
      boost::mp11::mp_for_each<Members>([&](auto member) {
        using M = std::remove_cvref_t<decltype(std::declval<T&>().*member.pointer)>;
        object.property_names.emplace_back(member.name);
        object.properties.push_back(api_schema<M>(components));
        if constexpr (!http::detail::IsOptional<M>::value)
          object.required.emplace_back(member.name);
      });
      components[name] = std::move(object);
    }
  }
  // Anything else (boost::json::value, raw text, forms): any value.
  return s;
}

}  // namespace conduit
