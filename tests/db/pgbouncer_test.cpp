// PostgreSQL through a real PgBouncer in transaction pooling mode (the CTest fixture's
// scripts/pgbouncer-test.sh, pool of 3 server connections) with pgbouncer=true: statements
// run unnamed, so the same SQL repeated over many client connections, pipelined, with and
// without parameters, and inside transactions works although consecutive transactions of a
// client connection land on different server connections.
//
// Thread-safety: one test thread.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "conduit/db/database.hpp"
#include "postgres_fixture.hpp"
#include "support/db_test_support.hpp"

namespace conduit::db {
namespace {

using testing::Loop;

class PostgresPgBouncerTest : public testing::PostgresFixture {
 protected:
  void SetUp() override {
    testing::PostgresFixture::SetUp();
    if (IsSkipped()) return;
    const char* url = std::getenv("CONDUIT_TEST_PGBOUNCER_URL");
    if (!url) GTEST_SKIP() << "CONDUIT_TEST_PGBOUNCER_URL is not set (run through ctest)";
    if (!bouncer_installed()) {
      GTEST_SKIP() << "pgbouncer is not installed (apt-get install pgbouncer; "
                      "scripts/install-deps.sh and CI install it)";
    }
    bouncer_ = DatabaseConfiguration::parse_url(url);
    ASSERT_TRUE(bouncer_.behind_transaction_pooler());
  }

  static bool bouncer_installed() {
    if (const char* bin = std::getenv("PGBOUNCER")) return access(bin, X_OK) == 0;
    return std::system("command -v pgbouncer >/dev/null 2>&1 || test -x /usr/sbin/pgbouncer") == 0;
  }

  DatabaseConfiguration bouncer_;
};

TEST_F(PostgresPgBouncerTest, PipelinedStatementsRunUnnamedAcrossServerConnections) {
  tables_.push_back("pgb_items");
  DatabaseOptions options;
  options.max_connections = 4;  // more client connections than the bouncer's 3 servers
  auto db = Database::open(bouncer_, options);
  loop_.run(db->execute("DROP TABLE IF EXISTS pgb_items"));
  loop_.run(db->execute("CREATE TABLE pgb_items (id int PRIMARY KEY, name text NOT NULL)"));
  // Many copies of the same statements at once: in one pipeline and over several
  // connections, the paths that would prepare and reuse a cached statement.
  std::vector<std::shared_ptr<testing::Outcome<Result>>> inserts;
  for (int i = 0; i < 60; ++i) {
    inserts.push_back(loop_.spawn(db->execute("INSERT INTO pgb_items (id, name) VALUES ($1, $2)", i,
                                              "item " + std::to_string(i))));
  }
  loop_.run_until([&] {
    for (auto& q : inserts) {
      if (!q->done) return false;
    }
    return true;
  });
  for (auto& q : inserts) ASSERT_FALSE(q->error);
  for (int round = 0; round < 3; ++round) {
    std::vector<std::shared_ptr<testing::Outcome<Result>>> reads;
    for (int i = 0; i < 60; ++i) {
      reads.push_back(loop_.spawn(db->execute("SELECT name FROM pgb_items WHERE id = $1", i)));
    }
    loop_.run_until([&] {
      for (auto& q : reads) {
        if (!q->done) return false;
      }
      return true;
    });
    for (int i = 0; i < 60; ++i) {
      ASSERT_FALSE(reads[i]->error);
      EXPECT_EQ(reads[i]->value->front().get<std::string>(0), "item " + std::to_string(i));
    }
  }
  EXPECT_EQ(loop_.run(db->execute("SELECT count(*) FROM pgb_items")).front().get<std::int64_t>(0),
            60);
  // Time zone: UTC on whichever server connection runs the statement.
  EXPECT_EQ(loop_.run(db->execute("SHOW TimeZone")).front().get<std::string>(0), "UTC");
  loop_.run(db->close());
}

TEST_F(PostgresPgBouncerTest, TransactionsCommitAndRollBack) {
  tables_.push_back("pgb_accounts");
  auto db = Database::open(bouncer_, DatabaseOptions{.max_connections = 3});
  loop_.run(db->execute("DROP TABLE IF EXISTS pgb_accounts"));
  loop_.run(db->execute("CREATE TABLE pgb_accounts (id int PRIMARY KEY, balance int NOT NULL)"));
  loop_.run(db->execute("INSERT INTO pgb_accounts VALUES (1, 100), (2, 0)"));
  for (int i = 0; i < 5; ++i) {
    auto outcome = loop_.run(db->transaction([&](Transaction& tx) -> Task<void> {
      co_await tx.execute("UPDATE pgb_accounts SET balance = balance - $1 WHERE id = $2", 10, 1);
      co_await tx.execute("UPDATE pgb_accounts SET balance = balance + $1 WHERE id = $2", 10, 2);
    }));
    EXPECT_TRUE(outcome.committed);
  }
  auto rolled_back = loop_.run(db->transaction([&](Transaction& tx) -> Task<void> {
    co_await tx.execute("UPDATE pgb_accounts SET balance = 0 WHERE id = $1", 1);
    throw Rollback("changed my mind");
  }));
  EXPECT_FALSE(rolled_back.committed);
  auto balance = [&](int id) {
    return loop_.run(db->execute("SELECT balance FROM pgb_accounts WHERE id = $1", id))
        .front()
        .get<int>(0);
  };
  EXPECT_EQ(balance(1), 50);
  EXPECT_EQ(balance(2), 50);
  loop_.run(db->close());
}

// Two Databases (as two server processes would have) sharing the bouncer's three server
// connections, interleaving the same statements: each one's server connection changes
// under it between statements.
TEST_F(PostgresPgBouncerTest, TwoPoolsShareTheBouncer) {
  auto a = Database::open(bouncer_, DatabaseOptions{.max_connections = 2});
  auto b = Database::open(bouncer_, DatabaseOptions{.max_connections = 2});
  std::vector<std::shared_ptr<testing::Outcome<Result>>> queries;
  for (int i = 0; i < 40; ++i) {
    auto& db = i % 2 ? a : b;
    queries.push_back(loop_.spawn(db->execute("SELECT $1::int * 2 AS twice", i)));
  }
  loop_.run_until([&] {
    for (auto& q : queries) {
      if (!q->done) return false;
    }
    return true;
  });
  for (int i = 0; i < 40; ++i) {
    ASSERT_FALSE(queries[i]->error);
    EXPECT_EQ(queries[i]->value->front().get<int>("twice"), i * 2);
  }
  loop_.run(a->close());
  loop_.run(b->close());
}

}  // namespace
}  // namespace conduit::db
