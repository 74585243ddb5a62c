// orm::Query::page_by (Conduit's pageBy/boundingValue): sorted by the paging member
// first, only rows strictly after the bound in that order, walking every page, combined
// with predicates and further sort keys, and the SQL text. Runs on SQLite and, when
// CONDUIT_TEST_DATABASE_URL is set, on PostgreSQL.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>

#include "query_support.hpp"

namespace conduit::orm::testing {
namespace {

using Names = std::vector<std::string>;

class QueryPageTest : public QueryTest {};

TEST_P(QueryPageTest, FirstPageThenStrictlyAfterTheBound) {
  seed();  // Joker 80, Bane 90, Penguin 30, Riddler 40, Two-Face 55
  EXPECT_EQ(names(villains().page_by(&Villain::name, SortOrder::ascending).limit(2)),
            (Names{"Bane", "Joker"}));
  EXPECT_EQ(names(villains().page_by(&Villain::name, SortOrder::ascending, "Joker").limit(2)),
            (Names{"Penguin", "Riddler"}));
  // Not present itself: still the rows after it.
  EXPECT_EQ(names(villains().page_by(&Villain::name, SortOrder::ascending, "Q")),
            (Names{"Riddler", "Two-Face"}));
  EXPECT_EQ(names(villains().page_by(&Villain::power, SortOrder::descending, 80)),
            (Names{"Two-Face", "Riddler", "Penguin"}));
  EXPECT_EQ(names(villains().page_by(&Villain::power, SortOrder::descending, std::nullopt)),
            (Names{"Bane", "Joker", "Two-Face", "Riddler", "Penguin"}));
  EXPECT_EQ(names(villains().page_by(&Villain::power, SortOrder::ascending, 90)), Names{});
}

TEST_P(QueryPageTest, WalksEveryPage) {
  seed();
  Names seen;
  std::optional<double> bound;
  for (int pages = 0; pages < 10; ++pages) {
    const auto page =
        run(villains().page_by(&Villain::rating, SortOrder::ascending, bound).limit(2).fetch());
    if (page.empty()) break;
    for (const Villain& v : page) seen.push_back(v.name);
    bound = page.back().rating;
  }
  EXPECT_EQ(seen, (Names{"Penguin", "Riddler", "Bane", "Two-Face", "Joker"}));
}

TEST_P(QueryPageTest, CombinesWithPredicatesAndSortKeys) {
  seed();
  add("Harley", "Quinn", 80, 8, true, Mood::angry);
  // The page key sorts first; sort_by breaks its ties.
  EXPECT_EQ(names(villains()
                      .sort_by(&Villain::name, SortOrder::descending)
                      .page_by(&Villain::power, SortOrder::descending, 85)
                      .where(&Villain::active)
                      .equal_to(true)),
            (Names{"Joker", "Harley", "Riddler"}));
  // A later page_by replaces the earlier one.
  EXPECT_EQ(names(villains()
                      .page_by(&Villain::power, SortOrder::descending, 85)
                      .page_by(&Villain::name, SortOrder::ascending, "Penguin")),
            (Names{"Riddler", "Two-Face"}));
  // count() and the aggregates count every matching row, like Conduit's reduce.
  EXPECT_EQ(run(villains().page_by(&Villain::name, SortOrder::ascending, "Penguin").count()), 6);
  // fetch_one pages too.
  EXPECT_EQ(run(villains().page_by(&Villain::name, SortOrder::descending, "Bane").fetch_one()),
            std::nullopt);
}

TEST_P(QueryPageTest, PagesByTimestampsAndEnums) {
  const Timestamp base = std::chrono::sys_days{std::chrono::year{2021} / 6 / 1};
  auto keys = FieldSet<Villain>::of<&Villain::name, &Villain::created_at, &Villain::mood>();
  for (int i = 0; i < 4; ++i) {
    Villain v;
    v.name = "V" + std::to_string(i);
    v.created_at = base + std::chrono::minutes(i);
    v.mood = i % 2 ? Mood::angry : Mood::calm;
    run(villains().insert(v, keys));
  }
  EXPECT_EQ(names(villains().page_by(&Villain::created_at, SortOrder::ascending,
                                     base + std::chrono::minutes(1))),
            (Names{"V2", "V3"}));
  EXPECT_EQ(names(villains()
                      .page_by(&Villain::mood, SortOrder::ascending, Mood::angry)
                      .sort_by(&Villain::name)),
            (Names{"V0", "V2"}));  // enums compare by their stored names: "calm" > "angry"
}

INSTANTIATE_TEST_SUITE_P(Dialects, QueryPageTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         dialect_name);

TEST(QueryPageSqlTest, BoundJoinsThePredicatesAndTheKeySortsFirst) {
  detail::QuerySpec spec;
  spec.table = "t";
  spec.where.push_back(detail::make_leaf("a", detail::Op::equal, {1}, false));
  spec.sort.push_back({"b", false});
  // (Built member by member: GCC 12 -O2 warns maybe-uninitialized on the braced temporary.)
  detail::PageSpec page;
  page.key.column = "c";
  page.key.descending = true;
  page.bound = detail::make_leaf("c", detail::Op::less, {9}, false);
  spec.page = std::move(page);
  spec.limit = 5;
  const auto statement = detail::select_sql(db::Dialect::postgres, spec, {"id"});
  EXPECT_EQ(statement.sql,
            "SELECT \"id\" FROM \"t\" WHERE \"a\" = $1 AND \"c\" < $2 ORDER BY \"c\" DESC, \"b\" "
            "ASC LIMIT $3");
  EXPECT_EQ(detail::count_sql(db::Dialect::postgres, spec).sql,
            "SELECT COUNT(*) FROM \"t\" WHERE \"a\" = $1");
}

}  // namespace
}  // namespace conduit::orm::testing
