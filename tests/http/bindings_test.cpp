// Tests for Path<>, Query<> and Header<> bindings: every supported type, Conduit's
// missing / invalid / multiple-values errors and their exact wording, bool flags, form
// bodies as query parameters, and several errors collected into one 400.
#include "conduit/http/bindings.hpp"

#include <gtest/gtest.h>

#include <boost/describe/enum.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "conduit/http/resource_controller.hpp"
#include "support/resource_test_support.hpp"

namespace {

using conduit::Header;
using conduit::Path;
using conduit::Query;
using conduit::Request;
using conduit::ResourceController;
using conduit::Response;
using conduit::Task;
using conduit::testing::error_of;
using conduit::testing::make_request;
using conduit::testing::run;
using namespace std::chrono_literals;

enum class Color { red, green, blue };
BOOST_DESCRIBE_ENUM(Color, red, green, blue)

using Fields = std::vector<std::pair<std::string, std::string>>;

// Runs `operation` as the GET operation of a fresh controller.
template <class F>
Response get_with(F operation, std::string target, const Fields& headers = {},
                  const std::map<std::string, std::string>& variables = {}) {
  ResourceController controller;
  controller.get(std::move(operation));
  Request request = make_request("GET", std::move(target));
  for (const auto& [name, value] : headers) request.mutable_headers().add(name, value);
  for (const auto& [name, value] : variables) request.mutable_path_match().variables[name] = value;
  return run(controller, request);
}

// ---- Query -----------------------------------------------------------------------------

TEST(QueryBinding, RequiredIntegerIsParsed) {
  int seen = 0;
  auto op = [&](Query<"count", int> count) -> Task<Response> {
    seen = *count;
    co_return Response::ok();
  };
  EXPECT_EQ(get_with(op, "/x?count=42").status(), 200);
  EXPECT_EQ(seen, 42);
}

TEST(QueryBinding, MissingRequiredIsReported) {
  auto op = [](Query<"count", int>) -> Task<Response> { co_return Response::ok(); };
  auto response = get_with(op, "/x");
  EXPECT_EQ(response.status(), 400);
  EXPECT_EQ(error_of(response), "missing required query 'count'");
  EXPECT_EQ(response.content_type(), conduit::kJsonContentType);
}

TEST(QueryBinding, InvalidValueIsReported) {
  auto op = [](Query<"count", int>) -> Task<Response> { co_return Response::ok(); };
  for (const char* target : {"/x?count=abc", "/x?count=", "/x?count=1.5", "/x?count=12abc",
                             "/x?count=%2B5", "/x?count=%205"}) {
    auto response = get_with(op, target);
    EXPECT_EQ(response.status(), 400) << target;
    EXPECT_EQ(error_of(response), "invalid value for query value 'count'") << target;
  }
}

TEST(QueryBinding, MultipleValuesForScalarAreReported) {
  auto op = [](Query<"count", int>) -> Task<Response> { co_return Response::ok(); };
  auto response = get_with(op, "/x?count=1&count=2");
  EXPECT_EQ(response.status(), 400);
  EXPECT_EQ(error_of(response), "multiple values not expected for query value 'count'");
}

TEST(QueryBinding, NamesAreCaseSensitive) {
  auto op = [](Query<"count", int>) -> Task<Response> { co_return Response::ok(); };
  EXPECT_EQ(error_of(get_with(op, "/x?Count=1")), "missing required query 'count'");
}

TEST(QueryBinding, OptionalIsEmptyWhenAbsent) {
  std::optional<int> seen = -1;
  auto op = [&](Query<"count", std::optional<int>> count) -> Task<Response> {
    seen = *count;
    co_return Response::ok();
  };
  EXPECT_EQ(get_with(op, "/x").status(), 200);
  EXPECT_EQ(seen, std::nullopt);
  EXPECT_EQ(get_with(op, "/x?count=7").status(), 200);
  EXPECT_EQ(seen, 7);
  auto invalid = get_with(op, "/x?count=seven");
  EXPECT_EQ(error_of(invalid), "invalid value for query value 'count'");
  auto multiple = get_with(op, "/x?count=1&count=2");
  EXPECT_EQ(error_of(multiple), "multiple values not expected for query value 'count'");
}

TEST(QueryBinding, ListCollectsEveryValueInOrder) {
  std::vector<std::string> tags{"stale"};
  auto op = [&](Query<"tag", std::vector<std::string>> tag) -> Task<Response> {
    tags = *tag;
    co_return Response::ok();
  };
  EXPECT_EQ(get_with(op, "/x?tag=a&other=1&tag=b%20c&tag=").status(), 200);
  EXPECT_EQ(tags, (std::vector<std::string>{"a", "b c", ""}));
  EXPECT_EQ(get_with(op, "/x?tag").status(), 200);
  EXPECT_EQ(tags, std::vector<std::string>{""});
}

TEST(QueryBinding, RequiredListMustBePresent) {
  // Conduit: a list that is not optional is required like any other parameter.
  bool called = false;
  auto op = [&](Query<"tag", std::vector<std::string>>) -> Task<Response> {
    called = true;
    co_return Response::ok();
  };
  const Response response = get_with(op, "/x?other=1");
  EXPECT_EQ(response.status(), 400);
  EXPECT_EQ(error_of(response), "missing required query 'tag'");
  EXPECT_FALSE(called);
  auto two = [](Query<"id", std::vector<int>>,
                Query<"tag", std::vector<std::string>>) -> Task<Response> {
    co_return Response::ok();
  };
  EXPECT_EQ(error_of(get_with(two, "/x")),
            "missing required query 'id', missing required query 'tag'");
  // Case-sensitive, like every query name.
  EXPECT_EQ(error_of(get_with(op, "/x?Tag=a")), "missing required query 'tag'");
}

TEST(QueryBinding, ListOfIntegersRejectsAnyInvalidElement) {
  std::vector<int> seen;
  auto op = [&](Query<"id", std::vector<int>> ids) -> Task<Response> {
    seen = ids.value;
    co_return Response::ok();
  };
  EXPECT_EQ(get_with(op, "/x?id=1&id=2").status(), 200);
  EXPECT_EQ(seen, (std::vector<int>{1, 2}));
  EXPECT_EQ(error_of(get_with(op, "/x?id=1&id=x")), "invalid value for query value 'id'");
}

TEST(QueryBinding, OptionalListDistinguishesAbsentFromPresent) {
  std::optional<std::vector<int>> seen;
  auto op = [&](Query<"id", std::optional<std::vector<int>>> ids) -> Task<Response> {
    seen = *ids;
    co_return Response::ok();
  };
  EXPECT_EQ(get_with(op, "/x").status(), 200);
  EXPECT_FALSE(seen.has_value());
  EXPECT_EQ(get_with(op, "/x?id=3").status(), 200);
  EXPECT_EQ(seen, (std::vector<int>{3}));
}

TEST(QueryBinding, BoolFlagRules) {
  bool seen = false;
  auto op = [&](Query<"verbose", bool> verbose) -> Task<Response> {
    seen = *verbose;
    co_return Response::ok();
  };
  struct Case {
    const char* target;
    bool expected;
  };
  for (auto [target, expected] :
       {Case{"/x", false}, Case{"/x?verbose", true}, Case{"/x?verbose=", true},
        Case{"/x?verbose=true", true}, Case{"/x?verbose=TRUE", true}, Case{"/x?verbose=1", true},
        Case{"/x?verbose=false", false}, Case{"/x?verbose=False", false},
        Case{"/x?verbose=0", false}}) {
    seen = !expected;
    EXPECT_EQ(get_with(op, target).status(), 200) << target;
    EXPECT_EQ(seen, expected) << target;
  }
  EXPECT_EQ(error_of(get_with(op, "/x?verbose=maybe")), "invalid value for query value 'verbose'");
  EXPECT_EQ(error_of(get_with(op, "/x?verbose&verbose")),
            "multiple values not expected for query value 'verbose'");
}

TEST(QueryBinding, OptionalBoolIsTriState) {
  std::optional<bool> seen = true;
  auto op = [&](Query<"verbose", std::optional<bool>> verbose) -> Task<Response> {
    seen = *verbose;
    co_return Response::ok();
  };
  EXPECT_EQ(get_with(op, "/x").status(), 200);
  EXPECT_EQ(seen, std::nullopt);
  EXPECT_EQ(get_with(op, "/x?verbose").status(), 200);
  EXPECT_EQ(seen, true);
  EXPECT_EQ(get_with(op, "/x?verbose=false").status(), 200);
  EXPECT_EQ(seen, false);
}

TEST(QueryBinding, IntegersAreRangeChecked) {
  auto small = [](Query<"n", std::uint8_t>) -> Task<Response> { co_return Response::ok(); };
  EXPECT_EQ(get_with(small, "/x?n=255").status(), 200);
  EXPECT_EQ(get_with(small, "/x?n=0").status(), 200);
  EXPECT_EQ(error_of(get_with(small, "/x?n=256")), "invalid value for query value 'n'");
  EXPECT_EQ(error_of(get_with(small, "/x?n=-1")), "invalid value for query value 'n'");

  std::int8_t seen8 = 0;
  auto signed8 = [&](Query<"n", std::int8_t> n) -> Task<Response> {
    seen8 = *n;
    co_return Response::ok();
  };
  EXPECT_EQ(get_with(signed8, "/x?n=-128").status(), 200);
  EXPECT_EQ(seen8, -128);
  EXPECT_EQ(get_with(signed8, "/x?n=-129").status(), 400);

  std::int64_t seen64 = 0;
  auto wide = [&](Query<"n", std::int64_t> n) -> Task<Response> {
    seen64 = *n;
    co_return Response::ok();
  };
  EXPECT_EQ(get_with(wide, "/x?n=9223372036854775807").status(), 200);
  EXPECT_EQ(seen64, INT64_MAX);
  EXPECT_EQ(get_with(wide, "/x?n=9223372036854775808").status(), 400);

  std::uint64_t seenu = 0;
  auto uwide = [&](Query<"n", std::uint64_t> n) -> Task<Response> {
    seenu = *n;
    co_return Response::ok();
  };
  EXPECT_EQ(get_with(uwide, "/x?n=18446744073709551615").status(), 200);
  EXPECT_EQ(seenu, UINT64_MAX);
}

TEST(QueryBinding, DoublesMustBeFinite) {
  double seen = 0;
  auto op = [&](Query<"x", double> x) -> Task<Response> {
    seen = *x;
    co_return Response::ok();
  };
  EXPECT_EQ(get_with(op, "/q?x=1.5").status(), 200);
  EXPECT_DOUBLE_EQ(seen, 1.5);
  EXPECT_EQ(get_with(op, "/q?x=-2e3").status(), 200);
  EXPECT_DOUBLE_EQ(seen, -2000);
  for (const char* target : {"/q?x=nan", "/q?x=inf", "/q?x=1e999", "/q?x=abc", "/q?x=1.5.2"}) {
    EXPECT_EQ(error_of(get_with(op, target)), "invalid value for query value 'x'") << target;
  }
}

TEST(QueryBinding, DatesAreIso8601) {
  std::chrono::sys_seconds seen{};
  auto op = [&](Query<"since", std::chrono::sys_seconds> since) -> Task<Response> {
    seen = *since;
    co_return Response::ok();
  };
  constexpr auto day = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1};
  EXPECT_EQ(get_with(op, "/x?since=2024-05-01T12:30:15Z").status(), 200);
  EXPECT_EQ(seen, day + 12h + 30min + 15s);
  EXPECT_EQ(get_with(op, "/x?since=2024-05-01").status(), 200);
  EXPECT_EQ(seen, day);
  EXPECT_EQ(get_with(op, "/x?since=2024-05-01T12:30:15%2B02:00").status(), 200);
  EXPECT_EQ(seen, day + 10h + 30min + 15s);
  for (const char* target : {"/x?since=2024-13-01", "/x?since=2024-02-30", "/x?since=yesterday",
                             "/x?since=2024-05-01T25:00:00Z", "/x?since=2024-05-01T12:30:15Q"}) {
    EXPECT_EQ(error_of(get_with(op, target)), "invalid value for query value 'since'") << target;
  }

