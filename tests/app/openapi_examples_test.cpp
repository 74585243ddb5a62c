// Tests of operation examples in the OpenAPI document: request_example, response_example
// and parameter_example on a ResourceController's operations and the document_operation
// hook of a ManagedObjectController reach the document next to their schemas, typed; an
// example that does not fit its schema (or names what the operation lacks) stops the
// document with one message naming the operation and the place of the misfit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/describe.hpp>
#include <boost/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/openapi_document.hpp"
#include "conduit/http/parameters.hpp"
#include "conduit/http/resource_controller.hpp"
#include "conduit/http/router.hpp"
#include "conduit/orm/managed_object_controller.hpp"
#include "conduit/orm/model_api.hpp"
#include "conduit/orm/orm.hpp"

namespace openapi_examples_test {

enum class Rank { rookie, veteran };
BOOST_DESCRIBE_ENUM(Rank, rookie, veteran)

struct Sidekick {
  std::string name;
  std::int32_t power = 0;
  std::optional<Rank> rank;
  std::vector<std::string> aliases;
};
BOOST_DESCRIBE_STRUCT(Sidekick, (), (name, power, rank, aliases))

struct Villain {
  std::int64_t id = 0;
  std::string name;
  double menace = 0;

  static constexpr auto table = "villains";
  static constexpr conduit::orm::Column columns[] = {{.member = "name", .example = "Syndrome"}};
};
BOOST_DESCRIBE_STRUCT(Villain, (), (id, name, menace))

using conduit::Body;
using conduit::Path;
using conduit::Query;
using conduit::Response;
using conduit::Task;
namespace json = boost::json;
using ::testing::HasSubstr;

// Its operations are registered by the test, so each test says what it declares.
class SidekickController : public conduit::ResourceController {
 public:
  using Setup = std::function<void(SidekickController&)>;
  explicit SidekickController(const Setup& setup) { setup(*this); }
  Task<Response> list(Query<"rank", std::optional<Rank>> /*rank*/,
                      Query<"alias", std::optional<std::vector<std::string>>> /*aliases*/) {
    co_return Response::no_content();
  }
  Task<Response> one(Path<"id", std::int64_t> /*id*/) { co_return Response::no_content(); }
  Task<Response> create(Body<Sidekick> /*sidekick*/) { co_return Response::no_content(); }
  Task<Response> remove(Path<"id", std::int64_t> /*id*/) { co_return Response::no_content(); }
};

// The document of /sidekicks/[:id].
json::object document_of(const SidekickController::Setup& setup) {
  auto router = std::make_shared<conduit::Router>();
  router->route("/sidekicks/[:id]").link<SidekickController>(setup);
  router->did_add_to_channel();
  conduit::app::detail::DocumentOptions options;
  return conduit::app::detail::build_openapi_document(*router, options);
}

// The message of the error that stops the document.
std::string refusal(const SidekickController::Setup& setup) {
  try {
    document_of(setup);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "(the document was built)";
}

const json::object& op(const json::object& doc, const char* path, const char* method) {
  return doc.at("paths").at(path).at(method).as_object();
}

const json::value& parameter(const json::object& operation, std::string_view name) {
  for (const json::value& p : operation.at("parameters").as_array()) {
    if (p.at("name").as_string() == name) return p;
  }
  throw std::out_of_range(std::string(name));
}

TEST(OpenApiExamples, OperationExamplesAppearTypedNextToTheirSchemas) {
  auto doc = document_of([](SidekickController& c) {
    c.get<&SidekickController::list>()
        .summary("Sidekicks of a team")
        .parameter_example("rank", "veteran")
        .parameter_example("alias", R"(["Frozone", "Lucius"])")
        .response_example(R"([{"name": "Frozone", "power": 80, "rank": null, "aliases": []}])")
        .returns<std::vector<Sidekick>>();
    c.get<&SidekickController::one>().parameter_example("id", "7");
    c.post<&SidekickController::create>()
        .request_example(R"({"name": "Frozone", "power": 80, "rank": "veteran"})")
        .response_example(R"({"name": "Frozone", "power": 80, "aliases": ["Lucius Best"]})")
        .returns<Sidekick>(201);
  });
  const auto& list = op(doc, "/sidekicks", "get");
  EXPECT_EQ(list.at("summary"), "Sidekicks of a team");
  EXPECT_EQ(parameter(list, "rank").at("example"), "veteran");
  EXPECT_EQ(parameter(list, "alias").at("example"), (json::array{"Frozone", "Lucius"}));
  EXPECT_EQ(json::serialize(list.at("responses").at("200").at("content").at("application/json")),
            R"({"schema":{"type":"array","items":{"$ref":"#/components/schemas/Sidekick"}},)"
            R"("example":[{"name":"Frozone","power":80,"rank":null,"aliases":[]}]})");

  const auto& one = op(doc, "/sidekicks/{id}", "get");
  EXPECT_EQ(parameter(one, "id").at("example"), 7);  // the number: `id` is an integer

  const auto& create = op(doc, "/sidekicks", "post");
  EXPECT_EQ(create.at("requestBody").at("content").at("application/json").at("example"),
            (json::object{{"name", "Frozone"}, {"power", 80}, {"rank", "veteran"}}));
  EXPECT_EQ(
      create.at("responses").at("201").at("content").at("application/json").at("example"),
      (json::object{{"name", "Frozone"}, {"power", 80}, {"aliases", json::array{"Lucius Best"}}}));
  // Operations without examples have none.
  EXPECT_FALSE(op(doc, "/sidekicks/{id}", "get")
                   .at("responses")
                   .at("200")
                   .at("content")
                   .at("application/json")
                   .as_object()
                   .contains("example"));
}

// One message per mistake: the operation (method, path, name) and where the misfit is.
TEST(OpenApiExamples, AnExampleThatDoesNotFitStopsTheDocumentNamingTheOperation) {
  using C = SidekickController;
  const std::string create = "POST /sidekicks (";
  auto request = [](std::string json) {
    return [json](C& c) { c.post<&C::create>().request_example(json); };
  };
  std::string message = refusal(request(R"({"name": "Frozone", power: 80})"));
  EXPECT_EQ(message.rfind(create, 0), 0u) << message;
  EXPECT_THAT(message, HasSubstr("SidekickController::create): request_example is not JSON ("))
      << message;
  EXPECT_THAT(message, HasSubstr(R"(at offset 20): {"name": "Frozone", power: 80})")) << message;

  EXPECT_THAT(refusal(request(R"({"name": 5})")),
              HasSubstr("SidekickController::create): request_example.name: 5 is not a string"));
  EXPECT_THAT(
      refusal(request(R"({"nme": "Frozone"})")),
      HasSubstr(R"(request_example: has no property "nme" (it has: name, power, rank, aliases))"));
  EXPECT_THAT(refusal(request(R"({"rank": "general"})")),
              HasSubstr(R"(request_example.rank: "general" is not one of rookie, veteran)"));
  EXPECT_THAT(refusal(request(R"({"power": 1.5})")),
              HasSubstr("request_example.power: 1.5 is not an integer"));
  EXPECT_THAT(refusal(request(R"({"power": 3000000000})")),
              HasSubstr("request_example.power: 3000000000 is out of int32's range"));
  EXPECT_THAT(refusal(request(R"({"aliases": ["Lucius", 2]})")),
              HasSubstr("request_example.aliases[1]: 2 is not a string"));
  EXPECT_THAT(refusal(request(R"({"name": null})")),
              HasSubstr("request_example.name: null, but it is not nullable"));
  EXPECT_THAT(refusal(request("[]")), HasSubstr("request_example: [] is not an object"));
  EXPECT_EQ(refusal(request(R"({"rank": null})")), "(the document was built)");

  EXPECT_THAT(
      refusal([](C& c) {
        c.post<&C::create>().returns<Sidekick>(201).response_example(R"({"power": "high"})");
      }),
      HasSubstr(R"(response_example.power: "high" is not an integer)"));
  EXPECT_THAT(refusal([](C& c) { c.get<&C::one>().request_example("{}"); }),
              HasSubstr("GET /sidekicks/{id} (openapi_examples_test::SidekickController::"
                        "one): request_example is given, but the operation binds no body"));
  auto no_content = document_of([](C& c) { c.del<&C::remove>().returns<void>(); });
  EXPECT_EQ(json::serialize(op(no_content, "/sidekicks/{id}", "delete").at("responses").at("204")),
            R"({"description":"Success"})");
  EXPECT_THAT(refusal([](C& c) { c.del<&C::remove>().returns<void>().response_example("{}"); }),
              HasSubstr("response_example is given, but the operation answers 204 (no body)"));
  EXPECT_THAT(
      refusal([](C& c) { c.get<&C::one>().parameter_example("idd", "7"); }),
      HasSubstr(R"(parameter_example("idd") names no parameter of the operation (it has: id))"));
  EXPECT_THAT(refusal([](C& c) { c.get<&C::one>().parameter_example("id", "seven"); }),
              HasSubstr(R"(parameter_example("id"): "seven" is not an integer)"));
  EXPECT_THAT(refusal([](C& c) { c.get<&C::list>().parameter_example("rank", "general"); }),
              HasSubstr(R"(parameter_example("rank"): "general" is not one of rookie, veteran)"));
}

// Without a declared response schema, any JSON example is accepted (nothing to check
// against), but it must still be JSON.
TEST(OpenApiExamples, AResponseExampleWithoutADeclaredSchemaNeedsOnlyBeJson) {
  auto doc = document_of([](SidekickController& c) {
    c.get<&SidekickController::one>().response_example(R"({"anything": [1, "two"]})");
  });
  EXPECT_EQ(op(doc, "/sidekicks/{id}", "get")
                .at("responses")
                .at("200")
                .at("content")
                .at("application/json")
                .at("example"),
            (json::object{{"anything", json::array{1, "two"}}}));
  EXPECT_THAT(refusal([](SidekickController& c) {
                c.get<&SidekickController::one>().response_example("not json");
              }),
              HasSubstr("response_example is not JSON"));
}

// ManagedObjectController: Conduit's documentOperation* overrides, as one hook.
class VillainController : public conduit::orm::ManagedObjectController<Villain> {
 public:
  VillainController() : ManagedObjectController(std::shared_ptr<conduit::db::Database>()) {}

 protected:
  void document_operation(conduit::ApiOperation& op) const override {
    if (op.method == "POST") {
      op.summary = "Add a villain";
      op.request_example = R"({"name": "Syndrome", "menace": 9.5})";
      op.response_example = R"({"id": 1, "name": "Syndrome", "menace": 9.5})";
    }
    if (op.method == "GET" && !op.path_variables.empty()) op.parameter_examples = {{"id", "1"}};
  }
};

TEST(OpenApiExamples, ManagedObjectControllerOperationsTakeExamplesFromTheirHook) {
  auto router = std::make_shared<conduit::Router>();
  router->route("/villains/[:id]").link<VillainController>();
  router->did_add_to_channel();
  auto doc = conduit::app::detail::build_openapi_document(*router, {});
  const auto& create = op(doc, "/villains", "post");
  EXPECT_EQ(create.at("summary"), "Add a villain");
  EXPECT_EQ(create.at("requestBody").at("content").at("application/json").at("example"),
            (json::object{{"name", "Syndrome"}, {"menace", 9.5}}));
  EXPECT_EQ(create.at("responses").at("201").at("content").at("application/json").at("example"),
            (json::object{{"id", 1}, {"name", "Syndrome"}, {"menace", 9.5}}));
  EXPECT_EQ(parameter(op(doc, "/villains/{id}", "get"), "id").at("example"), 1);
  EXPECT_EQ(op(doc, "/villains", "get").at("summary"), "List Villain objects");
  // The field's own example stays on the component.
  EXPECT_EQ(
      doc.at("components").at("schemas").at("Villain").at("properties").at("name").at("example"),
      "Syndrome");
}

}  // namespace openapi_examples_test
