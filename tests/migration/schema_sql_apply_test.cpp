// Applies the generated DDL to SQLite (sqlite::memory:) and PostgreSQL
// (CONDUIT_TEST_DATABASE_URL, each test in its own schema; skipped when unset), reads the
// catalog back, round-trips every column type through orm::Query and checks that the
// foreign keys' delete rules behave.
//
// Thread-safety: test code; one thread.
#include <gtest/gtest.h>

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/json/parse.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>

#include "conduit/db/database.hpp"
#include "conduit/orm/data_model.hpp"
#include "conduit/orm/orm.hpp"
#include "conduit/orm/query.hpp"
#include "conduit/migration/schema_sql.hpp"
#include "support/db_test_support.hpp"
#include "support/dialect_test.hpp"

namespace ddl_models {

namespace orm = conduit::orm;

enum class Kind { small, large };
BOOST_DESCRIBE_ENUM(Kind, small, large)

struct DdlOwner {
  std::int64_t id = 0;
  std::string name;
  static constexpr auto table = "ddl_owner";
  static constexpr orm::Column columns[] = {{.member = "name", .unique = true, .indexed = true}};
};
BOOST_DESCRIBE_STRUCT(DdlOwner, (), (id, name))

// Every column type, defaults of each kind, and the three usual delete rules.
struct DdlItem {
  std::int32_t id = 0;
  std::string label;
  std::optional<std::string> note;
  std::int32_t count = 0;
  std::int64_t big = 0;
  bool flag = false;
  double ratio = 0;
  orm::Timestamp at{};
  boost::json::value doc;
  orm::Uuid token;
  orm::Decimal price;
  Kind kind = Kind::small;
  orm::BelongsTo<DdlOwner> owner;
  orm::BelongsTo<DdlOwner> keeper;
  orm::BelongsTo<DdlOwner> guard;

  static constexpr orm::Table table{.name = "ddl_item", .unique = {"label, owner"}};
  static constexpr orm::Column columns[] = {
      {.member = "count", .default_value = "7"},
      {.member = "flag", .default_value = "true"},
      {.member = "at", .default_value = "now()"},
      {.member = "token", .default_value = "gen_random_uuid()"},
      {.member = "price", .default_value = "'0.10'"},
      {.member = "owner", .on_delete = orm::DeleteRule::cascade},
      {.member = "guard", .on_delete = orm::DeleteRule::restrict},
  };
};
BOOST_DESCRIBE_STRUCT(DdlItem, (),
                      (id, label, note, count, big, flag, ratio, at, doc, token, price, kind, owner,
                       keeper, guard))

}  // namespace ddl_models

namespace conduit::orm {
namespace {

using testing::dialect_name;
using testing::DialectTest;
using migration::column_sql_type;
using migration::create_schema;
using migration::drop_schema_sql;

using ddl_models::DdlItem;
using ddl_models::DdlOwner;
using ddl_models::Kind;

// information_schema.columns.data_type for each portable type.
std::string postgres_data_type(ColumnType type) {
  switch (type) {
    case ColumnType::integer:
      return "integer";
    case ColumnType::big_integer:
      return "bigint";
    case ColumnType::boolean:
      return "boolean";
    case ColumnType::double_precision:
      return "double precision";
    case ColumnType::text:
      return "text";
    case ColumnType::timestamp:
      return "timestamp without time zone";
    case ColumnType::document:
      return "jsonb";
    case ColumnType::uuid:
      return "uuid";
    case ColumnType::decimal:
      return "numeric";
  }
  return "?";
}

class SchemaSqlApplyTest : public DialectTest {
 protected:
  void SetUp() override {
    open_database("orm_ddl");
    if (IsSkipped()) return;
    postgres_ = postgres();
    run(create_schema(*db_, schema()));
  }

  void TearDown() override {
    std::string drop;
    if (db_ && !postgres_ && !dropped_) {
      for (const std::string& sql : drop_schema_sql(schema(), db::Dialect::sqlite)) {
        drop += sql + ";";
      }
    }
    close_database(drop);
  }

  static const Schema& schema() {
    static const DataModel model = DataModel::of<DdlOwner, DdlItem>();
    return model.schema();
  }

