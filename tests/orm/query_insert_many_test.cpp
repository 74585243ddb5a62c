// orm::Query::insert_many: one multi-row INSERT ... RETURNING with the rows in input
// order, every object validated before any SQL, nothing run for no objects, batches
// beyond the dialect's parameter limit in one transaction, DEFAULT VALUES rows, and the
// SQL text. Runs on SQLite and, when CONDUIT_TEST_DATABASE_URL is set, on PostgreSQL.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <stdexcept>

#include "query_support.hpp"

namespace query_models {

// Every column has a default, so a row can be inserted without naming any.
struct Counter {
  std::int64_t id = 0;
  std::int32_t n = 0;
  static constexpr auto table = "q_counter";
  static constexpr orm::Column columns[] = {{.member = "n", .default_value = "7"}};
};
BOOST_DESCRIBE_STRUCT(Counter, (), (id, n))

}  // namespace query_models

namespace conduit::orm::testing {
namespace {

using query_models::Counter;
using Names = std::vector<std::string>;

class QueryInsertManyTest : public QueryTest {
 protected:
  void SetUp() override {
    QueryTest::SetUp();
    if (IsSkipped()) return;
    run(db_->execute_script(
        postgres() ? "CREATE TABLE q_counter (id BIGSERIAL PRIMARY KEY, n INTEGER NOT NULL "
                     "DEFAULT 7)"
                   : "DROP TABLE IF EXISTS q_counter; CREATE TABLE q_counter (id INTEGER "
                     "PRIMARY KEY AUTOINCREMENT, n INTEGER NOT NULL DEFAULT 7)"));
  }
  void TearDown() override {
    if (db_ && !postgres()) run(db_->execute_script("DROP TABLE IF EXISTS q_counter"));
    QueryTest::TearDown();
  }

  static Villain villain(std::string name, std::int32_t power) {
    Villain v;
    v.name = std::move(name);
    v.power = power;
    return v;
  }
  static FieldSet<Villain> name_and_power() {
    return FieldSet<Villain>::of<&Villain::name, &Villain::power>();
  }
  static FieldSet<Villain> eight_columns() {
    return seeded_keys() | FieldSet<Villain>::of<&Villain::secret, &Villain::created_at>();
  }
  // `count` villains named v00000, v00001, ... with power i % 100.
  static std::vector<Villain> many(std::size_t count) {
    std::vector<Villain> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      out.push_back(villain(fmt::format("v{:05}", i), static_cast<std::int32_t>(i % 100)));
    }
    return out;
  }
};

TEST_P(QueryInsertManyTest, InsertsEveryRowAndReturnsThemInOrder) {
  const std::vector<Villain> input = {villain("Zod", 90), villain("Bane", 80),
                                      villain("Mxyzptlk", 70)};
  const std::vector<Villain> stored = run(villains().insert_many(input, name_and_power()));
  ASSERT_EQ(stored.size(), 3U);
  for (std::size_t i = 0; i < input.size(); ++i) {
    EXPECT_EQ(stored[i].name, input[i].name);
    EXPECT_EQ(stored[i].power, input[i].power);
    EXPECT_TRUE(stored[i].active);  // the column default, read back
    EXPECT_EQ(stored[i].secret, "");
    if (i > 0) {
      EXPECT_GT(stored[i].id, stored[i - 1].id);
    }
  }
  EXPECT_EQ(sorted_names(villains()), (Names{"Bane", "Mxyzptlk", "Zod"}));

  // Without a key set: every stored member but the autoincrement key.
  Villain full = villain("Joker", 10);
  full.alias = "Jack";
  full.mood = Mood::angry;
  full.secret = "laugh";
  const auto all = run(villains().returning(FieldSet<Villain>::all()).insert_many({full}));
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(all[0].alias, "Jack");
  EXPECT_EQ(all[0].mood, Mood::angry);
  EXPECT_EQ(all[0].secret, "laugh");
}

TEST_P(QueryInsertManyTest, NoObjectsRunNoStatement) {
  // A closed database fails every statement, so an insert_many that ran one would throw.
  auto closed = db::Database::open(postgres() ? db::testing::postgres_config()
                                              : db::testing::sqlite_memory_config());
  run(closed->close());
  EXPECT_THROW(run(Query<Villain>(*closed).count()), db::DatabaseError);
  EXPECT_TRUE(run(Query<Villain>(*closed).insert_many({}, name_and_power())).empty());
}

TEST_P(QueryInsertManyTest, ValidatesEveryObjectBeforeAnySql) {
  const std::vector<Villain> input = {villain("Zod", 90), villain("Bane", 500)};
  try {
    run(villains().insert_many(input, name_and_power()));
    FAIL() << "the invalid insert succeeded";
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.status(), 400);
    ASSERT_EQ(e.reasons().size(), 1U);
    EXPECT_NE(e.reasons()[0].find("power"), std::string::npos) << e.reasons()[0];
  }
  EXPECT_EQ(run(villains().count()), 0);
}

