// orm::Query's aggregates (Conduit's Query.reduce): sum, average, minimum and maximum
// honouring the predicates, typed results, nullopt when no row matches, decimals and time
// stamps, and the SQL text per dialect. Runs on SQLite and, when
// CONDUIT_TEST_DATABASE_URL is set, on PostgreSQL.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <type_traits>

#include "query_support.hpp"

namespace conduit::orm::testing {
namespace {

class QueryAggregateTest : public QueryTest {};

TEST_P(QueryAggregateTest, SumOfIntegersIsInt64) {
  seed();  // powers 80 90 30 40 55, ratings 9.5 7 5.5 6 7.5
  using Sum = decltype(run(villains().sum(&Villain::power)));
  static_assert(std::is_same_v<Sum, std::optional<std::int64_t>>);
  EXPECT_EQ(run(villains().sum(&Villain::power)), 295);
  EXPECT_EQ(run(villains().sum(&Villain::id)), run(villains().sum(&Villain::id)));
  EXPECT_EQ(run(villains().where(&Villain::mood).equal_to(Mood::angry).sum(&Villain::power)), 175);
  // No row: nullopt, as SQL's SUM of nothing is NULL.
  EXPECT_EQ(run(villains().where(&Villain::power).greater_than(1000).sum(&Villain::power)),
            std::nullopt);
  // Sorting, limit and offset do not apply.
  EXPECT_EQ(run(villains().sort_by(&Villain::name).limit(1).offset(1).sum(&Villain::power)), 295);
}

TEST_P(QueryAggregateTest, SumOfInt64BeyondInt32) {
  // Ids are int64: a sum past 2^31 stays exact (PostgreSQL's sum(bigint) is numeric).
  Villain v;
  v.name = "Big";
  auto keys = FieldSet<Villain>::of<&Villain::id, &Villain::name>();
  v.id = 3'000'000'000;
  run(villains().insert(v, keys));
  v.name = "Bigger";
  v.id = 4'000'000'000;
  run(villains().insert(v, keys));
  EXPECT_EQ(run(villains().sum(&Villain::id)), 7'000'000'000);
}

TEST_P(QueryAggregateTest, SumAndAverageOfDoubles) {
  seed();
  static_assert(
      std::is_same_v<decltype(run(villains().sum(&Villain::rating))), std::optional<double>>);
  EXPECT_DOUBLE_EQ(*run(villains().sum(&Villain::rating)), 35.5);
  EXPECT_DOUBLE_EQ(*run(villains().average(&Villain::rating)), 7.1);
  // The average of integers is not truncated.
  EXPECT_DOUBLE_EQ(*run(villains().average(&Villain::power)), 59.0);
  EXPECT_DOUBLE_EQ(
      *run(villains().where(&Villain::name).one_of({"Bane", "Penguin"}).average(&Villain::power)),
      60.0);
  EXPECT_DOUBLE_EQ(
      *run(villains().where(&Villain::name).one_of({"Bane", "Riddler"}).average(&Villain::power)),
      65.0);
  EXPECT_EQ(run(villains().where(&Villain::power).less_than(0).average(&Villain::power)),
            std::nullopt);
}

TEST_P(QueryAggregateTest, MinimumAndMaximumHaveTheMemberType) {
  seed();
  static_assert(std::is_same_v<decltype(run(villains().minimum(&Villain::power))),
                               std::optional<std::int32_t>>);
  EXPECT_EQ(run(villains().minimum(&Villain::power)), 30);
  EXPECT_EQ(run(villains().maximum(&Villain::power)), 90);
  EXPECT_EQ(run(villains().where(&Villain::active).equal_to(true).minimum(&Villain::power)), 40);
  EXPECT_DOUBLE_EQ(*run(villains().maximum(&Villain::rating)), 9.5);
  EXPECT_EQ(run(villains().where(&Villain::name).equal_to("Nobody").maximum(&Villain::rating)),
            std::nullopt);
}

TEST_P(QueryAggregateTest, MinimumAndMaximumOfTimestamps) {
  const Timestamp early = std::chrono::sys_days{std::chrono::year{2020} / 1 / 2} +
                          std::chrono::hours(3) + std::chrono::microseconds(4);
  const Timestamp late = early + std::chrono::hours(24 * 400);
  auto keys = FieldSet<Villain>::of<&Villain::name, &Villain::created_at>();
  for (const auto& [name, at] : {std::pair{"Early", early}, std::pair{"Late", late},
                                 std::pair{"Middle", early + std::chrono::hours(5)}}) {
    Villain v;
    v.name = name;
    v.created_at = at;
    run(villains().insert(v, keys));
  }
  static_assert(std::is_same_v<decltype(run(villains().minimum(&Villain::created_at))),
                               std::optional<Timestamp>>);
  EXPECT_EQ(run(villains().minimum(&Villain::created_at)), early);
  EXPECT_EQ(run(villains().maximum(&Villain::created_at)), late);
  EXPECT_EQ(
      run(villains().where(&Villain::name).not_equal_to("Late").maximum(&Villain::created_at)),
      early + std::chrono::hours(5));
}

TEST_P(QueryAggregateTest, DecimalsAggregateByValue) {
  Query<Stash> stashes(*db_);
  for (const char* amount : {"9.50", "10.25", "100", "0.25"}) {
    Stash s;
    s.id = Uuid::random();
    s.amount = *Decimal::parse(amount);
    run(stashes.insert(s));
  }
  // By value, not as text ("9.50" > "100" as text).
  EXPECT_EQ(run(stashes.maximum(&Stash::amount)), *Decimal::parse("100"));
  EXPECT_EQ(run(stashes.minimum(&Stash::amount)), *Decimal::parse("0.25"));
  static_assert(std::is_same_v<decltype(run(stashes.sum(&Stash::amount))), std::optional<Decimal>>);
  EXPECT_EQ(run(stashes.sum(&Stash::amount)), *Decimal::parse("120"));
  EXPECT_DOUBLE_EQ(*run(stashes.average(&Stash::amount)), 30.0);
}

TEST_P(QueryAggregateTest, KeyPathPredicatesApply) {
  const Guild rogues = run(Query<Guild>(*db_).insert(Guild{.id = 0, .name = "Rogues"}));
  seed();
  Villain moved;
  moved.guild = rogues.id;
  run(villains()
          .where(&Villain::name)
          .one_of({"Joker", "Penguin"})
          .update(moved, FieldSet<Villain>::of<&Villain::guild>()));
  EXPECT_EQ(run(villains()
                    .where(path(&Villain::guild, &Guild::name))
                    .equal_to("Rogues")
                    .sum(&Villain::power)),
            110);
}

INSTANTIATE_TEST_SUITE_P(Dialects, QueryAggregateTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         dialect_name);

TEST(QueryAggregateSqlTest, CastsWhereTheDialectsDiffer) {
  detail::QuerySpec spec;
  spec.table = "t";
  spec.where.push_back(detail::make_leaf("a", detail::Op::greater, {1}, false));
  spec.sort.push_back({"a", false});
  spec.limit = 3;
  using detail::Aggregate;
  using detail::AggregateInput;
  EXPECT_EQ(detail::aggregate_sql(db::Dialect::postgres, spec, Aggregate::sum,
                                  AggregateInput::integer, "n")
                .sql,
            "SELECT CAST(SUM(\"n\") AS BIGINT) FROM \"t\" WHERE \"a\" > $1");
  EXPECT_EQ(
      detail::aggregate_sql(db::Dialect::sqlite, spec, Aggregate::average, AggregateInput::decimal,
                            "n")
          .sql,
      "SELECT CAST(AVG(CAST(\"n\" AS REAL)) AS DOUBLE PRECISION) FROM \"t\" WHERE \"a\" > $1");
  EXPECT_EQ(detail::aggregate_sql(db::Dialect::postgres, spec, Aggregate::maximum,
                                  AggregateInput::decimal, "n")
                .sql,
            "SELECT MAX(\"n\") FROM \"t\" WHERE \"a\" > $1");
  EXPECT_EQ(detail::aggregate_sql(db::Dialect::sqlite, spec, Aggregate::minimum,
                                  AggregateInput::timestamp, "n")
                .sql,
            "SELECT MIN(\"n\") FROM \"t\" WHERE \"a\" > $1");
}

}  // namespace
}  // namespace conduit::orm::testing
