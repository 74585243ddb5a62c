// Type traits that several modules need to pick a conversion for a member's type
// (configuration decoding, JSON, SQL values): one definition, here.
//
// Thread-safety: compile-time only.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace conduit::detail {

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <class T>
struct IsVector : std::false_type {};
template <class T, class A>
struct IsVector<std::vector<T, A>> : std::true_type {};

// std::map with std::string keys (a JSON object or YAML mapping of T).
template <class T>
struct IsStringMap : std::false_type {};
template <class T, class C, class A>
struct IsStringMap<std::map<std::string, T, C, A>> : std::true_type {};

template <class T>
struct IsSysTime : std::false_type {};
template <class D>
struct IsSysTime<std::chrono::sys_time<D>> : std::true_type {};

}  // namespace conduit::detail
