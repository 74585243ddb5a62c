// Shared by the orm::Query suites on relationships (joins, key paths): the realistic models
// of test_models.hpp (users with a profile, heroes in teams with mentors, powers through
// HeroPower) with their tables created from the generated DDL, a small data set, and a
// fixture parameterised over SQLite and PostgreSQL (skipped when
// CONDUIT_TEST_DATABASE_URL is unset; each PostgreSQL test in its own schema).
//
//   teams:  red (Batman, Robin), blue (Superman), green (none)
//   heroes: Batman 40 (red, rival blue), Robin 20 (red, mentor Batman),
//           Superman 35 (blue, rival red), Alfred 70 (no team, mentor Batman)
//   powers: Batman: magic 2; Superman: flight 3, strength 1; Robin: speed 1
//   users:  alice (profile "hi"), bob (no profile); every hero created by alice
//
// Thread-safety: test code; one thread.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "conduit/db/database.hpp"
#include "conduit/migration/schema_sql.hpp"
#include "conduit/orm/data_model.hpp"
#include "conduit/orm/orm.hpp"
#include "conduit/orm/query.hpp"
#include "support/dialect_test.hpp"
#include "support/test_models.hpp"

namespace conduit::orm::testing {

using migration::create_schema;
using migration::drop_schema_sql;
using models::Hero;
using models::HeroPower;
using models::Power;
using models::PowerKind;
using models::Profile;
using models::Team;
using models::User;

class RelationsTest : public DialectTest {
 protected:
  void SetUp() override {
    open_database("orm_rel");
    if (IsSkipped()) return;
    run(create_schema(*db_, schema()));
  }

  void TearDown() override {
    std::string drop;
    if (db_ && !postgres()) {
      for (const std::string& sql : drop_schema_sql(schema(), db::Dialect::sqlite)) {
        drop += sql + ";";
      }
    }
    close_database(drop);
  }

  static const Schema& schema() {
    static const DataModel model = DataModel::of<User, Profile, Team, Hero, Power, HeroPower>();
    return model.schema();
  }

  User add_user(std::string email) {
    User user;
    user.email = std::move(email);
    user.hashed_password = "x";
    user.password = "long enough";
    user.settings = boost::json::object{};
    return run(Query<User>(*db_).insert(
        user, FieldSet<User>::of<&User::email, &User::hashed_password, &User::password, &User::role,
                                 &User::settings>()));
  }

  Team add_team(std::string name) {
    Team team;
    team.name = std::move(name);
    return run(Query<Team>(*db_).insert(team, FieldSet<Team>::of<&Team::name>()));
  }

  Hero add_hero(std::string name, std::int32_t age, const Team* team, const Team* rival = nullptr,
                const Hero* mentor = nullptr) {
    Hero hero;
    hero.name = std::move(name);
    hero.age = age;
    if (team) hero.team = team->id;
    if (rival) hero.rival_team = rival->id;
    if (mentor) hero.mentor = mentor->id;
    hero.created_by = creator_.id;
    return run(Query<Hero>(*db_).insert(
        hero, FieldSet<Hero>::of<&Hero::name, &Hero::age, &Hero::team, &Hero::rival_team,
                                 &Hero::mentor, &Hero::created_by>()));
  }

  Power add_power(std::string name, PowerKind kind, std::int64_t level) {
    Power power;
    power.name = std::move(name);
    power.kind = kind;
    power.level = level;
    return run(Query<Power>(*db_).insert(
        power, FieldSet<Power>::of<&Power::name, &Power::kind, &Power::level>()));
  }

  void link(const Hero& hero, const Power& power, std::int32_t mastery) {
    HeroPower link;
    link.hero = hero.id;
    link.power = power.id;
    link.mastery = mastery;
    run(Query<HeroPower>(*db_).insert(link));
  }

  // The data set of the header comment.
  void seed() {
    creator_ = add_user("alice@example.com");
    bob_ = add_user("bob@example.com");
    Profile profile;
    profile.bio = "hi";
    profile.user = creator_.id;
    run(Query<Profile>(*db_).insert(profile,
                                    FieldSet<Profile>::of<&Profile::bio, &Profile::user>()));
    red_ = add_team("red");
    blue_ = add_team("blue");
    green_ = add_team("green");
    batman_ = add_hero("Batman", 40, &red_, &blue_);
    robin_ = add_hero("Robin", 20, &red_, nullptr, &batman_);
    superman_ = add_hero("Superman", 35, &blue_, &red_);
    alfred_ = add_hero("Alfred", 70, nullptr, nullptr, &batman_);
    const Power magic = add_power("Detective", PowerKind::magic, 2);
    const Power flight = add_power("Flight", PowerKind::flight, 3);
    const Power strength = add_power("Strength", PowerKind::strength, 1);
    const Power speed = add_power("Speed", PowerKind::speed, 1);
    link(batman_, magic, 9);
    link(superman_, flight, 10);
    link(superman_, strength, 8);
    link(robin_, speed, 4);
  }

  template <class M>
  static std::vector<std::string> names(const std::vector<M>& rows) {
    std::vector<std::string> out;
    for (const M& row : rows) out.push_back(row.name);
    return out;
  }

  User creator_;
  User bob_;
  Team red_, blue_, green_;
  Hero batman_, robin_, superman_, alfred_;
};

}  // namespace conduit::orm::testing
