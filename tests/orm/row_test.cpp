// Tests for the row seam: a model's column values for INSERT/UPDATE (types, NULLs, enums,
// foreign keys, present keys) and models read from typed or text rows, with RowErrors.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/test_models.hpp"

namespace {

using namespace models;
using namespace std::chrono_literals;
using Pairs = std::vector<std::pair<std::string, std::string>>;

std::string describe(std::int32_t v) { return "int32:" + std::to_string(v); }
std::string describe(std::int64_t v) { return "int64:" + std::to_string(v); }
std::string describe(bool v) { return v ? "bool:true" : "bool:false"; }
std::string describe(double v) { return "double:" + std::to_string(v); }
std::string describe(const std::string& v) { return "text:" + v; }
std::string describe(const orm::Timestamp& v) { return "time:" + conduit::format_iso8601(v, 3); }
std::string describe(const boost::json::value& v) { return "json:" + boost::json::serialize(v); }
std::string describe(const orm::Uuid& v) { return "uuid:" + v.to_string(); }
std::string describe(const orm::Decimal& v) { return "decimal:" + v.to_string(); }

// The (column, value) pairs for_each_column_value produces; NULLs name their type.
struct Collector {
  Pairs pairs;
  template <class V>
  void operator()(const orm::SchemaColumn& column, const V* value) {
    pairs.emplace_back(column.name, value ? describe(*value) : "NULL:" + describe(V{}));
  }
};

const orm::Timestamp kMay1 =
    orm::Timestamp(std::chrono::sys_days{std::chrono::year{2024} / 5 / 1}) + 12h + 30min + 15s +
    250ms;

Hero sample_hero() {
  Hero hero;
  hero.id = 1;
  hero.name = "Ace";
  hero.age = 30;
  hero.rating = 4.5;
  hero.created_at = kMay1;
  hero.team = 3;
  hero.nicknames = {"not stored"};
  return hero;
}

TEST(ColumnValues, EveryStoredColumnWithItsType) {
  Collector collect;
  orm::for_each_column_value(sample_hero(), collect);
  EXPECT_EQ(collect.pairs,
            (Pairs{{"id", "int64:1"},
                   {"name", "text:Ace"},
                   {"alias", "NULL:text:"},
                   {"age", "int32:30"},
                   {"rating", "double:4.500000"},
                   {"active", "bool:true"},
                   {"created_at", "time:2024-05-01T12:30:15.250Z"},
                   {"team_id", "int64:3"},
                   {"rival_id", "NULL:int64:0"},
                   {"created_by_id", "NULL:uuid:00000000-0000-0000-0000-000000000000"},
                   {"mentor_id", "NULL:int64:0"}}));
}

TEST(ColumnValues, OnlyTheGivenKeys) {
  Hero hero = sample_hero();
  Team team;
  team.id = 8;
  hero.team = team;  // joined: the key comes from the object
  Collector collect;
  orm::for_each_column_value(hero, orm::FieldSet<Hero>::of({"team", "name", "nicknames"}), collect);
  EXPECT_EQ(collect.pairs, (Pairs{{"name", "text:Ace"}, {"team_id", "int64:8"}}));
}

TEST(ColumnValues, EnumsDocumentsUuidsDecimals) {
  User user;
  user.id = orm::Uuid::parse("6f1c7a57-0d2b-4c5e-9b8e-2f9a3c1d4e5f").value();
  user.role = Role::admin;
  user.settings = boost::json::parse(R"({"a":1})");
  Collector collect;
  orm::for_each_column_value(user, orm::FieldSet<User>::of({"id", "role", "settings", "password"}),
                             collect);
  EXPECT_EQ(collect.pairs, (Pairs{{"id", "uuid:6f1c7a57-0d2b-4c5e-9b8e-2f9a3c1d4e5f"},
                                  {"role", "text:admin"},
                                  {"settings", "json:{\"a\":1}"}}));
  Power power;
  power.cost = orm::Decimal::parse("9.90").value();
  Collector decimals;
  orm::for_each_column_value(power, orm::FieldSet<Power>::of({"cost", "kind"}), decimals);
  EXPECT_EQ(decimals.pairs, (Pairs{{"kind", "text:strength"}, {"cost", "decimal:9.90"}}));

  Profile profile;
  profile.user = user.id;
  Collector keys;
  orm::for_each_column_value(profile, orm::FieldSet<Profile>::of({"user"}), keys);
  EXPECT_EQ(keys.pairs, (Pairs{{"user_id", "uuid:6f1c7a57-0d2b-4c5e-9b8e-2f9a3c1d4e5f"}}));
}

// A row of PostgreSQL text cells; absent columns are missing, nullopt is NULL.
using TextRow = std::map<std::string, std::optional<std::string>>;

auto lookup(const TextRow& row) {
  return [&row](const orm::SchemaColumn& column) {
    auto found = row.find(column.name);
    if (found == row.end()) return orm::Cell::missing();
    if (!found->second) return orm::Cell::null();
    return orm::Cell::value(*found->second);
  };
}

TEST(ReadRow, FromText) {
  TextRow row = {{"id", "1"},
                 {"name", "Ace"},
                 {"alias", std::nullopt},
                 {"age", "30"},
                 {"rating", "4.5"},
                 {"active", "f"},
                 {"created_at", "2024-05-01 12:30:15.25+00"},
                 {"team_id", "3"},
                 {"rival_id", std::nullopt}};
  Hero hero;
  hero.secret_identity = "to be cleared";
  hero.mentor = 5;
  auto read = orm::read_text_row(hero, lookup(row));
  EXPECT_EQ(read.names(),
            (std::vector<std::string_view>{"id", "name", "secret_identity", "age", "rating",
                                           "active", "created_at", "team", "rival_team"}));
  EXPECT_EQ(hero.id, 1);
  EXPECT_EQ(hero.name, "Ace");
  EXPECT_EQ(hero.secret_identity, std::nullopt);
  EXPECT_EQ(hero.age, 30);
  EXPECT_EQ(hero.rating, 4.5);
  EXPECT_FALSE(hero.active);
  EXPECT_EQ(hero.created_at, kMay1);
  EXPECT_EQ(hero.team.id(), 3);
  EXPECT_FALSE(hero.team.joined());
  EXPECT_TRUE(hero.rival_team.is_null());
  EXPECT_EQ(hero.mentor.id(), 5);  // not in the row: untouched
}

TEST(ReadRow, OtherTypesFromText) {
  TextRow row = {{"id", "6f1c7a57-0d2b-4c5e-9b8e-2f9a3c1d4e5f"},
                 {"role", "admin"},
                 {"settings", R"({"theme":"dark"})"},
                 {"created_at", "2024-05-01 14:30:15.25+02"}};
  User user;
  orm::read_text_row(user, lookup(row));
  EXPECT_EQ(user.id.to_string(), "6f1c7a57-0d2b-4c5e-9b8e-2f9a3c1d4e5f");
  EXPECT_EQ(user.role, Role::admin);
  EXPECT_EQ(user.settings, boost::json::parse(R"({"theme":"dark"})"));
  EXPECT_EQ(user.created_at, kMay1);
  Power power;
  orm::read_text_row(power, lookup(TextRow{{"cost", "12.50"}, {"kind", "magic"}}));
  EXPECT_EQ(power.cost->to_string(), "12.50");
  EXPECT_EQ(power.kind, PowerKind::magic);
}

TEST(ReadRow, TypedSource) {
  Profile profile;
  auto id = orm::Uuid::parse("6f1c7a57-0d2b-4c5e-9b8e-2f9a3c1d4e5f").value();
  std::vector<std::string> asked;
  auto read = orm::read_row(profile, [&](const orm::SchemaColumn& column, auto& cell) {
    using V = typename std::remove_reference_t<decltype(cell)>::value_type;
    asked.push_back(column.name);
    if constexpr (std::is_same_v<V, std::int32_t>) {
      cell = 4;
    } else if constexpr (std::is_same_v<V, orm::Uuid>) {
      cell = id;
    } else {
      return false;
    }
    return true;
  });
  EXPECT_EQ(asked, (std::vector<std::string>{"id", "bio", "user_id"}));
  EXPECT_EQ(read.names(), (std::vector<std::string_view>{"id", "user"}));
  EXPECT_EQ(profile.id, 4);
  EXPECT_EQ(profile.user.id(), id);
}

TEST(ReadRow, Errors) {
  Hero hero;
  try {
    orm::read_text_row(hero, lookup(TextRow{{"name", std::nullopt}}));
    FAIL() << "no exception";
  } catch (const orm::RowError& error) {
    EXPECT_STREQ(error.what(), "Hero.name: the column is NULL but the member is not optional");
  }
  try {
    orm::read_text_row(hero, lookup(TextRow{{"age", "thirty"}}));
    FAIL() << "no exception";
  } catch (const orm::RowError& error) {
    EXPECT_STREQ(error.what(), "Hero.age: cannot read 'thirty' from the database");
  }
  User user;
  try {
    orm::read_text_row(user, lookup(TextRow{{"role", "boss"}}));
    FAIL() << "no exception";
  } catch (const orm::RowError& error) {
    EXPECT_STREQ(error.what(), "User.role: cannot read 'boss' from the database");
  }
}

TEST(ColumnText, PostgresTextFormat) {
  EXPECT_EQ(orm::parse_column_text<bool>("t"), true);
  EXPECT_EQ(orm::parse_column_text<bool>("false"), false);
  EXPECT_EQ(orm::parse_column_text<bool>("1"), true);
  EXPECT_EQ(orm::parse_column_text<bool>("yes"), std::nullopt);
  EXPECT_EQ(orm::parse_column_text<std::int32_t>("-12"), -12);
  EXPECT_EQ(orm::parse_column_text<std::int32_t>("3000000000"), std::nullopt);
  EXPECT_EQ(orm::parse_column_text<std::int64_t>("3000000000"), 3000000000);
  EXPECT_EQ(orm::parse_column_text<std::int64_t>("12a"), std::nullopt);
  EXPECT_EQ(orm::parse_column_text<double>("-1.5e3"), -1500.0);
  EXPECT_TRUE(std::isnan(*orm::parse_column_text<double>("NaN")));
  EXPECT_EQ(orm::parse_column_text<double>("-Infinity"), -INFINITY);
  EXPECT_EQ(orm::parse_column_text<std::string>("x y"), "x y");
  EXPECT_EQ(orm::parse_column_text<orm::Timestamp>("2024-05-01 12:30:15.25"), kMay1);
  EXPECT_EQ(orm::parse_column_text<orm::Timestamp>("2024-05-01 18:00:15.25+05:30"), kMay1);
  EXPECT_EQ(orm::parse_column_text<orm::Timestamp>("2024-05-01T12:30:15.25Z"), kMay1);
  EXPECT_EQ(orm::parse_column_text<orm::Timestamp>("infinity"), orm::Timestamp::max());
  EXPECT_EQ(orm::parse_column_text<orm::Timestamp>("May 1st"), std::nullopt);
  EXPECT_EQ(orm::parse_column_text<boost::json::value>("[1,{}]"), boost::json::parse("[1,{}]"));
  EXPECT_EQ(orm::parse_column_text<boost::json::value>("{"), std::nullopt);
  EXPECT_EQ(orm::parse_column_text<orm::Decimal>("-0.50")->to_string(), "-0.50");
  EXPECT_EQ(orm::parse_column_text<orm::Decimal>("NaN"), std::nullopt);
  EXPECT_EQ(orm::parse_column_text<orm::Uuid>("6f1c7a57-0d2b-4c5e-9b8e-2f9a3c1d4e5f")->to_string(),
            "6f1c7a57-0d2b-4c5e-9b8e-2f9a3c1d4e5f");
}

}  // namespace
