// conduit::db::Value: one SQL value, as a bound parameter or a result cell.
//
// Every value reaches the database as a bound parameter ($1..$n), never spliced into SQL
// text. The types and how each backend stores them:
//
//   type       C++                               PostgreSQL         SQLite
//   null       nullptr / std::nullopt            NULL               NULL
//   boolean    bool                              boolean            INTEGER 0/1
//   integer    integral types (int64 range)      integer or bigint  INTEGER
//   real       float, double                     double precision   REAL
//   text       std::string, string_view, char*   unknown (inferred) TEXT
//   bytes      Bytes                             bytea              BLOB
//   timestamp  Timestamp (UTC, microseconds)     timestamptz        TEXT 2024-01-02 03:04:05.000006
//   json       Json{boost::json::value}          jsonb              TEXT (serialised)
//   uuid       Uuid                              uuid               TEXT (canonical)
//   decimal    Decimal (exact decimal text)      numeric            TEXT
//
// Text parameters go to PostgreSQL untyped so the server infers the column's type (a
// string can fill a date or an enum column); the others carry their type. Integers are
// typed as PostgreSQL types integer literals: integer when they fit in 32 bits (so they
// match functions taking integer and widen implicitly to bigint), bigint otherwise.
//
// as<T>() converts leniently where nothing is lost, because SQLite stores booleans as
// integers and timestamps, JSON and UUIDs as text: as<bool>() accepts 0/1 and "t"/"f",
// as<Timestamp>() parses text, as<std::string>() renders any non-bytes value as text, and
// integral targets are range-checked. A failed conversion throws ValueError. as<T>() of a
// null throws unless T is std::optional or Value.
//
// Thread-safety: a plain value type.
#pragma once

#include <boost/json/value.hpp>

#include <array>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "conduit/core/type_traits.hpp"

namespace conduit::db {

// A point in time in UTC with microsecond precision (PostgreSQL's resolution).
// Timestamp::max() and min() stand for PostgreSQL's 'infinity' and '-infinity'.
using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;
using Bytes = std::vector<std::uint8_t>;

// A value could not be converted (wrong type, out of range, malformed text, null).
class ValueError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Uuid {
  std::array<std::uint8_t, 16> bytes{};

  // Canonical 8-4-4-4-12 hex (either case), also without dashes or in braces as
  // PostgreSQL accepts. Throws ValueError.
  static Uuid parse(std::string_view text);
  static std::optional<Uuid> try_parse(std::string_view text) noexcept;
  // Lowercase canonical form.
  std::string to_string() const;

  friend bool operator==(const Uuid&, const Uuid&) = default;
  friend auto operator<=>(const Uuid&, const Uuid&) = default;
};

// An exact decimal number kept as text ("-12.50", "1e-3", "NaN"), for numeric columns.
class Decimal {
 public:
  // Throws ValueError unless `text` is a decimal literal.
  explicit Decimal(std::string_view text);
  const std::string& text() const noexcept { return text_; }
  friend bool operator==(const Decimal&, const Decimal&) = default;

 private:
  std::string text_;
};

// A JSON document (jsonb in PostgreSQL). Wrapped so that a boost::json::value is never
// mistaken for a string or a number.
struct Json {
  boost::json::value value;
  friend bool operator==(const Json&, const Json&) = default;
};

class Value {
 public:
  enum class Type : std::uint8_t {
    null,
    boolean,
    integer,
    real,
    text,
    bytes,
    timestamp,
    json,
    uuid,
    decimal
  };

