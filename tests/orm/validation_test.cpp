// Tests for model validation: every rule's message in Conduit's wording, insert/update
// applicability, present keys, relationships, enums, custom and model-level rules, and the
// 400 response.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "conduit/http/response.hpp"
#include "support/test_models.hpp"

namespace {

using namespace models;
using namespace std::chrono_literals;
using orm::Event;
using Reasons = std::vector<std::string>;

// Comparisons of every kind on every comparable type.
struct Rules {
  std::int64_t id = 0;
  std::int64_t exact = 42;
  std::int32_t small = 5;
  double ratio = 0.5;
  std::string word = "m";
  std::string code = "abc";
  std::optional<std::int64_t> maybe;

  static constexpr orm::Column columns[] = {
      {.member = "exact", .validators = {orm::equal_to(42)}},
      {.member = "small", .validators = {orm::greater_than(1), orm::less_than_or_equal_to(9)}},
      {.member = "ratio", .validators = {orm::greater_than_or_equal_to(0), orm::less_than(1)}},
      {.member = "word", .validators = {orm::greater_than("b"), orm::less_than("y")}},
      {.member = "code",
       .validators = {orm::min_length(2), orm::max_length(4), orm::one_of("abc", "de", "éé")}},
      {.member = "maybe", .validators = {orm::greater_than(10, orm::When::update)}},
  };
};
BOOST_DESCRIBE_STRUCT(Rules, (), (id, exact, small, ratio, word, code, maybe))

Hero valid_hero() {
  Hero hero;
  hero.name = "Ace";
  hero.age = 30;
  hero.rating = 4.5;
  hero.created_at = orm::Timestamp(std::chrono::sys_days{std::chrono::year{2024} / 5 / 1});
  return hero;
}

template <class T>
Reasons errors(const T& object, Event event = Event::insert) {
  return orm::validation_errors(object, event, orm::FieldSet<T>::all());
}

TEST(ModelValidation, ValidObjectPasses) {
  EXPECT_EQ(errors(valid_hero()), Reasons{});
  EXPECT_EQ(errors(Rules{}), Reasons{});
  EXPECT_NO_THROW(orm::validate(valid_hero(), Event::insert));
}

TEST(ModelValidation, Comparisons) {
  Rules rules;
  rules.exact = 41;
  rules.small = 1;
  rules.ratio = 1;
  rules.word = "a";
  EXPECT_EQ(
      errors(rules),
      (Reasons{"Rules.exact: must be equal to '42'.", "Rules.small: must be greater than '1'.",
               "Rules.ratio: must be less than '1'.", "Rules.word: must be greater than 'b'."}));
  rules = Rules{};
  rules.small = 10;
  rules.ratio = -0.25;
  rules.word = "y";
  EXPECT_EQ(errors(rules), (Reasons{"Rules.small: must be less than or equal to '9'.",
                                    "Rules.ratio: must be greater than or equal to '0'.",
                                    "Rules.word: must be less than 'y'."}));
}

TEST(ModelValidation, RangesOnModels) {
  Hero hero = valid_hero();
  hero.age = -1;
  hero.rating = 10.5;
  hero.created_at = orm::Timestamp(std::chrono::sys_days{std::chrono::year{1999} / 12 / 31});
  EXPECT_EQ(errors(hero),
            (Reasons{"Hero.age: must be greater than or equal to '0'.",
                     "Hero.rating: must be less than '10.5'.",
                     "Hero.created_at: must be greater than '2000-01-01T00:00:00Z'."}));
  hero = valid_hero();
  hero.age = 151;
  EXPECT_EQ(errors(hero), Reasons{"Hero.age: must be less than or equal to '150'."});
}

TEST(ModelValidation, Decimals) {
  Team team;
  team.name = "red";
  team.budget = orm::Decimal::parse("-0.01").value();
  EXPECT_EQ(errors(team), Reasons{"Team.budget: must be greater than or equal to '0'."});
  Power power;
  power.cost = orm::Decimal::parse("1000.499").value();
  EXPECT_EQ(errors(power), Reasons{});
  power.cost = orm::Decimal::parse("1000.5").value();
  EXPECT_EQ(errors(power), Reasons{"Power.cost: must be less than '1000.50'."});
  power.cost.reset();  // NULL is not checked
  EXPECT_EQ(errors(power), Reasons{});
}

TEST(ModelValidation, Length) {
  Rules rules;
  rules.code = "a";
  EXPECT_EQ(errors(rules), (Reasons{"Rules.code: length must be greater than or equal to '2'.",
                                    "Rules.code: must be one of: 'abc','de','éé'."}));
  rules.code = "abcde";
  EXPECT_EQ(errors(rules), (Reasons{"Rules.code: length must be less than or equal to '4'.",
                                    "Rules.code: must be one of: 'abc','de','éé'."}));
  rules.code = "éé";  // two code points, four bytes
  EXPECT_EQ(errors(rules), Reasons{});
  Hero hero = valid_hero();
  hero.name = std::string(41, 'x');
  EXPECT_EQ(errors(hero), Reasons{"Hero.name: length must be less than or equal to '40'."});
}

TEST(ModelValidation, Matches) {
  User user;
  user.email = "nobody";
  user.password = "long enough";
  EXPECT_EQ(errors(user), Reasons{R"(User.email: does not match pattern ^[^@\s]+@[^@\s]+$)"});
  user.email = "a@b.c";
  EXPECT_EQ(errors(user), Reasons{});
  Tag tag;
  tag.slug = "Not A Slug";
  EXPECT_EQ(errors(tag), Reasons{"Tag.slug: does not match pattern ^[a-z-]+$"});
}

TEST(ModelValidation, OneOf) {
  Team team;
  team.name = "purple";
  EXPECT_EQ(errors(team), Reasons{"Team.name: must be one of: 'red','blue','green'."});
  Power power;
  power.level = 4;
  EXPECT_EQ(errors(power), Reasons{"Power.level: must be one of: '1','2','3'."});
}

TEST(ModelValidation, EnumsAreCheckedAutomatically) {
  User user;
  user.email = "a@b.c";
  user.password = "long enough";
  user.role = static_cast<Role>(7);
  EXPECT_EQ(errors(user), Reasons{"User.role: must be one of: 'member','admin'."});
}

TEST(ModelValidation, PresentAndAbsentFollowTheEvent) {
  // Only the keys given: an update without `name` does not need it; an insert does.
  auto age_only = orm::FieldSet<Hero>::of<&Hero::age>();
  Hero hero = valid_hero();
  EXPECT_EQ(orm::validation_errors(hero, Event::update, age_only), Reasons{});
  EXPECT_EQ(orm::validation_errors(hero, Event::insert, age_only),
            Reasons{"Hero.name: key 'name' is required for inserts."});
  // constant() = absent on update.
  User user;
  user.email = "a@b.c";
  user.password = "long enough";
  auto with_created_at = orm::FieldSet<User>::of<&User::email, &User::created_at>();
  EXPECT_EQ(orm::validation_errors(user, Event::update, with_created_at),
            Reasons{"User.created_at: key 'created_at' is not allowed for updates."});
  // A transient input can be required too (and checked when given).
  EXPECT_EQ(orm::validation_errors(user, Event::insert, with_created_at),
            Reasons{"User.password: key 'password' is required for inserts."});
  user.password = "short";
  EXPECT_EQ(orm::validation_errors(user, Event::insert, orm::FieldSet<User>::of({"password"})),
            Reasons{"User.password: length must be greater than or equal to '8'."});
}

TEST(ModelValidation, ValueRulesOnlyRunOnGivenKeys) {
  Hero hero = valid_hero();
  hero.age = 500;
  hero.name = "x";
  auto keys = orm::FieldSet<Hero>::of<&Hero::rating>();
  EXPECT_EQ(orm::validation_errors(hero, Event::update, keys), Reasons{});
  keys.insert("age");
  EXPECT_EQ(orm::validation_errors(hero, Event::update, keys),
            Reasons{"Hero.age: must be less than or equal to '150'."});
}

TEST(ModelValidation, RulesForOneEventOnly) {
  Rules rules;
  rules.maybe = 3;
  EXPECT_EQ(errors(rules, Event::insert), Reasons{});
  EXPECT_EQ(errors(rules, Event::update), Reasons{"Rules.maybe: must be greater than '10'."});
}

TEST(ModelValidation, Relationships) {
  HeroPower link;
  link.power = 2;
  auto keys = orm::FieldSet<HeroPower>::of<&HeroPower::power>();
  EXPECT_EQ(orm::validation_errors(link, Event::insert, keys),
            Reasons{"HeroPower.hero.id: key 'hero' is required for inserts."});
  // Given but NULL is not present either.
  keys.insert("hero");
  EXPECT_EQ(orm::validation_errors(link, Event::insert, keys),
            Reasons{"HeroPower.hero.id: key 'hero' is required for inserts."});
  link.hero = 1;
  EXPECT_EQ(orm::validation_errors(link, Event::insert, keys), Reasons{});
  EXPECT_EQ(orm::validation_errors(link, Event::update, keys),
            Reasons{"HeroPower.power.id: key 'power' is not allowed for updates."});
}

TEST(ModelValidation, CustomRules) {
  Hero hero = valid_hero();
  hero.name = "admin";
  EXPECT_EQ(errors(hero), Reasons{"Hero.name: is a reserved name."});
}

TEST(ModelValidation, ModelLevelRuleRunsLast) {
  Hero hero = valid_hero();
  hero.secret_identity = "Ace";
  hero.age = 200;
  EXPECT_EQ(errors(hero), (Reasons{"Hero.age: must be less than or equal to '150'.",
                                   "Hero: the secret identity cannot be the hero's name."}));
}

TEST(ModelValidation, ContextKnowsThePresentKeys) {
  orm::ValidationContext context(Event::update);
  EXPECT_EQ(context.event(), Event::update);
  EXPECT_TRUE(context.is_valid());
  EXPECT_FALSE(context.is_present("name"));
  context.add_error("x");
  EXPECT_EQ(context.errors(), Reasons{"x"});
}

TEST(ModelValidation, FailureIsA400WithEveryReason) {
  Hero hero = valid_hero();
  hero.age = -5;
  hero.name = "root";
  try {
    orm::validate(hero, Event::insert);
    FAIL() << "no exception";
  } catch (const orm::ValidationError& error) {
    EXPECT_EQ(error.status(), 400);
    EXPECT_EQ(boost::json::parse(error.response().body()), boost::json::parse(R"({
      "error": "entity validation failed",
      "reasons": ["Hero.name: is a reserved name.",
                  "Hero.age: must be greater than or equal to '0'."]})"));
  }
}

}  // namespace
