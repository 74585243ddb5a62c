// Tests of the OpenAPI document builder on a hand-made controller tree: each optional
// route segment expanded, parameters typed from the bindings (integer formats, enums,
// lists, date-times, optionals, headers), JSON and form bodies, described structs as
// components, summaries and declared responses, scopes, the framework's error answers.
// The examples' documents are checked by an independent validator in app.openapi_documents.
#include "app/openapi_document.hpp"

#include <gtest/gtest.h>

#include <boost/describe.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "conduit/http/file_controller.hpp"
#include "conduit/http/parameters.hpp"
#include "conduit/http/resource_controller.hpp"
#include "conduit/http/router.hpp"
#include "conduit/orm/model_api.hpp"
#include "conduit/orm/orm.hpp"

namespace openapi_test {

enum class Color { red, green };
BOOST_DESCRIBE_ENUM(Color, red, green)

struct Note {
  std::int64_t id = 0;
  std::string text;
  std::optional<std::string> tag;
  std::vector<std::int32_t> ranks;
};
BOOST_DESCRIBE_STRUCT(Note, (), (id, text, tag, ranks))

// A model whose fields carry their OpenAPI description and example next to the column.
struct Planet {
  std::int64_t id = 0;
  std::string name;
  std::int32_t moons = 0;
  std::optional<double> mass;

