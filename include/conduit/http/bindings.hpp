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
// std::optional<T> (absent -> nullopt), std::vector<T> (every value; required like any
// non-optional binding, so absent -> "missing required query 'x'") and
// std::optional<std::vector<T>> (absent -> nullopt). Path takes plain scalars only: the
// operation is selected by its path variables, so they are present.
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
// std::optional of these (an empty body -> nullopt). A JSON body of the wrong shape for a
// described struct or model (not an object; for a list, not an array of objects) is
// answered at once with Conduit's 400 {"error":"request entity was unexpected type"}, the
// same for both. Other errors of described structs are collected with the other binding
// errors: a wrong member type "request entity was unexpected type for key 'k'", unknown
// keys "invalid input key 'k'", absent non-optional members "missing required input
// key(s): 'a, b'". A type with its own JsonCodec (json.hpp) is read by it: orm models
// (Body<Hero>, Body<orm::Partial<Hero>>, see conduit/orm/model_json.hpp) get the ORM's
// rules, and the ValidationError (an HttpError) they throw is answered as it is, instead
// of the collected binding errors. Body<> also takes Conduit's key filters (accept_keys,
// ignore_keys, reject_keys, require_keys; see Body below), checked at compile time.
//
// Thread-safety: bindings are per-request values; decoding touches only its request.
#pragma once

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>
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

namespace http::detail {

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

}  // namespace http::detail

template <FixedString Name, class T>
struct Path : http::detail::BindingValue<T> {
  static_assert(http::detail::TextScalar<T>,
                "Path<> binds a scalar: std::string, bool, an integer, a floating point, "
                "std::chrono::sys_time or a described enum (no optional, no vector)");
  static_assert(!Name.view().empty(), "Path<> needs a variable name");
  static constexpr std::string_view name = Name.view();
};

template <FixedString Name, class T>
struct Query : http::detail::BindingValue<T> {
  static_assert(http::detail::IsTextBindable<T>::value,
                "Query<> binds a scalar, std::optional<scalar> or std::vector<scalar>");
  static_assert(!Name.view().empty(), "Query<> needs a parameter name");
  static constexpr std::string_view name = Name.view();
};

template <FixedString Name, class T>
struct Header : http::detail::BindingValue<T> {
  static_assert(http::detail::IsTextBindable<T>::value,
                "Header<> binds a scalar, std::optional<scalar> or std::vector<scalar>");
  static_assert(!Name.view().empty(), "Header<> needs a header name");
  static constexpr std::string_view name = Name.view();
};

// ---- body key filters (Conduit's @Bind.body(accept:, ignore:, reject:, require:)) ---------

enum class KeyFilterKind { accept, ignore, reject, require };

// A filter on the keys of a JSON body object; spelt with the variables below.
template <KeyFilterKind Kind, FixedString... Keys>
struct KeyFilter {
  static constexpr KeyFilterKind kind = Kind;
  static constexpr std::array<std::string_view, sizeof...(Keys)> keys{Keys.view()...};
};

// Only these keys are read; the others are removed before decoding.
template <FixedString... Keys>
inline constexpr KeyFilter<KeyFilterKind::accept, Keys...> accept_keys{};
// These keys are removed before decoding.
template <FixedString... Keys>
inline constexpr KeyFilter<KeyFilterKind::ignore, Keys...> ignore_keys{};
// A body with one of these keys is refused: 400 "invalid input key 'k'".
template <FixedString... Keys>
inline constexpr KeyFilter<KeyFilterKind::reject, Keys...> reject_keys{};
// A body without all of these keys is refused: 400 "missing required input key(s): 'a, b'".
template <FixedString... Keys>
inline constexpr KeyFilter<KeyFilterKind::require, Keys...> require_keys{};

// The filters of one Body<> at run time; an unset filter is nullopt.
struct BodyKeyFilters {
  std::optional<std::span<const std::string_view>> accept;
  std::optional<std::span<const std::string_view>> ignore;
  std::optional<std::span<const std::string_view>> reject;
  std::optional<std::span<const std::string_view>> require;

  constexpr bool empty() const noexcept { return !accept && !ignore && !reject && !require; }
};

