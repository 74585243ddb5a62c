// orm::Query::join with a configured to-one join: predicates on the joined object that
// filter the parents (also in count and the aggregates; refused by update and delete),
// returning() for the joined object, to-one and to-many joins nested below a to-one join
// (filled at every level, shown by to_json), and the refusal of limit, offset, sort_by and
// page_by. Runs on SQLite and, when CONDUIT_TEST_DATABASE_URL is set, on PostgreSQL.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "query_relations_support.hpp"
#include "recording_executor.hpp"

namespace conduit::orm::testing {
namespace {

using Names = std::vector<std::string>;

class JoinNestedTest : public RelationsTest {
 protected:
  Query<Hero> heroes() { return Query<Hero>(*db_); }

  // The message of the std::invalid_argument `f` throws, or "" when it throws none.
  template <class F>
  static std::string refusal(F&& f) {
    try {
      f();
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  }
};

TEST_P(JoinNestedTest, PredicatesOnAJoinedObjectFilterTheParents) {
  seed();
  const auto red =
      run(heroes()
              .join(&Hero::team, [](Query<Team>& q) { q.where(&Team::name).equal_to("red"); })
              .sort_by(&Hero::name)
              .fetch());
  ASSERT_EQ(names(red), (Names{"Batman", "Robin"}));
  EXPECT_EQ(red[0].team->name, "red");
  EXPECT_EQ(red[1].team->id, red_.id);

  // A hero without a team has NULL joined columns: no comparison holds for it ...
  const auto not_red =
      run(heroes()
              .join(&Hero::team, [](Query<Team>& q) { q.where(&Team::name).not_equal_to("red"); })
              .sort_by(&Hero::name)
              .fetch());
  EXPECT_EQ(names(not_red), Names{"Superman"});
  // ... but is_null() does.
  const auto no_team =
      run(heroes().join(&Hero::team, [](Query<Team>& q) { q.where(&Team::id).is_null(); }).fetch());
  ASSERT_EQ(names(no_team), Names{"Alfred"});
  EXPECT_TRUE(no_team[0].team.is_null());
  EXPECT_TRUE(to_json(no_team[0]).at("team").is_null());

  // Together with the parents' own predicates, OR groups and key paths of the joined model.
  const auto mixed = run(heroes()
                             .where(&Hero::age)
                             .greater_than(30)
                             .join(&Hero::team,
                                   [](Query<Team>& q) {
                                     q.where(field(&Team::name).equal_to("red") ||
                                             field(&Team::name).equal_to("blue"))
                                         .where(path(&Team::heroes, &Hero::name))
                                         .equal_to("Robin");
                                   })
                             .fetch());
  EXPECT_EQ(names(mixed), Names{"Batman"});
}

TEST_P(JoinNestedTest, CountAndAggregatesApplyThePredicatesUpdateAndDeleteRefuseThem) {
  seed();
  auto red = [&] {
    return heroes().join(&Hero::team, [](Query<Team>& q) { q.where(&Team::name).equal_to("red"); });
  };
  EXPECT_EQ(run(red().count()), 2);
  EXPECT_EQ(run(red().average(&Hero::age)), 30.0);
  EXPECT_EQ(run(red().maximum(&Hero::age)), 40);
  EXPECT_EQ(run(red().where(&Hero::age).less_than(30).sum(&Hero::age)), 20);
  // Without predicates a join changes nothing there.
  EXPECT_EQ(run(heroes().join(&Hero::team).count()), 4);

  Hero values;
  values.age = 1;
  const auto update = [&] {
    run(red()
            .where(&Hero::name)
            .equal_to("Batman")
            .update(values, FieldSet<Hero>::of<&Hero::age>()));
  };
  EXPECT_NE(refusal(update).find("a to-one join's predicates filter fetches, count and aggregates "
                                 "only; filter by a key path (orm::path) instead"),
            std::string::npos);
  EXPECT_NE(refusal([&] { run(red().delete_()); }).find("delete of \"_hero\" refused"),
            std::string::npos);
  EXPECT_EQ(run(heroes().count()), 4);  // nothing deleted
  EXPECT_EQ(run(heroes().where(&Hero::name).equal_to("Batman").fetch_one())->age, 40);
}

TEST_P(JoinNestedTest, ReturningChoosesTheJoinedObjectsColumns) {
  seed();
  const auto users =
      run(Query<User>(*db_)
              .join(&User::profile, [](Query<Profile>& q) { q.returning<&Profile::user>(); })
              .sort_by(&User::email)
              .fetch());
  ASSERT_EQ(users.size(), 2U);
  ASSERT_TRUE(users[0].profile.has_value());
  EXPECT_EQ(users[0].profile->bio, "");  // not read
  EXPECT_GT(users[0].profile->id, 0);    // the primary key always is
  EXPECT_EQ(to_json(users[0]).at("profile").at("user"),
            (boost::json::value{{"id", to_json(creator_).at("id")}}));
  EXPECT_FALSE(users[1].profile.has_value());

  Team budget_only;
  const auto batman =
      run(heroes()
              .join(&Hero::team,
                    [](Query<Team>& q) { q.returning(FieldSet<Team>::of<&Team::budget>()); })
              .where(&Hero::name)
              .equal_to("Batman")
              .fetch_one());
  ASSERT_TRUE(batman && batman->team.joined());
  EXPECT_EQ(batman->team->id, red_.id);
  EXPECT_EQ(batman->team->name, "");
  EXPECT_EQ(batman->team->budget.to_string(), budget_only.budget.to_string());
}

TEST_P(JoinNestedTest, ToOneJoinsBelowAToOneJoinAreOneStatement) {
  seed();
  RecordingExecutor recorder(*db_);
  const auto found =
      run(Query<Hero>(recorder)
              .join(&Hero::mentor,
                    [](Query<Hero>& mentor) {
                      mentor.join(&Hero::team).join(&Hero::created_by, [](Query<User>& u) {
                        u.join(&User::profile);
                      });
                    })
              .join(&Hero::team)
              .sort_by(&Hero::name)
              .fetch());
  ASSERT_EQ(recorder.sent().size(), 1U);
  ASSERT_EQ(names(found), (Names{"Alfred", "Batman", "Robin", "Superman"}));
  EXPECT_FALSE(found[0].team.joined());
  ASSERT_TRUE(found[0].mentor.joined());
  EXPECT_EQ(found[0].mentor->name, "Batman");
  ASSERT_TRUE(found[0].mentor->team.joined());
  EXPECT_EQ(found[0].mentor->team->name, "red");
  EXPECT_EQ(found[0].mentor->created_by->profile->bio, "hi");
  EXPECT_TRUE(found[1].mentor.is_null());
  EXPECT_EQ(found[2].team->name, "red");
  EXPECT_EQ(found[2].mentor->team->id, red_.id);
  // The mentor's own other relationships stay unjoined.
  const boost::json::value robin = to_json(found[2]);
  EXPECT_EQ(robin.at("mentor").at("team").at("name"), "red");
  EXPECT_EQ(robin.at("mentor").at("created_by").at("profile").at("bio"), "hi");
  EXPECT_EQ(robin.at("mentor").at("rival_team"), (boost::json::value{{"id", blue_.id}}));
  EXPECT_TRUE(robin.at("mentor").at("mentor").is_null());

  // A predicate two levels down filters the top-level rows.
  const auto mentored_by_red = run(heroes()
                                       .join(&Hero::mentor,
                                             [](Query<Hero>& mentor) {
                                               mentor.join(&Hero::team, [](Query<Team>& t) {
                                                 t.where(&Team::name).equal_to("red");
                                               });
                                             })
                                       .sort_by(&Hero::name)
                                       .fetch());
  ASSERT_EQ(names(mentored_by_red), (Names{"Alfred", "Robin"}));
  EXPECT_EQ(mentored_by_red[1].mentor->team->name, "red");
}

TEST_P(JoinNestedTest, HasManyBelowAToOneJoinLoadsTheJoinedObjectsRows) {
  seed();
  RecordingExecutor recorder(*db_);
  const auto found = run(Query<Hero>(recorder)
                             .join(&Hero::team,
                                   [](Query<Team>& team) {
                                     team.join(&Team::heroes, [](Query<Hero>& h) {
                                       h.sort_by(&Hero::name, SortOrder::descending);
                                     });
                                   })
                             .sort_by(&Hero::name)
                             .fetch());
  ASSERT_EQ(recorder.sent().size(), 2U);  // the heroes, then the heroes of their teams
  EXPECT_NE(recorder.sent()[1].sql.find(" IN ($1, $2)"), std::string::npos)
      << recorder.sent()[1].sql;
  ASSERT_EQ(names(found), (Names{"Alfred", "Batman", "Robin", "Superman"}));
  EXPECT_TRUE(found[0].team.is_null());
  ASSERT_TRUE(found[1].team.joined());
  EXPECT_EQ(names(found[1].team->heroes.items()), (Names{"Robin", "Batman"}));
  EXPECT_EQ(names(found[2].team->heroes.items()), (Names{"Robin", "Batman"}));
  EXPECT_EQ(names(found[3].team->heroes.items()), Names{"Superman"});
  EXPECT_FALSE(found[3].team->rivals.fetched());
  const boost::json::value superman = to_json(found[3]);
  EXPECT_EQ(superman.at("team").at("name"), "blue");
  ASSERT_TRUE(superman.at("team").at("heroes").is_array());
  EXPECT_EQ(superman.at("team").at("heroes").at(0).at("name"), "Superman");
  EXPECT_FALSE(superman.at("team").as_object().contains("rivals"));

  // Two to-one levels, then a HasMany; and a HasOne's object with its own HasMany.
  const auto deep =
      run(heroes()
              .join(&Hero::mentor,
                    [](Query<Hero>& mentor) {
                      mentor.join(&Hero::team, [](Query<Team>& team) { team.join(&Team::rivals); });
                    })
              .where(&Hero::name)
              .equal_to("Robin")
              .fetch_one());
  ASSERT_TRUE(deep);
  EXPECT_EQ(names(deep->mentor->team->rivals.items()), Names{"Superman"});
  EXPECT_EQ(to_json(*deep).at("mentor").at("team").at("rivals").at(0).at("name"), "Superman");

  // No joined object at all: no second query.
  recorder.clear();
  const auto alone = run(Query<Hero>(recorder)
                             .join(&Hero::team, [](Query<Team>& team) { team.join(&Team::heroes); })
                             .where(&Hero::name)
                             .equal_to("Alfred")
                             .fetch());
  ASSERT_EQ(alone.size(), 1U);
  EXPECT_EQ(recorder.sent().size(), 1U);
}

TEST_P(JoinNestedTest, ValuesTravelAsParameters) {
  seed();
  RecordingExecutor recorder(*db_);
  const auto found = run(Query<Hero>(recorder)
                             .join(&Hero::team,
                                   [](Query<Team>& team) {
                                     team.where(&Team::name)
                                         .equal_to("red'; --")
                                         .join(&Team::heroes, [](Query<Hero>& h) {
                                           h.where(&Hero::name).begins_with("Bat");
                                         });
                                   })
                             .where(&Hero::age)
                             .greater_than(18)
                             .fetch());
  EXPECT_TRUE(found.empty());
  ASSERT_EQ(recorder.sent().size(), 1U);
  const auto& first = recorder.sent()[0];
  EXPECT_EQ(first.sql.find("red"), std::string::npos) << first.sql;
  EXPECT_EQ(first.sql.find("18"), std::string::npos) << first.sql;
  ASSERT_EQ(first.params.size(), 2U);
  EXPECT_NE(first.sql.find("\"t0\".\"age\" > $1 AND \"t1\".\"name\" = $2"), std::string::npos)
      << first.sql;
  ASSERT_NE(first.params[1].get_if<std::string>(), nullptr);
  EXPECT_EQ(*first.params[1].get_if<std::string>(), "red'; --");

  recorder.clear();
  const auto red = run(
      Query<Hero>(recorder)
          .join(&Hero::team,
                [](Query<Team>& team) {
                  team.where(&Team::name).equal_to("red").join(&Team::heroes, [](Query<Hero>& h) {
                    h.where(&Hero::name).begins_with("Bat");
                  });
                })
          .fetch());
  ASSERT_EQ(red.size(), 2U);
  EXPECT_EQ(names(red[0].team->heroes.items()), Names{"Batman"});
  ASSERT_EQ(recorder.sent().size(), 2U);
  EXPECT_EQ(recorder.sent()[1].sql.find("Bat"), std::string::npos) << recorder.sent()[1].sql;
}

TEST_P(JoinNestedTest, AToOneJoinsQueryRefusesLimitOffsetSortAndPaging) {
  const std::string expected =
      "orm::Query<Hero>::join: the query of team (a to-one join) cannot have limit, offset, "
      "sort_by or page_by";
  EXPECT_EQ(refusal([&] {
              heroes().join(&Hero::team, [](Query<Team>& q) { q.limit(1); });
            }).rfind(expected, 0),
            0U);
  EXPECT_EQ(refusal([&] {
              heroes().join(&Hero::team, [](Query<Team>& q) { q.offset(1); });
            }).rfind(expected, 0),
            0U);
  EXPECT_EQ(refusal([&] {
              heroes().join(&Hero::team, [](Query<Team>& q) { q.sort_by(&Team::name); });
            }).rfind(expected, 0),
            0U);
  EXPECT_EQ(refusal([&] {
              heroes().join(&Hero::team, [](Query<Team>& q) {
                q.page_by(&Team::name, SortOrder::ascending, std::string("a"));
              });
            }).rfind(expected, 0),
            0U);
  EXPECT_NE(refusal([&] {
              Query<User>(*db_).join(&User::profile, [](Query<Profile>& q) {
                q.sort_by(path(&Profile::user, &User::email));
              });
            }).find("the query of profile (a to-one join)"),
            std::string::npos);
  // Deeper down, and a HasMany's limit below a to-one join, too.
  EXPECT_NE(refusal([&] {
              heroes().join(&Hero::mentor, [](Query<Hero>& m) {
                m.join(&Hero::team, [](Query<Team>& q) { q.offset(2); });
              });
            }).find("the query of team (a to-one join)"),
            std::string::npos);
  EXPECT_NE(refusal([&] {
              heroes().join(&Hero::team, [](Query<Team>& t) {
                t.join(&Team::heroes, [](Query<Hero>& q) { q.limit(2); });
              });
            }).find("cannot have limit, offset or page_by"),
            std::string::npos);
  // Still refused: the same member twice, inside a configured join too.
  EXPECT_NE(refusal([&] {
              heroes().join(&Hero::mentor,
                            [](Query<Hero>& m) { m.join(&Hero::team).join(&Hero::team); });
            }).find("team is already joined"),
            std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Dialects, JoinNestedTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         dialect_name);

TEST(JoinNestedSqlTest, NestedJoinsChainTheirAliases) {
  detail::QuerySpec spec;
  spec.table = "_hero";
  const detail::Hop mentor{"mentor_id", "_hero", "id"};
  const std::size_t k = detail::join_index(spec, "t0", mentor);
  spec.joins[k].columns = {"id", "name"};
  spec.joins[k].where.push_back(detail::make_leaf("age", detail::Op::less, {40}, false));
  // The mentor's query: its team (with a predicate), and the team's league-like parent.
  detail::JoinSpec team{"team", "t1", "id", "team_id", {"id", "name"}};
  team.where.push_back(detail::make_leaf("name", detail::Op::equal, {"red"}, false));
  detail::JoinSpec owner{"users", "t2", "id", "owner_id", {"id"}, "t1"};
  const auto below = detail::merge_joins(spec, k, {team, owner});
  EXPECT_EQ(below, (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(detail::join_prefixes(spec), (std::vector<std::string>{"t1.", "t2.", "t3."}));
  spec.where.push_back(detail::make_leaf("name", detail::Op::equal, {"x"}, false));
  const auto statement = detail::select_sql(db::Dialect::postgres, spec, {"id"});
  EXPECT_EQ(statement.sql,
            "SELECT \"t0\".\"id\" AS \"id\", \"t1\".\"id\" AS \"t1.id\", \"t1\".\"name\" AS "
            "\"t1.name\", \"t2\".\"id\" AS \"t2.id\", \"t2\".\"name\" AS \"t2.name\", "
            "\"t3\".\"id\" AS \"t3.id\" FROM \"_hero\" AS \"t0\" LEFT OUTER JOIN \"_hero\" AS "
            "\"t1\" ON \"t1\".\"id\" = \"t0\".\"mentor_id\" LEFT OUTER JOIN \"team\" AS \"t2\" "
            "ON \"t2\".\"id\" = \"t1\".\"team_id\" LEFT OUTER JOIN \"users\" AS \"t3\" ON "
            "\"t3\".\"id\" = \"t2\".\"owner_id\" WHERE \"t0\".\"name\" = $1 AND \"t1\".\"age\" "
            "< $2 AND \"t2\".\"name\" = $3");
  EXPECT_EQ(statement.params.size(), 3U);
  const auto count = detail::count_sql(db::Dialect::sqlite, spec);
  EXPECT_EQ(count.sql,
            "SELECT COUNT(*) FROM \"_hero\" AS \"t0\" LEFT OUTER JOIN \"_hero\" AS \"t1\" ON "
            "\"t1\".\"id\" = \"t0\".\"mentor_id\" LEFT OUTER JOIN \"team\" AS \"t2\" ON "
            "\"t2\".\"id\" = \"t1\".\"team_id\" LEFT OUTER JOIN \"users\" AS \"t3\" ON "
            "\"t3\".\"id\" = \"t2\".\"owner_id\" WHERE \"t0\".\"name\" = $1 AND \"t1\".\"age\" "
            "< $2 AND \"t2\".\"name\" = $3");
}

}  // namespace
}  // namespace conduit::orm::testing
