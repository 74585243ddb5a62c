// orm::Query reading rows: every where operator, AND/OR/NOT, sorting, limit and offset,
// chosen columns, BelongsTo keys, and the SQL text for each dialect. Runs on SQLite and,
// when CONDUIT_TEST_DATABASE_URL is set, on PostgreSQL.
#include <gtest/gtest.h>

#include <stdexcept>

#include "query_support.hpp"

namespace conduit::orm::testing {
namespace {

using Names = std::vector<std::string>;

class QueryPredicateTest : public QueryTest {};

TEST_P(QueryPredicateTest, ComparisonOperators) {
  seed();
  EXPECT_EQ(sorted_names(villains().where(&Villain::name).equal_to("Bane")), Names{"Bane"});
  EXPECT_EQ(sorted_names(villains().where(&Villain::name).not_equal_to("Bane")),
            (Names{"Joker", "Penguin", "Riddler", "Two-Face"}));
  EXPECT_EQ(sorted_names(villains().where(&Villain::power).greater_than(55)),
            (Names{"Bane", "Joker"}));
  EXPECT_EQ(sorted_names(villains().where(&Villain::power).greater_than_or_equal_to(55)),
            (Names{"Bane", "Joker", "Two-Face"}));
  EXPECT_EQ(sorted_names(villains().where(&Villain::power).less_than(40)), Names{"Penguin"});
  EXPECT_EQ(sorted_names(villains().where(&Villain::power).less_than_or_equal_to(40)),
            (Names{"Penguin", "Riddler"}));
  EXPECT_EQ(sorted_names(villains().where(&Villain::rating).between(6.0, 7.5)),
            (Names{"Bane", "Riddler", "Two-Face"}));
  EXPECT_EQ(sorted_names(villains().where(&Villain::rating).outside(6.0, 7.5)),
            (Names{"Joker", "Penguin"}));
  EXPECT_EQ(sorted_names(villains().where(&Villain::power).one_of({30, 90, 1000})),
            (Names{"Bane", "Penguin"}));
  EXPECT_EQ(sorted_names(villains().where(&Villain::alias).is_null()), Names{"Bane"});
  EXPECT_EQ(sorted_names(villains().where(&Villain::alias).is_not_null()),
            (Names{"Joker", "Penguin", "Riddler", "Two-Face"}));
  EXPECT_EQ(sorted_names(villains().where(&Villain::active).equal_to(false)),
            (Names{"Penguin", "Two-Face"}));
  EXPECT_EQ(sorted_names(villains().where(&Villain::mood).equal_to(Mood::calm)),
            (Names{"Bane", "Penguin"}));
  EXPECT_EQ(sorted_names(villains().where(&Villain::name).one_of({"Joker", "Nobody"})),
            Names{"Joker"});
}

TEST_P(QueryPredicateTest, TextMatching) {
  seed();
  EXPECT_EQ(sorted_names(villains().where(&Villain::name).like("%er")),
            (Names{"Joker", "Riddler"}));
  EXPECT_EQ(sorted_names(villains().where(&Villain::name).like("_ane")), Names{"Bane"});
  EXPECT_EQ(sorted_names(villains().where(&Villain::name).not_like("%er")),
            (Names{"Bane", "Penguin", "Two-Face"}));
  // Case-sensitive by default, on SQLite too (whose LIKE ignores case).
  EXPECT_EQ(sorted_names(villains().where(&Villain::name).like("%ER")), Names{});
  EXPECT_EQ(sorted_names(villains().where(&Villain::name).like("%ER", Case::insensitive)),
            (Names{"Joker", "Riddler"}));
  // Wildcards in contains/begins_with/ends_with are literal.
  EXPECT_EQ(sorted_names(villains().where(&Villain::alias).contains("%_")), Names{"Riddler"});
  EXPECT_EQ(sorted_names(villains().where(&Villain::alias).contains("_")), Names{"Riddler"});
  EXPECT_EQ(sorted_names(villains().where(&Villain::name).contains("dd")), Names{"Riddler"});
  EXPECT_EQ(sorted_names(villains().where(&Villain::name).contains("DD")), Names{});
  EXPECT_EQ(sorted_names(villains().where(&Villain::name).contains("DD", Case::insensitive)),
            Names{"Riddler"});
  EXPECT_EQ(sorted_names(villains().where(&Villain::name).begins_with("jo")), Names{});
  EXPECT_EQ(sorted_names(villains().where(&Villain::name).begins_with("jo", Case::insensitive)),
            Names{"Joker"});
  EXPECT_EQ(sorted_names(villains().where(&Villain::name).ends_with("-Face")), Names{"Two-Face"});
  EXPECT_EQ(sorted_names(villains().where(&Villain::alias).ends_with("VEY", Case::insensitive)),
            Names{"Two-Face"});
  // GLOB's own wildcards are literal too.
  add("St*r?", std::nullopt, 1, 1, true, Mood::calm);
  EXPECT_EQ(sorted_names(villains().where(&Villain::name).contains("*r?")), Names{"St*r?"});
  EXPECT_EQ(sorted_names(villains().where(&Villain::name).equal_to("JOKER", Case::insensitive)),
            Names{"Joker"});
  EXPECT_EQ(sorted_names(villains().where(&Villain::name).equal_to("JOKER")), Names{});
}

TEST_P(QueryPredicateTest, AndOrNot) {
  seed();
  // Several where() = AND.
  EXPECT_EQ(sorted_names(villains()
                             .where(&Villain::mood)
                             .equal_to(Mood::angry)
                             .where(&Villain::active)
                             .equal_to(true)),
            (Names{"Joker", "Riddler"}));
  EXPECT_EQ(sorted_names(villains().where(field(&Villain::power).greater_than(85) ||
                                          field(&Villain::name).equal_to("Penguin"))),
            (Names{"Bane", "Penguin"}));
  EXPECT_EQ(sorted_names(villains().where(any_of(field(&Villain::power).less_than(35),
                                                 field(&Villain::power).greater_than(85),
                                                 field(&Villain::alias).is_null()))),
            (Names{"Bane", "Penguin"}));
  EXPECT_EQ(sorted_names(villains().where(!field(&Villain::mood).equal_to(Mood::angry))),
            (Names{"Bane", "Penguin"}));
  EXPECT_EQ(sorted_names(villains().where(&Villain::name).not_().begins_with("J")),
            (Names{"Bane", "Penguin", "Riddler", "Two-Face"}));
  // (angry AND active) OR power < 35, and NOT of a group.
  auto group =
      (field(&Villain::mood).equal_to(Mood::angry) && field(&Villain::active).equal_to(true)) ||
      field(&Villain::power).less_than(35);
  EXPECT_EQ(sorted_names(villains().where(group)), (Names{"Joker", "Penguin", "Riddler"}));
  EXPECT_EQ(sorted_names(villains().where(!group)), (Names{"Bane", "Two-Face"}));
  EXPECT_EQ(sorted_names(villains().where(all_of(field(&Villain::power).greater_than(35),
                                                 field(&Villain::active).equal_to(false)))),
            Names{"Two-Face"});
}

TEST_P(QueryPredicateTest, SortLimitOffset) {
  seed();
  EXPECT_EQ(names(villains().sort_by(&Villain::power, SortOrder::descending)),
            (Names{"Bane", "Joker", "Two-Face", "Riddler", "Penguin"}));
  EXPECT_EQ(names(villains()
                      .sort_by(&Villain::active, SortOrder::descending)
                      .sort_by(&Villain::name, SortOrder::ascending)),
            (Names{"Bane", "Joker", "Riddler", "Penguin", "Two-Face"}));
  EXPECT_EQ(names(villains().sort_by(&Villain::name).limit(2)), (Names{"Bane", "Joker"}));
  EXPECT_EQ(names(villains().sort_by(&Villain::name).limit(2).offset(2)),
            (Names{"Penguin", "Riddler"}));
  EXPECT_EQ(names(villains().sort_by(&Villain::name).offset(3)), (Names{"Riddler", "Two-Face"}));
  EXPECT_EQ(names(villains().sort_by(&Villain::name).limit(0)), Names{});
  EXPECT_THROW(villains().limit(-1), std::invalid_argument);
}

TEST_P(QueryPredicateTest, ReadsDefaultOrChosenColumns) {
  seed();
  auto joker = run(villains().where(&Villain::name).equal_to("Joker").fetch_one());
  ASSERT_TRUE(joker);
  EXPECT_GT(joker->id, 0);
  EXPECT_EQ(joker->alias, "Jack");
  EXPECT_EQ(joker->power, 80);
  EXPECT_DOUBLE_EQ(joker->rating, 9.5);
  EXPECT_EQ(joker->mood, Mood::angry);
  EXPECT_TRUE(joker->guild.is_null());
  EXPECT_EQ(joker->secret, "");  // omit-by-default: not read unless asked for

  auto chosen = run(villains()
                        .where(&Villain::name)
                        .equal_to("Joker")
                        .returning<&Villain::name, &Villain::secret>()
                        .fetch());
  ASSERT_EQ(chosen.size(), 1U);
  EXPECT_EQ(chosen[0].id, joker->id);  // the primary key always comes along
  EXPECT_EQ(chosen[0].name, "Joker");
  EXPECT_EQ(chosen[0].secret, "hidden");
  EXPECT_EQ(chosen[0].power, 0);
  EXPECT_FALSE(chosen[0].alias);
}

TEST_P(QueryPredicateTest, BelongsToComparesTheRelatedKey) {
  const auto guild = run(Query<Guild>(*db_).insert(Guild{.id = 0, .name = "Rogues"}));
  seed();
  Villain update;
  update.guild = guild.id;
  auto moved = run(villains()
                       .where(&Villain::power)
                       .greater_than(75)
                       .update(update, FieldSet<Villain>::of<&Villain::guild>()));
  ASSERT_EQ(moved.size(), 2U);
  EXPECT_EQ(std::get<std::int64_t>(moved[0].guild.key()), guild.id);
  EXPECT_EQ(sorted_names(villains().where(&Villain::guild).identified_by(guild.id)),
            (Names{"Bane", "Joker"}));
  EXPECT_EQ(sorted_names(villains().where(&Villain::guild).is_null()),
            (Names{"Penguin", "Riddler", "Two-Face"}));
}

TEST_P(QueryPredicateTest, RefusesMembersWithoutAColumnAndEmptyOneOf) {
  // (where(&Villain::nicknames) does not compile: a vector is no column type.)
  EXPECT_THROW(villains().where(&Villain::note), std::invalid_argument);
  EXPECT_THROW(villains().where(&Villain::power).one_of({}), std::invalid_argument);
}

TEST_P(QueryPredicateTest, CountsMatchingRows) {
  seed();
  EXPECT_EQ(run(villains().count()), 5);
  EXPECT_EQ(run(villains().where(&Villain::active).equal_to(true).count()), 3);
  EXPECT_EQ(run(villains().where(&Villain::name).equal_to("Nobody").count()), 0);
}

TEST_P(QueryPredicateTest, RunsInsideATransaction) {
  seed();
  std::int64_t seen = 0;
  auto outcome = run(db_->transaction([&](db::Transaction& tx) -> Task<void> {
    co_await Query<Villain>(tx).where(&Villain::name).equal_to("Bane").delete_();
    seen = co_await Query<Villain>(tx).count();
    throw db::Rollback("undo");
  }));
  EXPECT_FALSE(outcome.committed);
  EXPECT_EQ(seen, 4);
  EXPECT_EQ(run(villains().count()), 5);
}

INSTANTIATE_TEST_SUITE_P(Dialects, QueryPredicateTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         dialect_name);

// The SQL text itself, for both dialects, without a database.
TEST(QuerySqlTest, QuotesIdentifiersAndBindsEveryValue) {
  detail::QuerySpec spec;
  spec.table = "we\"ird";
  spec.where.push_back(detail::make_leaf("name", detail::Op::contains, {"50%"}, true));
  spec.where.push_back(detail::make_leaf("age", detail::Op::one_of, {1, 2}, false));
  spec.sort.push_back({"age", true});
  spec.limit = 10;
  auto pg = detail::select_sql(db::Dialect::postgres, spec, {"id", "name"});
  EXPECT_EQ(pg.sql,
            "SELECT \"id\", \"name\" FROM \"we\"\"ird\" WHERE \"name\" ILIKE $1 ESCAPE '\\' AND "
            "\"age\" IN ($2, $3) ORDER BY \"age\" DESC LIMIT $4");
  ASSERT_EQ(pg.params.size(), 4U);
  EXPECT_EQ(pg.params[0], db::Value("%50\\%%"));
  EXPECT_EQ(pg.params[3], db::Value(10));

  spec.limit.reset();
  spec.offset = 5;
  auto lite = detail::select_sql(db::Dialect::sqlite, spec, {"id"});
  EXPECT_EQ(lite.sql,
            "SELECT \"id\" FROM \"we\"\"ird\" WHERE lower(\"name\") LIKE lower($1) ESCAPE '\\' "
            "AND \"age\" IN ($2, $3) ORDER BY \"age\" DESC LIMIT -1 OFFSET $4");
}

TEST(QuerySqlTest, TranslatesLikePatternsToGlob) {
  EXPECT_EQ(detail::like_to_glob("%a_b\\%c\\_*?[d"), "*a?b%c_[*][?][[]d");
  EXPECT_EQ(detail::escape_like("a%b_c\\d"), "a\\%b\\_c\\\\d");
}

}  // namespace
}  // namespace conduit::orm::testing
