// Statements sharing PostgreSQL connections through libpq's pipeline mode, against the
// fixture's throwaway cluster: the pool packs statements onto busy connections but not
// behind a stalled one (or opens every connection first when told to), bounds the depth, keeps each
// statement's failure to itself, times out the whole queue behind a slow statement, survives
// callers that go away, does not starve transactions, and hands every result to its own caller
// under load.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "conduit/db/database.hpp"
#include "postgres_fixture.hpp"
#include "support/db_test_support.hpp"

namespace conduit::db {
namespace {

using namespace std::chrono_literals;
using testing::Outcome;

class PostgresPipelineTest : public testing::PostgresFixture {
 protected:
  std::shared_ptr<Database> open(std::size_t connections, std::size_t depth,
                                 const std::string& tag = {},
                                 std::chrono::milliseconds stall = 20ms) {
    auto config = tag.empty() ? testing::postgres_config() : tagged_config(tag);
    DatabaseOptions options;
    options.max_connections = connections;
    options.pipeline_depth = depth;
    options.pipeline_stall = stall;
    return Database::open(config, options);
  }

  template <class T>
  void run_all(const std::vector<std::shared_ptr<Outcome<T>>>& outcomes,
               std::chrono::milliseconds bound = 30s) {
    loop_.run_until(
        [&] {
          for (const auto& o : outcomes) {
            if (!o->done) return false;
          }
          return true;
        },
        bound);
  }