TEST_P(QueryInsertManyTest, SplitsBeyondTheParameterLimitInOneTransaction) {
  // Eight parameters a row: more rows than one statement may bind.
  const std::size_t count = detail::max_parameters(GetParam()) / 8 + 100;
  const std::vector<Villain> input = many(count);
  const std::vector<Villain> stored =
      run(villains().returning<&Villain::name>().insert_many(input, eight_columns()));
  ASSERT_EQ(stored.size(), count);
  for (std::size_t i = 0; i < count; i += 997) EXPECT_EQ(stored[i].name, input[i].name);
  EXPECT_EQ(stored.back().name, input.back().name);
  EXPECT_GT(stored.back().id, stored.front().id);
  EXPECT_EQ(run(villains().count()), static_cast<std::int64_t>(count));

  // A duplicate in the last batch undoes the earlier batches too.
  run(villains().can_modify_all_instances().delete_());
  std::vector<Villain> clash = many(count);
  clash.back().name = clash.front().name;
  try {
    run(villains().insert_many(clash, eight_columns()));
    FAIL() << "the duplicate insert succeeded";
  } catch (const db::DatabaseError& e) {
    EXPECT_EQ(e.kind(), db::ErrorKind::unique_violation);
  }
  EXPECT_EQ(run(villains().count()), 0);
}

TEST_P(QueryInsertManyTest, BatchesRunOnTheCallersTransaction) {
  const std::size_t count = detail::max_parameters(GetParam()) / 8 + 10;
  std::size_t inserted = 0;
  auto outcome = run(db_->transaction([&](db::Transaction& tx) -> Task<void> {
    inserted = (co_await Query<Villain>(tx).returning<&Villain::name>().insert_many(
                    many(count), eight_columns()))
                   .size();
    throw db::Rollback("undo");
  }));
  EXPECT_FALSE(outcome.committed);
  EXPECT_EQ(inserted, count);
  EXPECT_EQ(run(villains().count()), 0);
}

TEST_P(QueryInsertManyTest, RowsWithoutColumnsGetTheirDefaults) {
  const auto stored =
      run(Query<Counter>(*db_).insert_many({Counter{}, Counter{}, Counter{}}, FieldSet<Counter>()));
  ASSERT_EQ(stored.size(), 3U);
  for (const Counter& c : stored) EXPECT_EQ(c.n, 7);
  EXPECT_LT(stored[0].id, stored[2].id);
  EXPECT_EQ(run(Query<Counter>(*db_).count()), 3);
}

INSTANTIATE_TEST_SUITE_P(Dialects, QueryInsertManyTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         dialect_name);

TEST(QueryInsertManySqlTest, OneStatementWithARowOfParametersPerObject) {
  detail::QuerySpec spec;
  spec.table = "q_villain";
  auto statement = detail::insert_many_sql(db::Dialect::postgres, spec, {"name", "power"},
                                           {{"a", 1}, {"b", 2}, {"c", 3}}, {"id", "name"});
  EXPECT_EQ(statement.sql,
            "INSERT INTO \"q_villain\" (\"name\", \"power\") VALUES ($1, $2), ($3, $4), ($5, $6) "
            "RETURNING \"id\", \"name\"");
  ASSERT_EQ(statement.params.size(), 6U);
  EXPECT_EQ(statement.params[4], db::Value("c"));
  EXPECT_EQ(detail::max_parameters(db::Dialect::postgres), 65535U);
  EXPECT_EQ(detail::max_parameters(db::Dialect::sqlite), 999U);
  EXPECT_TRUE(detail::insert_many_sql(db::Dialect::sqlite, spec, {}, {{}}, {}).error);
}

}  // namespace
}  // namespace conduit::orm::testing
