// conduit::to_json / conduit::from_json: JSON <-> C++ values, described structs included.
//
// Supported types: bool, integers (range-checked), floating point, std::string, enums
// described with BOOST_DESCRIBE_ENUM (as their names), std::chrono::sys_time<D> (ISO-8601
// strings, UTC), std::optional<T> (null or absent), std::vector<T>, std::map<std::string,T>,
// boost::json::value/object/array, and structs described with BOOST_DESCRIBE_STRUCT (public
// members, inherited ones included). Anything else falls back to Boost.JSON's own
// value_from / value_to customisation points.
//
// Reading is strict so that request bodies are validated in one place: every member that is
// not a std::optional must be present, and unknown keys are rejected unless the options say
// otherwise. Failures throw JsonError, which names the offending key path ("powers[1].name").
// Writing emits null for empty optionals so that clients see every key.
//
// A type may replace these rules with a JsonCodec<T> specialisation (see below), which
// every conversion consults first, also for elements and members: the orm module converts
// its models that way (orm rules for Body<Hero>, std::vector<Hero>, Response::ok(hero)).
//
// Thread-safety: stateless free functions; safe from any thread.
#pragma once

#include <boost/describe/enum_from_string.hpp>
#include <boost/describe/enum_to_string.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/describe/members.hpp>
#include <boost/describe/modifiers.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>
#include <boost/mp11/algorithm.hpp>

#include <chrono>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "conduit/core/type_traits.hpp"

namespace conduit {

// Why from_json rejected its input.
class JsonError : public std::runtime_error {
 public:
  enum class Kind {
    unexpected_type,  // a value had the wrong JSON type or was out of range
    unknown_key,      // an object had a key the struct does not describe
    missing_key,      // a non-optional member was absent
  };

  // `keys` is the path of the offending value ("" for the root), or for missing_key the
  // comma-separated paths of every missing member of one object.
  JsonError(Kind kind, std::string keys, std::string_view detail);

  Kind kind() const noexcept { return kind_; }
  const std::string& keys() const noexcept { return keys_; }

