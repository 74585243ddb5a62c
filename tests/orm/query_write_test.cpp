// orm::Query writing rows: insert reading the stored row back, update of the present keys
// only, update_one/fetch_one refusing several rows, update/delete without a predicate
// refused, validation (400) before the statement, a unique violation as 409. Runs on
// SQLite and, when CONDUIT_TEST_DATABASE_URL is set, on PostgreSQL.
#include <gtest/gtest.h>

#include <chrono>

#include "query_support.hpp"

namespace conduit::orm::testing {
namespace {

using Names = std::vector<std::string>;

class QueryWriteTest : public QueryTest {};

TEST_P(QueryWriteTest, InsertReturnsTheStoredRowWithDefaults) {
  Villain v;
  v.name = "Joker";
  v.power = 70;
  v.secret = "ignored: not present";
  const auto before = std::chrono::system_clock::now() - std::chrono::hours(1);
  Villain stored =
      run(villains().insert(v, FieldSet<Villain>::of<&Villain::name, &Villain::power>()));
  EXPECT_GT(stored.id, 0);
  EXPECT_EQ(stored.name, "Joker");
  EXPECT_EQ(stored.power, 70);
  EXPECT_FALSE(stored.alias);
  EXPECT_TRUE(stored.active);  // column defaults, not the C++ member's values
  EXPECT_EQ(stored.mood, Mood::calm);
  EXPECT_GT(stored.created_at, before);
  auto secret = run(villains()
                        .where(&Villain::id)
                        .equal_to(stored.id)
                        .returning(FieldSet<Villain>::all())
                        .fetch_one());
  ASSERT_TRUE(secret);
  EXPECT_EQ(secret->secret, "hidden");

  Villain second = add("Bane", "B", 10, 1.5, false, Mood::angry);
  EXPECT_GT(second.id, stored.id);
  EXPECT_EQ(second.alias, "B");
  EXPECT_FALSE(second.active);
  EXPECT_EQ(second.mood, Mood::angry);
}

TEST_P(QueryWriteTest, UpdateSetsOnlyThePresentKeys) {
  seed();
  Villain values;
  values.power = 99;
  values.name = "not written";
  values.alias = "not written either";
  auto updated = run(villains()
                         .where(&Villain::mood)
                         .equal_to(Mood::calm)
                         .update(values, FieldSet<Villain>::of<&Villain::power>()));
  ASSERT_EQ(updated.size(), 2U);
  for (const Villain& v : updated) EXPECT_EQ(v.power, 99);
  EXPECT_EQ(sorted_names(villains().where(&Villain::power).equal_to(99)),
            (Names{"Bane", "Penguin"}));
  auto penguin = run(villains().where(&Villain::name).equal_to("Penguin").fetch_one());
  ASSERT_TRUE(penguin);
  EXPECT_EQ(penguin->alias, "Oswald");
  EXPECT_DOUBLE_EQ(penguin->rating, 5.5);

  // Setting a nullable column to NULL.
  Villain cleared;
  auto one = run(villains()
                     .where(&Villain::name)
                     .equal_to("Penguin")
                     .update_one(cleared, FieldSet<Villain>::of<&Villain::alias>()));
  ASSERT_TRUE(one);
  EXPECT_FALSE(one->alias);
  EXPECT_FALSE(run(villains()
                       .where(&Villain::name)
                       .equal_to("Nobody")
                       .update_one(cleared, FieldSet<Villain>::of<&Villain::alias>())));
}

TEST_P(QueryWriteTest, UpdateOneMatchingSeveralRowsChangesNothing) {
  seed();
  Villain values;
  values.power = 1;
  EXPECT_THROW(run(villains()
                       .where(&Villain::mood)
                       .equal_to(Mood::angry)
                       .update_one(values, FieldSet<Villain>::of<&Villain::power>())),
               QueryStateError);
  EXPECT_EQ(run(villains().where(&Villain::power).equal_to(1).count()), 0);
}

TEST_P(QueryWriteTest, FetchOneRefusesSeveralRows) {
  seed();
  EXPECT_THROW(run(villains().where(&Villain::active).equal_to(true).fetch_one()), QueryStateError);
  EXPECT_FALSE(run(villains().where(&Villain::name).equal_to("Nobody").fetch_one()));
  EXPECT_EQ(run(villains().where(&Villain::name).equal_to("Bane").fetch_one())->power, 90);
}

TEST_P(QueryWriteTest, UpdateAndDeleteWithoutPredicateAreRefused) {
  seed();
  Villain values;
  values.power = 5;
  const auto power = FieldSet<Villain>::of<&Villain::power>();
  EXPECT_THROW(run(villains().update(values, power)), QueryStateError);
  EXPECT_THROW(run(villains().delete_()), QueryStateError);
  EXPECT_EQ(run(villains().count()), 5);
  EXPECT_EQ(run(villains().can_modify_all_instances().update(values, power)).size(), 5U);
  EXPECT_EQ(run(villains().where(&Villain::power).equal_to(5).count()), 5);
  EXPECT_EQ(run(villains().where(&Villain::active).equal_to(false).delete_()), 2U);
  EXPECT_EQ(run(villains().can_modify_all_instances().delete_()), 3U);
  EXPECT_EQ(run(villains().count()), 0);
}

TEST_P(QueryWriteTest, UniqueViolationIs409) {
  add("Joker", std::nullopt, 1, 1, true, Mood::calm);
  try {
    add("Joker", std::nullopt, 2, 2, true, Mood::calm);
    FAIL() << "the duplicate insert succeeded";
  } catch (const db::DatabaseError& e) {
    EXPECT_EQ(e.kind(), db::ErrorKind::unique_violation);
    EXPECT_EQ(e.status(), 409);
  }
  EXPECT_EQ(run(villains().count()), 1);
}

TEST_P(QueryWriteTest, ValidationRunsBeforeInsertAndUpdate) {
  Villain bad;
  bad.name = "J";   // length(2, 40)
  bad.power = 500;  // range(0, 100)
  try {
    run(villains().insert(bad, seeded_keys()));
    FAIL() << "the invalid insert succeeded";
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.reasons().size(), 2U);
  }
  // present(When::insert): an insert without the name is refused before SQL runs.
  EXPECT_THROW(run(villains().insert(bad, FieldSet<Villain>::of<&Villain::alias>())),
               ValidationError);
  EXPECT_EQ(run(villains().count()), 0);

