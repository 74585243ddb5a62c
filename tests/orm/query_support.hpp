// Shared by the orm::Query suites: two small models (villains in guilds), their tables
// created with plain SQL per dialect, and a fixture parameterised over SQLite
// (sqlite::memory:) and PostgreSQL (CONDUIT_TEST_DATABASE_URL; skipped when unset). On
// PostgreSQL each test works in its own schema on a one-connection pool, so parallel test
// processes never see each other's tables.
//
// Thread-safety: test code; one thread.
#pragma once

#include <gtest/gtest.h>

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conduit/db/database.hpp"
#include "conduit/orm/orm.hpp"
#include "conduit/orm/query.hpp"
#include "support/db_test_support.hpp"
#include "support/dialect_test.hpp"

namespace query_models {

namespace orm = conduit::orm;

enum class Mood { calm, angry };
BOOST_DESCRIBE_ENUM(Mood, calm, angry)

struct Guild {
  std::int64_t id = 0;
  std::string name;
  static constexpr auto table = "q_guild";
};
BOOST_DESCRIBE_STRUCT(Guild, (), (id, name))

struct Villain {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> alias;
  std::int32_t power = 0;
  double rating = 0;
  bool active = true;
  Mood mood = Mood::calm;
  orm::Timestamp created_at{};
  std::string secret;
  orm::BelongsTo<Guild> guild;
  std::vector<std::string> nicknames;
  std::string note;

  static constexpr auto table = "q_villain";
  static constexpr orm::Column columns[] = {
      {.member = "name",
       .unique = true,
       .validators = {orm::length(2, 40), orm::present(orm::When::insert)}},
      {.member = "power", .default_value = "0", .validators = {orm::range(0, 100)}},
      {.member = "created_at", .default_value = "now()"},
      {.member = "secret", .default_value = "'hidden'", .omit_by_default = true},
      {.member = "nicknames", .transient = orm::Transient::both},
      {.member = "note", .transient = orm::Transient::both},
  };
};
BOOST_DESCRIBE_STRUCT(Villain, (),
                      (id, name, alias, power, rating, active, mood, created_at, secret, guild,
                       nicknames, note))

// A UUID key the application assigns, an exact decimal and a JSON document.
struct Stash {
  orm::Uuid id;
  orm::Decimal amount;
  std::optional<boost::json::value> meta;
  static constexpr auto table = "q_stash";
};
BOOST_DESCRIBE_STRUCT(Stash, (), (id, amount, meta))

}  // namespace query_models

namespace conduit::orm::testing {

using db::testing::Loop;
using query_models::Guild;
using query_models::Mood;
using query_models::Stash;
using query_models::Villain;

class QueryTest : public DialectTest {
 protected:
  void SetUp() override {
    open_database("orm_query");
    if (IsSkipped()) return;
    if (postgres()) {
      run(db_->execute_script(
          "CREATE TABLE q_guild (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL);"
          "CREATE TABLE q_villain (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
          " alias TEXT NULL, power INTEGER NOT NULL DEFAULT 0,"
          " rating DOUBLE PRECISION NOT NULL DEFAULT 0, active BOOLEAN NOT NULL DEFAULT true,"
          " mood TEXT NOT NULL DEFAULT 'calm', created_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
          " secret TEXT NOT NULL DEFAULT 'hidden',"
          " guild_id BIGINT NULL REFERENCES q_guild (id) ON DELETE SET NULL);"
          "CREATE TABLE q_stash (id UUID PRIMARY KEY, amount NUMERIC NOT NULL, meta JSONB NULL)"));
    } else {
      run(db_->execute_script(
          "DROP TABLE IF EXISTS q_villain; DROP TABLE IF EXISTS q_guild;"
          "DROP TABLE IF EXISTS q_stash;"
          "CREATE TABLE q_stash (id UUID PRIMARY KEY, amount NUMERIC NOT NULL, meta JSONB NULL);"
          "CREATE TABLE q_guild (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL);"
          "CREATE TABLE q_villain (id INTEGER PRIMARY KEY AUTOINCREMENT,"
          " name TEXT NOT NULL UNIQUE, alias TEXT NULL, power INTEGER NOT NULL DEFAULT 0,"
          " rating DOUBLE PRECISION NOT NULL DEFAULT 0, active BOOLEAN NOT NULL DEFAULT 1,"
          " mood TEXT NOT NULL DEFAULT 'calm',"
          " created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,"
          " secret TEXT NOT NULL DEFAULT 'hidden',"
          " guild_id BIGINT NULL REFERENCES q_guild (id) ON DELETE SET NULL)"));
    }
  }

  void TearDown() override {
    close_database(
        "DROP TABLE IF EXISTS q_villain; DROP TABLE IF EXISTS q_guild; DROP TABLE IF EXISTS "
        "q_stash;");
  }

  Query<Villain> villains() { return Query<Villain>(*db_); }

  static FieldSet<Villain> seeded_keys() {
    return FieldSet<Villain>::of<&Villain::name, &Villain::alias, &Villain::power, &Villain::rating,
                                 &Villain::active, &Villain::mood>();
  }

  Villain add(std::string name, std::optional<std::string> alias, std::int32_t power, double rating,
              bool active, Mood mood) {
    Villain v;
    v.name = std::move(name);
    v.alias = std::move(alias);
    v.power = power;
    v.rating = rating;
    v.active = active;
    v.mood = mood;
    return run(villains().insert(v, seeded_keys()));
  }

  // Five villains with distinct names, powers and ratings.
  void seed() {
    add("Joker", "Jack", 80, 9.5, true, Mood::angry);
    add("Bane", std::nullopt, 90, 7, true, Mood::calm);
    add("Penguin", "Oswald", 30, 5.5, false, Mood::calm);
    add("Riddler", "Ed%_Nygma", 40, 6, true, Mood::angry);
    add("Two-Face", "harvey", 55, 7.5, false, Mood::angry);
  }

  // The names of the fetched rows, in order.
  std::vector<std::string> names(Query<Villain> query) {
    std::vector<std::string> out;
    for (const Villain& v : run(query.fetch())) out.push_back(v.name);
    return out;
  }
  // The same, sorted by name.
  std::vector<std::string> sorted_names(Query<Villain> query) {
    return names(query.sort_by(&Villain::name));
  }
};

}  // namespace conduit::orm::testing