  std::chrono::sys_time<std::chrono::milliseconds> precise{};
  auto ms =
      [&](Query<"at", std::chrono::sys_time<std::chrono::milliseconds>> at) -> Task<Response> {
    precise = *at;
    co_return Response::ok();
  };
  EXPECT_EQ(get_with(ms, "/x?at=2024-05-01T00:00:00.250Z").status(), 200);
  EXPECT_EQ(precise, day + 250ms);
}

TEST(QueryBinding, DescribedEnumsByName) {
  Color seen = Color::red;
  auto op = [&](Query<"color", Color> color) -> Task<Response> {
    seen = *color;
    co_return Response::ok();
  };
  EXPECT_EQ(get_with(op, "/x?color=blue").status(), 200);
  EXPECT_EQ(seen, Color::blue);
  EXPECT_EQ(error_of(get_with(op, "/x?color=Blue")), "invalid value for query value 'color'");
  EXPECT_EQ(error_of(get_with(op, "/x?color=2")), "invalid value for query value 'color'");
}

TEST(QueryBinding, StringsArePercentDecoded) {
  std::string seen;
  auto op = [&](Query<"name", std::string> name) -> Task<Response> {
    seen = *name;
    co_return Response::ok();
  };
  EXPECT_EQ(get_with(op, "/x?name=Bob%20Smith+Jr%26Co").status(), 200);
  EXPECT_EQ(seen, "Bob Smith Jr&Co");
}

