// Tests of the auth storage models: the schema they declare (Conduit's tables, columns,
// indexes and keys), the DDL for both dialects, and a round trip through orm::Query on
// SQLite and PostgreSQL (the latter skipped without CONDUIT_TEST_DATABASE_URL).
// Thread-safety: test code; one thread.
#include "conduit/auth/models.hpp"

#include <gtest/gtest.h>

#include <boost/describe/class.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <string>

#include "conduit/auth/password.hpp"
#include "conduit/auth/token.hpp"
#include "conduit/db/database_error.hpp"
#include "conduit/migration/schema_sql.hpp"
#include "conduit/orm/data_model.hpp"
#include "conduit/orm/query.hpp"
#include "support/dialect_test.hpp"

namespace auth_models {

// An application's user: the owner's columns plus its own.
struct User : conduit::auth::ResourceOwner {
  std::optional<std::string> email;
  static constexpr auto table = "_user";
  static constexpr auto columns = conduit::auth::resource_owner_columns({
      {.member = "email", .unique = true},
  });
};
BOOST_DESCRIBE_STRUCT(User, (conduit::auth::ResourceOwner), (email))

// One that declares nothing of its own inherits the owner's options as they are.
struct PlainUser : conduit::auth::ResourceOwner {
  std::int32_t age = 0;
  static constexpr auto table = "plain_user";
};
BOOST_DESCRIBE_STRUCT(PlainUser, (conduit::auth::ResourceOwner), (age))

using Token = conduit::auth::AuthToken<User>;

}  // namespace auth_models