  static constexpr auto table = "planets";
  static constexpr conduit::orm::Column columns[] = {
      {.member = "name", .description = "The planet's name", .example = "Mars"},
      {.member = "moons", .description = "Known moons", .example = "2"},
      {.member = "mass", .example = "not a number"},
  };
};
BOOST_DESCRIBE_STRUCT(Planet, (), (id, name, moons, mass))

using conduit::Body;
using conduit::Header;
using conduit::Path;
using conduit::Query;
using conduit::Response;
using conduit::Task;
using Time = std::chrono::sys_time<std::chrono::microseconds>;

class NoteController : public conduit::ResourceController {
 public:
  NoteController() {
    get<&NoteController::list>().summary("All notes").returns<std::vector<Note>>();
    get<&NoteController::one>().description("One note").scopes({"notes.read"});
    post<&NoteController::create>().returns<Note>(201);
    post<&NoteController::planet>();
    put<&NoteController::form>();
  }
  Task<Response> list(Query<"limit", std::int32_t> /*limit*/,
                      Query<"color", std::optional<Color>> /*color*/,
                      Query<"tag", std::optional<std::vector<std::string>>> /*tags*/,
                      Query<"since", std::optional<Time>> /*since*/,
                      Query<"verbose", bool> /*verbose*/,
                      Header<"X-Trace", std::optional<std::string>> /*trace*/) {
    co_return Response::no_content();
  }
  Task<Response> one(Path<"id", std::int64_t> /*id*/) { co_return Response::no_content(); }
  Task<Response> create(Body<Note> /*note*/) { co_return Response::no_content(); }
  Task<Response> planet(Path<"id", std::int64_t> /*id*/, Body<Planet> /*planet*/) {
    co_return Response::no_content();
  }
  Task<Response> form(Path<"id", std::int64_t> /*id*/, Body<conduit::Parameters> /*form*/) {
    co_return Response::no_content();
  }
};

namespace json = boost::json;

json::object document(const std::string& version = "3.0.3") {
  auto router = std::make_shared<conduit::Router>("/api");
  router->route("/notes/[:id]").link<NoteController>();
  router->route("/plain").link_function(
      [](conduit::Request&) -> Task<Response> { co_return Response::no_content(); });
  // A nested router matches the whole path itself: its routes carry their full paths.
  auto inner = std::make_shared<conduit::Router>("/api/v2");
  inner->route("/items/:item").link_function([](conduit::Request&) -> Task<Response> {
    co_return Response::no_content();
  });
  inner->route("/notes/[:id]").link<NoteController>();
  router->route("/v2/*").link(inner);
  router->route("/files/*").link<conduit::FileController>("public");
  router->did_add_to_channel();
  conduit::app::detail::DocumentOptions options;
  options.openapi_version = version;
  options.title = "Notes";
  return conduit::app::detail::build_openapi_document(*router, options);
}

const json::object& op(const json::object& doc, const char* path, const char* method) {
  return doc.at("paths").at(path).at(method).as_object();
}

TEST(OpenApiDocument, ExpandsOptionalSegmentsAndSelectsOperationsByPathVariables) {
  auto doc = document();
  const auto& paths = doc.at("paths").as_object();
  ASSERT_TRUE(paths.contains("/api/notes"));
  ASSERT_TRUE(paths.contains("/api/notes/{id}"));
  EXPECT_EQ(paths.at("/api/notes").as_object().size(), 2u);       // get, post
  EXPECT_EQ(paths.at("/api/notes/{id}").as_object().size(), 3u);  // get, put, post
  EXPECT_EQ(op(doc, "/api/notes", "get").at("operationId"), "NoteController_list");
  EXPECT_EQ(op(doc, "/api/notes", "get").at("tags").as_array().at(0), "NoteController");
}

// What is known of routes that describe nothing themselves: a function route is a GET with
// any answer, a file route a GET of bytes; a nested router's routes appear in full.
TEST(OpenApiDocument, FunctionFileAndNestedRoutes) {
  auto doc = document();
  const auto& paths = doc.at("paths").as_object();
  const auto& plain = op(doc, "/api/plain", "get");
  EXPECT_EQ(paths.at("/api/plain").as_object().size(), 1u);
  EXPECT_EQ(plain.at("tags").as_array().at(0), "Functions");
  EXPECT_FALSE(plain.contains("parameters"));
  EXPECT_TRUE(plain.at("responses").at("200").at("content").as_object().contains("*/*"));

  EXPECT_FALSE(paths.contains("/api/v2/{path}"));  // the nested router, not its route
  const auto& item = op(doc, "/api/v2/items/{item}", "get");
  EXPECT_EQ(json::serialize(item.at("parameters")),
            R"([{"name":"item","in":"path","required":true,"schema":{"type":"string"}}])");
  EXPECT_TRUE(item.at("responses").as_object().contains("404"));
  EXPECT_EQ(paths.at("/api/v2/notes").as_object().size(), 2u);  // get, post
  EXPECT_EQ(paths.at("/api/v2/notes/{id}").as_object().size(), 3u);
  // Operation ids stay unique when a controller type is routed twice.
  EXPECT_EQ(op(doc, "/api/v2/notes", "get").at("operationId"), "NoteController_list_2");

  const auto& file = op(doc, "/api/files/{path}", "get");
  EXPECT_EQ(paths.at("/api/files/{path}").as_object().size(), 1u);
  EXPECT_EQ(file.at("tags").as_array().at(0), "Files");
  EXPECT_EQ(file.at("parameters").at(0).at("name"), "path");
  EXPECT_EQ(file.at("responses").at("200").at("content").at("application/octet-stream"),
            (json::object{{"schema", json::object{{"type", "string"}, {"format", "binary"}}}}));
  EXPECT_TRUE(file.at("responses").as_object().contains("404"));
}

// Column::description and Column::example reach the model's component, the example with
// the field's JSON type (text where it does not parse as that type).
TEST(OpenApiDocument, ModelFieldDescriptionsAndExamples) {
  auto doc = document();
  const auto& planet = doc.at("components").at("schemas").at("Planet").at("properties");
  EXPECT_EQ(planet.at("name"),
            (json::object{
                {"type", "string"}, {"description", "The planet's name"}, {"example", "Mars"}}));
  EXPECT_EQ(planet.at("moons"), (json::object{{"type", "integer"},
                                              {"format", "int32"},
                                              {"description", "Known moons"},
                                              {"example", 2}}));
  EXPECT_EQ(planet.at("mass").at("example"), "not a number");
  EXPECT_FALSE(planet.at("id").as_object().contains("description"));
}

TEST(OpenApiDocument, TypesParametersFromBindings) {
  auto doc = document();
  const auto& list = op(doc, "/api/notes", "get");
  EXPECT_EQ(list.at("summary"), "All notes");
  const auto& p = list.at("parameters").as_array();
  ASSERT_EQ(p.size(), 6u);
  EXPECT_EQ(
      json::serialize(p[0]),
      R"({"name":"limit","in":"query","required":true,"schema":{"type":"integer","format":"int32"}})");
  EXPECT_EQ(
      json::serialize(p[1]),
      R"({"name":"color","in":"query","required":false,"schema":{"type":"string","enum":["red","green"]}})");
  EXPECT_EQ(p[2].at("schema").at("type"), "array");
  EXPECT_EQ(p[2].at("schema").at("items").at("type"), "string");
  EXPECT_EQ(p[2].at("explode"), true);
  EXPECT_EQ(p[3].at("schema").at("format"), "date-time");
  EXPECT_EQ(p[4].at("required"), false);  // an absent bool query is false
  EXPECT_EQ(p[5].at("in"), "header");
  EXPECT_EQ(p[5].at("name"), "X-Trace");
  EXPECT_EQ(list.at("responses").at("200").at("content").at("application/json").at("schema"),
            (json::object{{"type", "array"},
                          {"items", json::object{{"$ref", "#/components/schemas/Note"}}}}));
  EXPECT_TRUE(list.at("responses").as_object().contains("400"));
  EXPECT_FALSE(list.at("responses").as_object().contains("404"));
}

TEST(OpenApiDocument, BodiesAndComponents) {
  auto doc = document();
  const auto& create = op(doc, "/api/notes", "post");
  EXPECT_EQ(create.at("requestBody").at("required"), true);
  EXPECT_EQ(create.at("requestBody").at("content").at("application/json").at("schema"),
            (json::object{{"$ref", "#/components/schemas/Note"}}));
  const auto& responses = create.at("responses").as_object();
  for (const char* status : {"201", "400", "405", "409", "413", "415"}) {
    EXPECT_TRUE(responses.contains(status)) << status;
  }
  EXPECT_EQ(responses.at("415").at("content").at("application/json").at("schema").at("$ref"),
            "#/components/schemas/Error");
  const auto& note = doc.at("components").at("schemas").at("Note").as_object();
  EXPECT_EQ(note.at("properties").at("id"),
            (json::object{{"type", "integer"}, {"format", "int64"}}));
  EXPECT_EQ(note.at("properties").at("tag"),
            (json::object{{"type", "string"}, {"nullable", true}}));
  EXPECT_EQ(note.at("properties").at("ranks").at("items").at("format"), "int32");
  EXPECT_EQ(json::serialize(note.at("required")), R"(["id","text","ranks"])");
  const auto& form = op(doc, "/api/notes/{id}", "put");
  EXPECT_TRUE(form.at("requestBody")
                  .at("content")
                  .as_object()
                  .contains("application/x-www-form-urlencoded"));
  EXPECT_TRUE(form.at("responses").as_object().contains("404"));
}

TEST(OpenApiDocument, ScopesDescriptionsAndVersion31) {
  auto doc = document();
  const auto& one = op(doc, "/api/notes/{id}", "get");
  EXPECT_EQ(one.at("description"), "One note");
  EXPECT_TRUE(one.at("responses").as_object().contains("403"));
  EXPECT_EQ(doc.at("info").at("title"), "Notes");
  auto doc31 = document("3.1.0");
  EXPECT_EQ(doc31.at("openapi"), "3.1.0");
  EXPECT_EQ(
      json::serialize(doc31.at("components").at("schemas").at("Note").at("properties").at("tag")),
      R"({"type":["string","null"]})");
}

}  // namespace openapi_test
