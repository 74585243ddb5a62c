// SQLite-only behaviour: file databases in WAL mode with foreign keys on, one shared
// connection per database file (and one ":memory:" database per process) across
// Database objects and event loops, the refusal of hand-written BEGIN and of named
// parameters, open failures as 503, and a round-trip throughput figure.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include "conduit/db/database.hpp"
#include "support/db_test_support.hpp"
#include "support/temp_dir.hpp"

namespace conduit::db {
namespace {

using namespace std::chrono_literals;
using testing::Loop;

class SqliteTest : public ::testing::Test {
 protected:
  DatabaseConfiguration file_config(const std::string& name) {
    return DatabaseConfiguration::parse_url("sqlite://" + (dir_ / name).string());
  }

  Loop loop_;
  conduit::test::TempDir dir_{"sqlite"};
};

TEST_F(SqliteTest, FilesUseWalAndEnforceForeignKeys) {
  auto db = Database::open(file_config("app.db"));
  EXPECT_EQ(db->dialect(), Dialect::sqlite);
  EXPECT_EQ(loop_.run(db->execute("PRAGMA journal_mode")).front().get<std::string>(0), "wal");
  EXPECT_EQ(loop_.run(db->execute("PRAGMA foreign_keys")).front().get<int>(0), 1);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "app.db"));
  auto memory = Database::open(testing::sqlite_memory_config());
  EXPECT_EQ(loop_.run(memory->execute("PRAGMA foreign_keys")).front().get<int>(0), 1);
}

TEST_F(SqliteTest, DatabasesOnOneFileShareItsData) {
  auto a = Database::open(file_config("shared.db"));
  auto b = Database::open(DatabaseConfiguration::parse_url(
      "sqlite://" + (dir_ / "." / "shared.db").string()));  // another spelling, same file
  loop_.run(a->execute_script("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (7);"));
  EXPECT_EQ(loop_.run(b->execute("SELECT x FROM t")).front().get<int>(0), 7);
}

TEST_F(SqliteTest, TheMemoryDatabaseIsSharedAcrossEventLoops) {
  auto db = Database::open(testing::sqlite_memory_config());
  loop_.run(db->execute_script("CREATE TABLE shared (x INTEGER); INSERT INTO shared VALUES (41);"));
  int seen = 0;
  std::string failure;
  std::thread other([&] {
    try {
      Loop loop;
      auto mine = Database::open(testing::sqlite_memory_config());
      loop.run(mine->execute("UPDATE shared SET x = x + 1"));
      seen = loop.run(mine->execute("SELECT x FROM shared")).front().get<int>(0);
    } catch (const std::exception& e) {
      failure = e.what();
    }
  });
  other.join();
  EXPECT_EQ(failure, "");
  EXPECT_EQ(seen, 42);
  EXPECT_EQ(loop_.run(db->execute("SELECT x FROM shared")).front().get<int>(0), 42);
}

TEST_F(SqliteTest, HandWrittenBeginIsUndone) {
  auto db = Database::open(testing::sqlite_memory_config());
  loop_.run(db->execute("CREATE TABLE IF NOT EXISTS begin_test (x INTEGER)"));
  try {
    loop_.run(db->execute_script("BEGIN; INSERT INTO begin_test VALUES (1);"));
    ADD_FAILURE() << "no error";
  } catch (const QueryError& e) {
    EXPECT_NE(std::string(e.what()).find("Database::transaction"), std::string::npos);
  }
  EXPECT_EQ(loop_.run(db->execute("SELECT count(*) FROM begin_test")).front().get<int>(0), 0);
  loop_.run(db->execute("DROP TABLE begin_test"));
}

TEST_F(SqliteTest, OnlyNumberedParametersAreAccepted) {
  auto db = Database::open(testing::sqlite_memory_config());
  EXPECT_EQ(loop_.run(db->execute("SELECT ?1 + ?2", 1, 2)).front().get<int>(0), 3);
  EXPECT_THROW(loop_.run(db->execute("SELECT :name", 1)), QueryError);
  EXPECT_THROW(loop_.run(db->execute("SELECT $3", 1, 2)), QueryError);
}

TEST_F(SqliteTest, UnopenableFileIs503) {
  auto db = Database::open(DatabaseConfiguration::parse_url(
      "sqlite://" + (dir_ / "missing" / "dir" / "app.db").string()));
  try {
    loop_.run(db->execute("SELECT 1"));
    ADD_FAILURE() << "no error";
  } catch (const UnavailableError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::connection_failed);
    EXPECT_EQ(e.status(), 503);
  }
}

TEST_F(SqliteTest, RoundTripThroughput) {
  auto db = Database::open(testing::sqlite_memory_config());
  constexpr int kQueries = 5000;
  const auto started = std::chrono::steady_clock::now();
  loop_.run([](Database& d) -> Task<void> {
    for (int i = 0; i < kQueries; ++i) co_await d.execute("SELECT $1", i);
  }(*db));
  const double qps =
      kQueries / std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "[ figures  ] SQLite (worker thread): " << static_cast<long>(qps)
            << " sequential round trips/s from one loop\n";
  RecordProperty("sequential_qps", static_cast<int>(qps));
  EXPECT_GT(qps, 100);
}

}  // namespace
}  // namespace conduit::db
