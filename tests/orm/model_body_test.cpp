// Models in ResourceController operations: Body<Hero>, Body<std::vector<Hero>> and
// Body<orm::Partial<..>> read with the ORM's rules (belongs-to shapes, transients, unknown
// keys refused with the ValidationError body), Response::ok(model) written with them,
// described structs that are no model keeping the generic rules, and a hand-written
// controller doing ManagedObjectController's create and partial update through a real
// Router on SQLite and PostgreSQL.
//
// Thread-safety: test code; one thread.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/describe/class.hpp>
#include <boost/json/parse.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conduit/http/http_error.hpp"
#include "conduit/http/resource_controller.hpp"
#include "orm/managed_object_support.hpp"
#include "support/resource_test_support.hpp"
#include "support/test_models.hpp"

namespace dto {

// Described like a model (an `id`, plain members) but declaring no table: not a model.
struct HeroSummary {
  std::int64_t id = 0;
  std::string name;
};
BOOST_DESCRIBE_STRUCT(HeroSummary, (), (id, name))

// A plain struct holding a model: the model inside gets the model rules.
struct Enlistment {
  std::string reason;
  models::Hero hero;
};
BOOST_DESCRIBE_STRUCT(Enlistment, (), (reason, hero))

// A model with neither table, columns nor relationships, opted in.
struct Badge {
  std::int64_t id = 0;
  std::string label;
  std::optional<std::string> note;
};
BOOST_DESCRIBE_STRUCT(Badge, (), (id, label, note))

}  // namespace dto

template <>
inline constexpr bool conduit::orm::enable_model_json<dto::Badge> = true;

