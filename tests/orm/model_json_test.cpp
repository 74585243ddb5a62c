// Tests for models to and from JSON in Conduit's shapes: belongs-to as {"id":..} or the
// joined object, fetched has-many/has-one, omitted and transient members, enums, time
// stamps, UUIDs, decimals, documents; reading with present keys, read filters and
// Conduit's 400 reasons.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <string>

#include "conduit/http/response.hpp"
#include "support/test_models.hpp"

namespace {

using namespace models;
using namespace std::chrono_literals;
using boost::json::parse;

const orm::Timestamp kMay1 =
    orm::Timestamp(std::chrono::sys_days{std::chrono::year{2024} / 5 / 1}) + 12h + 30min + 15s +
    250ms;

Hero sample_hero() {
  Hero hero;
  hero.id = 1;
  hero.name = "Ace";
  hero.age = 30;
  hero.rating = 4.5;
  hero.created_at = kMay1;
  hero.team = 3;
  hero.nicknames = {"A", "Flash"};
  hero.display_name = "Ace!";
  return hero;
}

// The reasons of the ValidationError that `read` throws.
template <class F>
std::vector<std::string> reasons(F&& read) {
  try {
    read();
  } catch (const orm::ValidationError& error) {
    return error.reasons();
  }
  return {"no error"};
}

template <class T>
std::vector<std::string> read_reasons(std::string_view json, const orm::ReadOptions& options = {}) {
  return reasons([&] { orm::from_json<T>(parse(json), options); });
}

using Reasons = std::vector<std::string>;

TEST(ModelJsonOut, UnjoinedBelongsToIsItsKey) {
  EXPECT_EQ(orm::to_json(sample_hero()), parse(R"({
    "id": 1, "name": "Ace", "secret_identity": null, "age": 30, "rating": 4.5, "active": true,
    "created_at": "2024-05-01T12:30:15.250000Z", "team": {"id": 3}, "rival_team": null,
    "created_by": null, "mentor": null, "nicknames": ["A", "Flash"], "display_name": "Ace!"
  })"));
}

TEST(ModelJsonOut, JoinedBelongsToIsTheObject) {
  Hero hero = sample_hero();
  Team team;
  team.id = 3;
  team.name = "red";
  team.budget = orm::Decimal::parse("1250.50").value();
  hero.team = team;
  hero.secret_identity = "Al";
  auto json = orm::to_json(hero).as_object();
  EXPECT_EQ(json.at("team"), parse(R"({"id": 3, "name": "red", "budget": "1250.50"})"));
  EXPECT_EQ(json.at("secret_identity"), "Al");
}

TEST(ModelJsonOut, HasManyOnlyWhenFetched) {
  Team team;
  team.id = 3;
  team.name = "red";
  EXPECT_FALSE(orm::to_json(team).as_object().contains("heroes"));
  team.heroes = orm::HasMany<Hero>(std::vector<Hero>{});
  EXPECT_EQ(orm::to_json(team).at("heroes"), parse("[]"));
  Hero hero;
  hero.id = 9;
  hero.name = "Bolt";
  hero.team = 3;
  team.heroes.push_back(hero);
  auto heroes = orm::to_json(team).at("heroes").as_array();
  ASSERT_EQ(heroes.size(), 1u);
  EXPECT_EQ(heroes[0].at("name"), "Bolt");
  EXPECT_EQ(heroes[0].at("team"), parse(R"({"id": 3})"));
  EXPECT_FALSE(orm::to_json(team).as_object().contains("rivals"));
}

TEST(ModelJsonOut, HasOneOnlyWhenFetchedAndNullWhenEmpty) {
  User user;
  EXPECT_FALSE(orm::to_json(user).as_object().contains("profile"));
  user.profile.set_fetched(true);
  EXPECT_EQ(orm::to_json(user).at("profile"), nullptr);
  Profile profile;
  profile.id = 4;
  profile.bio = "hello";
  profile.user = user.id;
  user.profile = profile;
  EXPECT_EQ(
      orm::to_json(user).at("profile"),
      parse(
          R"({"id": 4, "bio": "hello", "user": {"id": "00000000-0000-0000-0000-000000000000"}})"));
}

TEST(ModelJsonOut, OmittedAndInputOnlyMembersAreLeftOut) {
  User user;
  user.id = orm::Uuid::parse("6F1C7A57-0D2B-4C5E-9B8E-2F9A3C1D4E5F").value();
  user.email = "a@b.c";
  user.hashed_password = "$2b$hash";
  user.password = "plain";
  user.role = Role::admin;
  user.created_at = kMay1;
  user.settings = parse(R"({"theme": "dark", "sizes": [1, 2]})");
  EXPECT_EQ(orm::to_json(user), parse(R"({
    "id": "6f1c7a57-0d2b-4c5e-9b8e-2f9a3c1d4e5f", "email": "a@b.c", "role": "admin",
    "created_at": "2024-05-01T12:30:15.250000Z", "settings": {"theme": "dark", "sizes": [1, 2]}
  })"));
  // Asked for explicitly; an input-only transient is never written.
  auto all = orm::to_json(user, orm::FieldSet<User>::all()).as_object();
  EXPECT_EQ(all.at("hashed_password"), "$2b$hash");
  EXPECT_FALSE(all.contains("password"));
  EXPECT_FALSE(all.contains("profile"));
  auto some = orm::to_json(user, orm::FieldSet<User>::of<&User::email, &User::hashed_password>());
  EXPECT_EQ(some, parse(R"({"email": "a@b.c", "hashed_password": "$2b$hash"})"));
}

TEST(ModelJsonOut, ValueTypes) {
  Power power;
  power.id = 2;
  power.name = "flight";
  power.kind = PowerKind::flight;
  EXPECT_EQ(orm::to_json(power),
            parse(R"({"id": 2, "name": "flight", "kind": "flight", "cost": null, "level": 1})"));
  power.cost = orm::Decimal::parse("-0.05").value();
  EXPECT_EQ(orm::to_json(power).at("cost"), "-0.05");
  Tag tag;
  tag.slug = "s";
  tag.meta = parse("[true]");
  EXPECT_EQ(orm::to_json(tag), parse(R"({"slug": "s", "label": "", "meta": [true]})"));
}

TEST(ModelJsonOut, Lists) {
  std::vector<Tag> tags(2);
  tags[0].slug = "a";
  tags[1].slug = "b";
  EXPECT_EQ(
      orm::to_json(tags),
      parse(
          R"([{"slug": "a", "label": "", "meta": null}, {"slug": "b", "label": "", "meta": null}])"));
}

TEST(ModelJsonOut, UnqualifiedCallsFindTheModelOverload) {
  using namespace conduit;
  using namespace conduit::orm;
  Tag tag;
  tag.slug = "x";
  EXPECT_EQ(to_json(tag), parse(R"({"slug": "x", "label": "", "meta": null})"));
}

TEST(ModelJsonIn, ReadsPresentKeysOnly) {
  Hero hero = sample_hero();
  auto keys = orm::read_json(parse(R"({"name": "Bolt", "age": 41})"), hero);
  EXPECT_EQ(keys, (orm::FieldSet<Hero>::of<&Hero::name, &Hero::age>()));
  EXPECT_EQ(keys.names(), (std::vector<std::string_view>{"name", "age"}));
  EXPECT_EQ(hero.name, "Bolt");
  EXPECT_EQ(hero.age, 41);
  EXPECT_EQ(hero.rating, 4.5);  // untouched
  EXPECT_TRUE(keys.contains("name"));
  EXPECT_TRUE(keys.contains(&Hero::age));
  EXPECT_FALSE(keys.contains(&Hero::id));
}

TEST(ModelJsonIn, RoundTrip) {
  Hero hero = sample_hero();
  hero.secret_identity = "Al";
  Hero back;
  auto keys = orm::read_json(orm::to_json(hero), back, {.ignore = {"display_name"}});
  auto expected = orm::to_json(hero).as_object();
  auto actual = orm::to_json(back).as_object();
  expected.erase("display_name");
  actual.erase("display_name");
  EXPECT_EQ(actual, expected);
  EXPECT_FALSE(keys.contains("display_name"));
  EXPECT_EQ(back.created_at, kMay1);
  EXPECT_EQ(back.team.id(), 3);
}

TEST(ModelJsonIn, BelongsToFromAnObject) {
  auto hero = orm::from_json<Hero>(parse(R"({"team": {"id": 3}})"));
  EXPECT_EQ(hero.team.id(), 3);
  EXPECT_FALSE(hero.team.joined());
  hero = orm::from_json<Hero>(parse(R"({"team": {"id": 3, "name": "red"}})"));
  EXPECT_TRUE(hero.team.joined());
  EXPECT_EQ(hero.team->name, "red");
  hero = sample_hero();
  auto keys = orm::read_json(parse(R"({"team": null})"), hero);
  EXPECT_TRUE(hero.team.is_null());
  EXPECT_TRUE(keys.contains("team"));
  auto profile =
      orm::from_json<Profile>(parse(R"({"user": {"id": "6f1c7a57-0d2b-4c5e-9b8e-2f9a3c1d4e5f"}})"));
  EXPECT_EQ(profile.user.id().to_string(), "6f1c7a57-0d2b-4c5e-9b8e-2f9a3c1d4e5f");

  EXPECT_EQ(read_reasons<Hero>(R"({"team": {"name": "red"}})"),
            Reasons{"invalid input value for 'team'"});
  EXPECT_EQ(read_reasons<Hero>(R"({"team": 3})"), Reasons{"invalid input value for 'team'"});
  EXPECT_EQ(read_reasons<Hero>(R"({"team": {"id": "x"}})"),
            Reasons{"invalid input value for 'id'"});
  EXPECT_EQ(read_reasons<Hero>(R"({"team": {"idd": 3}})"), Reasons{"invalid input key 'idd'"});
}

TEST(ModelJsonIn, UnknownKeys) {
  EXPECT_EQ(read_reasons<Hero>(R"({"name": "x", "nmae": "y"})"),
            Reasons{"invalid input key 'nmae'"});
  EXPECT_EQ(read_reasons<Hero>(R"({"team_id": 3})"), Reasons{"invalid input key 'team_id'"});
  // Output-only transients cannot be set.
  EXPECT_EQ(read_reasons<Hero>(R"({"display_name": "x"})"),
            Reasons{"invalid input key 'display_name'"});
}

TEST(ModelJsonIn, WrongTypesNameTheKey) {
  EXPECT_EQ(read_reasons<Hero>(R"({"age": "30"})"), Reasons{"invalid input value for 'age'"});
  EXPECT_EQ(read_reasons<Hero>(R"({"age": 3000000000})"), Reasons{"invalid input value for 'age'"});
  EXPECT_EQ(read_reasons<Hero>(R"({"age": 1.5})"), Reasons{"invalid input value for 'age'"});
  EXPECT_EQ(read_reasons<Hero>(R"({"name": null})"), Reasons{"invalid input value for 'name'"});
  EXPECT_EQ(read_reasons<Hero>(R"({"active": 1})"), Reasons{"invalid input value for 'active'"});
  EXPECT_EQ(read_reasons<Hero>(R"({"rating": "high"})"),
            Reasons{"invalid input value for 'rating'"});
  EXPECT_EQ(read_reasons<Hero>(R"({"created_at": "yesterday"})"),
            Reasons{"invalid input value for 'created_at'"});
  EXPECT_EQ(read_reasons<Hero>(R"({"nicknames": "A"})"),
            Reasons{"invalid input value for 'nicknames'"});
  EXPECT_EQ(read_reasons<User>(R"({"id": "not-a-uuid"})"), Reasons{"invalid input value for 'id'"});
  EXPECT_EQ(read_reasons<Team>(R"({"budget": "12,5"})"),
            Reasons{"invalid input value for 'budget'"});
  EXPECT_EQ(read_reasons<Team>(R"({"heroes": {}})"), Reasons{"invalid input value for 'heroes'"});
  EXPECT_EQ(read_reasons<Hero>("[1]"), Reasons{"request entity was unexpected type"});
}

TEST(ModelJsonIn, EnumsByName) {
  EXPECT_EQ(orm::from_json<User>(parse(R"({"role": "admin"})")).role, Role::admin);
  EXPECT_EQ(read_reasons<User>(R"({"role": "boss"})"), Reasons{"invalid option for key 'role'"});
  EXPECT_EQ(read_reasons<User>(R"({"role": 1})"), Reasons{"invalid option for key 'role'"});
}

TEST(ModelJsonIn, ValueTypes) {
  auto hero = orm::from_json<Hero>(parse(
      R"({"secret_identity": null, "rating": 7, "created_at": "2024-05-01T14:30:15.25+02:00"})"));
  EXPECT_EQ(hero.secret_identity, std::nullopt);
  EXPECT_EQ(hero.rating, 7.0);
  EXPECT_EQ(hero.created_at, kMay1);
  EXPECT_EQ(orm::from_json<Team>(parse(R"({"budget": "0012.50"})")).budget.to_string(), "12.50");
  EXPECT_EQ(orm::from_json<Team>(parse(R"({"budget": 12.5})")).budget.to_string(), "12.5");
  EXPECT_EQ(orm::from_json<Team>(parse(R"({"budget": 12})")).budget.to_string(), "12");
  auto user = orm::from_json<User>(parse(R"({"settings": {"a": [1]}, "password": "secret!!"})"));
  EXPECT_EQ(user.settings, parse(R"({"a": [1]})"));
  EXPECT_EQ(user.password, "secret!!");
  // A document may hold JSON null.
  EXPECT_TRUE(orm::from_json<User>(parse(R"({"settings": null})")).settings.is_null());
  auto tag = orm::from_json<Tag>(parse(R"({"meta": null})"));
  EXPECT_EQ(tag.meta, std::nullopt);
}

TEST(ModelJsonIn, NestedRelationships) {
  auto team =
      orm::from_json<Team>(parse(R"({"name": "red", "heroes": [{"name": "A"}, {"name": "B"}]})"));
  ASSERT_TRUE(team.heroes.fetched());
  ASSERT_EQ(team.heroes.size(), 2u);
  EXPECT_EQ(team.heroes[1].name, "B");
  auto user = orm::from_json<User>(parse(R"({"profile": {"bio": "x"}})"));
  EXPECT_TRUE(user.profile.fetched());
  EXPECT_EQ(user.profile->bio, "x");
  user = orm::from_json<User>(parse(R"({"profile": null})"));
  EXPECT_TRUE(user.profile.fetched());
  EXPECT_FALSE(user.profile.has_value());
  EXPECT_EQ(read_reasons<Team>(R"({"heroes": [{"age": "x"}]})"),
            Reasons{"invalid input value for 'age'"});
}

TEST(ModelJsonIn, ReadFilters) {
  const auto body = R"({"id": 5, "name": "Ace", "age": 3})";
  EXPECT_EQ(read_reasons<Hero>(body, {.reject = {"id"}}), Reasons{"invalid input key 'id'"});
  EXPECT_EQ(read_reasons<Hero>(R"({"age": 3})", {.require = {"name", "age", "rating"}}),
            Reasons{"missing required input key(s): 'name, rating'"});

  Hero hero;
  auto keys = orm::read_json(parse(body), hero, {.ignore = {"id"}});
  EXPECT_EQ(hero.id, 0);
  EXPECT_FALSE(keys.contains("id"));
  EXPECT_EQ(keys.size(), 2u);

  hero = Hero{};
  keys = orm::read_json(parse(body), hero, {.accept = std::vector<std::string_view>{"name"}});
  EXPECT_EQ(keys, orm::FieldSet<Hero>::of({"name"}));
  EXPECT_EQ(hero.age, 0);
}

TEST(ModelJsonIn, ValidationErrorResponse) {
  try {
    orm::from_json<Hero>(parse(R"({"nmae": 1})"));
    FAIL() << "no exception";
  } catch (const conduit::HttpError& error) {
    EXPECT_EQ(error.status(), 400);
    EXPECT_EQ(
        parse(error.response().body()),
        parse(R"({"error": "entity validation failed", "reasons": ["invalid input key 'nmae'"]})"));
    EXPECT_STREQ(error.what(), "entity validation failed: invalid input key 'nmae'");
  }
}

TEST(FieldSet, Construction) {
  using Keys = orm::FieldSet<Hero>;
  EXPECT_TRUE(Keys().empty());
  EXPECT_EQ(Keys::all().size(), 14u);
  EXPECT_EQ(
      orm::FieldSet<User>::defaults().names(),
      (std::vector<std::string_view>{"id", "email", "role", "created_at", "settings", "profile"}));
  auto keys = Keys::of({"team", "name"});
  EXPECT_EQ(keys.names(), (std::vector<std::string_view>{"name", "team"}));
  EXPECT_EQ(keys, (Keys::of<&Hero::name, &Hero::team>()));
  EXPECT_THROW(Keys::of({"nmae"}), std::invalid_argument);
  keys.insert(&Hero::id).erase("name");
  EXPECT_EQ(keys.names(), (std::vector<std::string_view>{"id", "team"}));
  EXPECT_EQ((keys | Keys::of({"age"})).size(), 3u);
  EXPECT_EQ((keys & Keys::of({"id", "age"})).names(), (std::vector<std::string_view>{"id"}));
  keys.erase(&Hero::team);
  EXPECT_EQ(keys.size(), 1u);
}

}  // namespace