  struct Failure {
    ErrorKind kind{};
    int status = 0;
    std::string sql_state;
  };
  static Failure error_of(const std::exception_ptr& error) {
    try {
      std::rethrow_exception(error);
    } catch (const DatabaseError& e) {
      return Failure{e.kind(), e.status(), e.sql_state()};
    } catch (...) {
    }
    ADD_FAILURE() << "not a DatabaseError";
    return {};
  }
};

TEST_F(PostgresPipelineTest, PacksStatementsOntoTheBusiestConnection) {
  const std::string tag = testing::unique_name("packed");
  auto db = open(2, 8, tag);
  loop_.run(db->execute("SELECT 1"));
  std::vector<std::shared_ptr<Outcome<Result>>> queries;
  for (int i = 0; i < 6; ++i) {
    queries.push_back(loop_.spawn(db->execute("SELECT pg_sleep(0.01), $1::int AS i", i)));
  }
  // Six statements fit behind each other on the open connection: no second one.
  EXPECT_EQ(db->stats().open, 1u);
  EXPECT_EQ(db->stats().waiting, 0u);
  run_all(queries);
  for (int i = 0; i < 6; ++i) {
    ASSERT_FALSE(queries[i]->error);
    EXPECT_EQ(queries[i]->value->front().get<int>("i"), i);
  }
  EXPECT_EQ(server_connections(tag), 1);
}

TEST_F(PostgresPipelineTest, AStalledConnectionSendsTheNextStatementsElsewhere) {
  const std::string tag = testing::unique_name("stalled");
  auto db = open(2, 8, tag, 1ms);
  loop_.run(db->execute("SELECT 1"));
  auto slow = loop_.spawn(db->execute("SELECT pg_sleep(2)"));
  // The policy is about time: let the slow statement become older than the 1 ms limit.
  const auto sent = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < sent + 3ms) {
  }
  auto fast = loop_.spawn(db->execute("SELECT 2"));
  loop_.run_until([&] { return fast->done; }, 5s);
  ASSERT_FALSE(fast->error);
  EXPECT_EQ(fast->value->front().get<int>(0), 2);
  EXPECT_FALSE(slow->done);  // it did not wait behind pg_sleep(2)
  EXPECT_EQ(server_connections(tag), 2);
  loop_.run_until([&] { return slow->done; }, 10s);
  EXPECT_FALSE(slow->error);
}

TEST_F(PostgresPipelineTest, WithoutAStallLimitEveryConnectionOpensBeforeAnyQueue) {
  const std::string tag = testing::unique_name("pipeline");
  auto db = open(2, 8, tag, 0ms);
  // Two statements at once: the second opens the second connection rather than queue.
  auto a = loop_.spawn(db->execute("SELECT pg_sleep(0.01)"));
  auto b = loop_.spawn(db->execute("SELECT pg_sleep(0.01)"));
  run_all(std::vector{a, b});
  EXPECT_EQ(server_connections(tag), 2);
  std::vector<std::shared_ptr<Outcome<Result>>> queries;
  for (int i = 0; i < 12; ++i) {
    queries.push_back(loop_.spawn(db->execute("SELECT pg_sleep(0.01), $1::int AS i", i)));
  }
  // Twelve statements fit in two connections of depth eight: nobody waits for the pool.
  EXPECT_EQ(db->stats().waiting, 0u);
  run_all(queries);
  for (int i = 0; i < 12; ++i) {
    ASSERT_FALSE(queries[i]->error);
    EXPECT_EQ(queries[i]->value->front().get<int>("i"), i);
  }
  EXPECT_EQ(db->stats().open, 2u);
  EXPECT_EQ(db->stats().idle, 2u);
  EXPECT_EQ(server_connections(tag), 2);
}

TEST_F(PostgresPipelineTest, DepthBoundsTheStatementsInFlightPerConnection) {
  auto db = open(1, 3);
  loop_.run(db->execute("SELECT 1"));
  std::vector<std::shared_ptr<Outcome<Result>>> queries;
  for (int i = 0; i < 5; ++i) {
    queries.push_back(loop_.spawn(db->execute("SELECT pg_sleep(0.01), $1::int AS i", i)));
  }
  EXPECT_EQ(db->stats().waiting, 2u);
  run_all(queries);
  for (int i = 0; i < 5; ++i) {
    ASSERT_FALSE(queries[i]->error);
    EXPECT_EQ(queries[i]->value->front().get<int>("i"), i);
  }
  EXPECT_EQ(db->stats().waiting, 0u);
}

TEST_F(PostgresPipelineTest, AFailingStatementChangesNothingForTheOthersInFlight) {
  const std::string table = testing::unique_name("pipeline_t");
  tables_.push_back(table);
  loop_.run(admin_->execute("CREATE TABLE " + table + " (id int PRIMARY KEY)"));
  auto db = open(1, 8);
  loop_.run(db->execute("SELECT 1"));
  const std::string insert = "INSERT INTO " + table + " (id) VALUES ($1)";
  auto first = loop_.spawn(db->execute(insert, 1));
  auto duplicate = loop_.spawn(db->execute(insert, 1));
  auto division = loop_.spawn(db->execute("SELECT 1 / $1::int", 0));
  auto second = loop_.spawn(db->execute(insert, 2));
  EXPECT_EQ(db->stats().open, 1u);
  run_all(std::vector{first, duplicate, division, second});
  EXPECT_FALSE(first->error);
  EXPECT_FALSE(second->error);
  ASSERT_TRUE(duplicate->error);
  EXPECT_EQ(error_of(duplicate->error).status, 409);
  ASSERT_TRUE(division->error);
  EXPECT_EQ(error_of(division->error).sql_state, "22012");
  // Each statement was its own transaction: the failures rolled back nobody else's row.
  EXPECT_EQ(loop_.run(admin_->execute("SELECT count(*) FROM " + table)).front().get<int>(0), 2);
  EXPECT_EQ(loop_.run(db->execute("SELECT 3")).front().get<int>(0), 3);
}

TEST_F(PostgresPipelineTest, ATimedOutStatementFailsTheQueueBehindItWith503) {
  auto db = open(1, 8);
  loop_.run(db->execute("SELECT 1"));
  auto slow = loop_.spawn(db->execute("SELECT pg_sleep(5)", {}, 200ms));
  auto behind = loop_.spawn(db->execute("SELECT 2"));
  run_all(std::vector{slow, behind}, 5s);
  ASSERT_TRUE(slow->error);
  EXPECT_EQ(error_of(slow->error).kind, ErrorKind::timeout);
  ASSERT_TRUE(behind->error);
  EXPECT_EQ(error_of(behind->error).status, 503);
  EXPECT_EQ(loop_.run(db->execute("SELECT 3")).front().get<int>(0), 3);
}

TEST_F(PostgresPipelineTest, ACallerThatGoesAwayLeavesTheOthersTheirResults) {
  auto db = open(1, 8);
  loop_.run(db->execute("SELECT 1"));
  auto root = testing::start_root(db->execute("SELECT pg_sleep(0.05)"));
  auto other = loop_.spawn(db->execute("SELECT 2"));
  root.destroy();
  loop_.run_until([&] { return other->done; }, 5s);
  ASSERT_FALSE(other->error);
  EXPECT_EQ(other->value->front().get<int>(0), 2);
  EXPECT_EQ(db->stats().open, 1u);
  EXPECT_EQ(loop_.run(db->execute("SELECT 3")).front().get<int>(0), 3);
}

TEST_F(PostgresPipelineTest, AServerThatDropsTheConnectionFailsEveryStatementOnIt) {
  const std::string tag = testing::unique_name("dropped");
  auto db = open(1, 8, tag);
  const int pid = loop_.run(db->execute("SELECT pg_backend_pid()")).front().get<int>(0);
  std::vector<std::shared_ptr<Outcome<Result>>> queries;
  for (int i = 0; i < 3; ++i) queries.push_back(loop_.spawn(db->execute("SELECT pg_sleep(10)")));
  loop_.run(admin_->execute("SELECT pg_terminate_backend($1)", pid));
  run_all(queries, 5s);
  for (const auto& q : queries) {
    ASSERT_TRUE(q->error);
    EXPECT_EQ(error_of(q->error).kind, ErrorKind::connection_failed);
  }
  EXPECT_EQ(loop_.run(db->execute("SELECT 4")).front().get<int>(0), 4);
  EXPECT_EQ(server_connections(tag), 1);
}

TEST_F(PostgresPipelineTest, TransactionsAreNotStarvedByAStreamOfStatements) {
  auto db = open(1, 4);
  bool stop = false;
  std::vector<std::shared_ptr<Outcome<void>>> pumps;
  for (int w = 0; w < 4; ++w) {
    pumps.push_back(loop_.spawn([](Database& d, const bool& done) -> Task<void> {
      while (!done) co_await d.execute("SELECT pg_sleep(0.002)");
    }(*db, stop)));
  }
  auto tx = loop_.spawn(
      db->transaction([](Transaction& t) -> Task<void> { co_await t.execute("SELECT 1"); }));
  loop_.run_until([&] { return tx->done; }, 10s);
  stop = true;
  run_all(pumps);
  ASSERT_FALSE(tx->error);
  EXPECT_TRUE(tx->value->committed);
  for (const auto& p : pumps) EXPECT_FALSE(p->error);
}

TEST_F(PostgresPipelineTest, EveryResultReachesItsOwnCallerUnderLoad) {
  auto db = open(2, 16);
  constexpr int kWorkers = 16, kEach = 150;
  std::vector<std::shared_ptr<Outcome<int>>> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.push_back(loop_.spawn([](Database& d, int worker) -> Task<int> {
      int mismatches = 0;
      for (int i = 0; i < kEach; ++i) {
        const int value = worker * 1000 + i;
        if (i % 10 == 9) {
          // Every tenth fails on the server, and must fail only for its caller.
          bool failed = false;
          try {
            co_await d.execute("SELECT $1::int / 0", value);
          } catch (const DatabaseError&) {
            failed = true;
          }
          if (!failed) ++mismatches;
          continue;
        }
        Result r = co_await d.execute("SELECT $1::int AS v", value);
        if (r.front().get<int>("v") != value) ++mismatches;
      }
      co_return mismatches;
    }(*db, w)));
  }
  run_all(workers, 60s);
  for (const auto& w : workers) {
    ASSERT_FALSE(w->error);
    EXPECT_EQ(*w->value, 0);
  }
  EXPECT_LE(db->stats().open, 2u);
}