TEST(QueryBinding, MalformedQueryStringIs400) {
  auto op = [](Query<"name", std::string>) -> Task<Response> { co_return Response::ok(); };
  auto response = get_with(op, "/x?name=%zz");
  EXPECT_EQ(response.status(), 400);
  EXPECT_EQ(error_of(response), "query string is malformed");
}

// Conduit reads query parameters from an x-www-form-urlencoded body too.
TEST(QueryBinding, FormBodyValuesAreQueryValues) {
  ResourceController controller;
  controller.accepted_content_types().push_back("application/x-www-form-urlencoded");
  std::string name;
  std::vector<int> ids;
  controller.post(
      [&](Query<"name", std::string> n, Query<"id", std::vector<int>> i) -> Task<Response> {
        name = *n;
        ids = *i;
        co_return Response::ok();
      });
  auto request = make_request("POST", "/x?id=1", "name=Ann+Lee&id=2&id=3",
                              "application/x-www-form-urlencoded");
  EXPECT_EQ(run(controller, request).status(), 200);
  EXPECT_EQ(name, "Ann Lee");
  EXPECT_EQ(ids, (std::vector<int>{1, 2, 3}));

  auto twice = make_request("POST", "/x?name=a", "name=b", "application/x-www-form-urlencoded");
  EXPECT_EQ(error_of(run(controller, twice)),
            "multiple values not expected for query value 'name', missing required query 'id'");

  auto malformed = make_request("POST", "/x", "name=%zz", "application/x-www-form-urlencoded");
  auto response = run(controller, malformed);
  EXPECT_EQ(response.status(), 400);
  EXPECT_EQ(error_of(response), "request entity could not be decoded");
}

