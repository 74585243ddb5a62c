// orm::Query::sort_by(orm::path(...)): sorting by a member of a related model through
// BelongsTo and HasOne steps (one or several), rows whose relationship is NULL kept and
// sorted last in both orders on both databases, the LEFT JOIN shared with a join() of the
// same relationship, inside a HasMany join's query, with paging, and the SQL text. Runs on
// SQLite and, when CONDUIT_TEST_DATABASE_URL is set, on PostgreSQL.
#include <gtest/gtest.h>

#include <string>

#include "query_relations_support.hpp"
#include "recording_executor.hpp"

namespace conduit::orm::testing {
namespace {

using Names = std::vector<std::string>;

class SortPathTest : public RelationsTest {
 protected:
  Query<Hero> heroes() { return Query<Hero>(*db_); }
  Names hero_names(Query<Hero> query) { return names(run(query.fetch())); }
};

TEST_P(SortPathTest, ByAMemberOfTheRelatedModelWithNullRelationshipsLast) {
  seed();
  // Alfred has no team: last in both orders.
  EXPECT_EQ(hero_names(heroes().sort_by(path(&Hero::team, &Team::name)).sort_by(&Hero::name)),
            (Names{"Superman", "Batman", "Robin", "Alfred"}));
  EXPECT_EQ(hero_names(heroes()
                           .sort_by(path(&Hero::team, &Team::name), SortOrder::descending)
                           .sort_by(&Hero::name, SortOrder::descending)),
            (Names{"Robin", "Batman", "Superman", "Alfred"}));
  // Two relationships to the same table, each its own join.
  EXPECT_EQ(hero_names(heroes()
                           .sort_by(path(&Hero::rival_team, &Team::name), SortOrder::descending)
                           .sort_by(path(&Hero::team, &Team::name))
                           .sort_by(&Hero::name)),
            (Names{"Superman", "Batman", "Robin", "Alfred"}));
  // Ending in a BelongsTo: its key.
  EXPECT_EQ(hero_names(heroes().sort_by(path(&Hero::mentor, &Hero::team)).sort_by(&Hero::age)),
            (Names{"Robin", "Alfred", "Superman", "Batman"}));
}

TEST_P(SortPathTest, SeveralHopsAndHasOne) {
  seed();
  // Robin's and Alfred's mentor (Batman) is in red; the others have no mentor.
  EXPECT_EQ(
      hero_names(
          heroes().sort_by(path(&Hero::mentor, &Hero::team, &Team::name)).sort_by(&Hero::name)),
      (Names{"Alfred", "Robin", "Batman", "Superman"}));
  EXPECT_EQ(hero_names(heroes()
                           .sort_by(path(&Hero::mentor, &Hero::age), SortOrder::descending)
                           .sort_by(&Hero::age, SortOrder::descending)),
            (Names{"Alfred", "Robin", "Batman", "Superman"}));
  // HasOne: bob has no profile, last either way.
  for (const SortOrder order : {SortOrder::ascending, SortOrder::descending}) {
    const auto users =
        run(Query<User>(*db_).sort_by(path(&User::profile, &Profile::bio), order).fetch());
    ASSERT_EQ(users.size(), 2U);
    EXPECT_EQ(users[0].email, "alice@example.com");
    EXPECT_EQ(users[1].email, "bob@example.com");
  }
  // BelongsTo then HasOne.
  const User carol = add_user("carol@example.com");
  Profile profile;
  profile.bio = "a";
  profile.user = carol.id;
  run(Query<Profile>(*db_).insert(profile, FieldSet<Profile>::of<&Profile::bio, &Profile::user>()));
  Hero zed;
  zed.name = "Zed";
  zed.created_by = carol.id;
  run(Query<Hero>(*db_).insert(zed,
                               FieldSet<Hero>::of<&Hero::name, &Hero::age, &Hero::created_by>()));
  EXPECT_EQ(hero_names(heroes()
                           .sort_by(path(&Hero::created_by, &User::profile, &Profile::bio))
                           .sort_by(&Hero::name)),
            (Names{"Zed", "Alfred", "Batman", "Robin", "Superman"}));
}

TEST_P(SortPathTest, SharesTheJoinOfTheSameRelationship) {
  seed();
  RecordingExecutor recorder(*db_);
  const auto found = run(Query<Hero>(recorder)
                             .sort_by(path(&Hero::team, &Team::name), SortOrder::descending)
                             .join(&Hero::team)
                             .where(path(&Hero::team, &Team::name))
                             .not_equal_to("green")
                             .sort_by(&Hero::name)
                             .limit(2)
                             .fetch());
  ASSERT_EQ(names(found), (Names{"Batman", "Robin"}));
  EXPECT_EQ(found[0].team->name, "red");
  ASSERT_EQ(recorder.sent().size(), 1U);
  const std::string& sql = recorder.sent()[0].sql;
  EXPECT_EQ(sql.find("\"t2\""), std::string::npos) << sql;  // one join: "t1"
  EXPECT_NE(sql.find("ORDER BY \"t1\".\"name\" DESC NULLS LAST, \"t0\".\"name\" ASC LIMIT $2"),
            std::string::npos)
      << sql;
  EXPECT_EQ(sql.find("green"), std::string::npos) << sql;

  // A to-one join's predicates and a sort through the same and a further relationship.
  const auto mentored =
      run(heroes()
              .join(&Hero::mentor,
                    [](Query<Hero>& m) { m.join(&Hero::team).where(&Hero::age).greater_than(30); })
              .sort_by(path(&Hero::mentor, &Hero::team, &Team::name))
              .sort_by(&Hero::name, SortOrder::descending)
              .fetch());
  ASSERT_EQ(names(mentored), (Names{"Robin", "Alfred"}));
  EXPECT_EQ(mentored[0].mentor->team->name, "red");
}

TEST_P(SortPathTest, InsideAHasManyJoinAndWithPaging) {
  seed();
  const auto teams =
      run(Query<Team>(*db_)
              .join(&Team::heroes,
                    [](Query<Hero>& h) {
                      h.sort_by(path(&Hero::mentor, &Hero::name), SortOrder::descending)
                          .sort_by(&Hero::name);
                    })
              .where(&Team::name)
              .equal_to("red")
              .fetch());
  ASSERT_EQ(teams.size(), 1U);
  EXPECT_EQ(names(teams[0].heroes.items()), (Names{"Robin", "Batman"}));

  // page_by sorts first; the path breaks its ties.
  EXPECT_EQ(hero_names(heroes()
                           .page_by(&Hero::active, SortOrder::ascending)
                           .sort_by(path(&Hero::team, &Team::name))
                           .sort_by(&Hero::name)
                           .limit(3)),
            (Names{"Superman", "Batman", "Robin"}));
  EXPECT_EQ(hero_names(heroes()
                           .page_by(&Hero::age, SortOrder::ascending, 20)
                           .sort_by(path(&Hero::team, &Team::name))),
            (Names{"Superman", "Batman", "Alfred"}));
  // count and the aggregates ignore sorting.
  EXPECT_EQ(run(heroes().sort_by(path(&Hero::team, &Team::name)).count()), 4);
}

INSTANTIATE_TEST_SUITE_P(Dialects, SortPathTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         dialect_name);

TEST(SortPathSqlTest, EveryHopIsALeftJoinSharedWithJoins) {
  detail::QuerySpec spec;
  spec.table = "_hero";
  const detail::Hop mentor{"mentor_id", "_hero", "id"};
  const detail::Hop team{"team_id", "team", "id"};
  spec.sort.push_back(detail::sort_key_through(spec, {mentor, team}, "name", true));
  spec.sort.push_back(detail::sort_key_through(spec, {mentor}, "age", false));
  spec.sort.push_back({"name", false});
  ASSERT_EQ(spec.joins.size(), 2U);
  EXPECT_TRUE(spec.joins[0].columns.empty());
  for (const db::Dialect dialect : {db::Dialect::postgres, db::Dialect::sqlite}) {
    const auto statement = detail::select_sql(dialect, spec, {"id", "name"});
    EXPECT_EQ(
        statement.sql,
        "SELECT \"t0\".\"id\" AS \"id\", \"t0\".\"name\" AS \"name\" FROM \"_hero\" AS "
        "\"t0\" LEFT OUTER JOIN \"_hero\" AS \"t1\" ON \"t1\".\"id\" = \"t0\".\"mentor_id\" "
        "LEFT OUTER JOIN \"team\" AS \"t2\" ON \"t2\".\"id\" = \"t1\".\"team_id\" ORDER BY "
        "\"t2\".\"name\" DESC NULLS LAST, \"t1\".\"age\" ASC NULLS LAST, \"t0\".\"name\" ASC");
    EXPECT_TRUE(statement.params.empty());
  }
}

}  // namespace
}  // namespace conduit::orm::testing
