// Tests for ResourceController: operation selection by method and path-variable set,
// 405 + Allow, 415, ambiguous operations, the start-up route check and the hooks.
// Body<> bindings are tested in binding_body_test.cpp.
#include "conduit/http/resource_controller.hpp"

#include <gtest/gtest.h>

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/json/serialize.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "conduit/http/http_error.hpp"
#include "conduit/http/json.hpp"
#include "support/hero_input.hpp"
#include "support/resource_test_support.hpp"

namespace {

using conduit::Body;
using conduit::Header;
using conduit::Path;
using conduit::Query;
using conduit::Request;
using conduit::ResourceController;
using conduit::Response;
using conduit::RouteInfo;
using conduit::Task;
using conduit::testing::error_of;
using conduit::testing::json_of;
using conduit::testing::make_request;
using conduit::testing::run;

using conduit::testing::Hero;
using conduit::testing::HeroInput;
using conduit::testing::Side;

// The brief's example, with member-function operations.
class HeroController : public ResourceController {
 public:
  HeroController() {
    get<&HeroController::list>();
    get<&HeroController::get_one>();
    post<&HeroController::create>();
    put(&HeroController::replace);
    del(&HeroController::remove);
  }

  Task<Response> list(Query<"name", std::optional<std::string>> name) {
    boost::json::array heroes;
    for (const auto& hero : heroes_) {
      if (!name->has_value() || hero.name == **name) heroes.push_back(conduit::to_json(hero));
    }
    co_return Response::ok(heroes);
  }
  Task<Response> get_one(Path<"id", std::int64_t> id) {
    for (const auto& hero : heroes_) {
      if (hero.id == *id) co_return Response::ok(conduit::to_json(hero));
    }
    co_return Response::error(404, "no such hero");
  }
  Task<Response> create(Request& request, Body<HeroInput> body) {
    Hero hero;
    static_cast<HeroInput&>(hero) = std::move(*body);
    hero.id = static_cast<std::int64_t>(heroes_.size()) + 1;
    heroes_.push_back(hero);
    co_return Response::created(request.path() + "/" + std::to_string(hero.id),
                                conduit::to_json(hero));
  }
  Task<Response> replace(Path<"id", std::int64_t> id, const Body<HeroInput>& body) {
    co_return Response::ok({{"id", *id}, {"name", body->name}});
  }
  Task<Response> remove(Path<"id", std::int64_t>) const { co_return Response::no_content(); }

