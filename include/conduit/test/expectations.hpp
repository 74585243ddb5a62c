// Expectations on a TestResponse for GoogleTest (Conduit's expectResponse, hasStatus,
// hasBody, hasHeaders, partial, isNotPresent, isTimestamp, isAfter, isBefore, isInteger, isString).
//
//   EXPECT_TRUE(has_response(reply, 201, partial({{"id", any_integer()}, {"name", "a"},
//                                                  {"hashedPassword", absent()}})));
//   EXPECT_TRUE(has_status(reply, 404));
//   EXPECT_TRUE(has_header(reply, "content-type", "application/json; charset=utf-8"));
//
// Each returns a ::testing::AssertionResult whose failure message shows the expected body
// (matchers written out), the actual body pretty-printed, and every mismatch by JSON path
// ("$.items[1].name: expected "a", got "b""), so a failing test says what differs.
//
// An expected body (BodyMatcher) is exact JSON (any boost::json value or literal), a
// Matcher, partial({...}) (only the listed keys; absent() requires a key to be missing),
// object({...}) (exactly these keys, values may be matchers) or array({...}).
//
// Thread-safety: matchers are immutable values; safe to share.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "conduit/test/agent.hpp"

namespace conduit::test {

// A predicate on one JSON value; `value` is null when the key is absent.
struct Matcher {
  std::string description;
  std::function<bool(const boost::json::value* value)> matches;
};

Matcher any_value();    // present, anything (null included)
Matcher any_integer();  // an integer number
Matcher any_number();
Matcher any_string();
Matcher any_bool();
Matcher absent();     // the key is not present (partial objects)
Matcher timestamp();  // an ISO-8601 date-time string (2024-01-02T03:04:05Z, with or without
                      // fraction, Z or an offset)
Matcher non_empty_string();
// A timestamp (as timestamp() reads it; without a zone it is UTC, as conduit writes dates)
// strictly after / before `when` (Conduit's isAfter/isBefore), or within [from, to].
// Described with the time point in ISO-8601 UTC: <timestamp after 2024-01-02T03:04:05Z>.
Matcher is_after(std::chrono::system_clock::time_point when);
Matcher is_before(std::chrono::system_clock::time_point when);
Matcher is_between(std::chrono::system_clock::time_point from,
                   std::chrono::system_clock::time_point to);
// The time point of an ISO-8601 date-time string (timestamp()'s forms; at most microsecond
// precision is kept), or nullopt when `text` is not one or names an impossible date.
std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view text);

class BodyMatcher {
 public:
  using Member = std::pair<std::string, BodyMatcher>;

  BodyMatcher(boost::json::value exact);  // NOLINT: implicit, exact JSON
  BodyMatcher(std::initializer_list<boost::json::value_ref> exact);
  BodyMatcher(const char* exact);
  BodyMatcher(std::string exact);
  BodyMatcher(Matcher matcher);            // NOLINT
  BodyMatcher(std::nullptr_t);             // JSON null
  BodyMatcher(boost::json::array exact);   // NOLINT: exact JSON ([] for an empty list)
  BodyMatcher(boost::json::object exact);  // NOLINT
  // Numbers and booleans, so that {"count", 2} reads as in JSON.
  template <class T>
  requires std::is_arithmetic_v<T> BodyMatcher(T exact) : BodyMatcher(boost::json::value(exact)) {}

  friend BodyMatcher partial(std::initializer_list<Member> members);
  friend BodyMatcher object(std::initializer_list<Member> members);
  friend BodyMatcher array(std::initializer_list<BodyMatcher> elements);

  // Appends "path: what differs" lines for every mismatch; true when none.
  bool match(const boost::json::value* actual, const std::string& path,
             std::vector<std::string>& mismatches) const;
  // Expected JSON with matchers written as <any integer> etc., indented.
  std::string describe(int indent = 0) const;

 private:
  enum class Kind { exact, matcher, partial_object, exact_object, array };
  BodyMatcher() = default;
  Kind kind_ = Kind::exact;
  std::shared_ptr<const boost::json::value> exact_;
  std::shared_ptr<const Matcher> matcher_;
  std::vector<Member> members_;
  std::vector<BodyMatcher> elements_;
};

BodyMatcher partial(std::initializer_list<BodyMatcher::Member> members);
BodyMatcher object(std::initializer_list<BodyMatcher::Member> members);
BodyMatcher array(std::initializer_list<BodyMatcher> elements);

::testing::AssertionResult has_status(const TestResponse& response, int status);
// The body parsed as JSON matches `body`.
::testing::AssertionResult has_body(const TestResponse& response, const BodyMatcher& body);
// The header is present with exactly this value (name case-insensitive).
::testing::AssertionResult has_header(const TestResponse& response, std::string_view name,
                                      std::string_view value);
// The header is present (any value) or, with absent(), missing.
::testing::AssertionResult has_header(const TestResponse& response, std::string_view name,
                                      const Matcher& matcher);
::testing::AssertionResult has_response(const TestResponse& response, int status,
                                        const BodyMatcher& body);
::testing::AssertionResult has_response(const TestResponse& response, int status);

// A readable dump of a response (status, headers, body) for failure messages.
std::string describe(const TestResponse& response);

}  // namespace conduit::test
