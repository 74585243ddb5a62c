// Behaviour shared by both backends, run against a real PostgreSQL (the CTest fixture's
// throwaway cluster) and SQLite: binding every Value type, injection attempts, constraint
// errors and their HTTP mapping, transactions (commit, exception, Rollback), the bounded
// wait for a busy connection, timeouts, and abandoned coroutines.
#include "conduit/db/database.hpp"
#include "conduit/http/response.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <chrono>
#include <limits>
#include <ostream>

#include "support/db_test_support.hpp"

namespace conduit::db {
namespace {

using namespace std::chrono_literals;
using testing::Gate;
using testing::Loop;

enum class Backend { postgres, sqlite };

// Read by gtest (and so by ctest's test names): "GetParam() = postgres".
void PrintTo(Backend backend, std::ostream* out) {
  *out << (backend == Backend::postgres ? "postgres" : "sqlite");
}

class DatabaseTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::postgres) CONDUIT_REQUIRE_POSTGRES();
    db_ = open();
  }

  void TearDown() override {
    if (!db_) return;
    for (const auto& table : tables_) {
      try {
        loop_.run(db_->execute("DROP TABLE IF EXISTS " + table));
      } catch (const std::exception& e) {
        ADD_FAILURE() << "cleanup of " << table << ": " << e.what();
      }
    }
    db_.reset();
  }

  bool postgres() const { return GetParam() == Backend::postgres; }

  std::shared_ptr<Database> open(DatabaseOptions options = {}) {
    auto config = postgres() ? testing::postgres_config() : testing::sqlite_memory_config();
    return Database::open(config, options);
  }

  // Creates a table (dropped in TearDown); `columns` may use {bytes}, {json}, {decimal}
  // and {serial} for the types that differ between the dialects.
  std::string create_table(std::string_view base, std::string columns) {
    std::string name = testing::unique_name(base);
    auto replace = [&](std::string_view key, std::string_view pg, std::string_view lite) {
      for (auto pos = columns.find(key); pos != std::string::npos; pos = columns.find(key)) {
        columns.replace(pos, key.size(), postgres() ? pg : lite);
      }
    };
    replace("{bytes}", "BYTEA", "BLOB");
    replace("{decimal}", "NUMERIC", "DECIMAL_TEXT");
    replace("{serial}", "BIGSERIAL PRIMARY KEY", "INTEGER PRIMARY KEY AUTOINCREMENT");
    tables_.insert(tables_.begin(), name);  // dropped in reverse order (foreign keys)
    loop_.run(db_->execute("CREATE TABLE " + name + " (" + columns + ")"));
    return name;
  }

  template <class F>
  DatabaseError expect_database_error(F&& make_task) {
    try {
      loop_.run(make_task());
    } catch (const DatabaseError& e) {
      return e;
    }
    ADD_FAILURE() << "no DatabaseError";
    return DatabaseError(ErrorKind::query_failed, "none");
  }

  Loop loop_;
  std::shared_ptr<Database> db_;
  std::vector<std::string> tables_;
};

boost::json::value body_of(const DatabaseError& e) {
  return boost::json::parse(e.response().body());
}

Timestamp sample_time() {
  using namespace std::chrono;
  return Timestamp(sys_days(year(2024) / 2 / 29).time_since_epoch() + hours(23) + minutes(59) +
                   seconds(58) + microseconds(123456));
}