namespace {

namespace orm = conduit::orm;
using boost::json::parse;
using conduit::Body;
using conduit::Path;
using conduit::Query;
using conduit::ResourceController;
using conduit::Response;
using conduit::Task;
using conduit::testing::error_of;
using conduit::testing::json_of;
using conduit::testing::make_request;
using models::Hero;
using models::Tag;
using models::User;

static_assert(orm::ManagedModel<Hero> && orm::ManagedModel<User> && orm::ManagedModel<Tag>);
static_assert(orm::ManagedModel<models::Team>);  // columns only
static_assert(orm::ManagedModel<moc_models::Hero>);
static_assert(orm::ManagedModel<dto::Badge>);
static_assert(!orm::ManagedModel<dto::HeroSummary> && !orm::ManagedModel<dto::Enlistment>);

// Posts `body` to an operation binding B; the bound value lands in `seen`.
template <class B>
Response post_body(std::string body, B& seen) {
  ResourceController controller;
  controller.post([&seen](B bound) -> Task<Response> {
    seen = std::move(bound);
    co_return Response::ok();
  });
  auto request = make_request("POST", "/x", std::move(body), "application/json");
  return conduit::testing::run(controller, request);
}

// The reasons of an ORM ValidationError response.
std::vector<std::string> reasons_of(const Response& response) {
  std::vector<std::string> out;
  const auto body = json_of(response);
  if (error_of(response) != "entity validation failed") return {"not a validation error"};
  for (const auto& reason : body.at("reasons").as_array()) {
    out.emplace_back(reason.as_string());
  }
  return out;
}

using Reasons = std::vector<std::string>;

TEST(ModelBody, ReadsConduitShapesAndOnlyThePresentKeys) {
  Body<Hero> seen;
  const Response response =
      post_body(R"({"name":"Ann","team":{"id":3},"mentor":null,"nicknames":["A"]})", seen);
  ASSERT_EQ(response.status(), 200) << response.body();
  EXPECT_EQ(seen->name, "Ann");
  EXPECT_EQ(seen->team.id(), 3);
  EXPECT_FALSE(seen->team.joined());
  EXPECT_TRUE(seen->mentor.is_null());
  EXPECT_EQ(seen->nicknames, std::vector<std::string>{"A"});
  EXPECT_EQ(seen->age, 0);  // absent keys are not required, unlike a plain struct

  Body<Tag> tag;
  EXPECT_EQ(post_body(R"({"slug":"x","meta":{"a":[1]}})", tag).status(), 200);
  EXPECT_EQ(tag->meta, parse(R"({"a":[1]})"));
}

TEST(ModelBody, ErrorsAreTheValidationErrorBody) {
  Body<Hero> seen;
  struct Case {
    const char* body;
    const char* reason;
  };
  for (auto [body, reason] : {
           Case{R"({"name":"x","nmae":"y"})", "invalid input key 'nmae'"},
           Case{R"({"display_name":"x"})", "invalid input key 'display_name'"},
           Case{R"({"team_id":3})", "invalid input key 'team_id'"},
           Case{R"({"age":"30"})", "invalid input value for 'age'"},
           Case{R"({"team":3})", "invalid input value for 'team'"},
           Case{R"({"name":null})", "invalid input value for 'name'"},
       }) {
    const Response response = post_body(body, seen);
    EXPECT_EQ(response.status(), 400) << body;
    EXPECT_EQ(reasons_of(response), Reasons{reason}) << body;
  }
  Body<User> user;
  EXPECT_EQ(reasons_of(post_body(R"({"role":"boss"})", user)),
            Reasons{"invalid option for key 'role'"});
  // A missing body is still the binding's own error.
  const Response missing = post_body("", seen);
  EXPECT_EQ(missing.status(), 400);
  EXPECT_EQ(error_of(missing), "missing required body");
}

TEST(ModelBody, WrongShapeIsTheSameAnswerAsForAPlainStruct) {
  // Conduit casts the body before reading it: {"error":"request entity was unexpected
  // type"}, for a model as for any other type.
  const std::string expected = R"({"error":"request entity was unexpected type"})";
  Body<Hero> model;
  Body<orm::Changes<Hero>> changes;
  Body<dto::HeroSummary> plain;
  for (const char* body : {R"([{"name":"x"}])", "[]", "7", R"("x")", "null"}) {
    SCOPED_TRACE(body);
    const Response response = post_body(body, model);
    EXPECT_EQ(response.status(), 400);
    EXPECT_EQ(response.body(), expected);
    EXPECT_EQ(post_body(body, changes).body(), expected);
    EXPECT_EQ(post_body(body, plain).body(), expected);
  }
  Body<std::vector<Hero>> models;
  Body<std::vector<dto::HeroSummary>> plains;
  for (const char* body : {R"({"name":"x"})", "7", R"([{"name":"x"},"y"])"}) {
    SCOPED_TRACE(body);
    EXPECT_EQ(post_body(body, models).body(), expected);
    EXPECT_EQ(post_body(body, plains).body(), expected);
  }
  // Instead of the other binding errors, as Conduit's thrown response.
  ResourceController controller;
  controller.post(
      [](Query<"page", std::int32_t>, Body<Hero>) -> Task<Response> { co_return Response::ok(); });
  auto request = make_request("POST", "/x", "[]", "application/json");
  EXPECT_EQ(conduit::testing::run(controller, request).body(), expected);
}

TEST(ModelBody, KeyFiltersUseConduitsValidationBody) {
  using conduit::accept_keys;
  using conduit::ignore_keys;
  using conduit::reject_keys;
  using conduit::require_keys;
  Body<Hero, reject_keys<"team", "age">, require_keys<"name">> seen;
  EXPECT_EQ(reasons_of(post_body(R"({"name":"x","team":{"id":1}})", seen)),
            Reasons{"invalid input key 'team'"});
  EXPECT_EQ(reasons_of(post_body(R"({"rating":1})", seen)),
            Reasons{"missing required input key(s): 'name'"});
  ASSERT_EQ(post_body(R"({"name":"x","rating":1})", seen).status(), 200);

  // Ignored and not-accepted keys are removed before the model reads the rest, so they
  // are not in a Partial's keys (an UPDATE leaves them alone).
  Body<orm::Changes<Hero>, ignore_keys<"rating">> changes;
  ASSERT_EQ(post_body(R"({"age":3,"rating":"bad"})", changes).status(), 200);
  EXPECT_EQ(changes->keys, orm::FieldSet<Hero>::of<&Hero::age>());
  Body<orm::Partial<Hero>, accept_keys<"name", "age">> accepted;
  ASSERT_EQ(post_body(R"({"name":"Ann","age":3,"active":false,"nmae":1})", accepted).status(), 200);
  EXPECT_EQ(accepted->keys, (orm::FieldSet<Hero>::of<&Hero::name, &Hero::age>()));
  // The model's own key rule still applies after the filters.
  Body<orm::Changes<Hero>, require_keys<"id">> key;
  EXPECT_EQ(reasons_of(post_body(R"({"id":1})", key)), Reasons{"invalid input key 'id'"});

  // Lists: every object is filtered.
  Body<std::vector<Hero>, reject_keys<"age">> list;
  EXPECT_EQ(reasons_of(post_body(R"([{"name":"a"},{"name":"b","age":2}])", list)),
            Reasons{"invalid input key 'age'"});
  // The same body as a plain struct's filter error.
  Body<dto::HeroSummary, reject_keys<"id">> plain;
  EXPECT_EQ(post_body(R"({"id":1,"name":"x"})", plain).body(),
            R"({"error":"entity validation failed","reasons":["invalid input key 'id'"]})");
  EXPECT_EQ(post_body(R"({"name":"x","age":1})", seen).body(),
            R"({"error":"entity validation failed","reasons":["invalid input key 'age'"]})");
}

TEST(ModelBody, BodyErrorIsAnsweredInsteadOfOtherBindingErrors) {
  ResourceController controller;
  controller.post(
      [](Query<"page", std::int32_t>, Body<Hero>) -> Task<Response> { co_return Response::ok(); });
  auto bad_body = make_request("POST", "/x?page=x", R"({"nmae":"y"})", "application/json");
  const Response response = conduit::testing::run(controller, bad_body);
  EXPECT_EQ(response.status(), 400);
  EXPECT_EQ(reasons_of(response), Reasons{"invalid input key 'nmae'"});
  auto good_body = make_request("POST", "/x?page=x", R"({"name":"y"})", "application/json");
  EXPECT_EQ(error_of(conduit::testing::run(controller, good_body)),
            "invalid value for query value 'page'");
}

TEST(ModelBody, UnknownKeysMayBeIgnored) {
  Body<Hero, conduit::JsonReadOptions{.reject_unknown_keys = false}> seen;
  const Response response = post_body(R"({"name":"Ann","extra":1})", seen);
  ASSERT_EQ(response.status(), 200) << response.body();
  EXPECT_EQ(seen->name, "Ann");
  // Output-only transients are members, still refused.
  EXPECT_EQ(reasons_of(post_body(R"({"display_name":"x"})", seen)),
            Reasons{"invalid input key 'display_name'"});
}

TEST(ModelBody, ListsOptionalsAndModelsInsidePlainStructs) {
  Body<std::vector<Hero>> list;
  ASSERT_EQ(post_body(R"([{"name":"A"},{"name":"B","team":{"id":2}}])", list).status(), 200);
  ASSERT_EQ(list->size(), 2U);
  EXPECT_EQ((*list)[1].team.id(), 2);
  EXPECT_EQ(reasons_of(post_body(R"([{"name":"A"},{"bad":1}])", list)),
            Reasons{"invalid input key 'bad'"});

  Body<std::optional<Hero>> optional;
  optional.value = Hero{};
  EXPECT_EQ(post_body("", optional).status(), 200);
  EXPECT_FALSE(optional->has_value());

  Body<dto::Enlistment> enlistment;
  ASSERT_EQ(post_body(R"({"reason":"r","hero":{"team":{"id":4}}})", enlistment).status(), 200);
  EXPECT_EQ(enlistment->hero.team.id(), 4);
  // The plain struct's own rules still apply around it.
  EXPECT_EQ(error_of(post_body(R"({"hero":{}})", enlistment)),
            "missing required input key(s): 'reason'");
}

TEST(ModelBody, PartialCarriesTheKeysAndTheKeyRule) {
  Body<orm::Partial<Hero>> partial;
  ASSERT_EQ(post_body(R"({"id":7,"name":"Ann","team":null})", partial).status(), 200);
  EXPECT_EQ(partial->keys.names(), (std::vector<std::string_view>{"id", "name", "team"}));
  EXPECT_EQ(partial->object.id, 7);

  // Creating: a database-assigned key is ignored, an application-assigned one is read.
  Body<orm::NewObject<Hero>> created;
  ASSERT_EQ(post_body(R"({"id":7,"name":"Ann"})", created).status(), 200);
  EXPECT_EQ(created->keys, orm::FieldSet<Hero>::of<&Hero::name>());
  EXPECT_EQ(created->object.id, 0);
  Body<orm::NewObject<Tag>> tag;
  ASSERT_EQ(post_body(R"({"slug":"x"})", tag).status(), 200);
  EXPECT_EQ(tag->keys, orm::FieldSet<Tag>::of<&Tag::slug>());

  // Updating: the key is refused.
  Body<orm::Changes<Hero>> changes;
  EXPECT_EQ(reasons_of(post_body(R"({"id":7,"name":"Ann"})", changes)),
            Reasons{"invalid input key 'id'"});
  ASSERT_EQ(post_body(R"({"age":3})", changes).status(), 200);
  EXPECT_EQ(changes->keys, orm::FieldSet<Hero>::of<&Hero::age>());
}

TEST(ModelBody, ResponsesUseTheModelRules) {
  User user;
  user.email = "a@b.c";
  user.hashed_password = "secret-hash";
  user.password = "plain";
  const auto json = json_of(Response::ok(user)).as_object();
  EXPECT_FALSE(json.contains("hashed_password"));  // omitted by default
  EXPECT_FALSE(json.contains("password"));         // input-only transient
  EXPECT_EQ(json.at("email"), "a@b.c");
  EXPECT_EQ(conduit::to_json(user), orm::to_json(user));

  Hero hero;
  hero.id = 5;
  hero.name = "Ann";
  hero.team = 3;
  const Response created = Response::created("/heroes/5", hero);
  EXPECT_EQ(created.status(), 201);
  EXPECT_EQ(created.headers().get("location"), "/heroes/5");
  EXPECT_EQ(json_of(created), orm::to_json(hero));
  EXPECT_EQ(json_of(created).at("team"), parse(R"({"id":3})"));
  EXPECT_FALSE(json_of(created).as_object().contains("hero_powers"));  // not fetched

  const Response list = Response::ok(std::vector<Hero>{hero, hero});
  EXPECT_EQ(json_of(list), orm::to_json(std::vector<Hero>{hero, hero}));
  orm::Partial<Hero> partial{hero, orm::FieldSet<Hero>::of<&Hero::name>()};
  EXPECT_EQ(json_of(Response::accepted(partial)), parse(R"({"name":"Ann"})"));
  // JSON values keep their overloads.
  EXPECT_EQ(Response::ok(boost::json::object{{"a", 1}}).body(), R"({"a":1})");
  EXPECT_TRUE(Response::ok().body().empty());
}

TEST(ModelBody, StructsThatAreNoModelKeepTheGenericRules) {
  Body<dto::HeroSummary> summary;
  const Response missing = post_body(R"({"name":"Ann"})", summary);
  EXPECT_EQ(missing.status(), 400);
  EXPECT_EQ(error_of(missing), "missing required input key(s): 'id'");
  EXPECT_EQ(error_of(post_body(R"({"id":1,"name":"A","x":1})", summary)), "invalid input key 'x'");
  dto::HeroSummary value{1, "Ann"};
  EXPECT_EQ(json_of(Response::ok(value)), parse(R"({"id":1,"name":"Ann"})"));

  // The opted-in model reads only the keys given and refuses unknown ones the ORM's way.
  Body<orm::Partial<dto::Badge>> badge;
  ASSERT_EQ(post_body(R"({"label":"gold"})", badge).status(), 200);
  EXPECT_EQ(badge->keys, orm::FieldSet<dto::Badge>::of<&dto::Badge::label>());
  Body<dto::Badge> plain;
  EXPECT_EQ(reasons_of(post_body(R"({"x":1})", plain)), Reasons{"invalid input key 'x'"});
}

}  // namespace

