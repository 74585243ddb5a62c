// ManagedObjectController<T> with an application-assigned UUID key, a database looked up
// per request, and the body edge cases (415, empty PUT), on SQLite and PostgreSQL.
//
// Thread-safety: test code; one thread.
#include "orm/managed_object_support.hpp"

namespace moc_models {

// The client assigns the key.
struct Badge {
  orm::Uuid id;
  std::string label;
  static constexpr auto table = "moc_badge";
};
BOOST_DESCRIBE_STRUCT(Badge, (), (id, label))

// A text key.
struct Tag {
  std::string id;
  std::int32_t uses = 0;
  static constexpr auto table = "moc_tag";
};
BOOST_DESCRIBE_STRUCT(Tag, (), (id, uses))

}  // namespace moc_models

namespace conduit::orm::testing {
namespace {

using moc_models::Badge;
using moc_models::Tag;

// Shapes its responses through the did_* hooks and caps lists in will_find_objects.
class ShapedController : public ManagedObjectController<Hero> {
 public:
  using ManagedObjectController::ManagedObjectController;

 protected:
  void will_find_objects(Query<Hero>& query, Request& /*request*/) override {
    query.sort_by(&Hero::power, SortOrder::descending).limit(1);
  }
  Response did_find_objects(const std::vector<Hero>& heroes, Request& request) override {
    Response response = ManagedObjectController::did_find_objects(heroes, request);
    response.set_header("X-Count", std::to_string(heroes.size()));
    return response;
  }
  void will_find_object(Query<Hero>& query, Request& /*request*/) override {
    query.where(&Hero::power).greater_than(50);
  }
  Response did_find_object(const Hero& hero, Request& /*request*/) override {
    return Response::ok(boost::json::value(hero.name));
  }
  void will_update(Hero& hero, FieldSet<Hero>& keys, Request& /*request*/) override {
    hero.team = "edited";
    keys.insert(&Hero::team);
  }
  Response did_delete(Request& /*request*/) override { return Response::ok(nullptr); }
};

class ManagedObjectKeysTest : public ManagedObjectTest {
 protected:
  void SetUp() override {
    ManagedObjectTest::SetUp();
    if (!db_) return;  // skipped
    run(db_->execute_script(
        "CREATE TABLE moc_badge (id UUID PRIMARY KEY, label TEXT NOT NULL);"
        "CREATE TABLE moc_tag (id TEXT PRIMARY KEY, uses INTEGER NOT NULL DEFAULT 0)"));
  }
  void TearDown() override {
    if (db_ && schema_.empty()) {
      run(db_->execute_script("DROP TABLE IF EXISTS moc_badge; DROP TABLE IF EXISTS moc_tag"));
    }
    ManagedObjectTest::TearDown();
  }
};

constexpr std::string_view kBadgeId = "6f1c2a0e-9b4d-4c1e-8a57-0d3e2f1b9c44";

TEST_P(ManagedObjectKeysTest, ApplicationAssignedKeyIsReadAndRoutable) {
  mount<ManagedObjectController<Badge>>("/badges/[:id]");
  const Response created =
      send("POST", "/badges", R"({"id":")" + std::string(kBadgeId) + R"(","label":"gold"})");
  ASSERT_EQ(created.status(), 201) << created.body();
  EXPECT_EQ(created.headers().get("location"), "/badges/" + std::string(kBadgeId));
  EXPECT_EQ(json_of(created).at("id").as_string(), kBadgeId);

  const Response found = send("GET", "/badges/" + std::string(kBadgeId));
  ASSERT_EQ(found.status(), 200) << found.body();
  EXPECT_EQ(json_of(found).at("label").as_string(), "gold");
  // Not a UUID: no such resource.
  EXPECT_EQ(send("GET", "/badges/42").status(), 404);
  EXPECT_EQ(send("DELETE", "/badges/" + std::string(kBadgeId)).status(), 204);
  EXPECT_EQ(send("GET", "/badges/" + std::string(kBadgeId)).status(), 404);
}

TEST_P(ManagedObjectKeysTest, DatabaseCanBeLookedUpPerRequest) {
  int lookups = 0;
  auto controller = std::make_shared<ManagedObjectController<Hero>>(
      ManagedObjectController<Hero>::DatabaseSource([&] {
        ++lookups;
        return db_;
      }));
  router_.route("/heroes/[:id]").link(controller);
  router_.did_add_to_channel();
  add("Robin", 30);
  EXPECT_THAT(names_of(send("GET", "/heroes")), ::testing::ElementsAre("Robin"));
  EXPECT_EQ(lookups, 1);
}

TEST_P(ManagedObjectKeysTest, NonJsonBodyIs415AndEmptyPutAnswersTheRow) {
  mount();
  const Hero robin = add("Robin", 30);
  Request request;
  request.set_method("POST");
  ASSERT_TRUE(request.set_target("/heroes"));
  request.mutable_headers().set("Content-Type", "text/plain");
  request.set_body("name=Raven");
  EXPECT_EQ(run(router_.receive(request)).status(), 415);

  const std::string url = "/heroes/" + std::to_string(robin.id);
  const Response same = send("PUT", url, "{}");
  ASSERT_EQ(same.status(), 200) << same.body();
  EXPECT_EQ(json_of(same).at("power").as_int64(), 30);
  EXPECT_EQ(send("PUT", "/heroes/" + std::to_string(robin.id + 1), "{}").status(), 404);
  EXPECT_EQ(error_of(send("PUT", url, "[1]")), "entity validation failed");
}

TEST_P(ManagedObjectKeysTest, TextKeyLocationIsPercentEncoded) {
  mount<ManagedObjectController<Tag>>("/tags/[:id]");
  Response r = send("POST", "/tags", R"({"id":"red fox/1","uses":2})");
  ASSERT_EQ(r.status(), 201) << r.body();
  EXPECT_EQ(r.headers().get("location"), "/tags/red%20fox%2F1");
  r = send("POST", "/tags", R"({"id":"owl"})");
  EXPECT_EQ(r.headers().get("location"), "/tags/owl");
  EXPECT_EQ(json_of(send("GET", "/tags/owl")).at("uses").as_int64(), 0);
}

TEST_P(ManagedObjectKeysTest, HooksShapeQueriesAndResponses) {
  mount<ShapedController>();
  seed();
  Response r = send("GET", "/heroes?count=0");
  EXPECT_THAT(names_of(r), ::testing::ElementsAre("Superman"));
  EXPECT_EQ(r.headers().get("x-count"), "1");
  const auto id_of = [&](std::string_view name) {
    return std::to_string(
        run(Query<Hero>(*db_).where(&Hero::name).equal_to(std::string(name)).fetch_one())->id);
  };
  r = send("GET", "/heroes/" + id_of("Batman"));
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.body(), R"("Batman")");
  EXPECT_EQ(send("GET", "/heroes/" + id_of("Robin")).status(), 404);  // power 30
  r = send("PUT", "/heroes/" + id_of("Robin"), R"({"power":31})");
  ASSERT_EQ(r.status(), 200) << r.body();
  EXPECT_EQ(json_of(r).at("team").as_string(), "edited");
  r = send("DELETE", "/heroes/" + id_of("Robin"));
  EXPECT_EQ(r.status(), 200);
  EXPECT_TRUE(r.body().empty());
}

TEST_P(ManagedObjectKeysTest, CountZeroIsNoLimitAndRepeatedCountIsRefused) {
  mount();
  seed();
  EXPECT_EQ(names_of(send("GET", "/heroes?count=0")).size(), 5U);
  const Response r = send("GET", "/heroes?count=1&count=2");
  EXPECT_EQ(r.status(), 400);
  EXPECT_EQ(error_of(r), "multiple values not expected for query 'count'");
}

INSTANTIATE_TEST_SUITE_P(Dialects, ManagedObjectKeysTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         dialect_name);

}  // namespace
}  // namespace conduit::orm::testing
