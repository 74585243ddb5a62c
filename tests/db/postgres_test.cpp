// PostgreSQL-only behaviour against the fixture's throwaway cluster: lazy connections and
// the pool bound (checked on the server), reconnection after the server drops us, the
// server-side cancel of a timed-out query, connection failures that never show the
// password, the statement cache across schema changes, abandoned coroutines, and a
// round-trip throughput figure.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <vector>

#include "conduit/db/database.hpp"
#include "conduit/http/response.hpp"
#include "postgres_fixture.hpp"
#include "support/db_test_support.hpp"

namespace conduit::db {
namespace {

using namespace std::chrono_literals;
using testing::Gate;
using testing::Loop;

class PostgresTest : public testing::PostgresFixture {
 protected:
  int backend_pid(Executor& db) {
    return loop_.run(db.execute("SELECT pg_backend_pid()")).front().get<int>(0);
  }
};

TEST_F(PostgresTest, OpensConnectionsLazilyAndNeverMoreThanTheMaximum) {
  const std::string tag = testing::unique_name("pool");
  DatabaseOptions options;
  options.max_connections = 2;
  options.pipeline_depth = 1;  // one statement per connection: the rest wait in the pool
  auto db = Database::open(tagged_config(tag), options);
  EXPECT_EQ(db->stats().open, 0u);
  EXPECT_EQ(server_connections(tag), 0);

  loop_.run(db->execute("SELECT 1"));
  EXPECT_EQ(db->stats().open, 1u);
  EXPECT_EQ(server_connections(tag), 1);

  std::vector<std::shared_ptr<testing::Outcome<Result>>> queries;
  for (int i = 0; i < 12; ++i) {
    queries.push_back(loop_.spawn(db->execute("SELECT pg_sleep(0.01), $1::int AS i", i)));
  }
  EXPECT_EQ(db->stats().waiting, 10u);
  loop_.run_until([&] {
    for (auto& q : queries) {
      if (!q->done) return false;
    }
    return true;
  });
  for (int i = 0; i < 12; ++i) {
    ASSERT_FALSE(queries[i]->error);
    EXPECT_EQ(queries[i]->value->front().get<int>("i"), i);
  }
  EXPECT_EQ(db->stats().open, 2u);
  EXPECT_EQ(db->stats().idle, 2u);
  EXPECT_EQ(server_connections(tag), 2);

  loop_.run(db->close());
  EXPECT_EQ(db->stats().open, 0u);
}

TEST_F(PostgresTest, ReconnectsAfterTheServerDropsIdleConnections) {
  const std::string tag = testing::unique_name("reconnect");
  DatabaseOptions options;
  options.max_connections = 2;
  auto db = Database::open(tagged_config(tag), options);
  // Two idle connections in the pool.
  auto a = loop_.spawn(db->execute("SELECT pg_sleep(0.01)"));
  auto b = loop_.spawn(db->execute("SELECT pg_sleep(0.01)"));
  loop_.run_until([&] { return a->done && b->done; });
  ASSERT_EQ(db->stats().idle, 2u);

  auto terminated = loop_.run(admin_->execute(
      "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
      "WHERE application_name = $1) t",
      tag));
  EXPECT_EQ(terminated.front().get<int>(0), 2);

  // During the outage a query may fail, always with a 503; then it works again.
  int failures = 0;
  for (int attempt = 0; attempt < 4; ++attempt) {
    try {
      EXPECT_EQ(loop_.run(db->execute("SELECT 42")).front().get<int>(0), 42);
      break;
    } catch (const DatabaseError& e) {
      EXPECT_EQ(e.status(), 503) << e.what();
      ++failures;
    }
  }
  EXPECT_LE(failures, 2);
  EXPECT_EQ(loop_.run(db->execute("SELECT 43")).front().get<int>(0), 43);
  EXPECT_LE(server_connections(tag), 2);
}

TEST_F(PostgresTest, QueryInterruptedByTheServerIs503AndThePoolRecovers) {
  const std::string tag = testing::unique_name("killed");
  DatabaseOptions options;
  options.max_connections = 1;
  auto db = Database::open(tagged_config(tag), options);
  const int pid = backend_pid(*db);
  auto slow = loop_.spawn(db->execute("SELECT pg_sleep(10)"));
  loop_.run(admin_->execute("SELECT pg_terminate_backend($1)", pid));
  loop_.run_until([&] { return slow->done; }, 5s);
  try {
    std::rethrow_exception(slow->error);
  } catch (const DatabaseError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::connection_failed) << e.what();
    EXPECT_EQ(e.status(), 503);
  }
  EXPECT_NE(backend_pid(*db), pid);
}

TEST_F(PostgresTest, SurvivesAServerRestart) {
  const char* port = std::getenv("CONDUIT_PG_TEST_PORT");
  if (!port || !std::getenv("CONDUIT_PG_TEST_RESTART")) {
    GTEST_SKIP() << "restarts the shared test cluster: only under ctest (RUN_SERIAL)";
  }
  auto db = Database::open(testing::postgres_config());
  loop_.run(db->execute("SELECT 1"));
  const std::string command =
      std::string(CONDUIT_SOURCE_DIR) + "/scripts/pg-test-cluster.sh restart";
  ASSERT_EQ(std::system(command.c_str()), 0);
  int failures = 0;
  for (int attempt = 0; attempt < 3; ++attempt) {
    try {
      EXPECT_EQ(loop_.run(db->execute("SELECT 5")).front().get<int>(0), 5);
      break;
    } catch (const DatabaseError& e) {
      EXPECT_EQ(e.status(), 503) << e.what();
      ++failures;
    }
  }
  EXPECT_LE(failures, 1);
  // The admin connection died too; it recovers the same way.
  try {
    loop_.run(admin_->execute("SELECT 1"));
  } catch (const DatabaseError& e) {
    EXPECT_EQ(e.status(), 503);
  }
}

TEST_F(PostgresTest, TimedOutQueryIsCancelledOnTheServer) {
  const std::string tag = testing::unique_name("cancel");
  auto db = Database::open(tagged_config(tag));
  EXPECT_THROW(loop_.run(db->execute("SELECT pg_sleep(30)", {}, 200ms)), UnavailableError);
  // Without the cancel request the backend would sleep on for 30 s.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  std::int64_t active = 1;
  while (active > 0 && std::chrono::steady_clock::now() < deadline) {
    active = loop_
                 .run(admin_->execute(
                     "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 "
                     "AND query = 'SELECT pg_sleep(30)' AND state = 'active'",
                     tag))
                 .front()
                 .get<std::int64_t>(0);
  }
  EXPECT_EQ(active, 0);
  EXPECT_EQ(loop_.run(db->execute("SELECT 1")).front().get<int>(0), 1);
}

std::string error_of(Loop& loop, const DatabaseConfiguration& config, DatabaseOptions options,
                     DatabaseError* out = nullptr) {
  auto db = Database::open(config, options);
  try {
    loop.run(db->execute("SELECT 1"), 20s);
  } catch (const DatabaseError& e) {
    if (out) *out = e;
    return e.what();
  }
  return "no error";
}

TEST_F(PostgresTest, WrongPasswordIs503AndNeverShowsThePassword) {
  auto config = testing::postgres_config();
  config.password = "wrong-Secret-Pw-4242";
  DatabaseError error(ErrorKind::query_failed, "");
  const std::string message = error_of(loop_, config, {}, &error);
  EXPECT_EQ(error.kind(), ErrorKind::connection_failed);
  EXPECT_EQ(error.status(), 503);
  EXPECT_NE(message.find("password authentication failed"), std::string::npos) << message;
  EXPECT_EQ(message.find("wrong-Secret-Pw-4242"), std::string::npos);
  EXPECT_EQ(error.response().body().find("wrong-Secret-Pw-4242"), std::string::npos);
  EXPECT_EQ(boost::json::parse(error.response().body()),
            boost::json::parse(R"({"error":"unable to connect to database"})"));
}

TEST_F(PostgresTest, UnreachableServersAre503WithinTheConnectTimeout) {
  DatabaseOptions options;
  options.connect_timeout = 500ms;
  const auto started = std::chrono::steady_clock::now();

  auto refused = DatabaseConfiguration::parse_url("postgres://u:Sekr3t-pw@127.0.0.1:1/db");
  DatabaseError error(ErrorKind::query_failed, "");
  std::string message = error_of(loop_, refused, options, &error);
  EXPECT_EQ(error.kind(), ErrorKind::connection_failed) << message;
  EXPECT_EQ(message.find("Sekr3t-pw"), std::string::npos);

  // A black-holed address either times out or is reported unreachable: both are 503.
  auto blackhole = DatabaseConfiguration::parse_url("postgres://u:Sekr3t-pw@10.255.255.1:5432/db");
  message = error_of(loop_, blackhole, options, &error);
  EXPECT_TRUE(error.is_unavailable()) << message;
  EXPECT_EQ(message.find("Sekr3t-pw"), std::string::npos);

  auto unknown = DatabaseConfiguration::parse_url("postgres://u:Sekr3t-pw@no-such-host.invalid/db");
  message = error_of(loop_, unknown, options, &error);
  EXPECT_TRUE(error.is_unavailable()) << message;

  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST_F(PostgresTest, ConnectsByHostNameAndThroughAUnixSocket) {
  // "localhost" is resolved asynchronously; every address is tried in turn (the cluster
  // listens on 127.0.0.1 only, so ::1, if first, is refused).
  auto by_name = testing::postgres_config();
  by_name.host = "localhost";
  EXPECT_EQ(loop_.run(Database::open(by_name)->execute("SELECT 1")).front().get<int>(0), 1);

  const char* port = std::getenv("CONDUIT_PG_TEST_PORT");
  const std::string socket_dir = std::string("/tmp/conduit-pg-test-") + (port ? port : "54329");
  if (!std::filesystem::exists(socket_dir)) GTEST_SKIP() << "no socket directory " << socket_dir;
  auto by_socket =
      DatabaseConfiguration::parse_url("postgres://conduit_test@/conduit_test?host=" + socket_dir +
                                       "&port=" + (port ? port : "54329"));
  by_socket.port = static_cast<std::uint16_t>(std::stoi(port ? port : "54329"));
  EXPECT_EQ(loop_.run(Database::open(by_socket)->execute("SELECT current_user"))
                .front()
                .get<std::string>(0),
            "conduit_test");
}

// TLS that cannot be had (here: a certificate that cannot be verified, whether or not the
// test cluster runs with TLS) is a connection failure, hence 503, never a plain-text retry.
TEST_F(PostgresTest, SslThatCannotBeVerifiedIs503) {
  auto config = testing::postgres_config();
  config.parameters["sslmode"] = "verify-full";
  config.parameters["sslrootcert"] = "/nonexistent/conduit-root.crt";
  DatabaseError error(ErrorKind::query_failed, "");
  const std::string message = error_of(loop_, config, {}, &error);
  EXPECT_EQ(error.kind(), ErrorKind::connection_failed) << message;
}

TEST_F(PostgresTest, SessionsRunInUtc) {
  EXPECT_EQ(loop_.run(admin_->execute("SHOW TimeZone")).front().get<std::string>(0), "UTC");
  const auto r = loop_.run(admin_->execute("SELECT '2024-01-02 03:04:05+02'::timestamptz AS t"));
  EXPECT_EQ(r.front().get<std::string>("t"), "2024-01-02 01:04:05.000000+00");
}

TEST_F(PostgresTest, CachedStatementsSurviveSchemaChanges) {
  const std::string t = testing::unique_name("evolving");
  tables_.push_back(t);
  loop_.run(admin_->execute("CREATE TABLE " + t + " (a INTEGER)"));
  loop_.run(admin_->execute("INSERT INTO " + t + " VALUES ($1)", 1));
  const std::string select = "SELECT * FROM " + t;
  EXPECT_EQ(loop_.run(admin_->execute(select)).column_count(), 1u);
  EXPECT_EQ(loop_.run(admin_->execute(select)).column_count(), 1u);
  loop_.run(admin_->execute("ALTER TABLE " + t + " ADD COLUMN b TEXT DEFAULT 'x'"));
  const auto r = loop_.run(admin_->execute(select));
  EXPECT_EQ(r.columns(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.front().get<std::string>("b"), "x");
}

TEST_F(PostgresTest, OneStatementMayBeRunWithDifferentParameterTypes) {
  const std::string sql = "SELECT $1 AS v";
  EXPECT_EQ(loop_.run(admin_->execute(sql, 1)).front()["v"].type(), Value::Type::integer);
  EXPECT_EQ(loop_.run(admin_->execute(sql, 1.5)).front()["v"].type(), Value::Type::real);
  EXPECT_EQ(loop_.run(admin_->execute(sql, "s")).front()["v"].type(), Value::Type::text);
  EXPECT_TRUE(loop_.run(admin_->execute(sql, nullptr)).front().is_null("v"));
  EXPECT_EQ(loop_.run(admin_->execute(sql, 2)).front().get<int>("v"), 2);
}

TEST_F(PostgresTest, CommitAfterAFailedStatementReportsTheRollback) {
  const std::string t = testing::unique_name("aborted");
  tables_.push_back(t);
  loop_.run(admin_->execute("CREATE TABLE " + t + " (id INTEGER PRIMARY KEY)"));
  bool caught = false;
  try {
    loop_.run(admin_->transaction([&](Transaction& tx) -> Task<void> {
      co_await tx.execute("INSERT INTO " + t + " VALUES ($1)", 1);
      try {
        co_await tx.execute("INSERT INTO " + t + " VALUES ($1)", 1);
      } catch (const ConstraintViolation&) {
        caught = true;  // swallowed: PostgreSQL has aborted the transaction anyway
      }
    }));
    ADD_FAILURE() << "commit succeeded";
  } catch (const QueryError& e) {
    EXPECT_EQ(e.sql_state(), "25P02");
    EXPECT_EQ(e.status(), 500);
  }
  EXPECT_TRUE(caught);
  EXPECT_EQ(loop_.run(admin_->execute("SELECT count(*) FROM " + t)).front().get<int>(0), 0);
}

TEST_F(PostgresTest, AbandonedQueryClosesItsConnection) {
  DatabaseOptions options;
  options.max_connections = 1;
  auto db = Database::open(testing::postgres_config(), options);
  loop_.run(db->execute("SELECT 1"));
  auto root = testing::start_root(db->execute("SELECT pg_sleep(10)"));
  // The query is on the wire: the only connection is busy.
  EXPECT_EQ(db->stats().idle, 0u);
  EXPECT_FALSE(root.done());
  root.destroy();
  EXPECT_EQ(db->stats().open, 0u);
  EXPECT_EQ(loop_.run(db->execute("SELECT 2")).front().get<int>(0), 2);
}

TEST_F(PostgresTest, AbandonedWaiterLeavesTheQueue) {
  DatabaseOptions options;
  options.max_connections = 1;
  auto db = Database::open(testing::postgres_config(), options);
  Gate gate(loop_.io);
  auto holder = loop_.spawn(db->transaction([&](Transaction& tx) -> Task<void> {
    co_await tx.execute("SELECT 1");
    co_await gate.wait();
  }));
  loop_.run_until([&] { return gate.has_waiter(); });
  auto root = testing::start_root(db->execute("SELECT 2"));
  EXPECT_EQ(db->stats().waiting, 1u);
  root.destroy();
  EXPECT_EQ(db->stats().waiting, 0u);
  gate.open();
  loop_.run_until([&] { return holder->done; });
  EXPECT_FALSE(holder->error);
  EXPECT_EQ(db->stats().idle, 1u);
  EXPECT_EQ(loop_.run(db->execute("SELECT 3")).front().get<int>(0), 3);
}

TEST_F(PostgresTest, RoundTripThroughput) {
  DatabaseOptions options;
  options.max_connections = 2;
  auto db = Database::open(testing::postgres_config(), options);
  loop_.run(db->execute("SELECT $1::int", 0));
  constexpr int kSequential = 2000;
  auto started = std::chrono::steady_clock::now();
  loop_.run([](Database& d) -> Task<void> {
    for (int i = 0; i < kSequential; ++i) co_await d.execute("SELECT $1::int", i);
  }(*db));
  const double sequential =
      kSequential /
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  // Eight handlers at once sharing the two connections.
  constexpr int kConcurrent = 8, kEach = 500;
  started = std::chrono::steady_clock::now();
  std::vector<std::shared_ptr<testing::Outcome<void>>> workers;
  for (int w = 0; w < kConcurrent; ++w) {
    workers.push_back(loop_.spawn([](Database& d) -> Task<void> {
      for (int i = 0; i < kEach; ++i) co_await d.execute("SELECT $1::int", i);
    }(*db)));
  }
  loop_.run_until([&] {
    for (auto& w : workers) {
      if (!w->done) return false;
    }
    return true;
  });
  for (auto& w : workers) EXPECT_FALSE(w->error);
  const double concurrent =
      kConcurrent * kEach /
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "[ figures  ] PostgreSQL on one loop: " << static_cast<long>(sequential)
            << " sequential round trips/s, " << static_cast<long>(concurrent)
            << " queries/s with 8 concurrent handlers on 2 connections\n";
  RecordProperty("sequential_qps", static_cast<int>(sequential));
  RecordProperty("concurrent_qps", static_cast<int>(concurrent));
  EXPECT_GT(sequential, 100);
}

}  // namespace
}  // namespace conduit::db