TEST_P(DatabaseTest, EveryValueTypeRoundTripsThroughATableAndComesBackTyped) {
  const std::string t = create_table(
      "roundtrip",
      "b BOOLEAN, i BIGINT, r DOUBLE PRECISION, t TEXT, y {bytes}, ts TIMESTAMP, j JSONB, "
      "u UUID, n {decimal}");
  const Bytes bytes{0x00, 0xff, 0x27, 0x5c, 0x00};
  const auto json =
      boost::json::parse(R"({"name":"O'Brien","tags":["a",null,1.5],"n":{"x":true}})");
  const Uuid uuid = Uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  const Decimal decimal("12345678901234567890.0123456789");
  const std::string text = "it's \"quoted\" \\ ünïcødé 🚀 $1 ?";
  const std::string insert =
      "INSERT INTO " + t +
      " (b, i, r, t, y, ts, j, u, n) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
  auto r = loop_.run(db_->execute(insert, {true, std::numeric_limits<std::int64_t>::min(), 0.1,
                                           text, bytes, sample_time(), Json{json}, uuid, decimal}));
  EXPECT_EQ(r.affected_rows(), 1);
  loop_.run(
      db_->execute(insert, {false, std::numeric_limits<std::int64_t>::max(), -1e300, "", Bytes{},
                            Timestamp{}, Json{boost::json::array{}}, Uuid{}, Decimal("-0.5")}));
  loop_.run(db_->execute(
      insert, {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr}));

  const Result rows = loop_.run(db_->execute("SELECT * FROM " + t + " ORDER BY i NULLS LAST"));
  ASSERT_EQ(rows.size(), 3u);
  const Row first = rows[0];
  EXPECT_EQ(first["b"].type(), Value::Type::boolean);
  EXPECT_EQ(first["ts"].type(), Value::Type::timestamp);
  EXPECT_EQ(first["j"].type(), Value::Type::json);
  EXPECT_EQ(first["u"].type(), Value::Type::uuid);
  EXPECT_EQ(first["n"].type(), Value::Type::decimal);
  EXPECT_EQ(first.get<bool>("b"), true);
  EXPECT_EQ(first.get<std::int64_t>("i"), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(first.get<double>("r"), 0.1);
  EXPECT_EQ(first.get<std::string>("t"), text);
  EXPECT_EQ(first.get<Bytes>("y"), bytes);
  EXPECT_EQ(first.get<Timestamp>("ts"), sample_time());
  EXPECT_EQ(first.get<boost::json::value>("j"), json);
  EXPECT_EQ(first.get<Uuid>("u"), uuid);
  EXPECT_EQ(first.get<Decimal>("n"), decimal);

  const Row second = rows[1];
  EXPECT_EQ(second.get<bool>("b"), false);
  EXPECT_EQ(second.get<std::int64_t>("i"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(second.get<double>("r"), -1e300);
  EXPECT_EQ(second.get<std::string>("t"), "");
  EXPECT_EQ(second.get<Bytes>("y"), Bytes{});
  EXPECT_EQ(second.get<Timestamp>("ts"), Timestamp{});
  EXPECT_EQ(second.get<boost::json::value>("j"), boost::json::array{});
  EXPECT_EQ(second.get<Uuid>("u"), Uuid{});
  EXPECT_EQ(second.get<Decimal>("n"), Decimal("-0.5"));

  const Row nulls = rows[2];
  for (std::size_t c = 0; c < nulls.size(); ++c) EXPECT_TRUE(nulls.is_null(c)) << c;
}

TEST_P(DatabaseTest, ParametersRoundTripWithoutATable) {
  // $1 alone: PostgreSQL types it from the parameter, SQLite returns the stored class
  // and get<T> converts.
  auto echo = [&](Value v) { return loop_.run(db_->execute("SELECT $1 AS v", {std::move(v)})); };
  EXPECT_EQ(echo(true).front().get<bool>("v"), true);
  EXPECT_EQ(echo(-42).front().get<int>("v"), -42);
  EXPECT_EQ(echo(2.5).front().get<double>("v"), 2.5);
  EXPECT_EQ(echo("x'y").front().get<std::string>("v"), "x'y");
  EXPECT_EQ(echo(Bytes{1, 0, 2}).front().get<Bytes>("v"), (Bytes{1, 0, 2}));
  EXPECT_EQ(echo(sample_time()).front().get<Timestamp>("v"), sample_time());
  EXPECT_EQ(echo(Json{boost::json::parse(R"({"k":[1]})")}).front().get<boost::json::value>("v"),
            boost::json::parse(R"({"k":[1]})"));
  const Uuid uuid = Uuid::parse("00112233-4455-6677-8899-aabbccddeeff");
  EXPECT_EQ(echo(uuid).front().get<Uuid>("v"), uuid);
  EXPECT_EQ(echo(Decimal("3.25")).front().get<Decimal>("v"), Decimal("3.25"));
  EXPECT_TRUE(echo(nullptr).front().is_null("v"));
  // The same parameter twice, and parameters out of order.
  auto r = loop_.run(db_->execute("SELECT $2 AS a, $1 AS b, $2 AS c", {1, 2}));
  EXPECT_EQ(r.front().get<int>("a"), 2);
  EXPECT_EQ(r.front().get<int>("b"), 1);
  EXPECT_EQ(r.front().get<int>("c"), 2);
}

TEST_P(DatabaseTest, InjectionAttemptsStayData) {
  const std::string t = create_table("injection", "id {serial}, name TEXT NOT NULL");
  const std::string evil = "x'); DROP TABLE " + t + "; --";
  loop_.run(db_->execute("INSERT INTO " + t + " (name) VALUES ($1)", {evil}));
  auto r = loop_.run(db_->execute("SELECT name FROM " + t + " WHERE name = $1", {evil}));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r.front().get<std::string>(0), evil);
  r = loop_.run(db_->execute("SELECT count(*) FROM " + t + " WHERE name = $1", {"' OR '1'='1"}));
  EXPECT_EQ(r.front().get<int>(0), 0);
  r = loop_.run(db_->execute("SELECT count(*) FROM " + t));
  EXPECT_EQ(r.front().get<int>(0), 1);
}

TEST_P(DatabaseTest, UniqueViolationIsAConflict) {
  const std::string t = create_table("users", "id {serial}, email TEXT UNIQUE");
  const std::string insert = "INSERT INTO " + t + " (email) VALUES ($1)";
  loop_.run(db_->execute(insert, {"a@example.com"}));
  const auto e = expect_database_error([&] { return db_->execute(insert, {"a@example.com"}); });
  EXPECT_EQ(e.kind(), ErrorKind::unique_violation);
  EXPECT_EQ(e.status(), 409);
  EXPECT_EQ(e.sql_state(), "23505");
  EXPECT_EQ(body_of(e),
            boost::json::parse(R"({"error":"entity_already_exists","detail":"Offending Items: )" +
                               t + R"(.email"})"));
  // The connection is still usable.
  EXPECT_EQ(loop_.run(db_->execute("SELECT count(*) FROM " + t)).front().get<int>(0), 1);
}

TEST_P(DatabaseTest, NotNullViolationIsABadRequest) {
  const std::string t = create_table("heroes", "id {serial}, name TEXT NOT NULL");
  const auto e = expect_database_error(
      [&] { return db_->execute("INSERT INTO " + t + " (name) VALUES ($1)", {nullptr}); });
  EXPECT_EQ(e.kind(), ErrorKind::not_null_violation);
  EXPECT_EQ(e.status(), 400);
  EXPECT_EQ(body_of(e),
            boost::json::parse(R"({"error":"non_null_violation","detail":"Offending Items: )" + t +
                               R"(.name"})"));
}

TEST_P(DatabaseTest, ForeignKeyViolationIsABadRequest) {
  const std::string owners = create_table("owners", "id {serial}");
  const std::string pets =
      create_table("pets", "id {serial}, owner_id BIGINT REFERENCES " + owners + " (id)");
  const auto e = expect_database_error(
      [&] { return db_->execute("INSERT INTO " + pets + " (owner_id) VALUES ($1)", {99}); });
  EXPECT_EQ(e.kind(), ErrorKind::foreign_key_violation);
  EXPECT_EQ(e.status(), 400);
  EXPECT_EQ(body_of(e).as_object().at("error"), "foreign_key_violation");
  if (postgres()) {
    EXPECT_EQ(e.offending_items(), std::vector<std::string>{pets + ".owner_id"});
  }
}

TEST_P(DatabaseTest, OtherErrorsAreServerErrorsWithoutDetails) {
  auto e = expect_database_error([&] { return db_->execute("SELEKT 1"); });
  EXPECT_EQ(e.status(), 500);
  EXPECT_EQ(body_of(e), boost::json::parse(R"({"error":"internal server error"})"));
  e = expect_database_error([&] { return db_->execute("SELECT * FROM no_such_table_here"); });
  EXPECT_EQ(e.sql_state(), "42P01");
  EXPECT_NE(std::string(e.what()).find("no_such_table_here"), std::string::npos);
  // One statement per execute(); scripts take several.
  e = expect_database_error([&] { return db_->execute("SELECT 1; SELECT 2"); });
  EXPECT_EQ(e.status(), 500);
}

TEST_P(DatabaseTest, ScriptsRunSeveralStatements) {
  const std::string a = testing::unique_name("script_a");
  tables_.push_back(a);
  loop_.run(db_->execute_script("CREATE TABLE " + a + " (x INTEGER); INSERT INTO " + a +
                                " VALUES (1); INSERT INTO " + a + " VALUES (2);"));
  EXPECT_EQ(loop_.run(db_->execute("SELECT sum(x) FROM " + a)).front().get<int>(0), 3);
}

TEST_P(DatabaseTest, ResultsCountAffectedRows) {
  const std::string t = create_table("counts", "id {serial}, n INTEGER");
  for (int i = 0; i < 5; ++i) loop_.run(db_->execute("INSERT INTO " + t + " (n) VALUES ($1)", {i}));
  EXPECT_EQ(
      loop_.run(db_->execute("UPDATE " + t + " SET n = n + 1 WHERE n >= $1", {2})).affected_rows(),
      3);
  EXPECT_EQ(loop_.run(db_->execute("UPDATE " + t + " SET n = 0 WHERE n > 100")).affected_rows(), 0);
  const auto selected = loop_.run(db_->execute("SELECT id, n FROM " + t + " ORDER BY id"));
  EXPECT_EQ(selected.affected_rows(), 5);
  EXPECT_EQ(selected.columns(), (std::vector<std::string>{"id", "n"}));
  const auto deleted =
      loop_.run(db_->execute("DELETE FROM " + t + " WHERE n < $1 RETURNING id", {2}));
  EXPECT_EQ(deleted.affected_rows(), 2);
  EXPECT_EQ(deleted.size(), 2u);
}

TEST_P(DatabaseTest, TransactionCommits) {
  const std::string t = create_table("accounts", "id INTEGER PRIMARY KEY, balance INTEGER");
  int seen_inside = 0;  // (gtest assertions inside coroutines trip a GCC 12 bug)
  const auto outcome = loop_.run(db_->transaction([&](Transaction& tx) -> Task<void> {
    co_await tx.execute("INSERT INTO " + t + " VALUES ($1, $2)", 1, 100);
    co_await tx.execute("INSERT INTO " + t + " VALUES ($1, $2)", 2, 50);
    // Reads inside see the transaction's own writes.
    auto r = co_await tx.execute("SELECT sum(balance) FROM " + t);
    seen_inside = r.front().get<int>(0);
  }));
  EXPECT_EQ(seen_inside, 150);
  EXPECT_TRUE(outcome.committed);
  EXPECT_TRUE(outcome);
  EXPECT_EQ(loop_.run(db_->execute("SELECT count(*) FROM " + t)).front().get<int>(0), 2);
}

TEST_P(DatabaseTest, TransactionRollsBackAndRethrowsOnException) {
  const std::string t = create_table("accounts", "id INTEGER PRIMARY KEY, balance INTEGER");
  EXPECT_THROW(loop_.run(db_->transaction([&](Transaction& tx) -> Task<void> {
    co_await tx.execute("INSERT INTO " + t + " VALUES ($1, $2)", 1, 100);
    throw std::runtime_error("boom");
  })),
               std::runtime_error);
  EXPECT_EQ(loop_.run(db_->execute("SELECT count(*) FROM " + t)).front().get<int>(0), 0);
  // A constraint error inside rolls back the earlier statements too.
  EXPECT_THROW(loop_.run(db_->transaction([&](Transaction& tx) -> Task<void> {
    co_await tx.execute("INSERT INTO " + t + " VALUES ($1, $2)", 1, 100);
    co_await tx.execute("INSERT INTO " + t + " VALUES ($1, $2)", 1, 200);
  })),
               ConstraintViolation);
  EXPECT_EQ(loop_.run(db_->execute("SELECT count(*) FROM " + t)).front().get<int>(0), 0);
}

TEST_P(DatabaseTest, RollbackCompletesWithItsReason) {
  const std::string t = create_table("accounts", "id INTEGER PRIMARY KEY, balance INTEGER");
  const auto outcome = loop_.run(db_->transaction([&](Transaction& tx) -> Task<void> {
    co_await tx.execute("INSERT INTO " + t + " VALUES ($1, $2)", 1, 100);
    throw Rollback("insufficient funds");
  }));
  EXPECT_FALSE(outcome.committed);
  EXPECT_EQ(outcome.rollback_reason, "insufficient funds");
  EXPECT_EQ(loop_.run(db_->execute("SELECT count(*) FROM " + t)).front().get<int>(0), 0);
}

TEST_P(DatabaseTest, BusyConnectionMakesOthersWaitThenFailWith503) {
  DatabaseOptions options;
  options.max_connections = 1;
  options.acquire_timeout = 150ms;
  auto db = open(options);
  Gate gate(loop_.io);
  // A transaction holds the only connection until the gate opens.
  auto holder = loop_.spawn(db->transaction([&](Transaction& tx) -> Task<void> {
    co_await tx.execute("SELECT 1");
    co_await gate.wait();
    co_await tx.execute("SELECT 2");
  }));
  loop_.run_until([&] { return gate.has_waiter(); });

  const auto started = std::chrono::steady_clock::now();
  try {
    loop_.run(db->execute("SELECT 3"));
    ADD_FAILURE() << "no error";
  } catch (const UnavailableError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::pool_exhausted);
    EXPECT_EQ(e.status(), 503);
  }
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, 140ms);
  EXPECT_LT(waited, 3s);

  // A waiter that gets the connection in time succeeds.
  auto waiter = loop_.spawn(db->execute("SELECT 4 AS v"));
  EXPECT_FALSE(waiter->done);
  gate.open();
  loop_.run_until([&] { return holder->done && waiter->done; });
  EXPECT_FALSE(holder->error);
  ASSERT_FALSE(waiter->error);
  EXPECT_EQ(waiter->value->front().get<int>("v"), 4);
  if (postgres()) {
    EXPECT_EQ(db->stats().open, 1u);
    EXPECT_EQ(db->stats().idle, 1u);
  }
}

