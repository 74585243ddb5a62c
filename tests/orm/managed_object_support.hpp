// Shared by the ManagedObjectController suites: a hero model, its table created with plain
// SQL per dialect, and a fixture (parameterised over SQLite and PostgreSQL, skipped when
// CONDUIT_TEST_DATABASE_URL is unset) that drives requests through a real Router and
// controller chain with receive() on a real event loop.
//
// Thread-safety: test code; one thread.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/describe/class.hpp>
#include <boost/json/parse.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conduit/db/database.hpp"
#include "conduit/http/request.hpp"
#include "conduit/http/response.hpp"
#include "conduit/http/router.hpp"
#include "conduit/orm/managed_object_controller.hpp"
#include "conduit/orm/orm.hpp"
#include "support/db_test_support.hpp"
#include "support/dialect_test.hpp"

namespace moc_models {

namespace orm = conduit::orm;

struct Hero {
  std::int64_t id = 0;
  std::string name;
  std::int32_t power = 0;
  std::optional<std::string> team;

  static constexpr auto table = "moc_hero";
  static constexpr orm::Column columns[] = {
      {.member = "name",
       .unique = true,
       .validators = {orm::length(2, 40), orm::present(orm::When::insert)}},
      {.member = "power", .default_value = "0", .validators = {orm::range(0, 100)}},
  };
};
BOOST_DESCRIBE_STRUCT(Hero, (), (id, name, power, team))

}  // namespace moc_models

namespace conduit::orm::testing {

using moc_models::Hero;

class ManagedObjectTest : public DialectTest {
 protected:
  void SetUp() override {
    open_database("orm_moc");
    if (IsSkipped()) return;
    if (postgres()) {
      run(db_->execute_script(
          "CREATE TABLE moc_hero (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
          " power INTEGER NOT NULL DEFAULT 0, team TEXT NULL)"));
    } else {
      run(db_->execute_script(
          "DROP TABLE IF EXISTS moc_hero;"
          "CREATE TABLE moc_hero (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE,"
          " power INTEGER NOT NULL DEFAULT 0, team TEXT NULL)"));
    }
  }

  void TearDown() override { close_database("DROP TABLE IF EXISTS moc_hero"); }

  // Routes "/heroes/[:id]" to `C` (constructed with the database) and starts the tree.
  template <class C = ManagedObjectController<Hero>>
  C& mount(std::string pattern = "/heroes/[:id]", std::string variable = "id") {
    auto controller = std::make_shared<C>(db_, std::move(variable));
    C& ref = *controller;
    router_.route(pattern).link(std::move(controller));
    router_.did_add_to_channel();
    return ref;
  }

  Response send(std::string method, std::string target, std::string body = {}) {
    Request request;
    request.set_method(std::move(method));
    EXPECT_TRUE(request.set_target(std::move(target)));
    if (!body.empty()) {
      request.mutable_headers().set("Content-Type", "application/json");
      request.set_body(std::move(body));
    }
    return run(router_.receive(request));
  }

  static boost::json::value json_of(const Response& response) {
    return boost::json::parse(response.body());
  }
  static std::string error_of(const Response& response) {
    const auto body = json_of(response);
    return std::string(body.at("error").as_string());
  }

  Hero add(std::string name, std::int32_t power, std::optional<std::string> team = std::nullopt) {
    Hero hero;
    hero.name = std::move(name);
    hero.power = power;
    hero.team = std::move(team);
    return run(Query<Hero>(*db_).insert(hero));
  }

  // Five heroes with distinct names and powers.
  void seed() {
    add("Batman", 70, "jl");
    add("Superman", 100, "jl");
    add("Robin", 30, "titans");
    add("Flash", 80, "jl");
    add("Cyborg", 60, "titans");
  }

  // The "name" of each element of a JSON array response, in order.
  static std::vector<std::string> names_of(const Response& response) {
    std::vector<std::string> out;
    const boost::json::value body = json_of(response);
    for (const auto& item : body.as_array()) {
      out.emplace_back(item.at("name").as_string());
    }
    return out;
  }

  Router router_;
};

}  // namespace conduit::orm::testing