  Value() noexcept = default;
  Value(std::nullptr_t) noexcept {}
  Value(std::nullopt_t) noexcept {}
  Value(bool v) noexcept : data_(v) {}
  template <std::integral I>
  requires(!std::same_as<I, bool> && !std::same_as<I, char> && !std::same_as<I, char8_t>) Value(I v)
      : data_(checked_int64(v)) {}
  template <std::floating_point F>
  Value(F v) noexcept : data_(static_cast<double>(v)) {}
  Value(std::string v) noexcept : data_(std::move(v)) {}
  Value(std::string_view v) : data_(std::string(v)) {}
  Value(const char* v) : data_(std::string(v)) {}
  Value(char* v) : data_(std::string(v)) {}
  // Without these a char or a pointer would silently become a bool.
  Value(char) = delete;
  template <class P>
  Value(P*) = delete;
  Value(Bytes v) noexcept : data_(std::move(v)) {}
  template <class Duration>
  Value(std::chrono::sys_time<Duration> t)
      : data_(std::chrono::floor<std::chrono::microseconds>(t)) {}
  Value(Json v) noexcept : data_(std::move(v)) {}
  Value(Uuid v) noexcept : data_(v) {}
  Value(Decimal v) noexcept : data_(std::move(v)) {}
  // Built in place from either prvalue: g++ 13 reports a temporary moved into *this and
  // destroyed as a delete of an unallocated object (-Wfree-nonheap-object, a false positive).
  template <class T>
  Value(std::optional<T> v) : Value(v ? Value(std::move(*v)) : Value()) {}

  Type type() const noexcept { return static_cast<Type>(data_.index()); }
  bool is_null() const noexcept { return data_.index() == 0; }

  // The value converted to T (see the header comment). Supported T: bool, integral types,
  // float/double, std::string, Bytes, std::chrono::sys_time<D>, boost::json::value, Json,
  // Uuid, Decimal, Value, and std::optional of any of these.
  template <class T>
  T as() const;

  // Direct access without conversion; nullptr when the value has another type.
  template <class T>
  const T* get_if() const noexcept {
    return std::get_if<T>(&data_);
  }

  // A short description for messages, e.g. "integer 42" or "text (12 bytes)"; never the
  // full contents of text or bytes.
  std::string describe() const;

  friend bool operator==(const Value&, const Value&) = default;

 private:
  template <class I>
  static std::int64_t checked_int64(I v) {
    if constexpr (std::is_unsigned_v<I> && sizeof(I) >= sizeof(std::int64_t)) {
      if (v > static_cast<I>(std::numeric_limits<std::int64_t>::max())) {
        throw ValueError("integer does not fit in a signed 64-bit value");
      }
    }
    return static_cast<std::int64_t>(v);
  }

  bool to_bool() const;
  std::int64_t to_int64() const;
  double to_double() const;
  std::string to_string() const;
  Bytes to_bytes() const;
  Timestamp to_timestamp() const;
  boost::json::value to_json() const;
  Uuid to_uuid() const;
  Decimal to_decimal() const;
  [[noreturn]] static void throw_out_of_range(std::int64_t v, std::string_view target);
  [[noreturn]] static void throw_null();

  std::variant<std::monostate, bool, std::int64_t, double, std::string, Bytes, Timestamp, Json,
               Uuid, Decimal>
      data_;
};

namespace detail {
using conduit::detail::IsOptional;
using conduit::detail::IsSysTime;
template <class>
inline constexpr bool kUnsupported = false;
}  // namespace detail

template <class T>
T Value::as() const {
  if constexpr (detail::IsOptional<T>::value) {
    if (is_null()) return std::nullopt;
    return as<typename T::value_type>();
  } else if constexpr (std::is_same_v<T, Value>) {
    return *this;
  } else {
    if (is_null()) throw_null();
    if constexpr (std::is_same_v<T, bool>) {
      return to_bool();
    } else if constexpr (std::is_integral_v<T>) {
      const std::int64_t v = to_int64();
      if (!std::in_range<T>(v)) throw_out_of_range(v, "the requested integer type");
      return static_cast<T>(v);
    } else if constexpr (std::is_floating_point_v<T>) {
      return static_cast<T>(to_double());
    } else if constexpr (std::is_same_v<T, std::string>) {
      return to_string();
    } else if constexpr (std::is_same_v<T, Bytes>) {
      return to_bytes();
    } else if constexpr (detail::IsSysTime<T>::value) {
      return std::chrono::time_point_cast<typename T::duration>(to_timestamp());
    } else if constexpr (std::is_same_v<T, boost::json::value>) {
      return to_json();
    } else if constexpr (std::is_same_v<T, Json>) {
      return Json{to_json()};
    } else if constexpr (std::is_same_v<T, Uuid>) {
      return to_uuid();
    } else if constexpr (std::is_same_v<T, Decimal>) {
      return to_decimal();
    } else {
      static_assert(detail::kUnsupported<T>, "conduit::db::Value::as<T>: unsupported type");
    }
  }
}

}  // namespace conduit::db