TEST_P(DatabaseTest, QueryTimeoutIs503AndTheDatabaseStillWorks) {
  const std::string slow = postgres()
                               ? "SELECT pg_sleep(5)"
                               : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                                 "SELECT count(*) FROM c";
  const auto started = std::chrono::steady_clock::now();
  try {
    loop_.run(db_->execute(slow, {}, 200ms));
    ADD_FAILURE() << "no timeout";
  } catch (const UnavailableError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::timeout);
    EXPECT_EQ(body_of(e), boost::json::parse(R"({"error":"timed out connection to database"})"));
  }
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_GE(elapsed, 190ms);
  EXPECT_LT(elapsed, 3s);
  EXPECT_EQ(loop_.run(db_->execute("SELECT 1")).front().get<int>(0), 1);
}

TEST_P(DatabaseTest, ConnectionsComeBackAfterErrors) {
  DatabaseOptions options;
  options.max_connections = 1;
  options.acquire_timeout = 2s;
  auto db = open(options);
  for (int i = 0; i < 5; ++i) EXPECT_THROW(loop_.run(db->execute("SELEKT")), QueryError);
  EXPECT_THROW(loop_.run(db->transaction([](Transaction& tx) -> Task<void> {
    co_await tx.execute("SELECT 1");
    throw std::logic_error("handler bug");
  })),
               std::logic_error);
  EXPECT_EQ(loop_.run(db->execute("SELECT 7")).front().get<int>(0), 7);
  if (postgres()) {
    EXPECT_EQ(db->stats().open, 1u);
  }
}