namespace conduit::auth {
namespace {

using auth_models::PlainUser;
using auth_models::Token;
using auth_models::User;
using orm::ColumnType;
using orm::DeleteRule;
using orm::ForeignKey;
using orm::SchemaColumn;

const orm::DataModel& model() {
  static const orm::DataModel data_model = orm::DataModel::of<User, AuthClient, Token>();
  return data_model;
}

SchemaColumn text(std::string name, bool nullable = true) {
  return {.name = std::move(name), .type = ColumnType::text, .nullable = nullable};
}

TEST(AuthModels, ClientTableIsConduits) {
  const orm::SchemaTable* table = model().schema().find_table("_authclient");
  ASSERT_NE(table, nullptr);
  const std::vector<SchemaColumn> expected = {
      {.name = "id", .type = ColumnType::text, .primary_key = true},
      text("hashedSecret"),
      text("salt"),
      text("redirectURI"),
      text("allowedScope"),
  };
  EXPECT_EQ(table->columns, expected);
  EXPECT_TRUE(table->unique_sets.empty());
}

TEST(AuthModels, TokenTableIsConduits) {
  const orm::SchemaTable* table = model().schema().find_table("_authtoken");
  ASSERT_NE(table, nullptr);
  auto unique_indexed = [](std::string name) {
    SchemaColumn column = text(std::move(name));
    column.unique = column.indexed = true;
    return column;
  };
  SchemaColumn type = text("type");
  type.indexed = true;
  const std::vector<SchemaColumn> expected = {
      {.name = "id", .type = ColumnType::big_integer, .primary_key = true, .autoincrement = true},
      unique_indexed("code"),
      unique_indexed("accessToken"),
      unique_indexed("refreshToken"),
      text("scope"),
      {.name = "issueDate", .type = ColumnType::timestamp},
      {.name = "expirationDate", .type = ColumnType::timestamp, .indexed = true},
      type,
      // Nullable, unlike Conduit's: a client_credentials token has no owner.
      {.name = "resourceOwner_id",
       .type = ColumnType::big_integer,
       .nullable = true,
       .indexed = true,
       .relationship =
           ForeignKey{.table = "_user", .column = "id", .on_delete = DeleteRule::cascade}},
      {.name = "client_id",
       .type = ColumnType::text,
       .indexed = true,
       .relationship =
           ForeignKey{.table = "_authclient", .column = "id", .on_delete = DeleteRule::cascade}},
      // PKCE, beyond Conduit.
      text("codeChallenge"),
  };
  ASSERT_EQ(table->columns.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(table->columns[i], expected[i])
        << expected[i].name << ": " << orm::to_json(table->columns[i]);
  }
}

TEST(AuthModels, OwnerTableHasTheOwnerColumnsThenTheApplications) {
  const orm::SchemaTable* table = model().schema().find_table("_user");
  ASSERT_NE(table, nullptr);
  SchemaColumn username = text("username", false);
  username.unique = username.indexed = true;
  SchemaColumn email = text("email");
  email.unique = true;
  const std::vector<SchemaColumn> expected = {
      {.name = "id", .type = ColumnType::big_integer, .primary_key = true, .autoincrement = true},
      username,
      text("hashedPassword", false),
      text("salt", false),
      email,
  };
  EXPECT_EQ(table->columns, expected);

  const orm::DataModel plain = orm::DataModel::of<PlainUser>();
  const orm::SchemaTable& plain_table = plain.schema().tables.at(0);
  ASSERT_EQ(plain_table.columns.size(), 5u);
  EXPECT_EQ(plain_table.columns[1], username);
  EXPECT_EQ(plain_table.columns[2].name, "hashedPassword");
  EXPECT_EQ(plain_table.columns[4].name, "age");
}

TEST(AuthModels, SecretsAreOmittedFromJsonByDefault) {
  User user;
  user.id = 3;
  user.username = "bob";
  user.hashed_password = "hash";
  user.salt = "salt";
  const std::string json = boost::json::serialize(orm::to_json(user));
  EXPECT_EQ(json.find("hash"), std::string::npos) << json;
  EXPECT_EQ(json.find("salt"), std::string::npos) << json;
  EXPECT_NE(json.find("bob"), std::string::npos) << json;
}

TEST(AuthModels, SchemaSqlCreatesTheTablesOnBothDialects) {
  for (db::Dialect dialect : {db::Dialect::sqlite, db::Dialect::postgres}) {
    std::string all;
    for (const std::string& sql : migration::create_schema_sql(model().schema(), dialect)) {
      all += sql + ";\n";
    }
    SCOPED_TRACE(all);
    for (std::string_view needle :
         {"CREATE TABLE \"_authclient\"", "CREATE TABLE \"_authtoken\"", "CREATE TABLE \"_user\"",
          "\"hashedSecret\"", "\"accessToken\"", "\"expirationDate\"", "\"resourceOwner_id\"",
          "ON DELETE CASCADE"}) {
      EXPECT_NE(all.find(needle), std::string::npos) << needle;
    }
  }
}

// ---- round trip ---------------------------------------------------------------------------

class AuthModelsDbTest : public orm::testing::DialectTest {
 protected:
  void SetUp() override {
    open_database("auth_models");
    if (IsSkipped()) return;
    run(migration::create_schema(*db_, model().schema()));
  }
  void TearDown() override {
    std::string drop;
    if (db_ && !postgres()) {
      for (const std::string& sql :
           migration::drop_schema_sql(model().schema(), db::Dialect::sqlite)) {
        drop += sql + ";";
      }
    }
    close_database(drop);
  }
};

TEST_P(AuthModelsDbTest, InsertsAndFetchesClientsOwnersAndTokens) {
  AuthClient client;
  client.id = "com.example.app";
  client.salt = generate_salt();
  client.hashed_secret = hash_password("s3cret", *client.salt);
  client.redirect_uri = "https://example.com/cb";
  client.allowed_scope = "user profile.readonly";
  run(orm::Query<AuthClient>(*db_).insert(
      client,
      orm::FieldSet<AuthClient>::of<&AuthClient::id, &AuthClient::hashed_secret, &AuthClient::salt,
                                    &AuthClient::redirect_uri, &AuthClient::allowed_scope>()));

  User user;
  user.username = "bob";
  user.salt = generate_salt();
  user.hashed_password = hash_password("pw", user.salt);
  user.email = "bob@example.com";
  const User stored_user = run(orm::Query<User>(*db_).insert(
      user, orm::FieldSet<User>::of<&User::username, &User::hashed_password, &User::salt,
                                    &User::email>()));
  ASSERT_GT(stored_user.id, 0);

  const std::string access = generate_token();
  Token token;
  token.access_token = token_digest(access);
  token.refresh_token = token_digest(generate_token());
  token.scope = "user";
  token.issue_date =
      std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  token.expiration_date = token.issue_date + std::chrono::hours(24);
  token.type = "bearer";
  token.resource_owner = orm::BelongsTo<User>(stored_user.id);
  token.client = orm::BelongsTo<AuthClient>(client.id);
  const Token inserted = run(orm::Query<Token>(*db_).insert(
      token, orm::FieldSet<Token>::of<&Token::access_token, &Token::refresh_token, &Token::scope,
                                      &Token::issue_date, &Token::expiration_date, &Token::type,
                                      &Token::resource_owner, &Token::client>()));
  ASSERT_GT(inserted.id, 0);

  // A presented token is found by its digest.
  auto found = run(orm::Query<Token>(*db_)
                       .where(&Token::access_token)
                       .equal_to(token_digest(access))
                       .fetch_one());
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, inserted.id);
  EXPECT_EQ(found->expiration_date, token.expiration_date);
  EXPECT_EQ(found->type, "bearer");
  EXPECT_FALSE(found->code.has_value());

  auto owner = run(orm::Query<User>(*db_).where(&User::username).equal_to("bob").fetch_one());
  ASSERT_TRUE(owner.has_value());
  EXPECT_EQ(owner->id, stored_user.id);

  auto stored_client = run(
      orm::Query<AuthClient>(*db_).where(&AuthClient::id).equal_to("com.example.app").fetch_one());
  ASSERT_TRUE(stored_client.has_value());
  EXPECT_EQ(stored_client->allowed_scope, "user profile.readonly");

  // A digest is stored once: a second row with the same access token is refused.
  try {
    run(orm::Query<Token>(*db_).insert(
        token,
        orm::FieldSet<Token>::of<&Token::access_token, &Token::issue_date, &Token::expiration_date,
                                 &Token::resource_owner, &Token::client>()));
    ADD_FAILURE() << "a duplicate accessToken was stored";
  } catch (const db::ConstraintViolation& e) {
    EXPECT_EQ(e.kind(), db::ErrorKind::unique_violation);
  }

  // Deleting the owner deletes its tokens (ON DELETE CASCADE).
  run(orm::Query<User>(*db_).where(&User::id).equal_to(stored_user.id).delete_());
  EXPECT_EQ(run(orm::Query<Token>(*db_).count()), 0);
}

INSTANTIATE_TEST_SUITE_P(Dialects, AuthModelsDbTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         orm::testing::dialect_name);

}  // namespace
}  // namespace conduit::auth
