// Tests for conduit::Router: Conduit's route-matching cases (ported from router_test.dart)
// plus our deliberate differences (anchored regexes, backtracking, trailing slashes,
// encoded slashes), the 404 rules, start-up errors and what the chain behind a route sees.
//
// Handlers complete synchronously, so a request's response is ready when spawn returns.
// Thread-safety: single-threaded tests.
#include "conduit/http/router.hpp"

#include <gtest/gtest.h>

#include <concepts>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "conduit/core/task.hpp"
#include "conduit/http/http_error.hpp"

namespace conduit {
namespace {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

Response send(Router& router, Request& request) {
  std::optional<Response> response;
  std::exception_ptr error;
  detail::spawn(router.receive(request),
                [&](std::exception_ptr e, std::optional<Response>&& r) noexcept {
                  error = e;
                  response = std::move(r);
                });
  if (error) std::rethrow_exception(error);
  if (!response) throw std::logic_error("the router did not answer synchronously");
  return std::move(*response);
}

Response send(Router& router, std::string target, const HeaderList& headers = {},
              std::string method = "GET") {
  Request request;
  request.set_method(std::move(method));
  if (!request.set_target(target)) throw std::invalid_argument("bad target " + target);
  for (const auto& [name, value] : headers) request.mutable_headers().add(name, value);
  return send(router, request);
}

// The body of the response to GET `target`, or "404" / "<status>" when it is not 200.
std::string get(Router& router, std::string target, const HeaderList& headers = {}) {
  Response response = send(router, std::move(target), headers);
  if (response.status() != 200) return std::to_string(response.status());
  return response.body();
}

std::string var(const Request& request, std::string_view name) {
  auto value = request.path_variable(name);
  return value ? std::string(*value) : "null";
}

std::string rest(const Request& request) {
  return request.path_match().remaining_path.value_or("null");
}

// Ends the route's chain with a handler answering 200 and `body(request)`.
void answer(Controller& head, std::function<std::string(const Request&)> body) {
  head.link_function([body = std::move(body)](Request& request) -> Task<Response> {
    co_return Response::text(200, body(request));
  });
}

// Ends the route's chain with a handler describing the match:
// "<pattern> {name=value,...}" plus " *=<rest>" for a "*" route.
void echo(Controller& head) {
  answer(head, [](const Request& request) {
    const PathMatch& match = request.path_match();
    std::string text = match.route_pattern + " {";
    bool first = true;
    for (const auto& [name, value] : match.variables) {
      text += (first ? "" : ",") + name + "=" + value;
      first = false;
    }
    text += "}";
    if (match.remaining_path) text += " *=" + *match.remaining_path;
    return text;
  });
}

std::string start_error(Router& router) {
  try {
    router.did_add_to_channel();
  } catch (const std::logic_error& error) {
    return error.what();
  }
  return "";
}

template <class C>
concept Linkable = requires(C& c) {
  c.link(std::shared_ptr<Controller>{});
};
static_assert(Linkable<Controller>);
static_assert(!Linkable<Router>, "a router links through route(), not link()");

// ---- Conduit's "Router basics" --------------------------------------------------------------

TEST(Router, HandlesRequests) {
  Router router;
  answer(router.route("/player"), [](const Request&) { return "ok"; });
  router.did_add_to_channel();
  EXPECT_EQ(get(router, "/player"), "ok");
}

TEST(Router, NotFoundHasHtmlBodyWithoutAcceptHeader) {
  Router router;
  echo(router.route("/player"));
  router.did_add_to_channel();
  Response response = send(router, "/notplayer");
  EXPECT_EQ(response.status(), 404);
  EXPECT_EQ(response.body(), "<html><h3>404 Not Found</h3></html>");
  EXPECT_EQ(response.content_type(), "text/html; charset=utf-8");

  response = send(router, "/notplayer", {{"Accept", "text/html, application/json"}});
  EXPECT_EQ(response.body(), "<html><h3>404 Not Found</h3></html>");
  response = send(router, "/notplayer", {{"Accept", "*/*"}});
  EXPECT_EQ(response.body(), "<html><h3>404 Not Found</h3></html>");
}

TEST(Router, NotFoundHasEmptyBodyWhenHtmlIsNotAccepted) {
  Router router;
  echo(router.route("/player"));
  router.did_add_to_channel();
  Response response = send(router, "/notplayer", {{"Accept", "application/json"}});
  EXPECT_EQ(response.status(), 404);
  EXPECT_EQ(response.body(), "");
  EXPECT_FALSE(response.headers().contains("Content-Type"));
}

TEST(Router, NotFoundHandlerReplacesThe404) {
  Router router;
  echo(router.route("/player"));
  router.set_not_found_handler([](Request& request) -> Task<Response> {
    co_return Response::error(404, "no route for " + request.path());
  });
  router.did_add_to_channel();
  Response response = send(router, "/elsewhere");
  EXPECT_EQ(response.status(), 404);
  EXPECT_EQ(response.body(), R"({"error":"no route for /elsewhere"})");
}

TEST(Router, DeliversPathValues) {
  Router router;
  answer(router.route("/player/:id"), [](const Request& r) { return var(r, "id"); });
  router.did_add_to_channel();
  EXPECT_EQ(get(router, "/player/foobar"), "foobar");
}

TEST(Router, BasePathPrefixesRoutes) {
  Router router("/api");
  echo(router.route("/player/"));
  router.did_add_to_channel();
  EXPECT_EQ(router.base_path(), "/api");
  EXPECT_EQ(get(router, "/api/player"), "/player/ {}");
  EXPECT_EQ(get(router, "/player"), "404");
  EXPECT_EQ(get(router, "/apix/player"), "404");
  EXPECT_EQ(get(router, "/api"), "404");
  EXPECT_EQ(get(router, "/"), "404");
}

TEST(Router, BasePathWithRouteVariables) {
  Router router("/api/");
  echo(router.route("/a/[:id]"));
  echo(router.route("/"));
  router.did_add_to_channel();
  EXPECT_EQ(router.base_path(), "/api");
  EXPECT_EQ(get(router, "/api/a/1"), "/a/[:id] {id=1}");
  EXPECT_EQ(get(router, "/api/a"), "/a/[:id] {}");
  EXPECT_EQ(get(router, "/api"), "/ {}");
  EXPECT_EQ(get(router, "/api/"), "/ {}");
  EXPECT_EQ(Router().base_path(), "/");
}

TEST(Router, MatchesTheRightRouteWhenManyAreSimilar) {
  Router router;
  answer(router.route("/a/[:id]"), [](const Request&) { return "a"; });
  answer(router.route("/a/:id/f"), [](const Request&) { return "f"; });
  router.did_add_to_channel();
  EXPECT_EQ(get(router, "/a"), "a");
  EXPECT_EQ(get(router, "/a/1"), "a");
  EXPECT_EQ(get(router, "/a/1/f"), "f");
}

// ---- Conduit's "Router ordering" ------------------------------------------------------------

class RouterOrdering : public ::testing::Test {
 protected:
  void SetUp() override {
    answer(router.route("/"), [](const Request&) { return "/"; });
    answer(router.route("/users/[:id]"), [](const Request& r) { return "/users/" + var(r, "id"); });
    answer(router.route("/locations[/:id]"),
           [](const Request& r) { return "/locations/" + var(r, "id"); });
    answer(router.route("/locations/:id/vacation"),
           [](const Request& r) { return "/locations/" + var(r, "id") + "/vacation"; });
    answer(router.route("/locations/:id/alarms[/*]"),
           [](const Request& r) { return "/locations/" + var(r, "id") + "/alarms/" + rest(r); });
    answer(router.route("/equipment/[:id[/:property]]"), [](const Request& r) {
      return "/equipment/" + var(r, "id") + "/" + var(r, "property");
    });
    answer(router.route("/file/*"), [](const Request& r) { return "/file/" + rest(r); });
    router.did_add_to_channel();
  }
  Router router;
};

TEST_F(RouterOrdering, Empty) { EXPECT_EQ(get(router, "/"), "/"); }

TEST_F(RouterOrdering, RootLevelItems) {
  EXPECT_EQ(get(router, "/users"), "/users/null");
  EXPECT_EQ(get(router, "/locations"), "/locations/null");
  EXPECT_EQ(get(router, "/equipment"), "/equipment/null/null");
  EXPECT_EQ(get(router, "/file"), "404");
}

TEST_F(RouterOrdering, SecondLevelItems) {
  EXPECT_EQ(get(router, "/users/1"), "/users/1");
  EXPECT_EQ(get(router, "/locations/1"), "/locations/1");
  EXPECT_EQ(get(router, "/equipment/1"), "/equipment/1/null");
  EXPECT_EQ(get(router, "/file/1"), "/file/1");
  EXPECT_EQ(get(router, "/file/1/2/3"), "/file/1/2/3");
}

TEST_F(RouterOrdering, ThirdLevelItems) {
  EXPECT_EQ(get(router, "/users/1/vacation"), "404");
  EXPECT_EQ(get(router, "/locations/1/vacation"), "/locations/1/vacation");
  EXPECT_EQ(get(router, "/locations/1/alarms"), "/locations/1/alarms/null");
  EXPECT_EQ(get(router, "/locations/1/alarms/code"), "/locations/1/alarms/code");
  EXPECT_EQ(get(router, "/equipment/1/code"), "/equipment/1/code");
  EXPECT_EQ(get(router, "/equipment/1/code/x"), "404");
}

TEST_F(RouterOrdering, RestMatchesAnEmptyRemainderOnlyAfterASlash) {
  EXPECT_EQ(get(router, "/file/"), "/file/");
  EXPECT_EQ(get(router, "/file/1/2/"), "/file/1/2/");
  EXPECT_EQ(get(router, "/locations/1/alarms/"), "/locations/1/alarms/null");
}

// ---- precedence and backtracking --------------------------------------------------------------

TEST(Router, DisambiguatesRestFromLiterals) {
  Router router;
  answer(router.route("/*"), [](const Request& r) { return "*" + rest(r); });
  answer(router.route("/a"), [](const Request&) { return "a"; });
  router.did_add_to_channel();
  EXPECT_EQ(get(router, "/a"), "a");
  EXPECT_EQ(get(router, "/b"), "*b");
  EXPECT_EQ(get(router, "/ab"), "*ab");
  EXPECT_EQ(get(router, "/"), "*");
  // Conduit answers 404 here because it does not backtrack out of "/a".
  EXPECT_EQ(get(router, "/a/b"), "*a/b");
}

TEST(Router, LiteralBeatsVariableBeatsRest) {
  Router router;
  echo(router.route("/a/*"));
  echo(router.route("/a/:x"));
  echo(router.route("/a/b"));
  router.did_add_to_channel();
  EXPECT_EQ(get(router, "/a/b"), "/a/b {}");
  EXPECT_EQ(get(router, "/a/c"), "/a/:x {x=c}");
  EXPECT_EQ(get(router, "/a/c/d"), "/a/* {} *=c/d");
  EXPECT_EQ(get(router, "/a/"), "/a/* {} *=");
}

TEST(Router, VariablesAreTriedInDeclarationOrder) {
  Router router;
  echo(router.route(R"(/v/:n(\d+))"));
  echo(router.route("/v/:s"));
  echo(router.route("/w/:s"));
  echo(router.route(R"(/w/:n(\d+))"));
  router.did_add_to_channel();
  EXPECT_EQ(get(router, "/v/12"), R"(/v/:n(\d+) {n=12})");
  EXPECT_EQ(get(router, "/v/ab"), "/v/:s {s=ab}");
  EXPECT_EQ(get(router, "/w/12"), "/w/:s {s=12}");
}

TEST(Router, BacktracksWhenThePreferredBranchFailsDeeper) {
  Router router;
  echo(router.route("/a/b"));
  echo(router.route("/a/:x/c"));
  echo(router.route(R"(/n/:id(\d+)/edit)"));
  echo(router.route("/n/:name/show"));
  router.did_add_to_channel();
  EXPECT_EQ(get(router, "/a/b"), "/a/b {}");
  EXPECT_EQ(get(router, "/a/b/c"), "/a/:x/c {x=b}");
  EXPECT_EQ(get(router, "/n/12/show"), "/n/:name/show {name=12}");
  EXPECT_EQ(get(router, "/n/12/edit"), R"(/n/:id(\d+)/edit {id=12})");
}

TEST(Router, RegexesMatchWholeSegments) {
  Router router;
  echo(router.route(R"(/n/:id(\d+))"));
  echo(router.route("/m/:v(a|ab)"));
  echo(router.route(R"(/r/(\d+))"));
  router.did_add_to_channel();
  EXPECT_EQ(get(router, "/n/12"), R"(/n/:id(\d+) {id=12})");
  EXPECT_EQ(get(router, "/n/a1"), "404");  // Conduit's unanchored match accepts this
  EXPECT_EQ(get(router, "/n/1a"), "404");
  EXPECT_EQ(get(router, "/m/ab"), "/m/:v(a|ab) {v=ab}");
  EXPECT_EQ(get(router, "/r/5"), R"(/r/(\d+) {})");
  EXPECT_EQ(get(router, "/r/x"), "404");
}

TEST(Router, OptionalsAtSeveralDepths) {
  Router router;
  echo(router.route("/x[/y[/z]]"));
  echo(router.route("/[:a[/:b[/:c]]]"));
  router.did_add_to_channel();
  EXPECT_EQ(get(router, "/x"), "/x[/y[/z]] {}");
  EXPECT_EQ(get(router, "/x/y"), "/x[/y[/z]] {}");
  EXPECT_EQ(get(router, "/x/y/z"), "/x[/y[/z]] {}");
  EXPECT_EQ(get(router, "/x/z"), "/[:a[/:b[/:c]]] {a=x,b=z}");
  EXPECT_EQ(get(router, "/"), "/[:a[/:b[/:c]]] {}");
  EXPECT_EQ(get(router, "/1/2/3"), "/[:a[/:b[/:c]]] {a=1,b=2,c=3}");
  EXPECT_EQ(get(router, "/1/2/3/4"), "404");
}

TEST(Router, TrailingSlashesAndEmptySegments) {
  Router router;
  echo(router.route("/users/[:id]"));
  echo(router.route("/a/:x/b"));
  echo(router.route("/plain"));
  router.did_add_to_channel();
  EXPECT_EQ(get(router, "/plain/"), "/plain {}");
  EXPECT_EQ(get(router, "/users/"), "/users/[:id] {}");  // Conduit binds id = ""
  EXPECT_EQ(get(router, "/users/7/"), "/users/[:id] {id=7}");
  EXPECT_EQ(get(router, "/users//"), "404");
  EXPECT_EQ(get(router, "/a//b"), "404");
  EXPECT_EQ(get(router, "/plain//"), "404");
}

TEST(Router, MatchingIsCaseSensitive) {
  Router router;
  echo(router.route("/users"));
  router.did_add_to_channel();
  EXPECT_EQ(get(router, "/Users"), "404");
  EXPECT_EQ(get(router, "/users"), "/users {}");
}

TEST(Router, MatchesDecodedSegmentsAndKeepsEncodedSlashesInTheirSegment) {
  Router router("/api");
  echo(router.route("/p/:name"));
  echo(router.route("/f/*"));
  router.did_add_to_channel();
  EXPECT_EQ(get(router, "/api/p/hello%20world?x=1"), "/p/:name {name=hello world}");
  EXPECT_EQ(get(router, "/api/p/a%2Fb"), "/p/:name {name=a/b}");
  EXPECT_EQ(get(router, "/api/p/a%2fb/"), "/p/:name {name=a/b}");
  EXPECT_EQ(get(router, "http://example.com/api/p/a%2Fb"), "/p/:name {name=a/b}");
  EXPECT_EQ(get(router, "/api/p/a/b"), "404");
  EXPECT_EQ(get(router, "/a%70i/p/x"), "/p/:name {name=x}");
  EXPECT_EQ(get(router, "/api/f/a%2Fb/c%20d/"), "/f/* {} *=a/b/c d/");
  EXPECT_EQ(get(router, "/api/f/a/b%20c"), "/f/* {} *=a/b c");
}

TEST(Router, FillsThePathMatch) {
  Router router("/api");
  PathMatch seen;
  router.route("/a/:id/*").link_function([&seen](Request& request) -> Task<Response> {
    seen = request.path_match();
    co_return Response(204);
  });
  router.did_add_to_channel();
  EXPECT_EQ(send(router, "/api/a/1/x/y").status(), 204);
  EXPECT_EQ(seen.route_pattern, "/a/:id/*");
  EXPECT_EQ(seen.segments, (std::vector<std::string>{"api", "a", "1"}));
  EXPECT_EQ(seen.remaining_path, "x/y");
  ASSERT_EQ(seen.variables.size(), 1u);
  EXPECT_EQ(seen.variables.at("id"), "1");
}

TEST(Router, ManyLiteralsAndDeepPaths) {
  Router router;
  for (int i = 0; i < 100; ++i) echo(router.route("/r" + std::to_string(i) + "/:x"));
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "/d" + std::to_string(i);
  echo(router.route(deep + "/:last"));
  echo(router.route("/s/*"));
  router.did_add_to_channel();
  EXPECT_EQ(get(router, "/r0/a"), "/r0/:x {x=a}");
  EXPECT_EQ(get(router, "/r57/b"), "/r57/:x {x=b}");
  EXPECT_EQ(get(router, "/r99/c"), "/r99/:x {x=c}");
  EXPECT_EQ(get(router, "/r100/c"), "404");
  EXPECT_EQ(get(router, deep + "/z"), deep + "/:last {last=z}");
  std::string long_rest;
  for (int i = 0; i < 200; ++i) long_rest += (i ? "/" : "") + std::to_string(i);
  EXPECT_EQ(get(router, "/s/" + long_rest), "/s/* {} *=" + long_rest);
  EXPECT_EQ(get(router, "/r1/" + long_rest), "404");
}

// ---- start-up and pattern errors ------------------------------------------------------------

TEST(Router, AmbiguousRoutesFailAtStartUp) {
  auto ambiguity = [](std::string_view first, std::string_view second) {
    Router router;
    echo(router.route(first));
    echo(router.route(second));
    return start_error(router);
  };
  EXPECT_EQ(ambiguity("/a/:x", "/a/:y"), "ambiguous routes '/a/:x' and '/a/:y'");
  EXPECT_EQ(ambiguity("/a/[:b]", "/a/:c"), "ambiguous routes '/a/[:b]' and '/a/:c'");
  EXPECT_EQ(ambiguity("/a/[:b]", "/a"), "ambiguous routes '/a/[:b]' and '/a'");
  EXPECT_EQ(ambiguity("/a", "/a/"), "ambiguous routes '/a' and '/a/'");
  EXPECT_EQ(ambiguity("/x/*", "/x[/*]"), "ambiguous routes '/x/*' and '/x[/*]'");
  EXPECT_EQ(ambiguity(R"(/r/:a(\d+))", R"(/r/(\d+))"),
            R"(ambiguous routes '/r/:a(\d+)' and '/r/(\d+)')");
  EXPECT_EQ(ambiguity("/", "/[:a]"), "ambiguous routes '/' and '/[:a]'");

  EXPECT_EQ(ambiguity("/a/:x", R"(/a/:y(\d+))"), "");
  EXPECT_EQ(ambiguity("/a", "/a/*"), "");
  EXPECT_EQ(ambiguity("/a/:x", "/a/:y/b"), "");
}

TEST(Router, BadPatternsThrowAtRouteTime) {
  Router router;
  try {
    router.route("/a/[:b");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(), "route '/a/[:b' does not close all optionals");
  }
  EXPECT_THROW(router.route("/a//b"), std::invalid_argument);
  EXPECT_THROW(router.route("/:id(*x)"), std::invalid_argument);
  // Rejected routes leave no trace.
  EXPECT_EQ(start_error(router), "");
  EXPECT_EQ(get(router, "/a"), "404");
}

TEST(Router, RoutesCannotBeAddedAfterStartUp) {
  Router router;
  echo(router.route("/a"));
  router.did_add_to_channel();
  EXPECT_THROW(router.route("/b"), std::logic_error);
}

TEST(Router, RequestsBeforeStartUpFail) {
  Router router;
  echo(router.route("/a"));
  EXPECT_EQ(send(router, "/a").status(), 500);
}

// ---- the chains behind routes -------------------------------------------------------------

class RecordingController : public Controller {
 public:
  std::vector<RouteInfo> routes;
  int added = 0;
  void did_attach_to_route(const RouteInfo& route) override {
    routes.push_back(route);
    Controller::did_attach_to_route(route);
  }
  void did_add_to_channel() override {
    ++added;
    Controller::did_add_to_channel();
  }
  Task<Outcome> handle(Request& request) override {
    co_return Response::text(200, var(request, "b") + "," + var(request, "c"));
  }
};

TEST(Router, TellsEachChainItsRouteAndStart) {
  Router router;
  auto& first = router.route("/a/[:b/[:c]]").link<RecordingController>();
  auto& second = router.route("/z").link<RecordingController>();
  router.did_add_to_channel();
  router.did_add_to_channel();  // idempotent

  ASSERT_EQ(first.routes.size(), 1u);
  EXPECT_EQ(first.routes[0].pattern, "/a/[:b/[:c]]");
  using Sets = std::vector<std::vector<std::string>>;
  EXPECT_EQ(first.routes[0].variable_sets, (Sets{{}, {"b"}, {"b", "c"}}));
  EXPECT_EQ(first.added, 1);
  ASSERT_EQ(second.routes.size(), 1u);
  EXPECT_EQ(second.routes[0].variable_sets, (Sets{{}}));
  EXPECT_EQ(second.added, 1);

  EXPECT_EQ(get(router, "/a/1/2"), "1,2");
  EXPECT_EQ(get(router, "/a/1"), "1,null");
}

TEST(Router, ChainErrorsBecomeResponses) {
  Router router;
  router.route("/boom").link_function([](Request&) -> Task<Response> {
    throw std::runtime_error("boom");
    co_return Response(200);
  });
  router.route("/teapot").link_function([](Request&) -> Task<Response> {
    throw HttpError(418, "short and stout");
    co_return Response(200);
  });
  router.route("/empty");  // a chain without handlers ends in 404
  router.did_add_to_channel();
  EXPECT_EQ(send(router, "/boom").status(), 500);
  EXPECT_EQ(send(router, "/teapot").status(), 418);
  EXPECT_EQ(send(router, "/empty").status(), 404);
}

TEST(Router, RoutersNest) {
  auto inner = std::make_shared<Router>();
  echo(inner->route("/api/x/:id"));
  Router outer;
  outer.route("/api/*").link(inner);
  echo(outer.route("/other"));
  outer.did_add_to_channel();
  EXPECT_EQ(get(outer, "/api/x/3"), "/api/x/:id {id=3}");
  EXPECT_EQ(get(outer, "/other"), "/other {}");
  EXPECT_EQ(get(outer, "/api/y"), "404");
}

// ---- CORS: the chain's policy applies, once ----------------------------------------------

class CorsRouter : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& strict = router.route("/strict").link_function(
        [](Request&) -> Task<Response> { co_return Response::text(200, "strict"); });
    strict.cors_policy()->allowed_origins = {"https://good.example"};
    echo(router.route("/open"));
    router.did_add_to_channel();
  }
  Router router;
};

