// Tests for conduit::to_json / from_json (described structs, enums, optionals, lists,
// maps, time stamps, integer ranges, error key paths) and the ISO-8601 helpers.
#include "conduit/http/json.hpp"

#include <gtest/gtest.h>

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

using boost::json::parse;
using boost::json::serialize;
using conduit::from_json;
using conduit::JsonError;
using conduit::to_json;
using namespace std::chrono_literals;

enum class Rank { low, high };
BOOST_DESCRIBE_ENUM(Rank, low, high)

struct Address {
  std::string city;
  std::optional<std::string> zip;
};
BOOST_DESCRIBE_STRUCT(Address, (), (city, zip))

struct Person {
  std::string name;
  std::uint8_t level = 0;
  double score = 0;
  bool active = false;
  Rank rank = Rank::low;
  std::chrono::sys_seconds born{};
  std::optional<std::chrono::sys_time<std::chrono::milliseconds>> seen;
  std::vector<Address> addresses;
  std::map<std::string, int> counts;
  boost::json::value extra;
};
BOOST_DESCRIBE_STRUCT(Person, (),
                      (name, level, score, active, rank, born, seen, addresses, counts, extra))

constexpr auto kDay = std::chrono::sys_days{std::chrono::year{2020} / 2 / 29};

Person sample() {
  Person p;
  p.name = "Ann";
  p.level = 200;
  p.score = 1.5;
  p.active = true;
  p.rank = Rank::high;
  p.born = kDay + 1h + 2min + 3s;
  p.seen = kDay + 250ms;
  p.addresses = {{"Oslo", std::nullopt}, {"Rome", "00100"}};
  p.counts = {{"a", 1}};
  p.extra = {1, "two"};
  return p;
}

TEST(Json, WritesDescribedStructs) {
  EXPECT_EQ(serialize(to_json(sample())),
            R"({"name":"Ann","level":200,"score":1.5E0,"active":true,"rank":"high",)"
            R"("born":"2020-02-29T01:02:03Z","seen":"2020-02-29T00:00:00.250Z",)"
            R"("addresses":[{"city":"Oslo","zip":null},{"city":"Rome","zip":"00100"}],)"
            R"("counts":{"a":1},"extra":[1,"two"]})");
  EXPECT_EQ(serialize(to_json(std::vector<Rank>{Rank::low})), R"(["low"])");
  EXPECT_EQ(serialize(to_json(std::optional<int>{})), "null");
  EXPECT_EQ(serialize(to_json(std::vector<bool>{true, false})), "[true,false]");
}

TEST(Json, RoundTrips) {
  Person back = from_json<Person>(to_json(sample()));
  EXPECT_EQ(back.name, "Ann");
  EXPECT_EQ(back.level, 200);
  EXPECT_EQ(back.rank, Rank::high);
  EXPECT_EQ(back.born, sample().born);
  EXPECT_EQ(back.seen, sample().seen);
  ASSERT_EQ(back.addresses.size(), 2u);
  EXPECT_EQ(back.addresses[1].zip, "00100");
  EXPECT_EQ(back.counts.at("a"), 1);
  EXPECT_EQ(serialize(back.extra), R"([1,"two"])");
}

TEST(Json, OptionalMembersMayBeNullOrAbsent) {
  auto address = from_json<Address>(parse(R"({"city":"Oslo"})"));
  EXPECT_EQ(address.zip, std::nullopt);
  address = from_json<Address>(parse(R"({"city":"Oslo","zip":null})"));
  EXPECT_EQ(address.zip, std::nullopt);
}

JsonError error_for(const char* json) {
  try {
    from_json<Person>(parse(json));
  } catch (const JsonError& error) {
    return error;
  }
  ADD_FAILURE() << "no error for " << json;
  return JsonError(JsonError::Kind::unexpected_type, "", "");
}

std::string base_with(const char* replacement_key, const char* replacement_value) {
  auto json = to_json(sample());
  json.as_object()[replacement_key] = parse(replacement_value);
  return serialize(json);
}