// ---- Header ----------------------------------------------------------------------------

TEST(HeaderBinding, NamesAreCaseInsensitive) {
  int seen = 0;
  auto op = [&](Header<"X-Api-Version", int> version) -> Task<Response> {
    seen = *version;
    co_return Response::ok();
  };
  EXPECT_EQ(get_with(op, "/x", {{"x-api-version", "3"}}).status(), 200);
  EXPECT_EQ(seen, 3);
}

TEST(HeaderBinding, MissingInvalidAndMultipleAreReported) {
  auto op = [](Header<"X-Api-Version", int>) -> Task<Response> { co_return Response::ok(); };
  EXPECT_EQ(error_of(get_with(op, "/x")), "missing required header 'X-Api-Version'");
  EXPECT_EQ(error_of(get_with(op, "/x", {{"X-Api-Version", "v3"}})),
            "invalid value for header value 'X-Api-Version'");
  EXPECT_EQ(error_of(get_with(op, "/x", {{"X-Api-Version", "1"}, {"x-api-version", "2"}})),
            "multiple values not expected for header value 'X-Api-Version'");
}

TEST(HeaderBinding, ListsSplitCommasAndRepeatedFields) {
  std::vector<std::string> seen;
  auto op = [&](Header<"X-Tags", std::vector<std::string>> tags) -> Task<Response> {
    seen = *tags;
    co_return Response::ok();
  };
  EXPECT_EQ(get_with(op, "/x", {{"X-Tags", "a, b ,,c"}, {"x-tags", "d"}}).status(), 200);
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c", "d"}));
  // Present without items: an empty list. Absent: missing, like any required header.
  EXPECT_EQ(get_with(op, "/x", {{"X-Tags", " , "}}).status(), 200);
  EXPECT_TRUE(seen.empty());
  EXPECT_EQ(error_of(get_with(op, "/x")), "missing required header 'X-Tags'");

  std::optional<std::vector<std::string>> optional{{"stale"}};
  auto optional_op =
      [&](Header<"X-Tags", std::optional<std::vector<std::string>>> tags) -> Task<Response> {
    optional = *tags;
    co_return Response::ok();
  };
  EXPECT_EQ(get_with(optional_op, "/x").status(), 200);
  EXPECT_EQ(optional, std::nullopt);
}

