// Tests for DataModel: registration, lookups, the whole-model checks and their messages,
// and start-up errors from validator literals.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <string>

#include "support/test_models.hpp"

namespace {

using namespace models;

// Same table name as Hero.
struct Villain {
  std::int64_t id = 0;
  static constexpr auto table = "_hero";
};
BOOST_DESCRIBE_STRUCT(Villain, (), (id))

// Literals that only the runtime can check.
struct BadPattern {
  std::int64_t id = 0;
  std::string code;
  static constexpr orm::Column columns[] = {
      {.member = "code", .validators = {orm::matches("([a-z")}},
  };
};
BOOST_DESCRIBE_STRUCT(BadPattern, (), (id, code))

struct BadTime {
  std::int64_t id = 0;
  orm::Timestamp at{};
  static constexpr orm::Column columns[] = {
      {.member = "at", .validators = {orm::less_than("yesterday")}},
  };
};
BOOST_DESCRIBE_STRUCT(BadTime, (), (id, at))

struct BadDecimal {
  std::int64_t id = 0;
  orm::Decimal price;
  static constexpr orm::Column columns[] = {
      {.member = "price", .validators = {orm::less_than("12,50")}},
  };
};
BOOST_DESCRIBE_STRUCT(BadDecimal, (), (id, price))

std::string data_model_error(auto make) {
  try {
    make();
  } catch (const orm::DataModelError& error) {
    return error.what();
  }
  return "no error";
}

TEST(DataModel, RegistersEntitiesAndDerivesTheSchema) {
  auto model = orm::DataModel::of<User, Profile, Hero, Team, Power, HeroPower, Tag>();
  ASSERT_EQ(model.entities().size(), 7u);
  EXPECT_EQ(model.schema().tables.size(), 7u);
  EXPECT_EQ(model.schema().tables[2].name, "_hero");
  EXPECT_EQ(&model.entity<Hero>(), &orm::entity_of<Hero>());
  EXPECT_EQ(model.find_table("hero_power"), &orm::entity_of<HeroPower>());
  EXPECT_EQ(model.find_table("heroes"), nullptr);
  EXPECT_EQ(model.find(orm::detail::type_id<Team>()), &orm::entity_of<Team>());
  EXPECT_EQ(model.to_json(), orm::to_json(model.schema()));
  EXPECT_EQ(model.to_json().at("tables").as_array().size(), 7u);
}

TEST(DataModel, EntityOfAnUnregisteredType) {
  auto model = orm::DataModel::of<User, Profile>();
  try {
    model.entity<Tag>();
    FAIL() << "no exception";
  } catch (const orm::DataModelError& error) {
    EXPECT_STREQ(error.what(), "Tag is not in the data model");
  }
}

TEST(DataModel, RelationshipToAnUnregisteredModel) {
  EXPECT_EQ(data_model_error([] { orm::DataModel::of<Hero, User, HeroPower, Power>(); }),
            "Hero.team refers to Team, which is not in the data model: add it to "
            "DataModel::of<...>");
  EXPECT_EQ(data_model_error([] { orm::DataModel::of<Team>(); }),
            "Team.heroes refers to Hero, which is not in the data model: add it to "
            "DataModel::of<...>");
}

TEST(DataModel, DuplicateTableNames) {
  EXPECT_EQ(
      data_model_error([] { orm::DataModel::of<Hero, Team, User, HeroPower, Power, Villain>(); }),
      "Hero and Villain both use table '_hero': give one of them another name with `table`");
}

TEST(DataModel, ModelRegisteredTwice) {
  EXPECT_EQ(data_model_error([] { orm::DataModel::of<Tag, Tag>(); }),
            "Tag is registered twice in the data model");
}

TEST(DataModel, ValidatorLiteralsAreCheckedWhenTheEntityIsBuilt) {
  EXPECT_EQ(data_model_error([] { orm::entity_of<BadTime>(); }),
            "BadTime.at: 'yesterday' is not an ISO-8601 time stamp (in a validator)");
  EXPECT_EQ(data_model_error([] { orm::DataModel::of<BadDecimal>(); }),
            "BadDecimal.price: '12,50' is not a decimal number (in a validator)");
  std::string pattern = data_model_error([] { orm::entity_of<BadPattern>(); });
  EXPECT_EQ(pattern.rfind("BadPattern.code: invalid regular expression '([a-z' (", 0), 0u)
      << pattern;
}

}  // namespace