TEST(Json, TypeErrorsNameTheKeyPath) {
  struct Case {
    const char* key;
    const char* value;
    const char* path;
  };
  for (auto [key, value, path] : {
           Case{"name", "1", "name"},
           Case{"level", "256", "level"},
           Case{"level", "-1", "level"},
           Case{"level", "1.5", "level"},
           Case{"level", "\"1\"", "level"},
           Case{"score", "\"1\"", "score"},
           Case{"active", "1", "active"},
           Case{"rank", "\"middle\"", "rank"},
           Case{"rank", "1", "rank"},
           Case{"born", "\"2020-02-30\"", "born"},
           Case{"seen", "5", "seen"},
           Case{"addresses", "{}", "addresses"},
           Case{"addresses", R"([{"city":"a"},{"city":2}])", "addresses[1].city"},
           Case{"counts", R"({"a":"x"})", "counts.a"},
       }) {
    auto error = error_for(base_with(key, value).c_str());
    EXPECT_EQ(error.kind(), JsonError::Kind::unexpected_type) << key << "=" << value;
    EXPECT_EQ(error.keys(), path) << key << "=" << value;
  }
  auto root = error_for("[]");
  EXPECT_EQ(root.kind(), JsonError::Kind::unexpected_type);
  EXPECT_EQ(root.keys(), "");
}

TEST(Json, IntegersAcceptIntegralDoubles) {
  EXPECT_EQ(from_json<int>(parse("2.0")), 2);
  EXPECT_EQ(from_json<std::uint64_t>(parse("18446744073709551615")), UINT64_MAX);
  EXPECT_THROW(from_json<std::int64_t>(parse("18446744073709551615")), JsonError);
  EXPECT_THROW(from_json<int>(parse("1e300")), JsonError);
  EXPECT_EQ(from_json<double>(parse("3")), 3.0);
}

TEST(Json, UnknownAndMissingKeys) {
  auto unknown = error_for(base_with("nick", "\"x\"").c_str());
  EXPECT_EQ(unknown.kind(), JsonError::Kind::unknown_key);
  EXPECT_EQ(unknown.keys(), "nick");

  auto nested = error_for(base_with("addresses", R"([{"city":"a","street":"b"}])").c_str());
  EXPECT_EQ(nested.kind(), JsonError::Kind::unknown_key);
  EXPECT_EQ(nested.keys(), "addresses[0].street");

  auto missing = error_for(R"({"name":"a","active":true})");
  EXPECT_EQ(missing.kind(), JsonError::Kind::missing_key);
  EXPECT_EQ(missing.keys(), "level, score, rank, born, addresses, counts, extra");

  // Allowed when the options say so.
  auto relaxed = from_json<Address>(parse(R"({"city":"x","street":"y"})"),
                                    conduit::JsonReadOptions{.reject_unknown_keys = false});
  EXPECT_EQ(relaxed.city, "x");
}

TEST(Iso8601, ParsesTheCommonForms) {
  using std::chrono::microseconds;
  auto at = [](const char* text) { return conduit::parse_iso8601(text); };
  EXPECT_EQ(at("2020-02-29"), kDay);
  EXPECT_EQ(at("2020-02-29T01:02"), kDay + 1h + 2min);
  EXPECT_EQ(at("2020-02-29 01:02:03"), kDay + 1h + 2min + 3s);
  EXPECT_EQ(at("2020-02-29T01:02:03.5Z"), kDay + 1h + 2min + 3s + 500ms);
  EXPECT_EQ(at("2020-02-29T01:02:03.1234567z"), kDay + 1h + 2min + 3s + microseconds(123456));
  EXPECT_EQ(at("2020-02-29T01:02:03+01:30"), kDay - 28min + 3s);
  EXPECT_EQ(at("2020-02-29T01:02:03-0100"), kDay + 2h + 2min + 3s);
  for (const char* bad :
       {"", "2020", "2020-2-29", "2021-02-29", "2020-02-29T", "2020-02-29T24:00",
        "2020-02-29T01:60", "2020-02-29T01:02:60", "2020-02-29T01:02:03.", "2020-02-29T01:02:03+1",
        "2020-02-29T01:02:03Z+", "2020-02-29x", "2020-02-29T01:02:03 "}) {
    EXPECT_EQ(at(bad), std::nullopt) << bad;
  }
}

TEST(Iso8601, Formats) {
  auto t = std::chrono::sys_time<std::chrono::microseconds>(kDay + 1h + 2min + 3s + 4567us);
  EXPECT_EQ(conduit::format_iso8601(t, 0), "2020-02-29T01:02:03Z");
  EXPECT_EQ(conduit::format_iso8601(t, 3), "2020-02-29T01:02:03.004Z");
  EXPECT_EQ(conduit::format_iso8601(t, 6), "2020-02-29T01:02:03.004567Z");
  // Times before 1970 format too.
  auto old = std::chrono::sys_days{std::chrono::year{1969} / 12 / 31} + 23h + 59min + 59s;
  EXPECT_EQ(conduit::format_iso8601(old, 0), "1969-12-31T23:59:59Z");
}

}  // namespace
