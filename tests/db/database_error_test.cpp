// Tests for the mapping of raw PostgreSQL and SQLite errors to DatabaseError kinds,
// HTTP statuses and bodies, and for the redaction of passwords, without a database.
#include "conduit/db/database_error.hpp"
#include "conduit/http/response.hpp"

#include <gtest/gtest.h>

#include <sqlite3.h>
#include <boost/json/parse.hpp>

#include "db/error_mapping.hpp"

namespace conduit::db {
namespace {

boost::json::value body(const DatabaseError& e) { return boost::json::parse(e.response().body()); }

template <class F>
void expect_error(std::exception_ptr error, F check) {
  try {
    std::rethrow_exception(error);
  } catch (const DatabaseError& e) {
    check(e);
  }
}

TEST(DatabaseErrorTest, PostgresUniqueViolationIsConflictWithOffendingColumns) {
  detail::PostgresErrorFields f;
  f.sql_state = "23505";
  f.primary = "duplicate key value violates unique constraint \"users_email_key\"";
  f.detail = "Key (email)=(a@b.c) already exists.";
  f.table = "users";
  expect_error(detail::postgres_error(f, ""), [](const DatabaseError& e) {
    EXPECT_NE(dynamic_cast<const ConstraintViolation*>(&e), nullptr);
    EXPECT_EQ(e.kind(), ErrorKind::unique_violation);
    EXPECT_EQ(e.status(), 409);
    EXPECT_EQ(body(e),
              boost::json::parse(
                  R"({"error":"entity_already_exists","detail":"Offending Items: users.email"})"));
    EXPECT_EQ(e.sql_state(), "23505");
    // The values (here an e-mail address) stay out of messages and bodies.
    EXPECT_EQ(std::string(e.what()).find("a@b.c"), std::string::npos);
  });
  f.detail = "Key (lower(name), team_id)=(x, 1) already exists.";
  expect_error(detail::postgres_error(f, ""), [](const DatabaseError& e) {
    EXPECT_EQ(e.offending_items(),
              (std::vector<std::string>{"users.lower(name)", "users.team_id"}));
  });
}

TEST(DatabaseErrorTest, PostgresNotNullAndForeignKeyAreBadRequests) {
  detail::PostgresErrorFields f;
  f.sql_state = "23502";
  f.primary = "null value in column \"name\" violates not-null constraint";
  f.table = "heroes";
  f.column = "name";
  expect_error(detail::postgres_error(f, ""), [](const DatabaseError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(body(e),
              boost::json::parse(
                  R"({"error":"non_null_violation","detail":"Offending Items: heroes.name"})"));
  });
  f = {};
  f.sql_state = "23503";
  f.table = "pets";
  f.detail = "Key (owner_id)=(99) is not present in table \"users\".";
  expect_error(detail::postgres_error(f, ""), [](const DatabaseError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(
        body(e),
        boost::json::parse(
            R"({"error":"foreign_key_violation","detail":"Offending Items: pets.owner_id"})"));
  });
}

TEST(DatabaseErrorTest, PostgresAvailabilityErrorsAre503AndOthers500) {
  auto kind_of = [](std::string_view state) {
    detail::PostgresErrorFields f;
    f.sql_state = state;
    f.primary = "x";
    ErrorKind kind{};
    int status = 0;
    expect_error(detail::postgres_error(f, ""), [&](const DatabaseError& e) {
      kind = e.kind();
      status = e.status();
    });
    return std::pair(kind, status);
  };
  EXPECT_EQ(kind_of("57P01"), std::pair(ErrorKind::connection_failed, 503));
  EXPECT_EQ(kind_of("08006"), std::pair(ErrorKind::connection_failed, 503));
  EXPECT_EQ(kind_of("28P01"), std::pair(ErrorKind::connection_failed, 503));
  EXPECT_EQ(kind_of("53300"), std::pair(ErrorKind::connection_failed, 503));
  EXPECT_EQ(kind_of("57014"), std::pair(ErrorKind::timeout, 503));
  EXPECT_EQ(kind_of("08P01"), std::pair(ErrorKind::query_failed, 500));
  EXPECT_EQ(kind_of("42P01"), std::pair(ErrorKind::query_failed, 500));
  EXPECT_EQ(kind_of("23514"), std::pair(ErrorKind::check_violation, 500));
}

TEST(DatabaseErrorTest, BodiesOfServerErrorsCarryNoDetails) {
  detail::PostgresErrorFields f;
  f.sql_state = "42P01";
  f.primary = "relation \"secret_table\" does not exist";
  expect_error(detail::postgres_error(f, ""), [](const DatabaseError& e) {
    EXPECT_NE(dynamic_cast<const QueryError*>(&e), nullptr);
    EXPECT_EQ(body(e), boost::json::parse(R"({"error":"internal server error"})"));
    EXPECT_NE(std::string(e.what()).find("secret_table"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("db upgrade"), std::string::npos) << e.what();
  });
  const auto timeout = detail::timeout_error("the query took longer than 200 ms");
  EXPECT_EQ(timeout.status(), 503);
  EXPECT_EQ(body(timeout), boost::json::parse(R"({"error":"timed out connection to database"})"));
  const auto pool = detail::pool_exhausted_error("busy");
  EXPECT_EQ(pool.kind(), ErrorKind::pool_exhausted);
  EXPECT_EQ(pool.status(), 503);
  const auto closed = detail::closed_error();
  EXPECT_EQ(body(closed), boost::json::parse(R"({"error":"unable to connect to database"})"));
}

TEST(DatabaseErrorTest, PasswordsAreRedactedFromMessages) {
  const auto e =
      detail::connection_error("password authentication failed: hunter22 rejected", "hunter22");
  EXPECT_EQ(std::string(e.what()).find("hunter22"), std::string::npos);
  EXPECT_NE(std::string(e.what()).find("***"), std::string::npos);
  EXPECT_EQ(e.status(), 503);
  EXPECT_EQ(body(e), boost::json::parse(R"({"error":"unable to connect to database"})"));
  EXPECT_EQ(detail::redact("a pw pw", "pw"), "a pw pw");  // too short to redact blindly
  EXPECT_EQ(detail::redact("xsecretxsecret", "secret"), "x***x***");
}

TEST(DatabaseErrorTest, SqliteCodesMapLikePostgres) {
  expect_error(
      detail::sqlite_error(SQLITE_CONSTRAINT_UNIQUE, "UNIQUE constraint failed: users.a, users.b"),
      [](const DatabaseError& e) {
        EXPECT_EQ(e.status(), 409);
        EXPECT_EQ(e.sql_state(), "23505");
        EXPECT_EQ(
            body(e),
            boost::json::parse(
                R"({"error":"entity_already_exists","detail":"Offending Items: users.a, users.b"})"));
      });
  expect_error(detail::sqlite_error(SQLITE_CONSTRAINT_PRIMARYKEY, "UNIQUE constraint failed: t.id"),
               [](const DatabaseError& e) { EXPECT_EQ(e.kind(), ErrorKind::unique_violation); });
  expect_error(
      detail::sqlite_error(SQLITE_CONSTRAINT_NOTNULL, "NOT NULL constraint failed: t.name"),
      [](const DatabaseError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_EQ(e.offending_items(), std::vector<std::string>{"t.name"});
      });
  expect_error(detail::sqlite_error(SQLITE_CONSTRAINT_FOREIGNKEY, "FOREIGN KEY constraint failed"),
               [](const DatabaseError& e) {
                 EXPECT_EQ(body(e), boost::json::parse(R"({"error":"foreign_key_violation"})"));
               });
  expect_error(detail::sqlite_error(SQLITE_INTERRUPT, "interrupted"),
               [](const DatabaseError& e) { EXPECT_EQ(e.kind(), ErrorKind::timeout); });
  expect_error(detail::sqlite_error(SQLITE_BUSY, "database is locked"),
               [](const DatabaseError& e) { EXPECT_EQ(e.status(), 503); });
  expect_error(detail::sqlite_error(SQLITE_ERROR, "no such table: heroes"),
               [](const DatabaseError& e) {
                 EXPECT_EQ(e.status(), 500);
                 EXPECT_EQ(e.sql_state(), "42P01");
                 EXPECT_NE(std::string(e.what()).find("db upgrade"), std::string::npos);
               });
}

}  // namespace
}  // namespace conduit::db
