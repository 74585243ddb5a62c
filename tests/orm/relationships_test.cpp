// Tests for BelongsTo, HasMany, HasOne and through(): null/key/joined states, deep copies,
// typed keys, fetched flags and the many-to-many helper.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <utility>

#include "support/test_models.hpp"

namespace {

using namespace models;

Team make_team(std::int64_t id, std::string name) {
  Team team;
  team.id = id;
  team.name = std::move(name);
  return team;
}

TEST(BelongsTo, StartsNull) {
  orm::BelongsTo<Team> team;
  EXPECT_TRUE(team.is_null());
  EXPECT_FALSE(team);
  EXPECT_FALSE(team.joined());
  EXPECT_EQ(team.get(), nullptr);
  EXPECT_TRUE(orm::is_null(team.key()));
  EXPECT_THROW(team.id(), std::logic_error);
  EXPECT_THROW(team->name, std::logic_error);
}

TEST(BelongsTo, HoldsJustAKey) {
  Hero hero;
  hero.team = 3;
  EXPECT_FALSE(hero.team.is_null());
  EXPECT_FALSE(hero.team.joined());
  EXPECT_EQ(hero.team.id(), 3);
  static_assert(std::is_same_v<decltype(hero.team.id()), std::int64_t>);
  EXPECT_EQ(hero.team.key(), orm::Key(std::int64_t{3}));
  EXPECT_THROW(*hero.team, std::logic_error);
  hero.team = nullptr;
  EXPECT_TRUE(hero.team.is_null());
}

TEST(BelongsTo, KeysOfOtherTypes) {
  Profile profile;
  auto id = orm::Uuid::parse("6f1c7a57-0d2b-4c5e-9b8e-2f9a3c1d4e5f").value();
  profile.user = id;
  EXPECT_EQ(profile.user.id(), id);
  static_assert(std::is_same_v<decltype(profile.user.id()), orm::Uuid>);

  orm::BelongsTo<Tag> tag = "rust-belt";
  EXPECT_EQ(tag.id(), "rust-belt");
  // A key of the wrong type cannot be read as the related key type.
  orm::BelongsTo<Tag> wrong = 7;
  EXPECT_THROW(wrong.id(), std::logic_error);

  orm::BelongsTo<Profile> small = 5;
  static_assert(std::is_same_v<decltype(small.id()), std::int32_t>);
  EXPECT_EQ(small.id(), 5);
}

TEST(BelongsTo, HoldsTheJoinedObject) {
  Hero hero;
  hero.team = make_team(7, "red");
  EXPECT_TRUE(hero.team.joined());
  EXPECT_EQ(hero.team->name, "red");
  EXPECT_EQ(hero.team.id(), 7);
  // The key follows the object.
  hero.team->id = 8;
  EXPECT_EQ(hero.team.id(), 8);
  hero.team.reset();
  EXPECT_TRUE(hero.team.is_null());
}

TEST(BelongsTo, CopiesAreDeep) {
  Hero a;
  a.team = make_team(1, "red");
  Hero b = a;
  b.team->name = "blue";
  EXPECT_EQ(a.team->name, "red");
  EXPECT_EQ(b.team->name, "blue");
  Hero c;
  c = std::move(b);
  EXPECT_EQ(c.team->name, "blue");
  c = a;
  EXPECT_EQ(c.team->name, "red");
}

TEST(HasMany, FetchedOnlyOnceSet) {
  Team team;
  EXPECT_FALSE(team.heroes.fetched());
  EXPECT_TRUE(team.heroes.empty());
  Hero hero;
  hero.name = "Ace";
  team.heroes.push_back(hero);
  EXPECT_TRUE(team.heroes.fetched());
  ASSERT_EQ(team.heroes.size(), 1u);
  EXPECT_EQ(team.heroes[0].name, "Ace");
  for (Hero& h : team.heroes) h.name = "Bolt";
  EXPECT_EQ(team.heroes.items().front().name, "Bolt");
  team.heroes.reset();
  EXPECT_FALSE(team.heroes.fetched());
  team.heroes = orm::HasMany<Hero>(std::vector<Hero>{});
  EXPECT_TRUE(team.heroes.fetched());
  EXPECT_TRUE(team.heroes.empty());
}

TEST(HasOne, FetchedAndPossiblyEmpty) {
  User user;
  EXPECT_FALSE(user.profile.fetched());
  EXPECT_FALSE(user.profile.has_value());
  EXPECT_THROW(user.profile->bio, std::logic_error);
  Profile profile;
  profile.bio = "hi";
  user.profile = profile;
  EXPECT_TRUE(user.profile.fetched());
  EXPECT_EQ(user.profile->bio, "hi");
  User copy = user;
  copy.profile->bio = "changed";
  EXPECT_EQ(user.profile->bio, "hi");
  user.profile.reset();
  user.profile.set_fetched(true);
  EXPECT_TRUE(user.profile.fetched());
  EXPECT_FALSE(user.profile.has_value());
}

TEST(Through, ReadsTheFarSideOfAManyToManyLink) {
  Power fly;
  fly.id = 1;
  fly.name = "flight";
  Power fast;
  fast.id = 2;
  fast.name = "speed";
  Hero hero;
  for (const Power& power : {fly, fast}) {
    HeroPower link;
    link.power = power;
    hero.hero_powers.push_back(link);
  }
  auto powers = orm::through(hero.hero_powers, &HeroPower::power);
  ASSERT_EQ(powers.size(), 2u);
  EXPECT_EQ(powers[0]->name, "flight");
  EXPECT_EQ(powers[1]->name, "speed");

  Hero unfetched;
  EXPECT_THROW(orm::through(unfetched.hero_powers, &HeroPower::power), std::logic_error);
  HeroPower unjoined;
  unjoined.power = 3;
  hero.hero_powers.push_back(unjoined);
  EXPECT_THROW(orm::through(hero.hero_powers, &HeroPower::power), std::logic_error);
}

}  // namespace
