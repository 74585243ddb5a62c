// A small realistic data model shared by the orm tests: users with a one-to-one profile,
// heroes in teams, powers linked to heroes through a join model, and a text-keyed tag.
// Declared so that every relationship refers to a type that is still incomplete at that
// point in at least one direction (Hero -> Team, User -> Profile, Hero -> HeroPower).
//
// Thread-safety: type declarations only.
#pragma once

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "conduit/orm/orm.hpp"

namespace models {

namespace orm = conduit::orm;

enum class Role { member, admin };
BOOST_DESCRIBE_ENUM(Role, member, admin)

enum class PowerKind { strength, speed, flight, magic };
BOOST_DESCRIBE_ENUM(PowerKind, strength, speed, flight, magic)

struct Profile;
struct Team;
struct HeroPower;

inline void reject_reserved_names(const std::string& name, orm::ValidationContext& context) {
  if (name == "admin" || name == "root") context.add_error("is a reserved name.");
}

struct User {
  orm::Uuid id;
  std::string email;
  std::string hashed_password;
  std::optional<std::string> password;
  Role role = Role::member;
  orm::Timestamp created_at{};
  boost::json::value settings;
  orm::HasOne<Profile> profile;

  static constexpr auto table = "users";
  static constexpr orm::Column columns[] = {
      {.member = "id", .primary_key = true, .default_value = "gen_random_uuid()"},
      {.member = "email",
       .unique = true,
       .validators = {orm::matches(R"(^[^@\s]+@[^@\s]+$)"), orm::max_length(60)}},
      {.member = "hashed_password", .omit_by_default = true},
      {.member = "password",
       .transient = orm::Transient::input,
       .validators = {orm::min_length(8), orm::present(orm::When::insert)}},
      {.member = "created_at", .default_value = "now()", .validators = {orm::constant()}},
  };
};
BOOST_DESCRIBE_STRUCT(User, (),
                      (id, email, hashed_password, password, role, created_at, settings, profile))

// One-to-one: User has HasOne<Profile>, so profile.user_id is UNIQUE.
struct Profile {
  std::int32_t id = 0;
  std::string bio;
  orm::BelongsTo<User> user;

  static constexpr orm::Column columns[] = {
      {.member = "user", .required = true, .on_delete = orm::DeleteRule::cascade},
  };
};
BOOST_DESCRIBE_STRUCT(Profile, (), (id, bio, user))

struct Hero {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> secret_identity;
  std::int32_t age = 0;
  double rating = 0;
  bool active = true;
  orm::Timestamp created_at{};
  orm::BelongsTo<Team> team;
  orm::BelongsTo<Team> rival_team;
  orm::BelongsTo<User> created_by;
  orm::BelongsTo<Hero> mentor;
  orm::HasMany<HeroPower> hero_powers;
  std::vector<std::string> nicknames;
  std::string display_name;

  static constexpr auto table = "_hero";
  static constexpr orm::Column columns[] = {
      {.member = "name",
       .unique = true,
       .indexed = true,
       .validators = {orm::length(2, 40), orm::custom<&reject_reserved_names>(),
                      orm::present(orm::When::insert)}},
      {.member = "secret_identity", .name = "alias"},
      {.member = "age", .validators = {orm::range(0, 150)}},
      {.member = "rating", .default_value = "0", .validators = {orm::less_than(10.5)}},
      {.member = "active", .default_value = "true"},
      {.member = "created_at",
       .default_value = "now()",
       .validators = {orm::greater_than("2000-01-01T00:00:00Z")}},
      {.member = "team", .on_delete = orm::DeleteRule::cascade},
      {.member = "rival_team", .name = "rival_id"},
      {.member = "created_by",
       .default_value = "'00000000-0000-0000-0000-000000000000'",
       .on_delete = orm::DeleteRule::set_default},
      {.member = "nicknames", .transient = orm::Transient::both},
      {.member = "display_name", .transient = orm::Transient::output},
  };

  // Rules across members run after the column rules.
  void validate(orm::ValidationContext& context) const {
    if (secret_identity && *secret_identity == name) {
      context.add_error("Hero: the secret identity cannot be the hero's name.");
    }
  }
};
BOOST_DESCRIBE_STRUCT(Hero, (),
                      (id, name, secret_identity, age, rating, active, created_at, team, rival_team,
                       created_by, mentor, hero_powers, nicknames, display_name))

struct Team {
  std::int64_t id = 0;
  std::string name;
  orm::Decimal budget;
  orm::HasMany<Hero> heroes;
  orm::HasMany<Hero> rivals;

  static constexpr orm::Column columns[] = {
      {.member = "name", .unique = true, .validators = {orm::one_of("red", "blue", "green")}},
      {.member = "budget", .default_value = "0", .validators = {orm::greater_than_or_equal_to(0)}},
      {.member = "heroes", .inverse = "team"},
      {.member = "rivals", .inverse = "rival_team"},
  };
};
BOOST_DESCRIBE_STRUCT(Team, (), (id, name, budget, heroes, rivals))

struct Power {
  std::int64_t id = 0;
  std::string name;
  PowerKind kind = PowerKind::strength;
  std::optional<orm::Decimal> cost;
  std::int64_t level = 1;
  orm::HasMany<HeroPower> hero_powers;

  static constexpr orm::Table table{.unique = {"name, kind"}};
  static constexpr orm::Column columns[] = {
      {.member = "cost", .validators = {orm::less_than("1000.50")}},
      {.member = "level", .validators = {orm::one_of(1, 2, 3)}},
  };
};
BOOST_DESCRIBE_STRUCT(Power, (), (id, name, kind, cost, level, hero_powers))

// The many-to-many join between heroes and powers.
struct HeroPower {
  std::int64_t id = 0;
  orm::BelongsTo<Hero> hero;
  orm::BelongsTo<Power> power;
  std::int32_t mastery = 0;

  static constexpr orm::Table table{.unique = {"hero, power"}};
  static constexpr orm::Column columns[] = {
      {.member = "hero",
       .required = true,
       .on_delete = orm::DeleteRule::cascade,
       .validators = {orm::present(orm::When::insert)}},
      {.member = "power", .required = true, .validators = {orm::constant()}},
  };
};
BOOST_DESCRIBE_STRUCT(HeroPower, (), (id, hero, power, mastery))

// A text primary key, no autoincrement, and a JSON document.
struct Tag {
  std::string slug;
  std::string label;
  std::optional<boost::json::value> meta;

  static constexpr orm::Column columns[] = {
      {.member = "slug", .primary_key = true, .validators = {orm::matches("^[a-z-]+$")}},
  };
};
BOOST_DESCRIBE_STRUCT(Tag, (), (slug, label, meta))

}  // namespace models
