// Tests for the relational schema derived from model declarations (names, types, keys,
// foreign keys, indexes, uniques, defaults, delete rules, unique sets), the Schema value
// type's equality and its JSON form.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>
#include <string>

#include "support/test_models.hpp"

namespace {

using namespace models;
using orm::ColumnType;
using orm::DeleteRule;
using orm::ForeignKey;
using orm::SchemaColumn;
using orm::SchemaTable;

const SchemaColumn& column(const SchemaTable& table, const std::string& name) {
  const SchemaColumn* found = table.find_column(name);
  if (!found) throw std::out_of_range("no column " + name + " in " + table.name);
  return *found;
}

std::vector<std::string> column_names(const SchemaTable& table) {
  std::vector<std::string> names;
  for (const auto& c : table.columns) names.push_back(c.name);
  return names;
}

TEST(DerivedSchema, TableNamesComeFromTableOrTheSnakeCasedStructName) {
  EXPECT_EQ(orm::entity_of<User>().table().name, "users");
  EXPECT_EQ(orm::entity_of<Hero>().table().name, "_hero");
  EXPECT_EQ(orm::entity_of<Team>().table().name, "team");
  EXPECT_EQ(orm::entity_of<HeroPower>().table().name, "hero_power");
  EXPECT_EQ(orm::entity_of<Power>().table().name, "power");
  EXPECT_EQ(orm::entity_of<HeroPower>().name(), "HeroPower");
}

TEST(DerivedSchema, SnakeCase) {
  EXPECT_EQ(orm::detail::snake_case("Hero"), "hero");
  EXPECT_EQ(orm::detail::snake_case("HeroPower"), "hero_power");
  EXPECT_EQ(orm::detail::snake_case("HTTPServer"), "http_server");
  EXPECT_EQ(orm::detail::snake_case("OAuth2Token"), "o_auth2_token");
  EXPECT_EQ(orm::detail::snake_case("already_snake"), "already_snake");
  EXPECT_EQ(orm::detail::snake_case("User2"), "user2");
}

TEST(DerivedSchema, StoredMembersBecomeColumnsInDeclarationOrder) {
  // Relationships without a column and transient members are left out.
  EXPECT_EQ(column_names(orm::entity_of<User>().table()),
            (std::vector<std::string>{"id", "email", "hashed_password", "role", "created_at",
                                      "settings"}));
  EXPECT_EQ(
      column_names(orm::entity_of<Hero>().table()),
      (std::vector<std::string>{"id", "name", "alias", "age", "rating", "active", "created_at",
                                "team_id", "rival_id", "created_by_id", "mentor_id"}));
}

TEST(DerivedSchema, ColumnTypesFollowMemberTypes) {
  const SchemaTable& hero = orm::entity_of<Hero>().table();
  EXPECT_EQ(column(hero, "id").type, ColumnType::big_integer);
  EXPECT_EQ(column(hero, "name").type, ColumnType::text);
  EXPECT_EQ(column(hero, "age").type, ColumnType::integer);
  EXPECT_EQ(column(hero, "rating").type, ColumnType::double_precision);
  EXPECT_EQ(column(hero, "active").type, ColumnType::boolean);
  EXPECT_EQ(column(hero, "created_at").type, ColumnType::timestamp);
  const SchemaTable& user = orm::entity_of<User>().table();
  EXPECT_EQ(column(user, "id").type, ColumnType::uuid);
  EXPECT_EQ(column(user, "role").type, ColumnType::text);
  EXPECT_EQ(column(user, "settings").type, ColumnType::document);
  EXPECT_EQ(column(orm::entity_of<Team>().table(), "budget").type, ColumnType::decimal);
  EXPECT_EQ(column(orm::entity_of<Power>().table(), "level").type, ColumnType::big_integer);
}

TEST(DerivedSchema, OptionalMembersAreNullableAndOthersNotNull) {
  const SchemaTable& hero = orm::entity_of<Hero>().table();
  EXPECT_TRUE(column(hero, "alias").nullable);
  EXPECT_FALSE(column(hero, "name").nullable);
  EXPECT_FALSE(column(hero, "age").nullable);
  EXPECT_TRUE(column(orm::entity_of<Power>().table(), "cost").nullable);
  EXPECT_TRUE(column(orm::entity_of<Tag>().table(), "meta").nullable);
}

TEST(DerivedSchema, PrimaryKeys) {
  // An integer key autoincrements unless told otherwise; `id` is the key by default.
  SchemaColumn hero_id = column(orm::entity_of<Hero>().table(), "id");
  EXPECT_EQ(hero_id, (SchemaColumn{.name = "id",
                                   .type = ColumnType::big_integer,
                                   .primary_key = true,
                                   .autoincrement = true}));
  const SchemaColumn profile_id = column(orm::entity_of<Profile>().table(), "id");
  EXPECT_TRUE(profile_id.primary_key);
  EXPECT_TRUE(profile_id.autoincrement);
  EXPECT_EQ(profile_id.type, ColumnType::integer);
  // UUID and text keys do not autoincrement.
  const SchemaColumn user_id = column(orm::entity_of<User>().table(), "id");
  EXPECT_TRUE(user_id.primary_key);
  EXPECT_FALSE(user_id.autoincrement);
  EXPECT_EQ(user_id.default_value, "gen_random_uuid()");
  const SchemaTable& tag = orm::entity_of<Tag>().table();
  EXPECT_TRUE(column(tag, "slug").primary_key);
  EXPECT_FALSE(column(tag, "slug").autoincrement);
  EXPECT_EQ(tag.primary_key()->name, "slug");
  EXPECT_EQ(orm::entity_of<Tag>().primary_key().name, "slug");
}

TEST(DerivedSchema, UniqueIndexedDefaultAndCustomName) {
  const SchemaTable& hero = orm::entity_of<Hero>().table();
  EXPECT_TRUE(column(hero, "name").unique);
  EXPECT_TRUE(column(hero, "name").indexed);
  EXPECT_FALSE(column(hero, "age").unique);
  EXPECT_FALSE(column(hero, "age").indexed);
  EXPECT_EQ(column(hero, "rating").default_value, "0");
  EXPECT_EQ(column(hero, "active").default_value, "true");
  EXPECT_EQ(column(hero, "created_at").default_value, "now()");
  EXPECT_EQ(column(hero, "age").default_value, std::nullopt);
  EXPECT_EQ(orm::entity_of<Hero>().find_property("secret_identity")->column, 2u);
}

TEST(DerivedSchema, BelongsToAddsAnIndexedForeignKeyColumn) {
  const SchemaTable& hero = orm::entity_of<Hero>().table();
  EXPECT_EQ(column(hero, "team_id"),
            (SchemaColumn{.name = "team_id",
                          .type = ColumnType::big_integer,
                          .nullable = true,
                          .indexed = true,
                          .relationship = ForeignKey{"team", "id", DeleteRule::cascade}}));
  // Optional relationships nullify by default; a custom name replaces <member>_<key>.
  EXPECT_EQ(column(hero, "rival_id").relationship, (ForeignKey{"team", "id", DeleteRule::nullify}));
  // The key type follows the related primary key (a UUID here).
  const SchemaColumn created_by = column(hero, "created_by_id");
  EXPECT_EQ(created_by.type, ColumnType::uuid);
  EXPECT_EQ(created_by.relationship, (ForeignKey{"users", "id", DeleteRule::set_default}));
  EXPECT_EQ(created_by.default_value, "'00000000-0000-0000-0000-000000000000'");
  // A model may refer to itself.
  EXPECT_EQ(column(hero, "mentor_id").relationship,
            (ForeignKey{"_hero", "id", DeleteRule::nullify}));
  EXPECT_FALSE(column(hero, "team_id").unique);
}

TEST(DerivedSchema, RequiredBelongsToIsNotNullAndRestrictsByDefault) {
  const SchemaTable& link = orm::entity_of<HeroPower>().table();
  EXPECT_FALSE(column(link, "hero_id").nullable);
  EXPECT_EQ(column(link, "hero_id").relationship, (ForeignKey{"_hero", "id", DeleteRule::cascade}));
  EXPECT_FALSE(column(link, "power_id").nullable);
  EXPECT_EQ(column(link, "power_id").relationship,
            (ForeignKey{"power", "id", DeleteRule::restrict}));
}

TEST(DerivedSchema, ForeignKeyIsUniqueWhenTheInverseIsHasOne) {
  const SchemaColumn user_id = column(orm::entity_of<Profile>().table(), "user_id");
  EXPECT_TRUE(user_id.unique);
  EXPECT_TRUE(user_id.indexed);
  EXPECT_EQ(user_id.type, ColumnType::uuid);
  EXPECT_EQ(user_id.relationship, (ForeignKey{"users", "id", DeleteRule::cascade}));
}

TEST(DerivedSchema, UniqueSetsUseColumnNames) {
  EXPECT_EQ(orm::entity_of<Power>().table().unique_sets,
            (std::vector<std::vector<std::string>>{{"name", "kind"}}));
  EXPECT_EQ(orm::entity_of<HeroPower>().table().unique_sets,
            (std::vector<std::vector<std::string>>{{"hero_id", "power_id"}}));
  EXPECT_TRUE(orm::entity_of<Hero>().table().unique_sets.empty());
}

TEST(DerivedSchema, PropertiesDescribeRelationships) {
  const orm::Entity& hero = orm::entity_of<Hero>();
  const orm::Property* team = hero.find_property("team");
  ASSERT_NE(team, nullptr);
  EXPECT_EQ(team->kind, orm::PropertyKind::belongs_to);
  EXPECT_EQ(&team->target(), &orm::entity_of<Team>());
  EXPECT_EQ(team->target_key, "id");
  EXPECT_EQ(team->inverse, "heroes");
  EXPECT_EQ(hero.find_property("rival_team")->inverse, "rivals");
  EXPECT_EQ(hero.find_property("mentor")->inverse, "");
  EXPECT_EQ(hero.find_column_property("rival_id")->name, "rival_team");

  const orm::Property* powers = hero.find_property("hero_powers");
  EXPECT_EQ(powers->kind, orm::PropertyKind::has_many);
  EXPECT_FALSE(powers->column);
  EXPECT_EQ(powers->inverse, "hero");
  EXPECT_EQ(orm::entity_of<User>().find_property("profile")->kind, orm::PropertyKind::has_one);
  EXPECT_EQ(orm::entity_of<User>().find_property("profile")->inverse, "user");

  EXPECT_EQ(hero.find_property("nicknames")->kind, orm::PropertyKind::transient);
  EXPECT_EQ(hero.find_property("display_name")->transient, orm::Transient::output);
  EXPECT_TRUE(orm::entity_of<User>().find_property("hashed_password")->omit_by_default);
  EXPECT_EQ(orm::entity_of<User>().find_property("role")->enum_names,
            (std::vector<std::string_view>{"member", "admin"}));
  EXPECT_TRUE(hero.is<Hero>());
  EXPECT_FALSE(hero.is<Team>());
}

TEST(DerivedSchema, EqualityIgnoresTableColumnAndUniqueSetOrder) {
  orm::Schema a{{orm::entity_of<Team>().table(), orm::entity_of<Power>().table()}};
  orm::Schema b{{orm::entity_of<Power>().table(), orm::entity_of<Team>().table()}};
  EXPECT_EQ(a, b);
  std::swap(b.tables[0].columns[0], b.tables[0].columns[1]);
  EXPECT_EQ(a, b);
  b.find_table("power")->unique_sets = {{"kind", "name"}};
  EXPECT_EQ(a, b);
  b.find_table("power")->find_column("name")->indexed = true;
  EXPECT_NE(a, b);
  b = a;
  b.tables.pop_back();
  EXPECT_NE(a, b);
  b = a;
  b.find_table("team")->name = "teams";
  EXPECT_NE(a, b);
}

TEST(DerivedSchema, ToJson) {
  const SchemaTable& link = orm::entity_of<HeroPower>().table();
  EXPECT_EQ(orm::to_json(link), boost::json::parse(R"({
    "name": "hero_power",
    "columns": [
      {"name": "id", "type": "big_integer", "nullable": false, "primary_key": true,
       "autoincrement": true, "unique": false, "indexed": false, "default_value": null,
       "relationship": null},
      {"name": "hero_id", "type": "big_integer", "nullable": false, "primary_key": false,
       "autoincrement": false, "unique": false, "indexed": true, "default_value": null,
       "relationship": {"table": "_hero", "column": "id", "on_delete": "cascade"}},
      {"name": "power_id", "type": "big_integer", "nullable": false, "primary_key": false,
       "autoincrement": false, "unique": false, "indexed": true, "default_value": null,
       "relationship": {"table": "power", "column": "id", "on_delete": "restrict"}},
      {"name": "mastery", "type": "integer", "nullable": false, "primary_key": false,
       "autoincrement": false, "unique": false, "indexed": false, "default_value": null,
       "relationship": null}
    ],
    "unique_sets": [["hero_id", "power_id"]]
  })"));
}

TEST(DerivedSchema, JsonRoundTrip) {
  auto model = orm::DataModel::of<User, Profile, Hero, Team, Power, HeroPower, Tag>();
  boost::json::value json = model.to_json();
  orm::Schema back = orm::schema_from_json(json);
  EXPECT_EQ(back, model.schema());
  EXPECT_EQ(orm::to_json(back), json);
}

TEST(DerivedSchema, FromJsonNamesTheBadKey) {
  try {
    orm::schema_from_json(boost::json::parse(
        R"({"tables":[{"name":"t","columns":[{"name":"a","type":"varchar"}]}]})"));
    FAIL() << "no exception";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(), "invalid schema JSON at 'tables[0].columns[0].type'");
  }
  EXPECT_THROW(orm::schema_from_json(boost::json::parse("[]")), std::invalid_argument);
  EXPECT_THROW(orm::schema_from_json(boost::json::parse(R"({"tables":[{"columns":[]}]})")),
               std::invalid_argument);
}

TEST(DerivedSchema, TypeAndRuleNames) {
  for (auto type : {ColumnType::integer, ColumnType::big_integer, ColumnType::boolean,
                    ColumnType::double_precision, ColumnType::text, ColumnType::timestamp,
                    ColumnType::document, ColumnType::uuid, ColumnType::decimal}) {
    EXPECT_EQ(orm::parse_column_type(orm::to_string(type)), type);
  }
  for (auto rule :
       {DeleteRule::nullify, DeleteRule::cascade, DeleteRule::restrict, DeleteRule::set_default}) {
    EXPECT_EQ(orm::parse_delete_rule(orm::to_string(rule)), rule);
  }
  EXPECT_EQ(orm::parse_column_type("varchar"), std::nullopt);
}

}  // namespace