namespace http::detail {

template <class V>
struct IsKeyFilter : std::false_type {};
template <KeyFilterKind K, FixedString... Keys>
struct IsKeyFilter<KeyFilter<K, Keys...>> : std::true_type {};

template <auto Option>
using OptionType = std::remove_cvref_t<decltype(Option)>;

template <auto Option>
constexpr void take_json_options(JsonReadOptions& out) {
  if constexpr (std::same_as<OptionType<Option>, JsonReadOptions>) out = Option;
}

template <auto... Options>
constexpr JsonReadOptions json_read_options_of() {
  JsonReadOptions out{};
  (take_json_options<Options>(out), ...);
  return out;
}

// 1 when Option is a key filter of kind K.
template <KeyFilterKind K, auto Option>
constexpr std::size_t is_filter_of_kind() {
  using O = OptionType<Option>;
  if constexpr (IsKeyFilter<O>::value) {
    return O::kind == K ? 1 : 0;
  } else {
    return 0;
  }
}

template <KeyFilterKind K, auto Option>
constexpr void take_filter(std::optional<std::span<const std::string_view>>& out) {
  using O = OptionType<Option>;
  if constexpr (IsKeyFilter<O>::value) {
    if constexpr (O::kind == K) out.emplace(O::keys);
  }
}

template <auto... Options>
constexpr BodyKeyFilters key_filters_of() {
  BodyKeyFilters out;
  (take_filter<KeyFilterKind::accept, Options>(out.accept), ...);
  (take_filter<KeyFilterKind::ignore, Options>(out.ignore), ...);
  (take_filter<KeyFilterKind::reject, Options>(out.reject), ...);
  (take_filter<KeyFilterKind::require, Options>(out.require), ...);
  return out;
}

// The struct whose members a body of type T (optional, list) is an object of, or void.
template <class T>
struct BodyObjectOf {
  using type = JsonObjectType<T>;
};
template <class T>
struct BodyObjectOf<std::optional<T>> : BodyObjectOf<T> {};
template <class T, class A>
struct BodyObjectOf<std::vector<T, A>> {
  using type = JsonObjectType<T>;
};

// Fails to compile, naming Object and Key in GCC's "In instantiation of" line, when a
// filter names a key that the bound type does not have.
template <class Object, FixedString Key>
constexpr bool error_unknown_key_in_body_filter() {
  static_assert(is_json_object_key<Object>(Key.view()),
                "a Body<> key filter names a key that the bound type does not describe "
                "(see Key above)");
  return true;
}

template <class Object, KeyFilterKind K, FixedString... Keys>
constexpr bool check_filter_keys(KeyFilter<K, Keys...>) {
  return (error_unknown_key_in_body_filter<Object, Keys>() && ...);
}

template <class Object, auto Option>
constexpr bool check_option_keys() {
  if constexpr (IsKeyFilter<OptionType<Option>>::value) {
    return check_filter_keys<Object>(Option);
  } else {
    return true;
  }
}

template <class T, auto... Options>
constexpr bool check_body_options() {
  static_assert(((std::same_as<OptionType<Options>, JsonReadOptions> ||
                  IsKeyFilter<OptionType<Options>>::value) &&
                 ...),
                "Body<T, ...> takes JsonReadOptions{...} and the key filters accept_keys<...>, "
                "ignore_keys<...>, reject_keys<...>, require_keys<...>");
  static_assert((std::size_t{std::same_as<OptionType<Options>, JsonReadOptions>} + ... + 0) <= 1,
                "Body<> takes JsonReadOptions once");
  static_assert((is_filter_of_kind<KeyFilterKind::accept, Options>() + ... + 0) <= 1 &&
                    (is_filter_of_kind<KeyFilterKind::ignore, Options>() + ... + 0) <= 1 &&
                    (is_filter_of_kind<KeyFilterKind::reject, Options>() + ... + 0) <= 1 &&
                    (is_filter_of_kind<KeyFilterKind::require, Options>() + ... + 0) <= 1,
                "Body<> takes each key filter once (list every key in it)");
  if constexpr ((IsKeyFilter<OptionType<Options>>::value || ...)) {
    using Object = typename BodyObjectOf<T>::type;
    static_assert(!std::is_void_v<Object>,
                  "Body<> key filters apply to a described struct or orm model (or an "
                  "optional or a std::vector of them)");
    if constexpr (!std::is_void_v<Object>) return (check_option_keys<Object, Options>() && ...);
  }
  return true;
}

}  // namespace http::detail

