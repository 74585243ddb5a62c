// Typed request bindings for ResourceController operations: Path<>, Query<>, Header<>, Body<>.
//
// Each binding names its source at compile time, e.g. Path<"id", std::int64_t> or
// Query<"tag", std::vector<std::string>>, and exposes the decoded value as `.value`,
// `*binding` and `binding->`. ResourceController decodes every parameter of an operation
// before calling it and collects all failures into one 400 response, worded as Conduit does:
//   missing required query 'x'           (absent, not optional)
//   invalid value for header value 'Y'   (does not parse as the bound type)
//   multiple values not expected for query value 'x'
//   missing required body
//
// Text bindings (Path, Query, Header) take std::string, bool, any integer (range-checked),
// float/double (finite), std::chrono::sys_time<D> (ISO-8601, see json.hpp) and enums
// described with BOOST_DESCRIBE_ENUM (by enumerator name); Query and Header also take
// std::optional<T> (absent -> nullopt) and std::vector<T> (absent -> empty). Path takes
// plain scalars only: the operation is selected by its path variables, so they are present.
//
// Conduit rules kept: query names are case-sensitive, header names are not; query values
// are also read from an application/x-www-form-urlencoded body (after those of the URL).
// A bool query parameter is true when present with no value ("?verbose" or "?verbose=")
// and also accepts true/false/1/0 (any case); an absent non-optional bool query is false.
// A vector Header splits comma-separated values ("X-Tags: a, b" -> {"a","b"}).
//
// Body<T> takes a described struct or std::vector of them (or any type json.hpp reads) from
// a JSON body, boost::json::value, conduit::Parameters (form body), conduit::Multipart
// (multipart/form-data), std::string (the raw body of any accepted content type), or
// std::optional of these (an empty body -> nullopt). JSON shape errors become
// "request entity was unexpected type [for key 'k']", unknown keys "invalid input key 'k'"
// and absent non-optional members "missing required input key(s): 'a, b'". A type with its
// own JsonCodec (json.hpp) is read by it: orm models (Body<Hero>, Body<orm::Partial<Hero>>,
// see conduit/orm/model_json.hpp) get the ORM's rules, and the ValidationError (an
// HttpError) they throw is answered as it is, instead of the collected binding errors.
//
// Thread-safety: bindings are per-request values; decoding touches only its request.
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "conduit/http/json.hpp"
#include "conduit/http/multipart.hpp"
#include "conduit/http/parameters.hpp"
#include "conduit/http/request.hpp"

namespace conduit {

// A string literal usable as a template argument: Query<"name", std::string>.
template <std::size_t N>
struct FixedString {
  char chars[N]{};
  constexpr FixedString(const char (&text)[N]) noexcept {  // NOLINT: implicit by design
    for (std::size_t i = 0; i < N; ++i) chars[i] = text[i];
  }
  constexpr std::string_view view() const noexcept { return {chars, N - 1}; }
};

namespace detail {

// The value holder shared by every binding.
template <class T>
struct BindingValue {
  using value_type = T;
  T value{};

  T& operator*() & noexcept { return value; }
  const T& operator*() const& noexcept { return value; }
  T&& operator*() && noexcept { return std::move(value); }
  T* operator->() noexcept { return std::addressof(value); }
  const T* operator->() const noexcept { return std::addressof(value); }
};

template <class T>
concept TextScalar = std::same_as<T, std::string> || std::same_as<T, bool> || Integer<T> ||
    std::floating_point<T> || SysTime<T> || DescribedEnum<T>;

template <class T>
struct StripOptional {
  using type = T;
};
template <class T>
struct StripOptional<std::optional<T>> {
  using type = T;
};

template <class T>
struct IsTextList : std::false_type {};
template <class T, class A>
struct IsTextList<std::vector<T, A>> : std::bool_constant<TextScalar<T>> {};

template <class T>
struct IsTextBindable : std::bool_constant<TextScalar<T> || IsTextList<T>::value> {};
template <class T>
struct IsTextBindable<std::optional<T>>
    : std::bool_constant<TextScalar<T> || IsTextList<T>::value> {};

}  // namespace detail

template <FixedString Name, class T>
struct Path : detail::BindingValue<T> {
  static_assert(detail::TextScalar<T>,
                "Path<> binds a scalar: std::string, bool, an integer, a floating point, "
                "std::chrono::sys_time or a described enum (no optional, no vector)");
  static_assert(!Name.view().empty(), "Path<> needs a variable name");
  static constexpr std::string_view name = Name.view();
};

template <FixedString Name, class T>
struct Query : detail::BindingValue<T> {
  static_assert(detail::IsTextBindable<T>::value,
                "Query<> binds a scalar, std::optional<scalar> or std::vector<scalar>");
  static_assert(!Name.view().empty(), "Query<> needs a parameter name");
  static constexpr std::string_view name = Name.view();
};

template <FixedString Name, class T>
struct Header : detail::BindingValue<T> {
  static_assert(detail::IsTextBindable<T>::value,
                "Header<> binds a scalar, std::optional<scalar> or std::vector<scalar>");
  static_assert(!Name.view().empty(), "Header<> needs a header name");
  static constexpr std::string_view name = Name.view();
};

// `Options` relaxes JSON reading, e.g. Body<Hero, JsonReadOptions{.reject_unknown_keys = false}>.
template <class T, JsonReadOptions Options = JsonReadOptions{}>
struct Body : detail::BindingValue<T> {
  static constexpr JsonReadOptions options = Options;
};

// The request body decoded once by its Content-Type, before the bindings read it.
struct DecodedBody {
  enum class Format {
    none,       // no body
    json,       // application/json or */*+json
    form,       // application/x-www-form-urlencoded
    multipart,  // multipart/form-data
    raw,        // any other accepted type: only Body<std::string> reads it
  };
  Format format = Format::none;
  boost::json::value json;
  Parameters form;
  Multipart multipart;

