// orm::Query::join: BelongsTo and HasOne read in the same statement (LEFT OUTER JOIN),
// HasMany by a second query, nested joins (many-to-many through the link model), the JSON
// shapes that result, limits that count parents, and the refusals. Runs on SQLite and,
// when CONDUIT_TEST_DATABASE_URL is set, on PostgreSQL.
#include <gtest/gtest.h>

#include <stdexcept>

#include "query_relations_support.hpp"

namespace conduit::orm::testing {
namespace {

using Names = std::vector<std::string>;

class QueryJoinTest : public RelationsTest {};

TEST_P(QueryJoinTest, BelongsToReadsTheWholeRelatedObject) {
  seed();
  const auto heroes = run(Query<Hero>(*db_).join(&Hero::team).sort_by(&Hero::name).fetch());
  ASSERT_EQ(names(heroes), (Names{"Alfred", "Batman", "Robin", "Superman"}));
  EXPECT_TRUE(heroes[0].team.is_null());
  EXPECT_FALSE(heroes[0].team.joined());
  ASSERT_TRUE(heroes[1].team.joined());
  EXPECT_EQ(heroes[1].team->name, "red");
  EXPECT_EQ(heroes[1].team->id, red_.id);
  EXPECT_EQ(heroes[3].team->name, "blue");
  EXPECT_EQ(heroes[1].age, 40);  // our own columns are read as before

  const boost::json::value batman = to_json(heroes[1]);
  EXPECT_EQ(batman.at("team").at("name"), "red");
  EXPECT_EQ(batman.at("team").at("id"), red_.id);
  EXPECT_FALSE(batman.at("team").as_object().contains("heroes"));  // not joined itself
  EXPECT_TRUE(to_json(heroes[0]).at("team").is_null());
  // Not joined: the key only, as before; the other BelongsTo was not joined either.
  EXPECT_EQ(batman.at("rival_team"), (boost::json::value{{"id", blue_.id}}));
  const auto plain = run(Query<Hero>(*db_).where(&Hero::name).equal_to("Batman").fetch_one());
  EXPECT_EQ(to_json(*plain).at("team"), (boost::json::value{{"id", red_.id}}));
}

TEST_P(QueryJoinTest, JoinsTheSameTableTwiceAndItself) {
  seed();
  const auto heroes = run(Query<Hero>(*db_)
                              .join(&Hero::team)
                              .join(&Hero::rival_team)
                              .join(&Hero::mentor)
                              .where(&Hero::name)
                              .one_of({"Batman", "Robin"})
                              .where(&Hero::age)
                              .greater_than(10)
                              .sort_by(&Hero::age, SortOrder::descending)
                              .fetch());
  ASSERT_EQ(names(heroes), (Names{"Batman", "Robin"}));
  EXPECT_EQ(heroes[0].team->name, "red");
  EXPECT_EQ(heroes[0].rival_team->name, "blue");
  EXPECT_TRUE(heroes[0].mentor.is_null());
  EXPECT_EQ(heroes[1].team->name, "red");
  EXPECT_TRUE(heroes[1].rival_team.is_null());
  ASSERT_TRUE(heroes[1].mentor.joined());
  EXPECT_EQ(heroes[1].mentor->name, "Batman");
  EXPECT_EQ(heroes[1].mentor->age, 40);
}

TEST_P(QueryJoinTest, HasOneIsFetchedEvenWhenThereIsNone) {
  seed();
  const auto users = run(Query<User>(*db_).join(&User::profile).sort_by(&User::email).fetch());
  ASSERT_EQ(users.size(), 2U);
  ASSERT_TRUE(users[0].profile.fetched());
  ASSERT_TRUE(users[0].profile.has_value());
  EXPECT_EQ(users[0].profile->bio, "hi");
  EXPECT_TRUE(users[1].profile.fetched());
  EXPECT_FALSE(users[1].profile.has_value());
  EXPECT_EQ(to_json(users[0]).at("profile").at("bio"), "hi");
  EXPECT_TRUE(to_json(users[1]).at("profile").is_null());
  // Not joined: absent from JSON.
  const auto plain = run(Query<User>(*db_).sort_by(&User::email).fetch());
  EXPECT_FALSE(to_json(plain[0]).as_object().contains("profile"));
}

TEST_P(QueryJoinTest, HasManyReadsEveryParentsRowsAsAnArray) {
  seed();
  const auto teams = run(Query<Team>(*db_).join(&Team::heroes).sort_by(&Team::name).fetch());
  ASSERT_EQ(names(teams), (Names{"blue", "green", "red"}));
  ASSERT_TRUE(teams[0].heroes.fetched());
  EXPECT_EQ(names(teams[0].heroes.items()), Names{"Superman"});
  EXPECT_TRUE(teams[1].heroes.fetched());
  EXPECT_TRUE(teams[1].heroes.empty());
  EXPECT_EQ(names(teams[2].heroes.items()), (Names{"Batman", "Robin"}));  // by primary key
  EXPECT_FALSE(teams[2].rivals.fetched());

  const boost::json::value red = to_json(teams[2]);
  ASSERT_TRUE(red.at("heroes").is_array());
  EXPECT_EQ(red.at("heroes").as_array().size(), 2U);
  EXPECT_EQ(red.at("heroes").at(0).at("name"), "Batman");
  EXPECT_EQ(red.at("heroes").at(0).at("team"), (boost::json::value{{"id", red_.id}}));
  EXPECT_EQ(to_json(teams[1]).at("heroes"), boost::json::array());
  EXPECT_FALSE(red.as_object().contains("rivals"));
}

TEST_P(QueryJoinTest, TheSecondQueryCanBeFilteredSortedAndJoined) {
  seed();
  const auto teams = run(Query<Team>(*db_)
                             .join(&Team::heroes,
                                   [](Query<Hero>& heroes) {
                                     heroes.where(&Hero::age)
                                         .less_than(39)
                                         .sort_by(&Hero::name, SortOrder::descending)
                                         .join(&Hero::mentor)
                                         .returning<&Hero::name>();
                                   })
                             .join(&Team::rivals)
                             .sort_by(&Team::name)
                             .fetch());
  ASSERT_EQ(names(teams), (Names{"blue", "green", "red"}));
  EXPECT_EQ(names(teams[0].heroes.items()), Names{"Superman"});
  ASSERT_EQ(names(teams[2].heroes.items()), Names{"Robin"});
  EXPECT_EQ(teams[2].heroes[0].mentor->name, "Batman");
  EXPECT_EQ(teams[2].heroes[0].age, 0);  // only the name (and keys) were asked for
  EXPECT_EQ(names(teams[0].rivals.items()), Names{"Batman"});
  EXPECT_EQ(names(teams[2].rivals.items()), Names{"Superman"});
}

TEST_P(QueryJoinTest, LimitAndOffsetCountParents) {
  seed();
  const auto teams =
      run(Query<Team>(*db_).join(&Team::heroes).sort_by(&Team::name).limit(2).offset(1).fetch());
  ASSERT_EQ(names(teams), (Names{"green", "red"}));
  EXPECT_EQ(teams[1].heroes.size(), 2U);
  const auto one =
      run(Query<Team>(*db_).join(&Team::heroes).where(&Team::name).equal_to("red").fetch_one());
  ASSERT_TRUE(one);
  EXPECT_EQ(one->heroes.size(), 2U);
  EXPECT_THROW(run(Query<Team>(*db_).join(&Team::heroes).fetch_one()), QueryStateError);
  EXPECT_FALSE(
      run(Query<Team>(*db_).join(&Team::heroes).where(&Team::name).equal_to("x").fetch_one()));
}

TEST_P(QueryJoinTest, ManyToManyThroughTheLinkModel) {
  seed();
  const auto heroes = run(
      Query<Hero>(*db_)
          .join(&Hero::hero_powers, [](Query<HeroPower>& links) { links.join(&HeroPower::power); })
          .sort_by(&Hero::name)
          .fetch());
  ASSERT_EQ(names(heroes), (Names{"Alfred", "Batman", "Robin", "Superman"}));
  EXPECT_TRUE(through(heroes[0].hero_powers, &HeroPower::power).empty());
  std::vector<std::string> superman;
  for (const Power* power : through(heroes[3].hero_powers, &HeroPower::power)) {
    superman.push_back(power->name);
  }
  EXPECT_EQ(superman, (Names{"Flight", "Strength"}));
  EXPECT_EQ(heroes[3].hero_powers[0].mastery, 10);
  const boost::json::value json = to_json(heroes[3]);
  EXPECT_EQ(json.at("hero_powers").at(1).at("power").at("kind"), "strength");
}

TEST_P(QueryJoinTest, NestedHasManyLoadsEveryLevel) {
  seed();
  const auto teams =
      run(Query<Team>(*db_)
              .join(&Team::heroes, [](Query<Hero>& heroes) { heroes.join(&Hero::hero_powers); })
              .where(&Team::name)
              .equal_to("blue")
              .fetch());
  ASSERT_EQ(teams.size(), 1U);
  ASSERT_EQ(teams[0].heroes.size(), 1U);
  EXPECT_EQ(teams[0].heroes[0].hero_powers.size(), 2U);
  EXPECT_EQ(to_json(teams[0]).at("heroes").at(0).at("hero_powers").as_array().size(), 2U);
}

TEST_P(QueryJoinTest, ManyParentsTakeSeveralSecondQueries) {
  seed();
  const std::size_t count = detail::kKeysPerJoinQuery + 5;
  std::vector<Power> powers(count);
  for (std::size_t i = 0; i < count; ++i) powers[i].name = "p" + std::to_string(i);
  const auto stored = run(Query<Power>(*db_).insert_many(
      powers, FieldSet<Power>::of<&Power::name, &Power::kind, &Power::level>()));
  link(batman_, stored.front(), 1);
  link(robin_, stored.back(), 2);
  link(superman_, stored.back(), 3);
  const auto fetched = run(Query<Power>(*db_)
                               .join(&Power::hero_powers)
                               .where(&Power::name)
                               .begins_with("p")
                               .sort_by(&Power::id)
                               .fetch());
  ASSERT_EQ(fetched.size(), count);
  EXPECT_EQ(fetched.front().hero_powers.size(), 1U);
  EXPECT_EQ(fetched[count / 2].hero_powers.size(), 0U);
  ASSERT_EQ(fetched.back().hero_powers.size(), 2U);
  EXPECT_EQ(fetched.back().hero_powers[1].mastery, 3);
}

TEST_P(QueryJoinTest, RefusesJoiningTwiceAndLimitedSecondQueries) {
  Query<Hero> heroes(*db_);
  heroes.join(&Hero::team);
  EXPECT_THROW(heroes.join(&Hero::team), std::invalid_argument);
  EXPECT_THROW(Query<Team>(*db_).join(&Team::heroes, [](Query<Hero>& q) { q.limit(1); }),
               std::invalid_argument);
  EXPECT_THROW(
      Query<Team>(*db_).join(&Team::heroes,
                             [](Query<Hero>& q) { q.page_by(&Hero::name, SortOrder::ascending); }),
      std::invalid_argument);
  // Statements other than fetches ignore joins.
  seed();
  EXPECT_EQ(run(Query<Team>(*db_).join(&Team::heroes).count()), 3);
  Team values;
  values.budget = *Decimal::parse("5");
  const auto updated = run(Query<Team>(*db_)
                               .join(&Team::heroes)
                               .where(&Team::name)
                               .equal_to("red")
                               .update(values, FieldSet<Team>::of<&Team::budget>()));
  ASSERT_EQ(updated.size(), 1U);
  EXPECT_FALSE(updated[0].heroes.fetched());
}

INSTANTIATE_TEST_SUITE_P(Dialects, QueryJoinTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         dialect_name);

TEST(QueryJoinSqlTest, AliasesEveryTableAndNamesJoinedColumns) {
  detail::QuerySpec spec;
  spec.table = "_hero";
  spec.joins.push_back({"team", "t1", "id", "team_id", {"id", "name"}});
  spec.where.push_back(detail::make_leaf("name", detail::Op::equal, {"x"}, false));
  spec.sort.push_back({"name", false});
  const auto statement = detail::select_sql(db::Dialect::postgres, spec, {"id", "name"}, 2);
  EXPECT_EQ(statement.sql,
            "SELECT \"t0\".\"id\" AS \"id\", \"t0\".\"name\" AS \"name\", \"t1\".\"id\" AS "
            "\"t1.id\", \"t1\".\"name\" AS \"t1.name\" FROM \"_hero\" AS \"t0\" LEFT OUTER JOIN "
            "\"team\" AS \"t1\" ON \"t1\".\"id\" = \"t0\".\"team_id\" WHERE \"t0\".\"name\" = $1 "
            "ORDER BY \"t0\".\"name\" ASC LIMIT $2");
}

}  // namespace
}  // namespace conduit::orm::testing