 private:
  Kind kind_;
  std::string keys_;
};

struct JsonReadOptions {
  // Conduit's `reject` filter applied to every key not described by the struct.
  bool reject_unknown_keys = true;
};

// ---- customisation point -------------------------------------------------------------------

// How to_json / from_json convert a T. The primary template is empty: T gets the generic
// rules of this header. A (partial) specialisation provides either or both of
//   static boost::json::value write(const T& value);
//   static void read(const boost::json::value& json, T& out, const JsonReadOptions& options);
// and, when the JSON form of T is an object whose keys are the public members of a
// described struct S (S may be T itself), `using object_type = S;` so that Body<> key
// filters are checked against S and a body that is no object is refused before `read`.
// `read` reports bad input by throwing: JsonError is worded like the generic rules' errors
// (without the key path around the value), any other exception (e.g. an HttpError with
// its own 400 body) propagates as it is, out of Body<> decoding too.
//
// A specialisation must be visible wherever T is converted, or two translation units
// would convert T differently (an ODR violation): declare it in the header that declares
// T, or in one that header includes. (orm models: conduit/orm/orm.hpp, which every model
// header includes.)
template <class T>
struct JsonCodec {};

// ---- ISO-8601 time stamps ------------------------------------------------------------------

// Parses "2024-05-01", "2024-05-01T12:30", "2024-05-01T12:30:15.250Z", "...+02:00" (also a
// space instead of 'T'). Without an offset the time is taken as UTC. Digits beyond
// microseconds are ignored. nullopt when malformed or out of range.
std::optional<std::chrono::sys_time<std::chrono::microseconds>> parse_iso8601(
    std::string_view text);

// "2024-05-01T12:30:15Z", with `fraction_digits` (0, 3 or 6) digits of the fraction.
std::string format_iso8601(std::chrono::sys_time<std::chrono::microseconds> time,
                           int fraction_digits);

namespace http::detail {

// From conduit/core/type_traits.hpp (core's conduit::detail).
using conduit::detail::IsOptional;
using conduit::detail::IsStringMap;
using conduit::detail::IsSysTime;
using conduit::detail::IsVector;

template <class T>
concept Integer = std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, char> &&
                  !std::same_as<T, wchar_t> && !std::same_as<T, char8_t> &&
                  !std::same_as<T, char16_t> && !std::same_as<T, char32_t>;

template <class T>
concept SysTime = IsSysTime<T>::value;

template <class T>
concept DescribedEnum = std::is_enum_v<T> && boost::describe::has_describe_enumerators<T>::value;

template <class T>
concept DescribedStruct = std::is_class_v<T> && boost::describe::has_describe_members<T>::value;

template <class T>
concept CodecWrites = requires(const T& value) {
  { JsonCodec<T>::write(value) } -> std::convertible_to<boost::json::value>;
};

template <class T>
concept CodecReads = requires(const boost::json::value& json, T& out,
                              const JsonReadOptions& options) {
  JsonCodec<T>::read(json, out, options);
};

template <class T>
using PublicMembers = boost::describe::describe_members<T, boost::describe::mod_public |
                                                               boost::describe::mod_inherited>;

template <class T>
concept CodecNamesObject = requires {
  typename JsonCodec<T>::object_type;
};

template <class T>
struct JsonObjectTypeOf {
  using type = void;
};
template <class T>
requires CodecReads<T> && CodecNamesObject<T>
struct JsonObjectTypeOf<T> {
  using type = typename JsonCodec<T>::object_type;
};
template <class T>
requires(!CodecReads<T> && DescribedStruct<T>) struct JsonObjectTypeOf<T> {
  using type = T;
};

template <template <class...> class L, class... D>
constexpr bool names_a_member(L<D...>, std::string_view key) {
  return ((std::string_view(D::name) == key) || ...);
}

}  // namespace http::detail

// The described struct whose public member names are the keys of T's JSON object: T for a
// described struct read by the generic rules, JsonCodec<T>::object_type for a codec that
// declares one (orm models and orm::Partial do), void for anything else. Body<> checks
// its key filters against it and refuses a body of another shape before reading it.
template <class T>
using JsonObjectType = typename http::detail::JsonObjectTypeOf<T>::type;

// Whether `key` is a key of Object's JSON object (a public member, inherited ones included).
template <class Object>
constexpr bool is_json_object_key(std::string_view key) {
  return http::detail::names_a_member(http::detail::PublicMembers<Object>{}, key);
}

namespace http::detail {

// Digits of fraction a time stamp of duration D is written with.
template <class D>
constexpr int fraction_digits() {
  using Period = typename D::period;
  if constexpr (std::ratio_greater_equal_v<Period, std::ratio<1>>)
    return 0;
  else if constexpr (std::ratio_greater_equal_v<Period, std::milli>)
    return 3;
  else
    return 6;
}

template <SysTime T>
std::optional<T> parse_time(std::string_view text) {
  auto parsed = parse_iso8601(text);
  if (!parsed) return std::nullopt;
  return std::chrono::floor<typename T::duration>(*parsed);
}

template <SysTime T>
std::string format_time(const T& time) {
  using D = typename T::duration;
  return format_iso8601(std::chrono::floor<std::chrono::microseconds>(time), fraction_digits<D>());
}

template <DescribedEnum E>
std::optional<E> parse_enum(std::string_view text) {
  E value{};
  // enum_from_string needs a NUL-terminated string.
  std::string copy(text);
  if (!boost::describe::enum_from_string(copy.c_str(), value)) return std::nullopt;
  return value;
}

// The path of a value being read, kept on the stack so that success costs nothing.
struct JsonPath {
  const JsonPath* parent = nullptr;
  std::string_view key;
  std::size_t index = 0;
  bool is_index = false;
};

std::string render_path(const JsonPath* path);
std::string join_key(const JsonPath* path, std::string_view key);
[[noreturn]] void throw_type_error(const JsonPath* path, std::string_view expected);
[[noreturn]] void throw_unknown_key(const JsonPath* path, std::string_view key);
[[noreturn]] void throw_missing_keys(std::string keys);
std::optional<std::int64_t> json_integer(const boost::json::value& json);

template <class T>
void read_json(const boost::json::value& json, T& out, const JsonPath* path,
               const JsonReadOptions& options);

template <class T>
boost::json::value write_json(const T& value);

template <DescribedStruct T>
void read_struct(const boost::json::value& json, T& out, const JsonPath* path,
                 const JsonReadOptions& options) {
  const auto* object = json.if_object();
  if (!object) throw_type_error(path, "object");
  if (options.reject_unknown_keys) {
    for (const auto& entry : *object) {
      bool known = false;
      boost::mp11::mp_for_each<PublicMembers<T>>(
          [&](auto member) { known = known || entry.key() == member.name; });
      if (!known) throw_unknown_key(path, entry.key());
    }
  }
  std::string missing;
  boost::mp11::mp_for_each<PublicMembers<T>>([&](auto member) {
    using Member = std::remove_cvref_t<decltype(out.*member.pointer)>;
    if (!IsOptional<Member>::value && !object->contains(member.name)) {
      if (!missing.empty()) missing += ", ";
      missing += join_key(path, member.name);
    }
  });
  if (!missing.empty()) throw_missing_keys(std::move(missing));
  boost::mp11::mp_for_each<PublicMembers<T>>([&](auto member) {
    if (const auto* field = object->if_contains(member.name)) {
      JsonPath child{path, member.name};
      read_json(*field, out.*member.pointer, &child, options);
    }
  });
}

template <class T>
void read_json(const boost::json::value& json, T& out, const JsonPath* path,
               const JsonReadOptions& options) {
  if constexpr (CodecReads<T>) {
    JsonCodec<T>::read(json, out, options);
  } else if constexpr (std::same_as<T, boost::json::value>) {
    out = json;
  } else if constexpr (std::same_as<T, boost::json::object>) {
    if (!json.is_object()) throw_type_error(path, "object");
    out = json.get_object();
  } else if constexpr (std::same_as<T, boost::json::array>) {
    if (!json.is_array()) throw_type_error(path, "array");
    out = json.get_array();
  } else if constexpr (std::same_as<T, bool>) {
    if (!json.is_bool()) throw_type_error(path, "boolean");
    out = json.get_bool();
  } else if constexpr (Integer<T>) {
    if constexpr (std::is_unsigned_v<T>) {
      if (json.is_uint64() && std::in_range<T>(json.get_uint64())) {
        out = static_cast<T>(json.get_uint64());
        return;
      }
    }
    auto integer = json_integer(json);
    if (!integer || !std::in_range<T>(*integer)) throw_type_error(path, "integer in range");
    out = static_cast<T>(*integer);
  } else if constexpr (std::floating_point<T>) {
    if (!json.is_number()) throw_type_error(path, "number");
    out = static_cast<T>(json.to_number<double>());
  } else if constexpr (std::same_as<T, std::string>) {
    if (!json.is_string()) throw_type_error(path, "string");
    out.assign(json.get_string().data(), json.get_string().size());
  } else if constexpr (DescribedEnum<T>) {
    const auto* text = json.if_string();
    std::optional<T> parsed;
    if (text) parsed = parse_enum<T>(std::string_view(text->data(), text->size()));
    if (!parsed) throw_type_error(path, "enumeration name");
    out = *parsed;
  } else if constexpr (SysTime<T>) {
    const auto* text = json.if_string();
    std::optional<T> parsed;
    if (text) parsed = parse_time<T>(std::string_view(text->data(), text->size()));
    if (!parsed) throw_type_error(path, "ISO-8601 date");
    out = *parsed;
  } else if constexpr (IsOptional<T>::value) {
    if (json.is_null()) {
      out.reset();
    } else {
      typename T::value_type inner{};
      read_json(json, inner, path, options);
      out = std::move(inner);
    }
  } else if constexpr (IsVector<T>::value) {
    const auto* array = json.if_array();
    if (!array) throw_type_error(path, "array");
    out.clear();
    out.reserve(array->size());
    for (std::size_t i = 0; i < array->size(); ++i) {
      JsonPath child{path, {}, i, true};
      typename T::value_type element{};
      read_json((*array)[i], element, &child, options);
      out.push_back(std::move(element));
    }
  } else if constexpr (IsStringMap<T>::value) {
    const auto* object = json.if_object();
    if (!object) throw_type_error(path, "object");
    out.clear();
    for (const auto& entry : *object) {
      JsonPath child{path, entry.key()};
      typename T::mapped_type element{};
      read_json(entry.value(), element, &child, options);
      out.emplace(std::string(entry.key()), std::move(element));
    }
  } else if constexpr (DescribedStruct<T>) {
    read_struct(json, out, path, options);
  } else {
    auto result = boost::json::try_value_to<T>(json);
    if (!result) throw_type_error(path, "value of the expected type");
    out = std::move(*result);
  }
}

template <class T>
boost::json::value write_json(const T& value) {
  if constexpr (CodecWrites<T>) {
    return JsonCodec<T>::write(value);
  } else if constexpr (std::same_as<T, boost::json::value> ||
                       std::same_as<T, boost::json::object> ||
                       std::same_as<T, boost::json::array>) {
    return value;
  } else if constexpr (std::same_as<T, bool> || Integer<T> || std::floating_point<T>) {
    return boost::json::value(value);
  } else if constexpr (std::same_as<T, std::string>) {
    return boost::json::value(std::string_view(value));
  } else if constexpr (DescribedEnum<T>) {
    const char* name = boost::describe::enum_to_string(value, nullptr);
    if (!name) return boost::json::value(static_cast<std::underlying_type_t<T>>(value));
    return boost::json::value(name);
  } else if constexpr (SysTime<T>) {
    return boost::json::value(format_time(value));
  } else if constexpr (IsOptional<T>::value) {
    if (!value) return nullptr;
    return write_json<typename T::value_type>(*value);
  } else if constexpr (IsVector<T>::value) {
    boost::json::array array;
    array.reserve(value.size());
    for (const auto& element : value) {
      array.push_back(write_json<typename T::value_type>(element));
    }
    return array;
  } else if constexpr (IsStringMap<T>::value) {
    boost::json::object object;
    for (const auto& [key, element] : value) object[key] = write_json(element);
    return object;
  } else if constexpr (DescribedStruct<T>) {
    boost::json::object object;
    boost::mp11::mp_for_each<PublicMembers<T>>(
        [&](auto member) { object[member.name] = write_json(value.*member.pointer); });
    return object;
  } else {
    return boost::json::value_from(value);
  }
}

}  // namespace http::detail

// Converts `value` to JSON; see the header comment for the supported types.
template <class T>
boost::json::value to_json(const T& value) {
  return http::detail::write_json<T>(value);
}

// Converts `json` to a T, or throws JsonError naming the offending key.
template <class T>
T from_json(const boost::json::value& json, const JsonReadOptions& options = {}) {
  T out{};
  http::detail::read_json(json, out, nullptr, options);
  return out;
}

}  // namespace conduit