  // Decodes the request's body; throws HttpError (400 undecodable, 415 bad charset).
  static DecodedBody decode(const Request& request);
};

namespace detail {

// Collects binding failures for one request, in parameter order.
struct BindingContext {
  Request& request;
  DecodedBody& body;
  std::vector<std::string> errors;

  void missing(std::string_view location, std::string_view name);
  void invalid(std::string_view location, std::string_view name);
  void multiple(std::string_view location, std::string_view name);
  // The message for the 400 response: every error joined with ", ".
  std::string message() const;
};

enum class TextStatus { ok, missing, multiple, invalid };

std::optional<bool> parse_bool(std::string_view text) noexcept;
std::vector<std::string_view> query_values(const BindingContext& context, std::string_view name);
std::vector<std::string_view> header_values(const BindingContext& context, std::string_view name,
                                            bool split_lists);
void report(BindingContext& context, TextStatus status, std::string_view location,
            std::string_view name);
// Conduit's wording for a JSON body that from_json rejected.
std::string json_error_message(const JsonError& error);
void body_unexpected_type(BindingContext& context);

template <TextScalar T>
std::optional<T> parse_text(std::string_view text) {
  if constexpr (std::same_as<T, std::string>) {
    return std::string(text);
  } else if constexpr (std::same_as<T, bool>) {
    return parse_bool(text);
  } else if constexpr (Integer<T> || std::floating_point<T>) {
    T value{};
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
    if constexpr (std::floating_point<T>) {
      if (!std::isfinite(value)) return std::nullopt;
    }
    return value;
  } else if constexpr (SysTime<T>) {
    return parse_time<T>(text);
  } else {
    return parse_enum<T>(text);
  }
}

// Converts the values of one query parameter or header to T.
template <class T>
TextStatus from_text_values(const std::vector<std::string_view>& values, T& out,
                            bool absent_bool_is_false) {
  if constexpr (IsOptional<T>::value) {
    if (values.empty()) {
      out.reset();
      return TextStatus::ok;
    }
    typename T::value_type inner{};
    auto status = from_text_values(values, inner, absent_bool_is_false);
    if (status == TextStatus::ok) out = std::move(inner);
    return status;
  } else if constexpr (IsVector<T>::value) {
    T list;
    list.reserve(values.size());
    for (auto text : values) {
      auto parsed = parse_text<typename T::value_type>(text);
      if (!parsed) return TextStatus::invalid;
      list.push_back(std::move(*parsed));
    }
    out = std::move(list);
    return TextStatus::ok;
  } else {
    if (values.empty()) {
      if constexpr (std::same_as<T, bool>) {
        if (absent_bool_is_false) {
          out = false;
          return TextStatus::ok;
        }
      }
      return TextStatus::missing;
    }
    if (values.size() > 1) return TextStatus::multiple;
    auto parsed = parse_text<T>(values.front());
    if (!parsed) return TextStatus::invalid;
    out = std::move(*parsed);
    return TextStatus::ok;
  }
}

template <FixedString N, class T>
void decode_binding(BindingContext& context, Path<N, T>& out) {
  auto text = context.request.path_variable(N.view());
  if (!text) return context.missing("path", N.view());
  auto parsed = parse_text<T>(*text);
  if (!parsed) return context.invalid("path", N.view());
  out.value = std::move(*parsed);
}

template <FixedString N, class T>
void decode_binding(BindingContext& context, Query<N, T>& out) {
  auto status = from_text_values(query_values(context, N.view()), out.value, true);
  report(context, status, "query", N.view());
}

template <FixedString N, class T>
void decode_binding(BindingContext& context, Header<N, T>& out) {
  constexpr bool is_list = IsVector<typename StripOptional<T>::type>::value;
  auto status = from_text_values(header_values(context, N.view(), is_list), out.value, false);
  report(context, status, "header", N.view());
}

// Reads the decoded body into `out`; false (with an error recorded) on failure.
template <class T, JsonReadOptions Options>
bool decode_body_value(BindingContext& context, T& out) {
  DecodedBody& body = context.body;
  using Format = DecodedBody::Format;
  if constexpr (std::same_as<T, std::string>) {
    out = context.request.body();
    return true;
  } else if constexpr (std::same_as<T, Parameters>) {
    if (body.format != Format::form) return body_unexpected_type(context), false;
    out = std::move(body.form);
    return true;
  } else if constexpr (std::same_as<T, Multipart>) {
    if (body.format != Format::multipart) return body_unexpected_type(context), false;
    out = std::move(body.multipart);
    return true;
  } else {
    if (body.format != Format::json) return body_unexpected_type(context), false;
    try {
      out = from_json<T>(body.json, Options);
      return true;
    } catch (const JsonError& error) {
      context.errors.push_back(json_error_message(error));
      return false;
    }
  }
}

template <class T, JsonReadOptions Options>
void decode_binding(BindingContext& context, Body<T, Options>& out) {
  bool empty = context.body.format == DecodedBody::Format::none;
  if constexpr (IsOptional<T>::value) {
    if (empty) {
      out.value.reset();
      return;
    }
    typename T::value_type inner{};
    if (decode_body_value<typename T::value_type, Options>(context, inner)) {
      out.value = std::move(inner);
    }
  } else {
    if (empty) {
      context.errors.emplace_back("missing required body");
      return;
    }
    decode_body_value<T, Options>(context, out.value);
  }
}

// A Request& parameter needs no decoding.
inline void decode_binding(BindingContext&, std::reference_wrapper<Request>&) {}

}  // namespace detail
}  // namespace conduit
