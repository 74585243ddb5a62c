// The template machinery behind conduit::parse_config: ConfigDecoder<T> for the built-in
// types and for structs described with Boost.Describe. Include
// conduit/config/configuration.hpp rather than this header.
//
// Reading guide: ConfigDecoder<T>::decode dispatches on T (a from_config hook first, then
// the built-in kinds in decode_builtin); decode_members walks a described struct's members
// twice, first to find missing keys (so they are all reported together and before any
// type error), then to decode the present ones. Everything that does not depend on T
// lives in src/config/*.cpp behind the functions declared in config_context.hpp.
//
// Thread-safety: stateless functions.
#pragma once

#include <array>
#include <boost/describe/enumerators.hpp>
#include <boost/describe/members.hpp>
#include <boost/describe/modifiers.hpp>
#include <boost/mp11/algorithm.hpp>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <ratio>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "conduit/config/config_context.hpp"
#include "conduit/config/config_error.hpp"
#include "conduit/config/config_field.hpp"
#include "conduit/config/config_node.hpp"
#include "conduit/core/type_traits.hpp"

namespace conduit {

// Customisation point for types you cannot add a from_config hook to: specialise it with
//   static T decode(const ConfigNode& node, const ConfigContext& ctx);
template <class T>
struct ConfigDecoder;

// ---- type traits ---------------------------------------------------------------------

// IsOptional, IsVector and IsStringMap come from conduit/core/type_traits.hpp (core's
// conduit::detail); a configuration may also map onto an unordered_map.
namespace detail {
template <class U, class H, class E, class A>
struct IsStringMap<std::unordered_map<std::string, U, H, E, A>> : std::true_type {};
}  // namespace detail

namespace config::detail {

using conduit::detail::IsOptional;
using conduit::detail::IsStringMap;
using conduit::detail::IsVector;

template <class T>
struct is_duration : std::false_type {};
template <class R, class P>
struct is_duration<std::chrono::duration<R, P>> : std::true_type {};

// signed/unsigned char stay integers: they are std::int8_t and std::uint8_t.
template <class T>
constexpr bool is_character_v =
    std::is_same_v<T, char> || std::is_same_v<T, wchar_t> || std::is_same_v<T, char8_t> ||
    std::is_same_v<T, char16_t> || std::is_same_v<T, char32_t>;

template <class T>
concept has_from_config = requires(const ConfigNode& node, const ConfigContext& ctx) {
  { T::from_config(node, ctx) } -> std::same_as<T>;
};

template <class T>
concept has_validate = requires(const T& value) {
  { value.validate() } -> std::same_as<void>;
};

template <class T>
concept has_config_fields = requires {
  { T::config_fields[0] } -> std::convertible_to<const ConfigField&>;
};

template <class>
constexpr bool dependent_false = false;

// ---- member names, keys and defaults (all compile-time) -----------------------------

template <class T>
using described_members = boost::describe::describe_members<T, boost::describe::mod_public |
                                                                   boost::describe::mod_inherited>;

template <template <class...> class L, class... D>
constexpr std::array<std::string_view, sizeof...(D)> descriptor_names(L<D...>) {
  return {std::string_view(D::name)...};
}

// The options config_fields gives `member`, or the defaults. (Returned by value: GCC's
// -fsanitize=undefined rejects comparing pointers to constexpr arrays in constant
// expressions.)
template <class T>
constexpr ConfigField config_field(std::string_view member) {
  if constexpr (has_config_fields<T>) {
    for (const ConfigField& field : T::config_fields) {
      if (field.member == member) return field;
    }
  }
  return ConfigField{.member = member};
}

template <class T>
constexpr std::string_view config_key(std::string_view member) {
  const ConfigField field = config_field<T>(member);
  return field.key.empty() ? member : field.key;
}

template <class T>
constexpr bool config_has_default(std::string_view member) {
  return config_field<T>(member).has_default;
}

template <class T>
constexpr auto member_names = descriptor_names(described_members<T>{});

template <class T>
constexpr auto member_keys = [] {
  auto keys = member_names<T>;
  for (std::string_view& key : keys) key = config_key<T>(key);
  return keys;
}();

template <class T>
constexpr bool config_fields_name_members() {
  if constexpr (has_config_fields<T>) {
    for (const ConfigField& field : T::config_fields) {
      bool found = false;
      for (std::string_view name : member_names<T>) found = found || name == field.member;
      if (!found) return false;
    }
  }
  return true;
}

template <class T>
constexpr bool member_keys_unique() {
  const auto& keys = member_keys<T>;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    for (std::size_t j = i + 1; j < keys.size(); ++j) {
      if (keys[i] == keys[j]) return false;
    }
  }
  return true;
}

template <template <class...> class L, class... D>
constexpr auto enumerator_values(L<D...>) {
  using E = std::common_type_t<decltype(D::value)...>;
  return std::array<E, sizeof...(D)>{D::value...};
}

template <class D, class T>
using member_type_t = std::remove_cvref_t<decltype(std::declval<T&>().*D::pointer)>;

// ---- decoders ----------------------------------------------------------------------

// The YAML key of the member that a ConfigFieldError names (a key is kept as it is).
template <class T>
std::string_view key_of_member(std::string_view member) {
  if constexpr (boost::describe::has_describe_members<T>::value) {
    for (std::size_t i = 0; i < member_names<T>.size(); ++i) {
      if (member_names<T>[i] == member) return member_keys<T>[i];
    }
  }
  return member;
}

template <class T>
void run_validate(const T& value, const ConfigNode& node, const ConfigContext& ctx) {
  if constexpr (has_validate<T>) {
    try {
      value.validate();
    } catch (const ConfigFieldError& e) {
      fail_field_validation(node, ctx, key_of_member<T>(e.member()), e.message());
    } catch (...) {
      fail_validation(node, ctx);
    }
  }
}

template <class T>
T decode_members(const ConfigNode& node, const ConfigContext& ctx) {
  static_assert(boost::describe::has_describe_members<T>::value,
                "describe the struct with BOOST_DESCRIBE_STRUCT to decode it from YAML");
  static_assert(std::is_default_constructible_v<T>,
                "a configuration struct must be default-constructible");
  static_assert(config_fields_name_members<T>(),
                "config_fields names a member that BOOST_DESCRIBE_STRUCT does not list");
  static_assert(member_keys_unique<T>(), "two members of this struct have the same YAML key");
  constexpr const auto& keys = member_keys<T>;

  require_kind(node, ctx, ConfigNode::Kind::map);
  reject_unexpected_keys(node, ctx, keys);

  // Pass 1: substitute environment variables and collect every missing required key.
  std::array<Substitution, keys.size()> values;
  std::vector<MissingKey> missing;
  std::size_t index = 0;
  boost::mp11::mp_for_each<described_members<T>>([&](auto descriptor) {
    using D = decltype(descriptor);
    using M = member_type_t<D, T>;
    const std::size_t i = index++;
    if (const ConfigNode* raw = node.find(keys[i])) values[i] = ctx.substitute(*raw);
    const ConfigNode* value = values[i].value();
    if (value != nullptr && !value->is_null()) return;
    if (!IsOptional<M>::value && !config_has_default<T>(D::name)) {
      missing.push_back(MissingKey{keys[i], values[i].unset_variable});
    }
  });
  if (!missing.empty()) fail_missing_keys(ctx, missing);

  // Pass 2: decode what is present; absent members keep their initial value.
  T result{};
  index = 0;
  boost::mp11::mp_for_each<described_members<T>>([&](auto descriptor) {
    using D = decltype(descriptor);
    using M = member_type_t<D, T>;
    const std::size_t i = index++;
    const ConfigNode* value = values[i].value();
    if (value == nullptr) return;
    if (value->is_null()) {
      if constexpr (IsOptional<M>::value) result.*D::pointer = std::nullopt;
      return;
    }
    result.*D::pointer = ConfigDecoder<M>::decode(*value, ctx.child(keys[i]));
  });
  return result;
}

template <class Period>
constexpr const char* duration_unit_name() {
  if constexpr (std::is_same_v<Period, std::nano>) return "nanoseconds";
  if constexpr (std::is_same_v<Period, std::micro>) return "microseconds";
  if constexpr (std::is_same_v<Period, std::milli>) return "milliseconds";
  if constexpr (std::is_same_v<Period, std::ratio<1>>) return "seconds";
  if constexpr (std::is_same_v<Period, std::ratio<60>>) return "minutes";
  if constexpr (std::is_same_v<Period, std::ratio<3600>>) return "hours";
  return "units of this duration";
}

template <class T>
T decode_builtin(const ConfigNode& node, const ConfigContext& ctx) {
  if constexpr (std::is_same_v<T, ConfigNode>) {
    return node;
  } else if constexpr (IsOptional<T>::value) {
    if (node.is_null()) return std::nullopt;
    return ConfigDecoder<typename T::value_type>::decode(node, ctx);
  } else if constexpr (std::is_same_v<T, std::string>) {
    return decode_string(node, ctx);
  } else if constexpr (std::is_same_v<T, std::filesystem::path>) {
    return std::filesystem::path(decode_string(node, ctx));
  } else if constexpr (std::is_same_v<T, bool>) {
    return decode_bool(node, ctx);
  } else if constexpr (is_character_v<T>) {
    static_assert(dependent_false<T>, "character types are not supported; use std::string");
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    using L = std::numeric_limits<T>;
    return static_cast<T>(decode_signed(node, ctx, L::min(), L::max()));
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(decode_unsigned(node, ctx, std::numeric_limits<T>::max()));
  } else if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(decode_double(node, ctx));
  } else if constexpr (std::is_enum_v<T>) {
    static_assert(boost::describe::has_describe_enumerators<T>::value,
                  "describe the enum with BOOST_DESCRIBE_ENUM to decode it by name");
    using Enumerators = boost::describe::describe_enumerators<T>;
    static constexpr auto names = descriptor_names(Enumerators{});
    static constexpr auto values = enumerator_values(Enumerators{});
    return values[decode_enumerator(node, ctx, names)];
  } else if constexpr (IsVector<T>::value) {
    require_kind(node, ctx, ConfigNode::Kind::list);
    T result;
    result.reserve(node.items().size());
    for (std::size_t i = 0; i < node.items().size(); ++i) {
      result.push_back(ctx.child(i).template decode<typename T::value_type>(node.items()[i]));
    }
    return result;
  } else if constexpr (IsStringMap<T>::value) {
    require_kind(node, ctx, ConfigNode::Kind::map);
    T result;
    for (const ConfigNode::Entry& entry : node.entries()) {
      result.emplace(entry.key,
                     ctx.child(entry.key).template decode<typename T::mapped_type>(entry.value));
    }
    return result;
  } else if constexpr (is_duration<T>::value) {
    const std::chrono::nanoseconds ns(decode_duration_ns(node, ctx));
    const T value = std::chrono::duration_cast<T>(ns);
    if constexpr (std::is_integral_v<typename T::rep>) {
      if (std::chrono::duration_cast<std::chrono::nanoseconds>(value) != ns) {
        ctx.fail(node, std::string("expected a whole number of ") +
                           duration_unit_name<typename T::period>() + ", got " +
                           describe_node(node));
      }
    }
    return value;
  } else if constexpr (boost::describe::has_describe_members<T>::value) {
    T value = decode_members<T>(node, ctx);
    run_validate(value, node, ctx);
    return value;
  } else {
    static_assert(dependent_false<T>,
                  "unsupported configuration type: describe it with BOOST_DESCRIBE_STRUCT, give "
                  "it a static from_config(const ConfigNode&, const ConfigContext&) or "
                  "specialise conduit::ConfigDecoder");
  }
}

}  // namespace config::detail

template <class T>
struct ConfigDecoder {
  static T decode(const ConfigNode& node, const ConfigContext& ctx) {
    if constexpr (config::detail::has_from_config<T>) {
      T value = T::from_config(node, ctx);
      config::detail::run_validate(value, node, ctx);
      return value;
    } else {
      return config::detail::decode_builtin<T>(node, ctx);
    }
  }
};

template <class T>
T ConfigContext::decode(const ConfigNode& node) const {
  const config::detail::Substitution substitution = substitute(node);
  const ConfigNode* value = substitution.value();
  if (value == nullptr) {
    if constexpr (config::detail::IsOptional<T>::value) return std::nullopt;
    fail(node, "environment variable " + substitution.unset_variable + " is not set");
  }
  return ConfigDecoder<T>::decode(*value, *this);
}

template <class T>
T ConfigContext::decode_members(const ConfigNode& node) const {
  return config::detail::decode_members<T>(node, *this);
}

}  // namespace conduit