 private:
  std::vector<Hero> heroes_;
};

Request with_variables(Request request,
                       std::initializer_list<std::pair<const char*, const char*>> variables) {
  for (const auto& [name, value] : variables) request.mutable_path_match().variables[name] = value;
  return request;
}

// ---- selection -------------------------------------------------------------------------

TEST(ResourceController, SelectsOperationByMethodAndVariableSet) {
  HeroController controller;
  auto create = make_request(
      "POST", "/heroes", R"({"name":"Ann","side":"hero","powers":["flight"]})", "application/json");
  auto created = run(controller, create);
  ASSERT_EQ(created.status(), 201) << created.body();
  EXPECT_EQ(created.headers().get("Location"), "/heroes/1");
  EXPECT_EQ(json_of(created).at("id"), 1);

  auto list = make_request("GET", "/heroes");
  auto listed = run(controller, list);
  EXPECT_EQ(listed.status(), 200);
  EXPECT_EQ(json_of(listed).as_array().size(), 1u);

  auto one = with_variables(make_request("GET", "/heroes/1"), {{"id", "1"}});
  auto found = run(controller, one);
  EXPECT_EQ(found.status(), 200);
  EXPECT_EQ(json_of(found).at("name"), "Ann");
  EXPECT_EQ(json_of(found).at("side"), "hero");
  EXPECT_TRUE(json_of(found).at("age").is_null());

  auto filtered = make_request("GET", "/heroes?name=Bob");
  EXPECT_EQ(json_of(run(controller, filtered)).as_array().size(), 0u);

  auto put =
      with_variables(make_request("PUT", "/heroes/9", R"({"name":"Cy","side":"hero","powers":[]})",
                                  "application/json"),
                     {{"id", "9"}});
  auto replaced = run(controller, put);
  EXPECT_EQ(replaced.status(), 200);
  EXPECT_EQ(boost::json::serialize(json_of(replaced)), R"({"id":9,"name":"Cy"})");

  auto remove = with_variables(make_request("DELETE", "/heroes/1"), {{"id", "1"}});
  EXPECT_EQ(run(controller, remove).status(), 204);
}

TEST(ResourceController, UnknownMethodForVariableSetIs405WithAllow) {
  HeroController controller;
  auto patch = with_variables(make_request("PATCH", "/heroes/1"), {{"id", "1"}});
  auto response = run(controller, patch);
  EXPECT_EQ(response.status(), 405);
  EXPECT_EQ(response.headers().get("Allow"), "GET, PUT, DELETE");
  EXPECT_EQ(error_of(response), "method not allowed");

  auto collection = make_request("DELETE", "/heroes");
  EXPECT_EQ(run(controller, collection).headers().get("Allow"), "GET, POST");

  // A variable set no operation handles: nothing is allowed.
  auto other = with_variables(make_request("GET", "/heroes/1/x"), {{"id", "1"}, {"x", "2"}});
  auto none = run(controller, other);
  EXPECT_EQ(none.status(), 405);
  EXPECT_EQ(none.headers().get("Allow"), "");
}

TEST(ResourceController, UnsupportedContentTypeIs415BeforeSelection) {
  HeroController controller;
  auto text = make_request("POST", "/heroes", "hello", "text/plain");
  auto response = run(controller, text);
  EXPECT_EQ(response.status(), 415);
  EXPECT_EQ(error_of(response), "unsupported content type 'text/plain'");

  // Conduit checks the content type before it looks for an operation.
  auto patch = make_request("PATCH", "/heroes", "hello", "text/plain");
  EXPECT_EQ(run(controller, patch).status(), 415);

  auto untyped = make_request("POST", "/heroes", "{}");
  auto no_type = run(controller, untyped);
  EXPECT_EQ(no_type.status(), 415);
  EXPECT_EQ(error_of(no_type), "request body has no content type");

  // No body, no check: GET with a stray Content-Type still works.
  auto empty = make_request("GET", "/heroes", "", "text/plain");
  EXPECT_EQ(run(controller, empty).status(), 200);

  // Parameters after the media type do not matter.
  auto charset = make_request("POST", "/heroes", R"({"name":"A","side":"hero","powers":[]})",
                              "Application/JSON; charset=UTF-8");
  EXPECT_EQ(run(controller, charset).status(), 201);
}

TEST(ResourceController, AcceptedTypesGrowWithFormAndMultipartBindings) {
  ResourceController controller;
  EXPECT_EQ(controller.accepted_content_types(), std::vector<std::string>{"application/json"});
  controller.post([](Body<conduit::Parameters>) -> Task<Response> { co_return Response::ok(); });
  controller.put(
      [](Body<std::optional<conduit::Multipart>>) -> Task<Response> { co_return Response::ok(); });
  EXPECT_EQ(controller.accepted_content_types(),
            (std::vector<std::string>{"application/json", "application/x-www-form-urlencoded",
                                      "multipart/form-data"}));
}

TEST(ResourceController, DuplicateMethodAndVariableSetIsAmbiguous) {
  struct Twice : ResourceController {
    Twice() {
      get<&Twice::a>();
      get<&Twice::b>();
    }
    Task<Response> a(Path<"id", int>, Query<"q", int>) { co_return Response::ok(); }
    Task<Response> b(Path<"id", int>) { co_return Response::ok(); }
  };
  try {
    Twice twice;
    FAIL() << "expected std::logic_error";
  } catch (const std::logic_error& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("ambiguous operations"), std::string::npos) << message;
    EXPECT_NE(message.find("Twice::a"), std::string::npos) << message;
    EXPECT_NE(message.find("Twice::b"), std::string::npos) << message;
    EXPECT_NE(message.find("{id}"), std::string::npos) << message;
  }

  ResourceController lambdas;
  lambdas.operation(
      "patch", [](Path<"a", int>, Path<"b", int>) -> Task<Response> { co_return Response::ok(); });
  // Same set, other order: still ambiguous (method names are upper-cased too).
  EXPECT_THROW(lambdas.patch([](Path<"b", int>, Path<"a", int>) -> Task<Response> {
    co_return Response::ok();
  }),
               std::logic_error);
  // Another set or method is fine.
  EXPECT_NO_THROW(
      lambdas.patch([](Path<"a", int>) -> Task<Response> { co_return Response::ok(); }));
  EXPECT_NO_THROW(lambdas.put(
      [](Path<"a", int>, Path<"b", int>) -> Task<Response> { co_return Response::ok(); }));
}

TEST(ResourceController, VariableSetsAreComputedAtCompileTime) {
  using conduit::http::detail::path_variables;
  constexpr auto names =
      path_variables<Request&, Path<"z", int>, Query<"q", int>, const Path<"a", std::string>&>();
  static_assert(names.size() == 2);
  static_assert(names[0] == "a" && names[1] == "z");
  static_assert(path_variables<Query<"id", int>>().empty());
}

// ---- start-up check --------------------------------------------------------------------

struct Recorder : conduit::Controller {
  std::vector<std::string> patterns;
  void did_attach_to_route(const RouteInfo& route) override {
    patterns.push_back(route.pattern);
    Controller::did_attach_to_route(route);
  }
};