  seed();
  EXPECT_THROW(run(villains()
                       .where(&Villain::name)
                       .equal_to("Joker")
                       .update(bad, FieldSet<Villain>::of<&Villain::power>())),
               ValidationError);
  // An update that leaves the name out does not check it.
  Villain fine;
  fine.name = "J";
  fine.power = 3;
  auto updated = run(villains()
                         .where(&Villain::name)
                         .equal_to("Joker")
                         .update(fine, FieldSet<Villain>::of<&Villain::power>()));
  ASSERT_EQ(updated.size(), 1U);
  EXPECT_EQ(updated[0].name, "Joker");
  EXPECT_EQ(updated[0].power, 3);
}

TEST_P(QueryWriteTest, UuidDecimalAndJsonRoundTrip) {
  Stash stash;
  stash.id = *Uuid::parse("0e4f7a5c-3b1d-4c8e-9f00-123456789abc");
  stash.amount = *Decimal::parse("12.50");
  stash.meta = boost::json::value{{"tags", boost::json::array{"a", "b"}}};
  Stash stored = run(Query<Stash>(*db_).insert(stash));
  EXPECT_EQ(stored.id, stash.id);
  EXPECT_EQ(stored.amount, stash.amount);
  ASSERT_TRUE(stored.meta);
  EXPECT_EQ(*stored.meta, *stash.meta);

  Stash other;
  other.id = Uuid::random();
  other.amount = *Decimal::parse("3");
  run(Query<Stash>(*db_).insert(other));
  auto found = run(Query<Stash>(*db_).where(&Stash::id).equal_to(stash.id).fetch_one());
  ASSERT_TRUE(found);
  EXPECT_EQ(found->amount, stash.amount);
  auto big = run(Query<Stash>(*db_)
                     .where(&Stash::amount)
                     .greater_than(*Decimal::parse("10"))
                     .where(&Stash::meta)
                     .is_not_null()
                     .fetch());
  ASSERT_EQ(big.size(), 1U);
  EXPECT_EQ(big[0].id, stash.id);
}

TEST_P(QueryWriteTest, ComparesTimestamps) {
  seed();
  const Timestamp hour_ago =
      std::chrono::floor<std::chrono::microseconds>(std::chrono::system_clock::now()) -
      std::chrono::hours(1);
  EXPECT_EQ(run(villains().where(&Villain::created_at).greater_than(hour_ago).count()), 5);
  EXPECT_EQ(run(villains().where(&Villain::created_at).less_than(hour_ago).count()), 0);
}

INSTANTIATE_TEST_SUITE_P(Dialects, QueryWriteTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         dialect_name);

}  // namespace
}  // namespace conduit::orm::testing