TEST_P(DatabaseTest, AbandonedTransactionReleasesItsConnection) {
  DatabaseOptions options;
  options.max_connections = 1;
  options.acquire_timeout = 2s;
  auto db = open(options);
  const std::string t = create_table("abandoned", "id INTEGER PRIMARY KEY");
  Gate gate(loop_.io);
  // The handler's coroutine is destroyed while its transaction waits (as when a server
  // drops a request): the connection must come back, the insert must not persist.
  auto root = testing::start_root(db->transaction([&](Transaction& tx) -> Task<void> {
    co_await tx.execute("INSERT INTO " + t + " VALUES ($1)", 1);
    co_await gate.wait();
  }));
  loop_.run_until([&] { return gate.has_waiter(); });
  root.destroy();
  EXPECT_EQ(loop_.run(db->execute("SELECT count(*) FROM " + t)).front().get<int>(0), 0);
  EXPECT_EQ(loop_.run(db->execute("SELECT 1")).front().get<int>(0), 1);
}

TEST_P(DatabaseTest, ClosedDatabaseRefusesWith503) {
  auto db = open();
  loop_.run(db->execute("SELECT 1"));
  loop_.run(db->close());
  try {
    loop_.run(db->execute("SELECT 1"));
    ADD_FAILURE() << "no error";
  } catch (const UnavailableError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::closed);
    EXPECT_EQ(e.status(), 503);
  }
  EXPECT_EQ(db->stats().idle, 0u);
}

