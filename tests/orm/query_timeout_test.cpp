// orm::Query::timeout: a statement that outlives the query's own timeout fails with a 503
// timeout although the database's default would let it finish; a generous timeout does
// not get in the way. The slow statement reads a view that takes seconds to compute.
// Runs on SQLite and, when CONDUIT_TEST_DATABASE_URL is set, on PostgreSQL.
#include <gtest/gtest.h>

#include <chrono>

#include "query_support.hpp"

namespace query_models {

// A view that takes seconds to read.
struct Slow {
  std::int64_t id = 0;
  std::string name;
  static constexpr auto table = "q_slow";
};
BOOST_DESCRIBE_STRUCT(Slow, (), (id, name))

}  // namespace query_models

namespace conduit::orm::testing {
namespace {

using namespace std::chrono_literals;
using query_models::Slow;

class QueryTimeoutTest : public QueryTest {
 protected:
  void SetUp() override {
    QueryTest::SetUp();
    if (IsSkipped()) return;
    run(db_->execute_script(
        postgres() ? "CREATE VIEW q_slow AS SELECT 1::bigint AS id, 'slow'::text AS name FROM "
                     "pg_sleep(5)"
                   : "DROP VIEW IF EXISTS q_slow; CREATE VIEW q_slow AS WITH RECURSIVE c(x) AS "
                     "(SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) SELECT MAX(x) "
                     "AS id, 'slow' AS name FROM c"));
  }
  void TearDown() override {
    if (db_ && !postgres()) run(db_->execute_script("DROP VIEW IF EXISTS q_slow"));
    QueryTest::TearDown();
  }
};

TEST_P(QueryTimeoutTest, AStatementPastTheQuerysTimeoutFailsWith503) {
  seed();
  // Generous: no effect.
  EXPECT_EQ(run(villains().timeout(10s).where(&Villain::power).greater_than(50).count()), 3);
  EXPECT_EQ(run(villains().timeout(10s).sort_by(&Villain::name).fetch()).size(), 5U);

  const auto start = std::chrono::steady_clock::now();
  try {
    run(Query<Slow>(*db_).timeout(200ms).fetch());
    FAIL() << "the slow statement finished";
  } catch (const db::DatabaseError& e) {
    EXPECT_EQ(e.kind(), db::ErrorKind::timeout) << e.what();
    EXPECT_EQ(e.status(), 503);
  }
  // Well before the statement itself (5 s of sleep, or ~10 s of counting) would end.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  // (On PostgreSQL the timed-out connection is dropped, and with it this test's
  // search_path: nothing else runs here.)
}

TEST_P(QueryTimeoutTest, EveryKindOfStatementTakesTheTimeout) {
  seed();
  Villain values;
  values.power = 1;
  const auto power = FieldSet<Villain>::of<&Villain::power>();
  auto q = villains().timeout(5s).where(&Villain::name).equal_to("Bane");
  EXPECT_EQ(q.timeout_setting(), std::chrono::milliseconds(5s));
  EXPECT_EQ(run(q.update(values, power)).size(), 1U);
  EXPECT_TRUE(run(q.update_one(values, power)));
  EXPECT_TRUE(run(q.fetch_one()));
  EXPECT_EQ(run(q.sum(&Villain::power)), 1);
  EXPECT_EQ(run(q.delete_()), 1U);
  Villain v;
  v.name = "New";
  EXPECT_EQ(run(villains().timeout(5s).insert(v, FieldSet<Villain>::of<&Villain::name>())).name,
            "New");
}

INSTANTIATE_TEST_SUITE_P(Dialects, QueryTimeoutTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         dialect_name);

}  // namespace
}  // namespace conduit::orm::testing
