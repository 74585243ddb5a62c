// Test support for the AuthServer suites: a fixture over both dialects with the managed-auth
// tables created from AuthModels<User>, an injected clock, users, and a second AuthServer
// on its own Database (another "process") to show that all state is in the database.
// Thread-safety: test code; one thread.
#pragma once

#include <gtest/gtest.h>

#include <boost/describe/class.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "conduit/auth/auth_server.hpp"
#include "conduit/auth/models.hpp"
#include "conduit/auth/password.hpp"
#include "conduit/migration/schema_sql.hpp"
#include "support/dialect_test.hpp"

namespace auth_server_test {

struct User : conduit::auth::ResourceOwner {
  static constexpr auto table = "_user";
};
BOOST_DESCRIBE_STRUCT(User, (conduit::auth::ResourceOwner), ())

inline const conduit::orm::DataModel& model() {
  static const conduit::orm::DataModel data_model = conduit::auth::AuthModels<User>::data_model<>();
  return data_model;
}

}  // namespace auth_server_test

namespace conduit::auth::testing {

using namespace std::chrono_literals;

class AuthServerTest : public orm::testing::DialectTest {
 protected:
  void SetUp() override {
    open_database("auth_server");
    if (IsSkipped()) return;
    run(migration::create_schema(*db_, auth_server_test::model().schema()));
    server_ = make_server(db_);
  }

  void TearDown() override {
    other_server_.reset();
    if (other_db_) run(other_db_->close());
    other_db_.reset();
    server_.reset();
    std::string drop;
    if (db_ && !postgres()) {
      for (const std::string& sql :
           migration::drop_schema_sql(auth_server_test::model().schema(), db::Dialect::sqlite)) {
        drop += sql + ";";
      }
    }
    close_database(drop);
  }

  // Options with the test's clock; `adjust` changes the rest.
  AuthServerOptions options() {
    AuthServerOptions o;
    o.clock = [this] { return now_; };
    return o;
  }

  std::unique_ptr<AuthServer> make_server(std::shared_ptr<db::Database> database) {
    return std::make_unique<AuthServer>(std::move(database), options());
  }

  // A second Database on the same data (its own connection on PostgreSQL), as another
  // process would have.
  std::shared_ptr<db::Database> other_db() {
    if (!other_db_) {
      other_db_ = db::Database::open(
          postgres() ? db::testing::postgres_config() : db::testing::sqlite_memory_config(),
          db::DatabaseOptions{.max_connections = 1});
      if (postgres()) run(other_db_->execute_script("SET search_path TO " + schema_));
    }
    return other_db_;
  }

  // An AuthServer on other_db().
  AuthServer& other_server() {
    if (!other_server_) other_server_ = make_server(other_db());
    return *other_server_;
  }

  std::int64_t add_user(const std::string& username, const std::string& password) {
    const std::string salt = generate_salt();
    const db::Result r = run(db_->execute(
        "INSERT INTO \"_user\" (\"username\", \"hashedPassword\", \"salt\") VALUES ($1, $2, $3) "
        "RETURNING \"id\"",
        username, server_->hash_password(password, salt), salt));
    return r[0].get<std::int64_t>(0);
  }

  std::int64_t count(const std::string& sql_from_where) {
    return run(db_->execute("SELECT COUNT(*) FROM " + sql_from_where))[0].get<std::int64_t>(0);
  }

  // The code of the AuthServerError that `task` throws; a failure if it throws none.
  template <class T>
  AuthErrorCode error_of(Task<T> task) {
    try {
      run(std::move(task));
    } catch (const AuthServerError& e) {
      return e.code();
    }
    ADD_FAILURE() << "no AuthServerError";
    return AuthErrorCode::server_error;
  }

  std::chrono::system_clock::time_point now_ = std::chrono::system_clock::time_point(
      std::chrono::sys_days(std::chrono::year(2030) / std::chrono::January / 1));
  std::unique_ptr<AuthServer> server_;
  std::shared_ptr<db::Database> other_db_;
  std::unique_ptr<AuthServer> other_server_;
};

}  // namespace conduit::auth::testing
