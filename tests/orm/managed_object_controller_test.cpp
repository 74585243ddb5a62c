// ManagedObjectController<T> through a real Router on SQLite and PostgreSQL: list with
// Conduit's query parameters, get, create, update, delete, errors and the hooks.
//
// Thread-safety: test code; one thread.
#include "orm/managed_object_support.hpp"

namespace conduit::orm::testing {
namespace {

using ::testing::ElementsAre;

// Sees and creates only the heroes of team "titans", and counts the hook calls.
class TitansController : public ManagedObjectController<Hero> {
 public:
  using ManagedObjectController::ManagedObjectController;
  int inserted = 0;
  int deleting = 0;

 protected:
  void scope(Query<Hero>& query, Request& /*request*/) override {
    query.where(&Hero::team).equal_to("titans");
  }
  void will_insert(Hero& hero, FieldSet<Hero>& keys, Request& /*request*/) override {
    hero.team = "titans";
    keys.insert(&Hero::team);
  }
  Response did_insert(const Hero& hero, Request& request) override {
    ++inserted;
    return ManagedObjectController::did_insert(hero, request);
  }
  void will_delete(Query<Hero>& /*query*/, Request& /*request*/) override { ++deleting; }
};

TEST_P(ManagedObjectTest, ListsEveryRowAsAJsonArray) {
  mount();
  seed();
  const Response response = send("GET", "/heroes?sortBy=id,asc");
  ASSERT_EQ(response.status(), 200) << response.body();
  EXPECT_THAT(names_of(response), ElementsAre("Batman", "Superman", "Robin", "Flash", "Cyborg"));
  EXPECT_EQ(json_of(response).as_array()[0].at("power").as_int64(), 70);
}

TEST_P(ManagedObjectTest, ListHonoursCountOffsetAndSortBy) {
  mount();
  seed();
  EXPECT_THAT(names_of(send("GET", "/heroes?sortBy=name,asc&count=2&offset=1")),
              ElementsAre("Cyborg", "Flash"));
  EXPECT_THAT(names_of(send("GET", "/heroes?sortBy=power,desc&count=3")),
              ElementsAre("Superman", "Flash", "Batman"));
  // Repeated sortBy: team first, then power within a team.
  EXPECT_THAT(names_of(send("GET", "/heroes?sortBy=team,desc&sortBy=power,asc")),
              ElementsAre("Robin", "Cyborg", "Batman", "Flash", "Superman"));
}

TEST_P(ManagedObjectTest, ListPagesByAColumn) {
  mount();
  seed();
  EXPECT_THAT(names_of(send("GET", "/heroes?pageBy=name&pageAfter=null&count=2")),
              ElementsAre("Batman", "Cyborg"));
  EXPECT_THAT(names_of(send("GET", "/heroes?pageBy=name&pageAfter=Cyborg&count=2")),
              ElementsAre("Flash", "Robin"));
  EXPECT_THAT(names_of(send("GET", "/heroes?pageBy=power&pagePrior=70")),
              ElementsAre("Cyborg", "Robin"));
}

TEST_P(ManagedObjectTest, ListRefusesBadParameters) {
  mount();
  seed();
  Response r = send("GET", "/heroes?sortBy=salary,asc");
  EXPECT_EQ(r.status(), 400);
  EXPECT_EQ(error_of(r), "cannot sort by 'salary'");
  r = send("GET", "/heroes?sortBy=name,up");
  EXPECT_EQ(r.status(), 400);
  EXPECT_EQ(error_of(r), "invalid 'sortBy' format. syntax: 'name,asc' or 'name,desc'.");
  r = send("GET", "/heroes?pageBy=salary&pageAfter=1");
  EXPECT_EQ(r.status(), 400);
  EXPECT_EQ(error_of(r), "cannot page by 'salary'");
  r = send("GET", "/heroes?pageBy=name");
  EXPECT_EQ(r.status(), 400);
  EXPECT_EQ(error_of(r),
            "missing required parameter 'pageAfter' or 'pagePrior' when 'pageBy' is provided");
  r = send("GET", "/heroes?pageBy=power&pageAfter=lots");
  EXPECT_EQ(r.status(), 400);
  EXPECT_EQ(error_of(r), "invalid value for 'pageBy' 'power'");
  r = send("GET", "/heroes?count=-1");
  EXPECT_EQ(r.status(), 400);
  EXPECT_EQ(error_of(r), "invalid value for query 'count'");
  r = send("GET", "/heroes?offset=x");
  EXPECT_EQ(error_of(r), "invalid value for query 'offset'");
}

TEST_P(ManagedObjectTest, GetsOneByIdOr404) {
  mount();
  const Hero robin = add("Robin", 30);
  Response r = send("GET", "/heroes/" + std::to_string(robin.id));
  ASSERT_EQ(r.status(), 200) << r.body();
  EXPECT_EQ(json_of(r).at("name").as_string(), "Robin");
  EXPECT_EQ(json_of(r).at("id").as_int64(), robin.id);

  r = send("GET", "/heroes/" + std::to_string(robin.id + 100));
  EXPECT_EQ(r.status(), 404);
  EXPECT_EQ(error_of(r), "not found");
  // An id that is not of the primary key's type names no resource either.
  r = send("GET", "/heroes/robin");
  EXPECT_EQ(r.status(), 404);
  EXPECT_EQ(error_of(r), "not found");
}

TEST_P(ManagedObjectTest, CreatesWith201AndLocation) {
  mount();
  // The autoincrement key in the body is ignored.
  const Response r = send("POST", "/heroes", R"({"id":999,"name":"Raven","power":40})");
  ASSERT_EQ(r.status(), 201) << r.body();
  const auto body = json_of(r);
  const std::int64_t id = body.at("id").as_int64();
  EXPECT_NE(id, 999);
  EXPECT_EQ(body.at("name").as_string(), "Raven");
  EXPECT_TRUE(body.at("team").is_null());
  EXPECT_EQ(r.headers().get("location"), "/heroes/" + std::to_string(id));
  // Stored: the Location answers.
  const Response found = send("GET", "/heroes/" + std::to_string(id));
  EXPECT_EQ(found.status(), 200);
  EXPECT_EQ(json_of(found).at("power").as_int64(), 40);
}

TEST_P(ManagedObjectTest, CreateRefusesInvalidInput) {
  mount();
  add("Robin", 30);
  Response r = send("POST", "/heroes", R"({"power":40})");
  EXPECT_EQ(r.status(), 400);
  EXPECT_EQ(error_of(r), "entity validation failed");
  r = send("POST", "/heroes", R"({"name":"Raven","power":400})");
  EXPECT_EQ(r.status(), 400);
  EXPECT_EQ(error_of(r), "entity validation failed");
  r = send("POST", "/heroes", R"({"name":"Raven","salary":1})");
  EXPECT_EQ(r.status(), 400) << r.body();
  EXPECT_NE(r.body().find("invalid input key 'salary'"), std::string::npos) << r.body();
  r = send("POST", "/heroes", R"({"name":"Robin"})");
  EXPECT_EQ(r.status(), 409) << r.body();
  r = send("POST", "/heroes");
  EXPECT_EQ(r.status(), 400);
  EXPECT_EQ(error_of(r), "missing required body");
  EXPECT_EQ(names_of(send("GET", "/heroes")).size(), 1U);
}

TEST_P(ManagedObjectTest, UpdatesOnlyThePresentKeys) {
  mount();
  const Hero robin = add("Robin", 30, "titans");
  const std::string url = "/heroes/" + std::to_string(robin.id);
  Response r = send("PUT", url, R"({"power":35})");
  ASSERT_EQ(r.status(), 200) << r.body();
  EXPECT_EQ(json_of(r).at("power").as_int64(), 35);
  EXPECT_EQ(json_of(r).at("name").as_string(), "Robin");
  EXPECT_EQ(json_of(r).at("team").as_string(), "titans");

  r = send("PUT", url, R"({"team":null})");
  ASSERT_EQ(r.status(), 200) << r.body();
  EXPECT_TRUE(json_of(send("GET", url)).at("team").is_null());
  EXPECT_EQ(json_of(send("GET", url)).at("power").as_int64(), 35);

  r = send("PUT", url, R"({"id":5,"power":1})");
  EXPECT_EQ(r.status(), 400);
  EXPECT_NE(r.body().find("invalid input key 'id'"), std::string::npos) << r.body();
  r = send("PUT", url, R"({"power":101})");
  EXPECT_EQ(error_of(r), "entity validation failed");
  r = send("PUT", "/heroes/" + std::to_string(robin.id + 100), R"({"power":1})");
  EXPECT_EQ(r.status(), 404);
  EXPECT_EQ(error_of(r), "not found");
}

TEST_P(ManagedObjectTest, DeletesWith204Or404) {
  mount();
  const Hero robin = add("Robin", 30);
  const std::string url = "/heroes/" + std::to_string(robin.id);
  Response r = send("DELETE", url);
  EXPECT_EQ(r.status(), 204);
  EXPECT_TRUE(r.body().empty());
  EXPECT_EQ(send("GET", url).status(), 404);
  r = send("DELETE", url);
  EXPECT_EQ(r.status(), 404);
  EXPECT_EQ(error_of(r), "not found");
}

TEST_P(ManagedObjectTest, OtherMethodsAre405WithAllow) {
  mount();
  Response r = send("DELETE", "/heroes");
  EXPECT_EQ(r.status(), 405);
  EXPECT_EQ(r.headers().get("allow"), "GET, POST");
  r = send("POST", "/heroes/1", R"({"name":"x"})");
  EXPECT_EQ(r.status(), 405);
  EXPECT_EQ(r.headers().get("allow"), "GET, PUT, DELETE");
}

TEST_P(ManagedObjectTest, ScopeRestrictsEveryQueryAndHooksRun) {
  TitansController& controller = mount<TitansController>();
  const Hero batman = add("Batman", 70, "jl");
  const Hero robin = add("Robin", 30, "titans");
  EXPECT_THAT(names_of(send("GET", "/heroes")), ElementsAre("Robin"));
  const std::string batman_url = "/heroes/" + std::to_string(batman.id);
  EXPECT_EQ(send("GET", batman_url).status(), 404);
  EXPECT_EQ(send("PUT", batman_url, R"({"power":1})").status(), 404);
  EXPECT_EQ(send("DELETE", batman_url).status(), 404);
  EXPECT_EQ(send("GET", "/heroes/" + std::to_string(robin.id)).status(), 200);

  const Response created = send("POST", "/heroes", R"({"name":"Raven"})");
  ASSERT_EQ(created.status(), 201) << created.body();
  EXPECT_EQ(json_of(created).at("team").as_string(), "titans");
  EXPECT_EQ(controller.inserted, 1);
  EXPECT_THAT(names_of(send("GET", "/heroes?sortBy=name,asc")), ElementsAre("Raven", "Robin"));
  EXPECT_EQ(send("DELETE", "/heroes/" + std::to_string(robin.id)).status(), 204);
  EXPECT_EQ(controller.deleting, 2);
  // Batman was never touched.
  EXPECT_EQ(json_of(send("GET", "/heroes?sortBy=id,asc")).as_array().size(), 1U);
  EXPECT_EQ(run(Query<Hero>(*db_).where(&Hero::name).equal_to("Batman").fetch_one())->power, 70);
}

TEST_P(ManagedObjectTest, PathVariableNameIsConfigurable) {
  mount<>("/teams/[:heroId]", "heroId");
  const Hero robin = add("Robin", 30);
  const Response r = send("GET", "/teams/" + std::to_string(robin.id));
  ASSERT_EQ(r.status(), 200) << r.body();
  EXPECT_EQ(json_of(r).at("name").as_string(), "Robin");
}

// PostgreSQL text cannot hold NUL (SQLite can): refused with 400 naming the key on both,
// so what a client may store does not depend on the database. It used to be a 500 on
// PostgreSQL.
TEST_P(ManagedObjectTest, TextWithNulIs400NamingTheKeyOnEveryDialect) {
  mount();
  seed();
  const std::string reason = "invalid input value for 'name': text cannot contain a NUL character";
  Response r = send("POST", "/heroes", R"({"name":"Rav\u0000en","power":40})");
  EXPECT_EQ(r.status(), 400) << r.body();
  EXPECT_EQ(error_of(r), "entity validation failed");
  EXPECT_EQ(json_of(r).at("reasons").as_array().at(0).as_string(), reason) << r.body();
  const Hero robin =
      run(Query<Hero>(*db_).where(&Hero::name).equal_to("Robin").fetch_one()).value();
  r = send("PUT", "/heroes/" + std::to_string(robin.id), R"({"team":"a\u0000"})");
  EXPECT_EQ(r.status(), 400) << r.body();
  EXPECT_NE(r.body().find("invalid input value for 'team'"), std::string::npos) << r.body();
  for (const char* key : {"pageAfter", "pagePrior"}) {
    r = send("GET", std::string("/heroes?pageBy=name&") + key + "=a%00b");
    EXPECT_EQ(r.status(), 400) << r.body();
    EXPECT_EQ(error_of(r), std::string("invalid value for query '") + key +
                               "': text cannot contain a NUL character");
  }
  // Nothing was stored or changed.
  EXPECT_EQ(names_of(send("GET", "/heroes")).size(), 5U);
  EXPECT_FALSE(run(Query<Hero>(*db_).where(&Hero::name).equal_to("Robin").fetch_one())
                   .value()
                   .team.value_or("")
                   .starts_with("a"));
  // A statement written by hand: on PostgreSQL a typed 400 before anything is sent.
  if (postgres()) {
    try {
      run(db_->execute("SELECT $1::text", std::string("a\0b", 3)));
      ADD_FAILURE() << "no error";
    } catch (const db::InvalidValueError& e) {
      EXPECT_EQ(e.status(), 400);
      EXPECT_EQ(e.kind(), db::ErrorKind::invalid_value);
      EXPECT_EQ(e.sql_state(), "22021");
      EXPECT_EQ(boost::json::parse(e.response().body()),
                boost::json::parse(R"({"error":"invalid input value"})"));
    }
  }
}

// Conduit has no page size: GET /heroes on a big table sent every row. Here a list has a
// default count and a maximum (clamped), per controller.
TEST_P(ManagedObjectTest, ListHasADefaultAndAMaximumCount) {
  auto controller = std::make_shared<ManagedObjectController<Hero>>(
      db_, ListLimits{.default_count = 2, .max_count = 3});
  router_.route("/heroes/[:id]").link(controller);
  router_.did_add_to_channel();
  seed();
  EXPECT_THAT(names_of(send("GET", "/heroes?sortBy=id,asc")), ElementsAre("Batman", "Superman"));
  EXPECT_THAT(names_of(send("GET", "/heroes?sortBy=id,asc&count=1")), ElementsAre("Batman"));
  // Above the maximum: clamped, not refused.
  EXPECT_THAT(names_of(send("GET", "/heroes?sortBy=id,asc&count=1000000")),
              ElementsAre("Batman", "Superman", "Robin"));
  // Conduit's count=0 ("no limit") is "up to the maximum".
  EXPECT_THAT(names_of(send("GET", "/heroes?sortBy=id,asc&count=0")),
              ElementsAre("Batman", "Superman", "Robin"));
  EXPECT_THAT(names_of(send("GET", "/heroes?sortBy=id,asc&offset=3&count=10")),
              ElementsAre("Flash", "Cyborg"));
  EXPECT_THAT(names_of(send("GET", "/heroes?pageBy=name&pageAfter=null")),
              ElementsAre("Batman", "Cyborg"));
}

TEST_P(ManagedObjectTest, ListLimitsDefaultTo100And1000) {
  mount();
  const ListLimits defaults;
  EXPECT_EQ(defaults.default_count, 100);
  EXPECT_EQ(defaults.max_count, 1000);
  // 120 rows: a list without count answers the first 100.
  std::string values;
  for (int i = 0; i < 120; ++i) {
    if (i) values += ",";
    values += "('h" + std::to_string(1000 + i) + "', 1)";
  }
  run(db_->execute("INSERT INTO moc_hero (name, power) VALUES " + values));
  EXPECT_EQ(json_of(send("GET", "/heroes")).as_array().size(), 100U);
  EXPECT_EQ(json_of(send("GET", "/heroes?count=0")).as_array().size(), 120U);
  EXPECT_EQ(json_of(send("GET", "/heroes?count=110")).as_array().size(), 110U);
  EXPECT_EQ(json_of(send("GET", "/heroes?offset=100")).as_array().size(), 20U);
  // No maximum at all when asked for (Conduit's behaviour).
  EXPECT_EQ(detail::list_count(std::nullopt, ListLimits{.default_count = 0, .max_count = 0}),
            std::nullopt);
  EXPECT_EQ(detail::list_count(0, ListLimits{.default_count = 5, .max_count = 0}), std::nullopt);
  EXPECT_EQ(detail::list_count(std::nullopt, ListLimits{.default_count = 0, .max_count = 7}), 7);
}

// Every error has a JSON body in the project's shape, 405 and 415 included.
TEST_P(ManagedObjectTest, MethodAndMediaTypeErrorsHaveJsonBodies) {
  mount();
  Response r = send("DELETE", "/heroes");
  EXPECT_EQ(r.status(), 405);
  EXPECT_EQ(r.content_type(), "application/json; charset=utf-8");
  EXPECT_EQ(error_of(r), "method not allowed");
  EXPECT_EQ(r.headers().get("allow"), "GET, POST");
  r = send("PATCH", "/heroes/1", R"({"name":"x"})");
  EXPECT_EQ(r.status(), 405);
  EXPECT_EQ(error_of(r), "method not allowed");

  Request request;
  request.set_method("POST");
  ASSERT_TRUE(request.set_target("/heroes"));
  request.mutable_headers().set("Content-Type", "text/csv");
  request.set_body("name\nRaven\n");
  r = run(router_.receive(request));
  EXPECT_EQ(r.status(), 415);
  EXPECT_EQ(r.content_type(), "application/json; charset=utf-8");
  EXPECT_EQ(error_of(r), "unsupported content type 'text/csv'");
}

INSTANTIATE_TEST_SUITE_P(Dialects, ManagedObjectTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         dialect_name);

}  // namespace
}  // namespace conduit::orm::testing