TEST(ResourceController, AttachingToACompatibleRoutePassesOn) {
  HeroController controller;
  auto& recorder = controller.link<Recorder>();
  EXPECT_NO_THROW(controller.did_attach_to_route(RouteInfo{"/heroes/[:id]", {{}, {"id"}}}));
  EXPECT_EQ(recorder.patterns, std::vector<std::string>{"/heroes/[:id]"});
}

TEST(ResourceController, RouteWithoutTheOperationsVariablesFailsAtStartUp) {
  HeroController controller;
  try {
    controller.did_attach_to_route(RouteInfo{"/heroes/:hero_id", {{"hero_id"}}});
    FAIL() << "expected std::logic_error";
  } catch (const std::logic_error& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("HeroController"), std::string::npos) << message;
    EXPECT_NE(message.find("HeroController::list' (GET)"), std::string::npos) << message;
    EXPECT_NE(message.find("binds path variables {}"), std::string::npos) << message;
    EXPECT_NE(message.find("'/heroes/:hero_id'"), std::string::npos) << message;
    EXPECT_NE(message.find("{hero_id}"), std::string::npos) << message;
  }

  ResourceController unnamed;
  unnamed.get([](Query<"q", int>) -> Task<Response> { co_return Response::ok(); });
  unnamed.put(
      [](Path<"id", int>, Path<"part", int>) -> Task<Response> { co_return Response::ok(); });
  try {
    unnamed.did_attach_to_route(RouteInfo{"/things/[:id]", {{}, {"id"}}});
    FAIL() << "expected std::logic_error";
  } catch (const std::logic_error& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("#2 (PUT) binds path variables {id, part}"), std::string::npos)
        << message;
    EXPECT_NE(message.find("only produces {}, {id}"), std::string::npos) << message;
  }

  // A route without variables may report no sets; operations without variables fit it.
  ResourceController plain;
  plain.get([]() -> Task<Response> { co_return Response::ok(); });
  EXPECT_NO_THROW(plain.did_attach_to_route(RouteInfo{"/plain", {}}));
}

// ---- hooks and requests ----------------------------------------------------------------

class HookedController : public ResourceController {
 public:
  HookedController() {
    post([this](Request& request, Body<boost::json::value> body) -> Task<Response> {
      seen_body = *body;
      seen_attachment = request.attachments().count("decoded") == 1;
      co_return Response::ok();
    });
    get([](const Request& request) -> Task<Response> {
      co_return Response::ok({{"path", request.path()}});
    });
  }
  Task<std::optional<Response>> will_process_request(Request& request) override {
    events.push_back("will_process");
    if (request.header("X-Deny")) co_return Response::error(403, "denied");
    co_return std::nullopt;
  }
  void will_decode_request_body(Request&) override { events.push_back("will_decode"); }
  void did_decode_request_body(Request& request, conduit::DecodedBody& body) override {
    events.push_back("did_decode");
    request.attachments()["decoded"] = true;
    // The hook may adjust the decoded body before the bindings read it.
    if (body.json.is_object()) body.json.as_object()["stamped"] = true;
  }

  std::vector<std::string> events;
  boost::json::value seen_body;
  bool seen_attachment = false;
};

TEST(ResourceController, HooksRunInConduitsOrder) {
  HookedController controller;
  auto post = make_request("POST", "/h", R"({"a":1})", "application/json");
  EXPECT_EQ(run(controller, post).status(), 200);
  EXPECT_EQ(controller.events,
            (std::vector<std::string>{"will_process", "will_decode", "did_decode"}));
  EXPECT_EQ(boost::json::serialize(controller.seen_body), R"({"a":1,"stamped":true})");
  EXPECT_TRUE(controller.seen_attachment);

  controller.events.clear();
  auto get = make_request("GET", "/h/path");
  auto response = run(controller, get);
  EXPECT_EQ(json_of(response).at("path"), "/h/path");
  EXPECT_EQ(controller.events, std::vector<std::string>{"will_process"});

  controller.events.clear();
  auto denied = make_request("POST", "/h", "not even json", "application/json");
  denied.mutable_headers().set("X-Deny", "1");
  auto refused = run(controller, denied);
  EXPECT_EQ(refused.status(), 403);
  EXPECT_EQ(controller.events, std::vector<std::string>{"will_process"});
}

TEST(ResourceController, HttpErrorFromAnOperationBecomesItsResponse) {
  ResourceController controller;
  controller.get([]() -> Task<Response> {
    throw conduit::HttpError(409, "taken");
    co_return Response::ok();
  });
  auto request = make_request("GET", "/x");
  auto response = run(controller, request);
  EXPECT_EQ(response.status(), 409);
  EXPECT_EQ(error_of(response), "taken");
}

}  // namespace