// ---- a hand-written controller over a real Router and database --------------------------

namespace conduit::orm::testing {
namespace {

using moc_models::Hero;

// ManagedObjectController's create, find and partial update, written by hand.
class HeroResource : public ResourceController {
 public:
  HeroResource(std::shared_ptr<db::Database> database, std::string /*id_variable*/)
      : database_(std::move(database)) {
    get<&HeroResource::find>();
    post<&HeroResource::create>();
    put<&HeroResource::update>();
  }

  Task<Response> find(conduit::Path<"id", std::int64_t> id) {
    Query<Hero> query(*database_);
    query.where(&Hero::id).equal_to(*id);
    auto hero = co_await query.fetch_one();
    if (!hero) throw HttpError(404, "not found");
    co_return Response::ok(*hero);
  }

  Task<Response> create(Body<NewObject<Hero>> body) {
    const Hero hero = co_await Query<Hero>(*database_).insert(body->object, body->keys);
    co_return Response::created("/heroes/" + std::to_string(hero.id), hero);
  }

  Task<Response> update(conduit::Path<"id", std::int64_t> id, Body<Changes<Hero>> body) {
    Query<Hero> query(*database_);
    query.where(&Hero::id).equal_to(*id);
    auto hero = co_await query.update_one(body->object, body->keys);
    if (!hero) throw HttpError(404, "not found");
    co_return Response::ok(*hero);
  }

