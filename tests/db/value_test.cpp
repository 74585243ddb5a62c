// Tests for conduit::db::Value, Uuid, Decimal, Result/Row and the shared text formats
// (timestamps as PostgreSQL prints them, doubles, decimals), without a database.
#include "conduit/db/value.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <chrono>
#include <cmath>
#include <limits>

#include "conduit/db/result.hpp"
#include "db/text_format.hpp"

namespace conduit::db {
namespace {

using namespace std::chrono;

Timestamp at(int y, unsigned m, unsigned d, int hh, int mm, int ss, int micros) {
  return Timestamp(sys_days(year(y) / month(m) / day(d)).time_since_epoch() + hours(hh) +
                   minutes(mm) + seconds(ss) + microseconds(micros));
}

TEST(ValueTest, ConstructorsPickTheRightType) {
  EXPECT_EQ(Value().type(), Value::Type::null);
  EXPECT_EQ(Value(nullptr).type(), Value::Type::null);
  EXPECT_EQ(Value(std::optional<int>()).type(), Value::Type::null);
  EXPECT_EQ(Value(std::optional<int>(3)).type(), Value::Type::integer);
  EXPECT_EQ(Value(true).type(), Value::Type::boolean);
  EXPECT_EQ(Value(42).type(), Value::Type::integer);
  EXPECT_EQ(Value(std::uint16_t{7}).type(), Value::Type::integer);
  EXPECT_EQ(Value(1.5f).type(), Value::Type::real);
  EXPECT_EQ(Value("text").type(), Value::Type::text);
  EXPECT_EQ(Value(std::string_view("text")).type(), Value::Type::text);
  EXPECT_EQ(Value(Bytes{1, 2}).type(), Value::Type::bytes);
  EXPECT_EQ(Value(system_clock::now()).type(), Value::Type::timestamp);
  EXPECT_EQ(Value(Json{boost::json::parse(R"({"a":1})")}).type(), Value::Type::json);
  EXPECT_EQ(Value(Uuid{}).type(), Value::Type::uuid);
  EXPECT_EQ(Value(Decimal("1.50")).type(), Value::Type::decimal);
  EXPECT_THROW(Value(std::numeric_limits<std::uint64_t>::max()), ValueError);
}

TEST(ValueTest, ConvertsLosslessly) {
  EXPECT_EQ(Value(1).as<bool>(), true);
  EXPECT_EQ(Value("f").as<bool>(), false);
  EXPECT_THROW(Value(2).as<bool>(), ValueError);
  EXPECT_EQ(Value(true).as<int>(), 1);
  EXPECT_EQ(Value("-17").as<std::int64_t>(), -17);
  EXPECT_EQ(Value(3.0).as<int>(), 3);
  EXPECT_THROW(Value(3.5).as<int>(), ValueError);
  EXPECT_EQ(Value(Decimal("42.000")).as<int>(), 42);
  EXPECT_THROW(Value(300).as<std::uint8_t>(), ValueError);
  EXPECT_THROW(Value(-1).as<unsigned>(), ValueError);
  EXPECT_DOUBLE_EQ(Value(2).as<double>(), 2.0);
  EXPECT_DOUBLE_EQ(Value(Decimal("0.25")).as<double>(), 0.25);
  EXPECT_EQ(Value(12).as<std::string>(), "12");
  EXPECT_EQ(Value(Decimal("1.50")).as<std::string>(), "1.50");
  EXPECT_THROW(Value(Bytes{1}).as<std::string>(), ValueError);
  EXPECT_EQ(Value(12).as<Decimal>(), Decimal("12"));
  EXPECT_EQ(Value("{\"a\":[1,2]}").as<boost::json::value>(), boost::json::parse(R"({"a":[1,2]})"));
  EXPECT_EQ(Value(5).as<boost::json::value>(), boost::json::value(5));
  EXPECT_THROW(Value("not json").as<boost::json::value>(), ValueError);
}

TEST(ValueTest, NullNeedsAnOptional) {
  EXPECT_THROW(Value().as<int>(), ValueError);
  EXPECT_EQ(Value().as<std::optional<int>>(), std::nullopt);
  EXPECT_EQ(Value(4).as<std::optional<int>>(), 4);
  EXPECT_TRUE(Value().as<Value>().is_null());
}

TEST(ValueTest, DescribeNeverShowsTextContents) {
  EXPECT_EQ(Value("secret-value").describe(), "text (12 bytes)");
  EXPECT_EQ(Value(7).describe(), "integer 7");
}

TEST(UuidTest, ParsesTheFormsPostgresAccepts) {
  const Uuid u = Uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  EXPECT_EQ(u.to_string(), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  EXPECT_EQ(Uuid::parse("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"), u);
  EXPECT_EQ(Uuid::parse("{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}"), u);
  EXPECT_EQ(Uuid::parse("a0eebc999c0b4ef8bb6d6bb9bd380a11"), u);
  EXPECT_FALSE(Uuid::try_parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1"));
  EXPECT_FALSE(Uuid::try_parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1g"));
  EXPECT_FALSE(Uuid::try_parse("-a0eebc999c0b4ef8bb6d6bb9bd380a11"));
  EXPECT_THROW(Uuid::parse("nope"), ValueError);
}

TEST(DecimalTest, AcceptsOnlyDecimalLiterals) {
  for (const char* ok : {"0", "-12.50", "+3", ".5", "5.", "1e-3", "2.5E+10", "NaN"}) {
    EXPECT_NO_THROW(Decimal{ok}) << ok;
  }
  for (const char* bad : {"", "-", ".", "1e", "1.2.3", "abc", "1 ", "0x10", "1; DROP"}) {
    EXPECT_THROW(Decimal{bad}, ValueError) << bad;
  }
}

TEST(TextFormatTest, TimestampsRoundTripAndParseZones) {
  const Timestamp t = at(2024, 2, 29, 23, 59, 58, 123456);
  EXPECT_EQ(detail::format_timestamp(t, true), "2024-02-29 23:59:58.123456+00");
  EXPECT_EQ(detail::format_timestamp(t, false), "2024-02-29 23:59:58.123456");
  EXPECT_EQ(detail::parse_timestamp("2024-02-29 23:59:58.123456+00"), t);
  EXPECT_EQ(detail::parse_timestamp("2024-02-29T23:59:58.123456Z"), t);
  EXPECT_EQ(detail::parse_timestamp("2024-03-01 01:59:58.123456+02"), t);
  EXPECT_EQ(detail::parse_timestamp("2024-02-29 18:29:58.123456-05:30"), t);
  EXPECT_EQ(detail::parse_timestamp("2024-02-29 23:59:58.1234569"), t);  // truncated
  EXPECT_EQ(detail::parse_timestamp("2024-02-29 23:59:58.5"), at(2024, 2, 29, 23, 59, 58, 500000));
  EXPECT_EQ(detail::parse_timestamp("2024-02-29"), at(2024, 2, 29, 0, 0, 0, 0));
  EXPECT_EQ(detail::parse_timestamp("1970-01-01 00:00:00"), Timestamp{});
  EXPECT_EQ(detail::parse_timestamp("10000-01-01 00:00:00"), at(10000, 1, 1, 0, 0, 0, 0));
  EXPECT_EQ(detail::parse_timestamp("infinity"), Timestamp::max());
  EXPECT_EQ(detail::format_timestamp(Timestamp::min(), true), "-infinity");
  for (const char* bad : {"2024-02-30", "2024-1-01", "2024-01-01 25:00", "2024-01-01 10:00:00+",
                          "2024-01-01x", "0044-03-15 00:00:00 BC", ""}) {
    EXPECT_FALSE(detail::parse_timestamp(bad)) << bad;
  }
  EXPECT_EQ(Value("2024-02-29 23:59:58.123456").as<Timestamp>(), t);
  EXPECT_EQ(Value(t).as<sys_seconds>(), time_point_cast<seconds>(t));
}

TEST(TextFormatTest, DoublesRoundTripExactly) {
  for (double v : {0.1, -1e300, 5e-324, 1.0 / 3.0, 0.0, 123456789.125}) {
    EXPECT_EQ(detail::parse_double(detail::format_double(v)), v);
  }
  EXPECT_EQ(detail::format_double(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_TRUE(std::isnan(*detail::parse_double("NaN")));
  EXPECT_FALSE(detail::parse_double("1.5x"));
  EXPECT_FALSE(detail::parse_int64("9223372036854775808"));
  EXPECT_EQ(detail::parse_int64("-9223372036854775808"), std::numeric_limits<std::int64_t>::min());
}

TEST(ResultTest, GivesRowsByIndexAndName) {
  Result r({"id", "name"}, {Value(1), Value("a"), Value(2), Value()}, 2);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r.column_count(), 2u);
  EXPECT_EQ(r.column_index("name"), 1u);
  EXPECT_FALSE(r.column_index("missing"));
  EXPECT_EQ(r.affected_rows(), 2);
  EXPECT_EQ(r[0].get<int>("id"), 1);
  EXPECT_EQ(r[0].get<std::string>(1), "a");
  EXPECT_TRUE(r[1].is_null("name"));
  EXPECT_EQ(r[1].get<std::optional<std::string>>("name"), std::nullopt);
  EXPECT_THROW(r.at(2), std::out_of_range);
  EXPECT_THROW(r[0]["nope"], std::out_of_range);
  EXPECT_THROW(r[0][5], std::out_of_range);
  try {
    (void)r[1].get<std::string>("name");
    ADD_FAILURE() << "no exception";
  } catch (const ValueError& e) {
    EXPECT_STREQ(e.what(), "column \"name\": value is null");
  }
  int sum = 0;
  for (const Row& row : r) sum += row.get<int>(0);
  EXPECT_EQ(sum, 3);
  EXPECT_THROW(Result({"a"}, {Value(1), Value(2), Value(3)}, 0).at(3), std::out_of_range);
  EXPECT_THROW(Result({"a", "b"}, {Value(1)}, 0), std::invalid_argument);
}

TEST(ResultTest, RowsOutliveTheirResultAndCopiesShareData) {
  auto make = [] { return Result({"x"}, {Value("kept")}, 1); };
  const Row row = make().front();
  EXPECT_EQ(row.get<std::string>("x"), "kept");
  const Result a = make();
  const Result b = a;
  EXPECT_EQ(&a[0]["x"], &b[0]["x"]);
  EXPECT_TRUE(Result().empty());
}

}  // namespace
}  // namespace conduit::db