TEST(HeaderBinding, ScalarStringKeepsCommas) {
  std::optional<std::string> seen;
  auto op = [&](Header<"X-Note", std::optional<std::string>> note) -> Task<Response> {
    seen = *note;
    co_return Response::ok();
  };
  EXPECT_EQ(get_with(op, "/x", {{"X-Note", "a, b"}}).status(), 200);
  EXPECT_EQ(seen, "a, b");
  EXPECT_EQ(get_with(op, "/x").status(), 200);
  EXPECT_EQ(seen, std::nullopt);
}

TEST(HeaderBinding, BoolHeaderIsRequiredUnlessOptional) {
  auto op = [](Header<"X-Dry-Run", bool>) -> Task<Response> { co_return Response::ok(); };
  EXPECT_EQ(error_of(get_with(op, "/x")), "missing required header 'X-Dry-Run'");
  EXPECT_EQ(get_with(op, "/x", {{"X-Dry-Run", "true"}}).status(), 200);
}

// ---- Path ------------------------------------------------------------------------------

TEST(PathBinding, ParsesTheMatchedVariable) {
  std::int64_t seen = 0;
  auto op = [&](Path<"id", std::int64_t> id) -> Task<Response> {
    seen = *id;
    co_return Response::ok();
  };
  EXPECT_EQ(get_with(op, "/heroes/42", {}, {{"id", "42"}}).status(), 200);
  EXPECT_EQ(seen, 42);
  auto response = get_with(op, "/heroes/abc", {}, {{"id", "abc"}});
  EXPECT_EQ(response.status(), 400);
  EXPECT_EQ(error_of(response), "invalid value for path value 'id'");
}

TEST(PathBinding, StringsEnumsAndSeveralVariables) {
  std::string user;
  Color color = Color::red;
  auto op = [&](Path<"user", std::string> u, Path<"color", Color> c) -> Task<Response> {
    user = *u;
    color = *c;
    co_return Response::ok();
  };
  EXPECT_EQ(get_with(op, "/u/ann/green", {}, {{"user", "ann"}, {"color", "green"}}).status(), 200);
  EXPECT_EQ(user, "ann");
  EXPECT_EQ(color, Color::green);
}

// ---- several bindings ------------------------------------------------------------------

TEST(Bindings, EveryErrorIsCollectedIntoOne400InParameterOrder) {
  bool called = false;
  auto op = [&](Path<"id", int>, Query<"count", int>, Header<"X-Version", int>,
                Query<"tag", std::string>) -> Task<Response> {
    called = true;
    co_return Response::ok();
  };
  auto response = get_with(op, "/h/x?tag=a&tag=b", {{"X-Version", "new"}}, {{"id", "x"}});
  EXPECT_FALSE(called);
  EXPECT_EQ(response.status(), 400);
  EXPECT_EQ(error_of(response),
            "invalid value for path value 'id', missing required query 'count', "
            "invalid value for header value 'X-Version', "
            "multiple values not expected for query value 'tag'");
}

TEST(Bindings, AccessorsExposeTheValue) {
  Query<"tags", std::vector<std::string>> tags;
  tags.value = {"a", "b"};
  EXPECT_EQ(tags->size(), 2u);
  EXPECT_EQ((*tags)[1], "b");
  static_assert(decltype(tags)::name == "tags");
  static_assert(Path<"id", int>::name == "id");
  const Header<"X-A", int> header{{5}};
  EXPECT_EQ(*header, 5);
}

TEST(Bindings, ParseBoolAcceptsDocumentedSpellings) {
  using conduit::http::detail::parse_bool;
  EXPECT_EQ(parse_bool(""), true);
  EXPECT_EQ(parse_bool("tRuE"), true);
  EXPECT_EQ(parse_bool("1"), true);
  EXPECT_EQ(parse_bool("FALSE"), false);
  EXPECT_EQ(parse_bool("0"), false);
  EXPECT_EQ(parse_bool("yes"), std::nullopt);
  EXPECT_EQ(parse_bool("10"), std::nullopt);
}

}  // namespace
