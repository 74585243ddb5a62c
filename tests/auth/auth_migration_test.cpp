// Tests that an application's data model with AuthModels<User> gives the managed-auth tables
// through the migration module as `db generate` and `db upgrade` do (a migration file
// written from the model, applied to SQLite and PostgreSQL), and that an AuthServer works
// on the result, owner-less client_credentials tokens included.
// Thread-safety: test code; one thread.
#include <gtest/gtest.h>

#include <boost/describe/class.hpp>

#include <fstream>
#include <sstream>

#include "conduit/auth/auth_server.hpp"
#include "conduit/auth/models.hpp"
#include "conduit/auth/password.hpp"
#include "conduit/migration/generator.hpp"
#include "conduit/migration/migration_file.hpp"
#include "conduit/migration/migrator.hpp"
#include "conduit/migration/schema_sql.hpp"
#include "support/dialect_test.hpp"
#include "support/temp_dir.hpp"

namespace auth_migration_test {

struct Account : conduit::auth::ResourceOwner {
  std::optional<std::string> email;
  static constexpr auto table = "account";
  static constexpr auto columns = conduit::auth::resource_owner_columns({
      {.member = "email", .unique = true},
  });
};
BOOST_DESCRIBE_STRUCT(Account, (conduit::auth::ResourceOwner), (email))

struct Note {
  std::int64_t id = 0;
  std::string text;
  conduit::orm::BelongsTo<Account> owner;
};
BOOST_DESCRIBE_STRUCT(Note, (), (id, text, owner))

}  // namespace auth_migration_test

namespace conduit::auth {
namespace {

using auth_migration_test::Account;
using auth_migration_test::Note;

const orm::DataModel& model() {
  static const orm::DataModel data_model = AuthModels<Account>::data_model<Note>();
  return data_model;
}

TEST(AuthMigration, AuthModelsRegistersTheOwnerTheAuthModelsAndTheApps) {
  std::vector<std::string> tables;
  for (const orm::SchemaTable& table : model().schema().tables) tables.push_back(table.name);
  EXPECT_EQ(tables, (std::vector<std::string>{"account", "_authclient", "_authtoken",
                                              "_authattempt", "note"}));
  const orm::SchemaTable* attempts = model().schema().find_table("_authattempt");
  ASSERT_NE(attempts, nullptr);
  ASSERT_EQ(attempts->columns.size(), 3u);
  EXPECT_EQ(attempts->columns[0].name, "id");
  EXPECT_TRUE(attempts->columns[0].primary_key);
  EXPECT_EQ(attempts->columns[0].type, orm::ColumnType::text);
  EXPECT_EQ(attempts->columns[1].name, "failures");
  EXPECT_EQ(attempts->columns[2].name, "windowStart");
}

class AuthMigrationDbTest : public orm::testing::DialectTest {
 protected:
  void SetUp() override { open_database("auth_migration"); }

  void TearDown() override {
    std::string drop;
    if (db_ && !postgres()) {
      for (const std::string& sql :
           migration::drop_schema_sql(model().schema(), db::Dialect::sqlite)) {
        drop += sql + ";";
      }
      drop += std::string("DROP TABLE IF EXISTS ") + migration::kVersionTable + ";";
    }
    close_database(drop);
  }
};

TEST_P(AuthMigrationDbTest, GeneratedMigrationCreatesTheAuthTables) {
  test::TempDir dir("auth-migration");
  const auto generated = migration::generate_migration(dir.path() / "migrations", model().schema());
  ASSERT_FALSE(generated.file.empty());
  std::stringstream text;
  text << std::ifstream(generated.file).rdbuf();
  for (std::string_view needle : {"_authclient", "_authtoken", "_authattempt", "codeChallenge",
                                  "windowStart", "account", "note"}) {
    EXPECT_NE(text.str().find(needle), std::string::npos) << needle;
  }
  EXPECT_TRUE(migration::validate_migrations(dir.path() / "migrations", model().schema()).valid());

  const auto files = migration::read_migration_directory(dir.path() / "migrations");
  const auto result = run(migration::upgrade(*db_, files));
  EXPECT_EQ(result.to_version, 1u);

  AuthServerOptions options;
  options.owner_table = "account";
  AuthServer server(db_, options);
  run(server.add_client({"app", "s"}));
  const std::string salt = generate_salt();
  run(db_->execute(
      "INSERT INTO \"account\" (\"username\", \"hashedPassword\", \"salt\") VALUES ($1, $2, $3)",
      "bob", server.hash_password("pw", salt), salt));
  const TokenResponse user_token =
      run(server.password_grant({"app", "s"}, "bob", "pw", std::nullopt));
  EXPECT_TRUE(run(server.verify_access_token(user_token.access_token)).owner_id.has_value());
  const TokenResponse client_token =
      run(server.client_credentials_grant({"app", "s"}, std::nullopt));
  EXPECT_FALSE(run(server.verify_access_token(client_token.access_token)).owner_id.has_value());
  // The brake counts in the generated _authattempt table (per client and per username).
  try {
    run(server.password_grant({"app", "s"}, "bob", "wrong", std::nullopt));
    ADD_FAILURE() << "a wrong password was accepted";
  } catch (const AuthServerError& e) {
    EXPECT_EQ(e.code(), AuthErrorCode::invalid_grant);
  }
  EXPECT_EQ(run(db_->execute("SELECT COUNT(*) FROM \"_authattempt\""))[0].get<std::int64_t>(0), 2);
}

INSTANTIATE_TEST_SUITE_P(Dialects, AuthMigrationDbTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         orm::testing::dialect_name);

}  // namespace
}  // namespace conduit::auth