TEST_F(CorsRouter, RoutedResponsesCarryOnlyTheChainsPolicy) {
  EXPECT_FALSE(router.cors_policy().has_value());
  Response denied = send(router, "/strict", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(denied.status(), 200);
  EXPECT_FALSE(denied.headers().contains("Access-Control-Allow-Origin"));

  Response allowed = send(router, "/strict", {{"Origin", "https://good.example"}});
  EXPECT_EQ(allowed.headers().get("Access-Control-Allow-Origin"), "https://good.example");
  EXPECT_EQ(allowed.headers().get_all("Vary").size(), 1u);
}

TEST_F(CorsRouter, PreflightsReachTheMatchedChain) {
  HeaderList preflight{{"Origin", "https://evil.example"},
                       {"Access-Control-Request-Method", "GET"}};
  EXPECT_EQ(send(router, "/strict", preflight, "OPTIONS").status(), 403);
  EXPECT_EQ(send(router, "/open", preflight, "OPTIONS").status(), 200);
  preflight[0].second = "https://good.example";
  Response ok = send(router, "/strict", preflight, "OPTIONS");
  EXPECT_EQ(ok.status(), 200);
  EXPECT_EQ(ok.headers().get("Access-Control-Allow-Origin"), "https://good.example");
  EXPECT_EQ(send(router, "/nowhere", preflight, "OPTIONS").status(), 404);
}

TEST_F(CorsRouter, NotFoundCarriesTheDefaultPolicy) {
  Response response = send(router, "/nowhere", {{"Origin", "https://any.example"}});
  EXPECT_EQ(response.status(), 404);
  EXPECT_EQ(response.headers().get("Access-Control-Allow-Origin"), "https://any.example");
}

}  // namespace
}  // namespace conduit
