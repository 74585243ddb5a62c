// orm::path: predicates on members reached through relationships. BelongsTo, HasOne and
// HasMany ("at least one") steps, several steps through a many-to-many link, negation,
// OR with plain predicates, together with joins, in count/update/delete, and the SQL
// text. Runs on SQLite and, when CONDUIT_TEST_DATABASE_URL is set, on PostgreSQL.
#include <gtest/gtest.h>

#include "query_relations_support.hpp"

namespace conduit::orm::testing {
namespace {

using Names = std::vector<std::string>;

class QueryPathTest : public RelationsTest {
 protected:
  Names hero_names(Query<Hero> query) { return names(run(query.sort_by(&Hero::name).fetch())); }
  Names team_names(Query<Team> query) { return names(run(query.sort_by(&Team::name).fetch())); }
  Query<Hero> heroes() { return Query<Hero>(*db_); }
  Query<Team> teams() { return Query<Team>(*db_); }
};

TEST_P(QueryPathTest, BelongsToStep) {
  seed();
  EXPECT_EQ(hero_names(heroes().where(path(&Hero::team, &Team::name)).equal_to("red")),
            (Names{"Batman", "Robin"}));
  EXPECT_EQ(hero_names(
                heroes().where(path(&Hero::team, &Team::name)).begins_with("B", Case::insensitive)),
            Names{"Superman"});
  // The same table under two relationships, and the model itself.
  EXPECT_EQ(hero_names(heroes().where(path(&Hero::rival_team, &Team::name)).equal_to("red")),
            Names{"Superman"});
  EXPECT_EQ(hero_names(heroes().where(path(&Hero::mentor, &Hero::name)).equal_to("Batman")),
            (Names{"Alfred", "Robin"}));
  // Ending in a BelongsTo compares its key.
  EXPECT_EQ(hero_names(heroes().where(path(&Hero::mentor, &Hero::team)).identified_by(red_.id)),
            (Names{"Alfred", "Robin"}));
  // Two steps.
  EXPECT_EQ(
      hero_names(heroes().where(path(&Hero::mentor, &Hero::team, &Team::name)).equal_to("red")),
      (Names{"Alfred", "Robin"}));
}

TEST_P(QueryPathTest, NegationAndOr) {
  seed();
  // A hero without a team is neither in "red" nor in "not red" (as with Conduit's join).
  EXPECT_EQ(hero_names(heroes().where(!field(path(&Hero::team, &Team::name)).equal_to("red"))),
            Names{"Superman"});
  EXPECT_EQ(hero_names(heroes().where(path(&Hero::team, &Team::name)).not_().equal_to("red")),
            Names{"Superman"});
  EXPECT_EQ(hero_names(heroes().where(field(path(&Hero::team, &Team::name)).equal_to("blue") ||
                                      field(&Hero::age).greater_than(60))),
            (Names{"Alfred", "Superman"}));
}

TEST_P(QueryPathTest, HasManyStepMeansAtLeastOne) {
  seed();
  EXPECT_EQ(team_names(teams().where(path(&Team::heroes, &Hero::age)).greater_than(30)),
            (Names{"blue", "red"}));
  // Negated: none of its heroes (a team without heroes included).
  EXPECT_EQ(team_names(teams().where(!field(path(&Team::heroes, &Hero::age)).greater_than(30))),
            Names{"green"});
  // not_() negates the comparison: some hero whose age is not 40.
  EXPECT_EQ(team_names(teams().where(path(&Team::heroes, &Hero::age)).not_().equal_to(40)),
            (Names{"blue", "red"}));
  EXPECT_EQ(team_names(teams().where(path(&Team::rivals, &Hero::name)).equal_to("Batman")),
            Names{"blue"});
  // Two conditions on the same relationship are two independent "at least one"s.
  EXPECT_EQ(team_names(teams()
                           .where(path(&Team::heroes, &Hero::age))
                           .less_than(30)
                           .where(path(&Team::heroes, &Hero::age))
                           .greater_than(30)),
            Names{"red"});
}

TEST_P(QueryPathTest, ThroughAManyToManyLink) {
  seed();
  EXPECT_EQ(hero_names(heroes()
                           .where(path(&Hero::hero_powers, &HeroPower::power, &Power::kind))
                           .equal_to(PowerKind::flight)),
            Names{"Superman"});
  EXPECT_EQ(
      hero_names(
          heroes().where(path(&Hero::hero_powers, &HeroPower::power, &Power::level)).equal_to(1)),
      (Names{"Robin", "Superman"}));
  EXPECT_EQ(team_names(
                teams()
                    .where(path(&Team::heroes, &Hero::hero_powers, &HeroPower::power, &Power::name))
                    .equal_to("Speed")),
            Names{"red"});
  EXPECT_EQ(hero_names(heroes()
                           .where(path(&Hero::hero_powers, &HeroPower::mastery))
                           .greater_than_or_equal_to(9)),
            (Names{"Batman", "Superman"}));
}

TEST_P(QueryPathTest, HasOneStep) {
  seed();
  const auto users =
      run(Query<User>(*db_).where(path(&User::profile, &Profile::bio)).equal_to("hi").fetch());
  ASSERT_EQ(users.size(), 1U);
  EXPECT_EQ(users[0].email, "alice@example.com");
  EXPECT_EQ(run(Query<User>(*db_)
                    .where(!field(path(&User::profile, &Profile::bio)).is_not_null())
                    .fetch_one())
                ->email,
            "bob@example.com");
}

TEST_P(QueryPathTest, WorksWithJoinsAndInEveryStatement) {
  seed();
  const auto joined = run(heroes()
                              .join(&Hero::team)
                              .join(&Hero::mentor)
                              .where(path(&Hero::mentor, &Hero::name))
                              .equal_to("Batman")
                              .where(path(&Hero::team, &Team::name))
                              .equal_to("red")
                              .fetch());
  ASSERT_EQ(names(joined), Names{"Robin"});
  EXPECT_EQ(joined[0].mentor->name, "Batman");
  EXPECT_EQ(joined[0].team->name, "red");

  EXPECT_EQ(run(heroes().where(path(&Hero::team, &Team::name)).equal_to("red").count()), 2);
  EXPECT_EQ(run(heroes().where(path(&Hero::team, &Team::name)).equal_to("red").sum(&Hero::age)),
            60);
  Hero older;
  older.age = 41;
  EXPECT_EQ(run(heroes()
                    .where(path(&Hero::team, &Team::name))
                    .equal_to("red")
                    .update(older, FieldSet<Hero>::of<&Hero::age>()))
                .size(),
            2U);
  EXPECT_EQ(run(heroes().where(path(&Hero::rival_team, &Team::name)).equal_to("blue").delete_()),
            1U);
  EXPECT_EQ(hero_names(heroes()), (Names{"Alfred", "Robin", "Superman"}));
  EXPECT_EQ(run(heroes().where(&Hero::name).equal_to("Robin").fetch_one())->age, 41);
}

INSTANTIATE_TEST_SUITE_P(Dialects, QueryPathTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         dialect_name);

TEST(QueryPathSqlTest, EachStepIsAnInSubquery) {
  detail::QuerySpec spec;
  spec.table = "_team";
  const detail::Hop heroes{"id", "_hero", "team_id"};
  const detail::Hop power{"power_id", "power", "id"};
  spec.where.push_back(detail::make_not(detail::make_related(
      heroes,
      detail::make_related(power, detail::make_leaf("name", detail::Op::equal, {"x"}, false)))));
  EXPECT_EQ(detail::select_sql(db::Dialect::sqlite, spec, {"id"}).sql,
            "SELECT \"id\" FROM \"_team\" WHERE NOT (\"id\" IN (SELECT \"team_id\" FROM \"_hero\" "
            "WHERE \"team_id\" IS NOT NULL AND \"power_id\" IN (SELECT \"id\" FROM \"power\" WHERE "
            "\"id\" IS NOT NULL AND \"name\" = $1)))");
  // With a join, only the outer column is qualified.
  spec.joins.push_back({"x", "t1", "id", "x_id", {"id"}});
  EXPECT_NE(detail::select_sql(db::Dialect::sqlite, spec, {"id"})
                .sql.find("WHERE NOT (\"t0\".\"id\" IN (SELECT \"team_id\" FROM \"_hero\" WHERE "
                          "\"team_id\" IS NOT NULL AND \"power_id\" IN"),
            std::string::npos);
}

TEST(QueryPathSqlTest, PathsAreCheckedAtRunTimeOnlyForUndescribedMembers) {
  EXPECT_THROW(detail::hop_of(entity_of<Hero>(), 999), std::invalid_argument);
  EXPECT_THROW(detail::hop_of(entity_of<Hero>(), detail::member_index<Hero>("name")),
               std::invalid_argument);
  const detail::Hop hop = detail::hop_of(entity_of<Team>(), detail::member_index<Team>("rivals"));
  EXPECT_EQ(hop.outer_column, "id");
  EXPECT_EQ(hop.table, "_hero");
  EXPECT_EQ(hop.inner_column, "rival_id");
}

}  // namespace
}  // namespace conduit::orm::testing