 private:
  std::shared_ptr<db::Database> database_;
};

class ModelBodyTest : public ManagedObjectTest {};

TEST_P(ModelBodyTest, CreatesIgnoringTheGeneratedKey) {
  mount<HeroResource>();
  const Response r = send("POST", "/heroes", R"({"id":999,"name":"Raven","power":40})");
  ASSERT_EQ(r.status(), 201) << r.body();
  const auto body = json_of(r);
  const std::int64_t id = body.at("id").as_int64();
  EXPECT_NE(id, 999);
  EXPECT_EQ(body.at("name").as_string(), "Raven");
  EXPECT_TRUE(body.at("team").is_null());
  EXPECT_EQ(r.headers().get("location"), "/heroes/" + std::to_string(id));
  EXPECT_EQ(json_of(send("GET", "/heroes/" + std::to_string(id))).at("power").as_int64(), 40);
}

TEST_P(ModelBodyTest, CreateRefusesInvalidInput) {
  mount<HeroResource>();
  add("Robin", 30);
  Response r = send("POST", "/heroes", R"({"power":40})");  // name is required for inserts
  EXPECT_EQ(r.status(), 400);
  EXPECT_EQ(error_of(r), "entity validation failed");
  r = send("POST", "/heroes", R"({"name":"Raven","salary":1})");
  EXPECT_EQ(r.status(), 400);
  EXPECT_THAT(json_of(r).at("reasons").as_array(),
              ::testing::ElementsAre("invalid input key 'salary'"));
  EXPECT_EQ(send("POST", "/heroes", R"({"name":"Robin"})").status(), 409);
  r = send("POST", "/heroes");
  EXPECT_EQ(r.status(), 400);
  EXPECT_EQ(error_of(r), "missing required body");
  EXPECT_EQ(run(Query<Hero>(*db_).fetch()).size(), 1U);
}

TEST_P(ModelBodyTest, UpdatesOnlyThePresentKeys) {
  mount<HeroResource>();
  const Hero robin = add("Robin", 30, "titans");
  const std::string url = "/heroes/" + std::to_string(robin.id);
  Response r = send("PUT", url, R"({"power":35})");
  ASSERT_EQ(r.status(), 200) << r.body();
  EXPECT_EQ(json_of(r).at("power").as_int64(), 35);
  EXPECT_EQ(json_of(r).at("name").as_string(), "Robin");
  EXPECT_EQ(json_of(r).at("team").as_string(), "titans");

  r = send("PUT", url, R"({"team":null})");
  ASSERT_EQ(r.status(), 200) << r.body();
  const auto stored = json_of(send("GET", url));
  EXPECT_TRUE(stored.at("team").is_null());
  EXPECT_EQ(stored.at("power").as_int64(), 35);

  r = send("PUT", url, R"({"id":5,"power":1})");
  EXPECT_EQ(r.status(), 400);
  EXPECT_THAT(json_of(r).at("reasons").as_array(),
              ::testing::ElementsAre("invalid input key 'id'"));
  EXPECT_EQ(error_of(send("PUT", url, R"({"power":101})")), "entity validation failed");
  r = send("PUT", "/heroes/" + std::to_string(robin.id + 100), R"({"power":1})");
  EXPECT_EQ(r.status(), 404);
  EXPECT_EQ(error_of(r), "not found");
}

INSTANTIATE_TEST_SUITE_P(Dialects, ModelBodyTest,
                         ::testing::Values(db::Dialect::sqlite, db::Dialect::postgres),
                         dialect_name);

}  // namespace
}  // namespace conduit::orm::testing