  DdlOwner add_owner(std::string name) {
    DdlOwner owner;
    owner.name = std::move(name);
    return run(Query<DdlOwner>(*db_).insert(owner, FieldSet<DdlOwner>::of<&DdlOwner::name>()));
  }

  // Every stored member but the autoincremented key.
  static FieldSet<DdlItem> all_but_id() {
    return FieldSet<DdlItem>::of<&DdlItem::label, &DdlItem::note, &DdlItem::count, &DdlItem::big,
                                 &DdlItem::flag, &DdlItem::ratio, &DdlItem::at, &DdlItem::doc,
                                 &DdlItem::token, &DdlItem::price, &DdlItem::kind, &DdlItem::owner,
                                 &DdlItem::keeper, &DdlItem::guard>();
  }

  std::optional<DdlItem> find_item(std::int32_t id) {
    return run(Query<DdlItem>(*db_).where(&DdlItem::id).equal_to(id).fetch_one());
  }

  bool postgres_ = false;
  bool dropped_ = false;
};

TEST_P(SchemaSqlApplyTest, CatalogMatchesTheSchema) {
  const SchemaTable& item = *schema().find_table("ddl_item");
  // Columns: names in order, types, nullability, presence of a default.
  db::Result columns =
      run(postgres_
              ? db_->execute("SELECT column_name AS name, data_type AS type, is_nullable = 'YES' "
                             "AS nullable, column_default AS dflt FROM information_schema.columns "
                             "WHERE table_schema = current_schema() AND table_name = 'ddl_item' "
                             "ORDER BY ordinal_position")
              : db_->execute("SELECT name, type, \"notnull\" = 0 AS nullable, "
                             "dflt_value AS dflt, pk FROM pragma_table_info('ddl_item') "
                             "ORDER BY cid"));
  ASSERT_EQ(columns.size(), item.columns.size());
  for (std::size_t i = 0; i < item.columns.size(); ++i) {
    const SchemaColumn& expected = item.columns[i];
    const db::Row row = columns[i];
    SCOPED_TRACE(expected.name);
    EXPECT_EQ(row.get<std::string>("name"), expected.name);
    EXPECT_EQ(row.get<std::string>("type"), postgres_ ? postgres_data_type(expected.type)
                                                      : column_sql_type(expected, GetParam()));
    // SQLite reports its INTEGER PRIMARY KEY as nullable in table_info; it never is.
    if (!(expected.primary_key && !postgres_)) {
      EXPECT_EQ(row.get<bool>("nullable"), expected.nullable);
    }
    EXPECT_EQ(!row.is_null("dflt"),
              expected.default_value.has_value() || (postgres_ && expected.autoincrement));
  }

  // Indexes: the FK and unique-set indexes by name, and the unique one is unique.
  std::map<std::string, bool> indexes;
  if (postgres_) {
    db::Result r =
        run(db_->execute("SELECT indexname, indexdef LIKE 'CREATE UNIQUE%' AS uniq FROM pg_indexes "
                         "WHERE schemaname = current_schema() AND tablename = 'ddl_item'"));
    for (const db::Row& row : r) indexes[row.get<std::string>(0)] = row.get<bool>(1);
  } else {
    db::Result r = run(db_->execute("SELECT name, \"unique\" FROM pragma_index_list('ddl_item')"));
    for (const db::Row& row : r) indexes[row.get<std::string>(0)] = row.get<bool>(1);
  }
  EXPECT_EQ(indexes.at("ddl_item_owner_id_idx"), false);
  EXPECT_EQ(indexes.at("ddl_item_keeper_id_idx"), false);
  EXPECT_EQ(indexes.at("ddl_item_guard_id_idx"), false);
  EXPECT_EQ(indexes.at("ddl_item_unique_idx"), true);

  // Foreign keys and their delete rules.
  std::map<std::string, std::string> rules;
  if (postgres_) {
    db::Result r = run(db_->execute(
        "SELECT constraint_name, delete_rule FROM information_schema.referential_constraints "
        "WHERE constraint_schema = current_schema()"));
    for (const db::Row& row : r) rules[row.get<std::string>(0)] = row.get<std::string>(1);
  } else {
    db::Result r =
        run(db_->execute("SELECT \"from\", on_delete FROM pragma_foreign_key_list('ddl_item')"));
    for (const db::Row& row : r) {
      rules["ddl_item_" + row.get<std::string>(0) + "_fkey"] = row.get<std::string>(1);
    }
  }
  EXPECT_EQ(rules, (std::map<std::string, std::string>{{"ddl_item_guard_id_fkey", "RESTRICT"},
                                                       {"ddl_item_keeper_id_fkey", "SET NULL"},
                                                       {"ddl_item_owner_id_fkey", "CASCADE"}}));

  // A unique column rejects a duplicate.
  add_owner("ann");
  EXPECT_THROW(add_owner("ann"), db::ConstraintViolation);
}

TEST_P(SchemaSqlApplyTest, EveryColumnTypeRoundTripsThroughQuery) {
  const DdlOwner ann = add_owner("ann");
  DdlItem item;
  item.label = "full";
  item.note = "a note";
  item.count = -2'000'000'000;
  item.big = 9'000'000'000'000'000'000;
  item.flag = false;
  item.ratio = 0.125;
  item.at = orm::Timestamp(std::chrono::sys_days(std::chrono::year(2024) / 2 / 29)) +
            std::chrono::hours(23) + std::chrono::microseconds(123'456);
  item.doc = boost::json::parse(R"({"a":[1,2.5,"x"],"b":null})");
  item.token = Uuid::random();
  item.price = *Decimal::parse("12345678901234567890.125");
  item.kind = Kind::large;
  item.owner = BelongsTo<DdlOwner>(ann.id);
  const DdlItem inserted = run(Query<DdlItem>(*db_).insert(item, all_but_id()));
  ASSERT_GT(inserted.id, 0);

  const std::optional<DdlItem> fetched = find_item(inserted.id);
  ASSERT_TRUE(fetched);
  EXPECT_EQ(fetched->label, "full");
  EXPECT_EQ(fetched->note, "a note");
  EXPECT_EQ(fetched->count, -2'000'000'000);
  EXPECT_EQ(fetched->big, 9'000'000'000'000'000'000);
  EXPECT_FALSE(fetched->flag);
  EXPECT_EQ(fetched->ratio, 0.125);
  EXPECT_EQ(fetched->at, item.at);
  EXPECT_EQ(fetched->doc, item.doc);
  EXPECT_EQ(fetched->token, item.token);
  EXPECT_EQ(fetched->price.to_string(), "12345678901234567890.125");
  EXPECT_EQ(fetched->kind, Kind::large);
  EXPECT_EQ(std::get<std::int64_t>(fetched->owner.key()), ann.id);
  EXPECT_TRUE(fetched->keeper.is_null());

  // Defaults fill what the insert leaves out; a bare number stays a JSON document on SQLite
  // (TEXT affinity) and the SQLite stand-ins for now() and gen_random_uuid() read back typed.
  DdlItem minimal;
  minimal.label = "minimal";
  minimal.doc = 42;
  const auto before = std::chrono::system_clock::now() - std::chrono::minutes(5);
  const DdlItem second = run(Query<DdlItem>(*db_).insert(
      minimal, FieldSet<DdlItem>::of<&DdlItem::label, &DdlItem::doc, &DdlItem::big, &DdlItem::ratio,
                                     &DdlItem::kind>()));
  EXPECT_EQ(second.count, 7);
  EXPECT_TRUE(second.flag);
  EXPECT_GT(second.at, before);
  EXPECT_LT(second.at, std::chrono::system_clock::now() + std::chrono::minutes(5));
  EXPECT_FALSE(second.token.is_nil());
  EXPECT_NE(second.token, item.token);
  EXPECT_EQ(second.price, *Decimal::parse("0.10"));
  EXPECT_EQ(second.doc, boost::json::value(42));
  EXPECT_TRUE(second.note == std::nullopt);
  EXPECT_GT(second.id, inserted.id);
}

TEST_P(SchemaSqlApplyTest, DeleteRulesCascadeNullifyAndRestrict) {
  const DdlOwner owner = add_owner("owner");
  const DdlOwner keeper = add_owner("keeper");
  const DdlOwner guard = add_owner("guard");
  DdlItem item;
  item.label = "kept";
  item.doc = boost::json::object{};
  item.owner = BelongsTo<DdlOwner>(owner.id);
  item.keeper = BelongsTo<DdlOwner>(keeper.id);
  item.guard = BelongsTo<DdlOwner>(guard.id);
  const DdlItem inserted = run(Query<DdlItem>(*db_).insert(item, all_but_id()));

  // The unique set (label, owner) holds.
  DdlItem twin = item;
  twin.guard = nullptr;
  EXPECT_THROW(run(Query<DdlItem>(*db_).insert(twin, all_but_id())), db::ConstraintViolation);

  auto delete_owner = [&](std::int64_t id) {
    return run(Query<DdlOwner>(*db_).where(&DdlOwner::id).equal_to(id).delete_());
  };
  EXPECT_EQ(delete_owner(keeper.id), 1u);
  ASSERT_TRUE(find_item(inserted.id));
  EXPECT_TRUE(find_item(inserted.id)->keeper.is_null());

  // RESTRICT refuses the delete with the same typed error (400) on both databases.
  try {
    delete_owner(guard.id);
    ADD_FAILURE() << "deleting a restricted owner should fail";
  } catch (const db::ConstraintViolation& error) {
    EXPECT_EQ(error.status(), 400);
  }
  ASSERT_TRUE(find_item(inserted.id));

  EXPECT_EQ(delete_owner(owner.id), 1u);
  EXPECT_FALSE(find_item(inserted.id));
  EXPECT_EQ(delete_owner(guard.id), 1u);
}

TEST_P(SchemaSqlApplyTest, DropRemovesEveryTableEvenWithRows) {
  const DdlOwner ann = add_owner("ann");
  DdlItem item;
  item.label = "x";
  item.doc = boost::json::object{};
  item.owner = BelongsTo<DdlOwner>(ann.id);
  item.guard = BelongsTo<DdlOwner>(ann.id);
  run(Query<DdlItem>(*db_).insert(item, all_but_id()));
  for (const std::string& sql : drop_schema_sql(schema(), GetParam())) run(db_->execute(sql));
  dropped_ = true;
  db::Result left = run(
      postgres_ ? db_->execute("SELECT count(*) FROM information_schema.tables "
                               "WHERE table_schema = current_schema() AND table_name LIKE 'ddl%'")
                : db_->execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'ddl%'"));
  EXPECT_EQ(left.front().get<std::int64_t>(0), 0);
}

// SQLite resolves a REFERENCES clause when rows are written, so a table may refer to one
// created after it: reference cycles apply on both dialects, and their keys are enforced.
TEST_P(SchemaSqlApplyTest, ReferenceCyclesApply) {
  auto table = [](std::string name, std::string target) {
    return SchemaTable{
        .name = name,
        .columns = {{.name = "id",
                     .type = ColumnType::big_integer,
                     .primary_key = true,
                     .autoincrement = true},
                    {.name = "ref_id",
                     .type = ColumnType::big_integer,
                     .nullable = true,
                     .relationship = ForeignKey{target, "id", DeleteRule::cascade}}}};
  };
  const Schema cycle{
      .tables = {table("ddl_cycle_b", "ddl_cycle_a"), table("ddl_cycle_a", "ddl_cycle_b")}};
  run(create_schema(*db_, cycle));
  run(db_->execute(R"(INSERT INTO "ddl_cycle_a" ("id") VALUES (1))"));
  run(db_->execute(R"(INSERT INTO "ddl_cycle_b" ("id", "ref_id") VALUES (1, 1))"));
  run(db_->execute(R"(UPDATE "ddl_cycle_a" SET "ref_id" = 1)"));
  EXPECT_THROW(run(db_->execute(R"(INSERT INTO "ddl_cycle_b" ("ref_id") VALUES (99))")),
               db::DatabaseError);
  // Cascading around the cycle empties both tables.
  run(db_->execute(R"(DELETE FROM "ddl_cycle_a")"));
  EXPECT_EQ(run(db_->execute(R"(SELECT count(*) FROM "ddl_cycle_b")")).front().get<std::int64_t>(0),
            0);
  for (const std::string& sql : drop_schema_sql(cycle, GetParam())) run(db_->execute(sql));
}

INSTANTIATE_TEST_SUITE_P(Dialects, SchemaSqlApplyTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         dialect_name);

}  // namespace
}  // namespace conduit::orm