TEST_P(DatabaseTest, UsingADatabaseFromAnotherLoopIsRefused) {
  EXPECT_EQ(db_->dialect(), postgres() ? Dialect::postgres : Dialect::sqlite);
  boost::asio::io_context other;
  conduit::detail::set_current_io_context(&other);
  bool refused = false;
  auto task = db_->execute("SELECT 1");
  conduit::detail::spawn(std::move(task), [&](std::exception_ptr e, std::optional<Result>&&) {
    try {
      if (e) std::rethrow_exception(e);
    } catch (const std::logic_error&) {
      refused = true;
    } catch (...) {
    }
  });
  conduit::detail::set_current_io_context(&loop_.io);
  EXPECT_TRUE(refused);
}

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::postgres ? "postgres" : "sqlite";
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseTest,
                         ::testing::Values(Backend::postgres, Backend::sqlite), backend_name);

TEST(DatabaseOpenTest, RequiresAnEventLoop) {
  conduit::detail::set_current_io_context(nullptr);
  EXPECT_THROW(Database::open(testing::sqlite_memory_config()), std::logic_error);
}

// maxConnectionCount is the process's total: the loops' shares add up to it, each >= 1.
TEST(PoolShare, SplitsTheProcessTotalAcrossLoops) {
  EXPECT_EQ(pool_share(10, 0, 1), 10u);
  EXPECT_EQ(pool_share(10, 0, 4), 3u);
  EXPECT_EQ(pool_share(10, 1, 4), 3u);
  EXPECT_EQ(pool_share(10, 2, 4), 2u);
  EXPECT_EQ(pool_share(10, 3, 4), 2u);
  EXPECT_EQ(pool_share(2, 0, 8), 1u);  // at least one each
  EXPECT_EQ(pool_share(2, 7, 8), 1u);
  for (std::size_t total : {1u, 5u, 20u, 97u}) {
    for (int loops : {1, 2, 3, 8}) {
      std::size_t sum = 0;
      for (int i = 0; i < loops; ++i) sum += pool_share(total, i, loops);
      EXPECT_EQ(sum, std::max<std::size_t>(total, static_cast<std::size_t>(loops)))
          << total << " over " << loops;
    }
  }
}

}  // namespace
}  // namespace conduit::db