// The JSON (or form, multipart, text) body. `Options` are any of:
//   JsonReadOptions{.reject_unknown_keys = false}   unknown keys ignored instead of refused
//   accept_keys<"a", ...>, ignore_keys<...>, reject_keys<...>, require_keys<...>
// The key filters are Conduit's body filters, applied to the object (or to each object of
// a list) before it is decoded, with Conduit's semantics and 400 body
// {"error":"entity validation failed","reasons":["invalid input key 'id'"]}: a rejected
// key is refused, a key that is ignored or not accepted is removed, every required key
// must be present (even if it is then ignored). Their keys must be members of the bound
// described struct or model, checked at compile time:
//   Task<Response> create(Body<HeroInput, reject_keys<"id">, require_keys<"name">> body);
template <class T, auto... Options>
struct Body : http::detail::BindingValue<T> {
  static_assert(http::detail::check_body_options<T, Options...>());
  static constexpr JsonReadOptions options = http::detail::json_read_options_of<Options...>();
  static constexpr BodyKeyFilters filters = http::detail::key_filters_of<Options...>();
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

namespace http::detail {

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
    // As in Conduit, a list that is not optional is required: absent is not empty.
    if (values.empty()) return TextStatus::missing;
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
  using Bound = typename StripOptional<T>::type;
  constexpr bool is_list = IsVector<Bound>::value;
  auto values = header_values(context, N.view(), is_list);
  if constexpr (is_list) {
    // A header present with no items ("X-Tags:") is an empty list, not a missing one.
    if (values.empty() && context.request.headers().contains(N.view())) {
      out.value = Bound{};
      return;
    }
  }
  auto status = from_text_values(values, out.value, false);
  report(context, status, "header", N.view());
}

// Conduit's answer to a JSON body of the wrong shape (an array where an object is
// expected, an object or scalar where a list is), thrown so that it is sent as it is,
// the same for described structs and orm models.
[[noreturn]] void throw_body_unexpected_type();
// Applies the key filters to one object, removing ignored keys; throws HttpError 400
// {"error":"entity validation failed","reasons":[...]} for a rejected or missing key.
void apply_key_filters(boost::json::object& object, const BodyKeyFilters& filters);

// Checks the top-level shape of a JSON body read as T (and applies `filters`): an object
// for a described struct or model, an array of objects for a list of them.
template <class T>
void prepare_json_body(boost::json::value& json, const BodyKeyFilters& filters) {
  if constexpr (IsVector<T>::value) {
    if constexpr (!std::is_void_v<JsonObjectType<typename T::value_type>>) {
      auto* array = json.if_array();
      if (!array) throw_body_unexpected_type();
      for (auto& element : *array) {
        if (!element.is_object()) throw_body_unexpected_type();
      }
      if (!filters.empty()) {
        for (auto& element : *array) apply_key_filters(element.get_object(), filters);
      }
    }
  } else if constexpr (!std::is_void_v<JsonObjectType<T>>) {
    auto* object = json.if_object();
    if (!object) throw_body_unexpected_type();
    if (!filters.empty()) apply_key_filters(*object, filters);
  }
}

// Reads the decoded body into `out`; false (with an error recorded) on failure.
template <class T>
bool decode_body_value(BindingContext& context, T& out, const JsonReadOptions& options,
                       const BodyKeyFilters& filters) {
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
    prepare_json_body<T>(body.json, filters);
    try {
      out = from_json<T>(body.json, options);
      return true;
    } catch (const JsonError& error) {
      context.errors.push_back(json_error_message(error));
      return false;
    }
  }
}

template <class T, auto... Options>
void decode_binding(BindingContext& context, Body<T, Options...>& out) {
  using B = Body<T, Options...>;
  bool empty = context.body.format == DecodedBody::Format::none;
  if constexpr (IsOptional<T>::value) {
    if (empty) {
      out.value.reset();
      return;
    }
    typename T::value_type inner{};
    if (decode_body_value(context, inner, B::options, B::filters)) {
      out.value = std::move(inner);
    }
  } else {
    if (empty) {
      context.errors.emplace_back("missing required body");
      return;
    }
    decode_body_value(context, out.value, B::options, B::filters);
  }
}

// A Request& parameter needs no decoding.
inline void decode_binding(BindingContext&, std::reference_wrapper<Request>&) {}

}  // namespace http::detail
}  // namespace conduit