TEST_F(PostgresPipelineTest, LargeResultsArriveWholeOverTls) {
  // Under ctest the cluster runs TLS and sslmode=prefer uses it. A TLS record can hold
  // more than libpq reads at once; the rest waits decrypted inside OpenSSL, where no
  // socket readiness will ever announce it.
  auto db = open(1, 8);
  std::vector<std::shared_ptr<Outcome<Result>>> queries;
  for (int i = 0; i < 4; ++i) {
    const std::string letter(1, static_cast<char>('a' + i));
    queries.push_back(
        loop_.spawn(db->execute("SELECT repeat($1::text, 100000 + $2::int) AS big, "
                                "(SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) AS tls "
                                "FROM generate_series(1, 3)",
                                letter, i)));
  }
  run_all(queries, 10s);
  for (int i = 0; i < 4; ++i) {
    ASSERT_FALSE(queries[i]->error);
    const Result& rows = *queries[i]->value;
    ASSERT_EQ(rows.size(), 3u);
    for (const auto& row : rows) {
      const std::string big = row.get<std::string>("big");
      EXPECT_EQ(big.size(), static_cast<std::size_t>(100000 + i));
      EXPECT_EQ(big.find_first_not_of(static_cast<char>('a' + i)), std::string::npos);
    }
    if (std::getenv("CONDUIT_PG_TEST_SSL")) {
      EXPECT_TRUE(rows.front().get<bool>("tls"));
    }
  }
}

}  // namespace
}  // namespace conduit::db
