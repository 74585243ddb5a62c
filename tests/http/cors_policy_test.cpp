// Tests for conduit::CorsPolicy, alone and applied by a Controller chain.
#include "conduit/http/cors_policy.hpp"

#include <gtest/gtest.h>

#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "conduit/core/task.hpp"
#include "conduit/http/controller.hpp"
#include "conduit/http/http_error.hpp"
#include "conduit/http/request.hpp"
#include "conduit/http/response.hpp"
#include "conduit/http/router.hpp"
#include "support/resource_test_support.hpp"

namespace conduit {
namespace {

using testing::run;

std::string header(const Response& response, std::string_view name) {
  return std::string(response.headers().get(name).value_or("<absent>"));
}

Request cors_request(std::string origin, std::string method = "GET") {
  Request request;
  request.set_method(std::move(method));
  request.set_target("/things");
  request.mutable_headers().set("Origin", origin);
  return request;
}

Request preflight(std::string origin, std::string method,
                  std::optional<std::string> headers = std::nullopt) {
  Request request = cors_request(std::move(origin), "OPTIONS");
  request.mutable_headers().set("Access-Control-Request-Method", method);
  if (headers) request.mutable_headers().set("Access-Control-Request-Headers", *headers);
  return request;
}

constexpr const char* kOrigin = "https://app.example";

TEST(CorsPolicyTest, DefaultsFollowConduitMaster) {
  CorsPolicy policy = CorsPolicy::default_policy();
  EXPECT_EQ(policy.allowed_origins, std::vector<std::string>{"*"});
  EXPECT_EQ(policy.allowed_methods, (std::vector<std::string>{"POST", "PUT", "DELETE", "GET"}));
  EXPECT_EQ(policy.allowed_request_headers,
            (std::vector<std::string>{"origin", "authorization", "x-requested-with",
                                      "x-forwarded-for", "content-type"}));
  EXPECT_TRUE(policy.exposed_response_headers.empty());
  EXPECT_FALSE(policy.allow_credentials);
  EXPECT_EQ(policy.cache_in_seconds, 86400);
  EXPECT_NO_THROW(policy.validate());
}

TEST(CorsPolicyTest, DefaultPolicyEchoesOriginNeverStar) {
  Request request = cors_request(kOrigin);
  Response response(200);
  CorsPolicy::default_policy().apply(request, response);
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), kOrigin);
  EXPECT_EQ(header(response, "Vary"), "Origin");
  EXPECT_FALSE(response.headers().contains("Access-Control-Allow-Credentials"));
  EXPECT_FALSE(response.headers().contains("Access-Control-Expose-Headers"));
}

TEST(CorsPolicyTest, NonCorsRequestIsUntouched) {
  Request request;
  Response response(200, "{}", kJsonContentType);
  CorsPolicy policy;
  policy.allow_credentials = true;
  policy.allowed_origins = {kOrigin};
  policy.exposed_response_headers = {"X-Total"};
  policy.apply(request, response);
  EXPECT_EQ(response.headers().size(), 1u);  // just Content-Type
  EXPECT_FALSE(policy.is_origin_allowed(request));
}

TEST(CorsPolicyTest, ListedOriginsOnly) {
  CorsPolicy policy;
  policy.allowed_origins = {"https://a.example", "https://b.example"};
  Request allowed = cors_request("https://b.example");
  Request other = cors_request("https://evil.example");
  Request case_differs = cors_request("https://A.example");
  EXPECT_TRUE(policy.is_origin_allowed(allowed));
  EXPECT_FALSE(policy.is_origin_allowed(other));
  EXPECT_FALSE(policy.is_origin_allowed(case_differs));  // case-sensitive, as in Conduit
  Response response(200);
  policy.apply(other, response);
  EXPECT_FALSE(response.headers().contains("Access-Control-Allow-Origin"));
  EXPECT_EQ(policy.preflight_response(preflight("https://evil.example", "GET")).status(), 403);
}

TEST(CorsPolicyTest, PreflightOkHeaders) {
  Request request = preflight(kOrigin, "PUT", "Authorization, content-type");
  Response response = CorsPolicy::default_policy().preflight_response(request);
  EXPECT_EQ(response.status(), 200);
  EXPECT_TRUE(response.body().empty());
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), kOrigin);
  EXPECT_EQ(header(response, "Access-Control-Allow-Methods"), "POST, PUT, DELETE, GET");
  EXPECT_EQ(header(response, "Access-Control-Allow-Headers"),
            "origin, authorization, x-requested-with, x-forwarded-for, content-type");
  EXPECT_EQ(header(response, "Access-Control-Max-Age"), "86400");
  EXPECT_FALSE(response.headers().contains("Access-Control-Allow-Credentials"));
}

TEST(CorsPolicyTest, PreflightRefusals) {
  CorsPolicy policy;
  EXPECT_EQ(policy.preflight_response(preflight(kOrigin, "PATCH")).status(), 403);
  EXPECT_EQ(policy.preflight_response(preflight(kOrigin, "GET", "x-custom")).status(), 403);
  EXPECT_EQ(
      policy.preflight_response(preflight(kOrigin, "GET", "authorization, X-Custom")).status(),
      403);
  // CORS-safelisted request headers need no listing (Conduit's simpleRequestHeaders).
  EXPECT_EQ(policy
                .preflight_response(
                    preflight(kOrigin, "GET", "Accept, Accept-Language, Content-Language"))
                .status(),
            200);
  EXPECT_EQ(policy.preflight_response(preflight(kOrigin, "GET", "")).status(), 200);

  policy.allowed_methods.push_back("PATCH");
  policy.allowed_request_headers.push_back("x-custom");
  policy.cache_in_seconds = 60;
  Response ok = policy.preflight_response(preflight(kOrigin, "PATCH", "X-Custom"));
  EXPECT_EQ(ok.status(), 200);
  EXPECT_EQ(header(ok, "Access-Control-Max-Age"), "60");
}

TEST(CorsPolicyTest, CredentialsNeedExplicitOrigins) {
  CorsPolicy policy;
  policy.allow_credentials = true;
  EXPECT_THROW(policy.validate(), std::invalid_argument);
  EXPECT_FALSE(policy.sends_credentials());
  // Misconfigured: the header is withheld, so browsers refuse credentialed use.
  Response response(200);
  Request request = cors_request(kOrigin);
  policy.apply(request, response);
  EXPECT_FALSE(response.headers().contains("Access-Control-Allow-Credentials"));
  EXPECT_FALSE(policy.preflight_response(preflight(kOrigin, "GET"))
                   .headers()
                   .contains("Access-Control-Allow-Credentials"));

  policy.allowed_origins = {kOrigin};
  EXPECT_NO_THROW(policy.validate());
  EXPECT_TRUE(policy.sends_credentials());
  Response allowed(200);
  policy.apply(request, allowed);
  EXPECT_EQ(header(allowed, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(header(policy.preflight_response(preflight(kOrigin, "GET")),
                   "Access-Control-Allow-Credentials"),
            "true");

  policy.allowed_origins.clear();
  EXPECT_THROW(policy.validate(), std::invalid_argument);
}

TEST(CorsPolicyTest, ExposedHeaders) {
  CorsPolicy policy;
  policy.exposed_response_headers = {"X-Total-Count", "X-Request-ID"};
  Request request = cors_request(kOrigin);
  Response response(200);
  policy.apply(request, response);
  EXPECT_EQ(header(response, "Access-Control-Expose-Headers"), "X-Total-Count, X-Request-ID");
}

class CorsChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    last_ = &entry_.link_function([this](Request&) -> Task<Response> {
      ++handled_;
      co_return Response::ok(boost::json::object{{"ok", true}});
    });
    auto& policy = *last_->cors_policy();
    policy.allowed_origins = {kOrigin};
    policy.allowed_methods = {"GET", "PATCH"};
    policy.exposed_response_headers = {"X-Total"};
  }

  Controller entry_;  // passes everything on, keeps the default policy
  Controller* last_ = nullptr;
  int handled_ = 0;
};

TEST_F(CorsChainTest, PreflightIsAnsweredByLastControllersPolicy) {
  Request patch = preflight(kOrigin, "PATCH");
  Response response = run(entry_, patch);
  EXPECT_EQ(response.status(), 200);
  EXPECT_EQ(header(response, "Access-Control-Allow-Methods"), "GET, PATCH");
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), kOrigin);
  EXPECT_EQ(handled_, 0);  // a preflight never reaches the handler

  // The entry's default policy would allow this origin; the last controller's does not.
  Request stranger = preflight("https://other.example", "GET");
  EXPECT_EQ(run(entry_, stranger).status(), 403);
  Request put = preflight(kOrigin, "PUT");
  EXPECT_EQ(run(entry_, put).status(), 403);
  EXPECT_EQ(handled_, 0);
}

TEST_F(CorsChainTest, ActualRequestGetsAnsweringControllersHeaders) {
  Request request = cors_request(kOrigin);
  Response response = run(entry_, request);
  EXPECT_EQ(handled_, 1);
  EXPECT_EQ(response.status(), 200);
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), kOrigin);
  EXPECT_EQ(header(response, "Access-Control-Expose-Headers"), "X-Total");

  Request stranger = cors_request("https://other.example");
  Response refused = run(entry_, stranger);
  EXPECT_EQ(refused.status(), 200);  // the browser, not the server, enforces CORS
  EXPECT_FALSE(refused.headers().contains("Access-Control-Allow-Origin"));

  Request plain;
  Response same_origin = run(entry_, plain);
  EXPECT_FALSE(same_origin.headers().contains("Access-Control-Allow-Origin"));
  EXPECT_FALSE(same_origin.headers().contains("Vary"));
}

TEST_F(CorsChainTest, NoPolicyMeansNoCors) {
  last_->cors_policy().reset();
  Request options = preflight(kOrigin, "GET");
  EXPECT_EQ(run(entry_, options).status(), 403);
  Request request = cors_request(kOrigin);
  Response response = run(entry_, request);
  EXPECT_EQ(response.status(), 200);
  EXPECT_FALSE(response.headers().contains("Access-Control-Allow-Origin"));
}

// An endpoint with a restrictive policy behind a gate that answers 401 (an authorizer):
// Conduit decorates the gate's answer with the endpoint's policy, the last controller's.
class CorsEarlyAnswerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gate_ = &entry_.link_function([this](Request& request) -> Task<Outcome> {
      ++gate_runs_;
      if (request.header("authorization")) co_return std::nullopt;
      if (request.header("x-throw")) throw HttpError(401, "unauthorized");
      co_return Response::error(401, "unauthorized");
    });
    endpoint_ = &gate_->link_function([this](Request&) -> Task<Response> {
      ++endpoint_runs_;
      co_return Response::ok(boost::json::object{{"ok", true}});
    });
    auto& policy = *endpoint_->cors_policy();
    policy.allowed_origins = {kOrigin};
    policy.allowed_methods = {"GET", "PATCH"};
    policy.exposed_response_headers = {"X-Total"};
    policy.allow_credentials = true;
  }

  Controller entry_;  // default policy, like the gate: neither may decide
  Controller* gate_ = nullptr;
  Controller* endpoint_ = nullptr;
  int gate_runs_ = 0;
  int endpoint_runs_ = 0;
};

TEST_F(CorsEarlyAnswerTest, AllowedOriginGetsTheEndpointsFullPolicy) {
  for (const char* how : {"returned", "thrown"}) {
    SCOPED_TRACE(how);
    Request request = cors_request(kOrigin);
    if (std::string_view(how) == "thrown") request.mutable_headers().set("X-Throw", "1");
    Response response = run(entry_, request);
    EXPECT_EQ(response.status(), 401);
    EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), kOrigin);
    EXPECT_EQ(header(response, "Access-Control-Allow-Credentials"), "true");
    EXPECT_EQ(header(response, "Access-Control-Expose-Headers"), "X-Total");
    EXPECT_EQ(response.headers().get_all("Vary").size(), 1u);
  }
  EXPECT_EQ(endpoint_runs_, 0);
}

TEST_F(CorsEarlyAnswerTest, RefusedOriginsGetNoCorsHeaders) {
  // The gate's default policy would echo any origin; the endpoint's refuses these, and
  // origins compare case-sensitively, as in Conduit.
  for (const char* origin : {"https://evil.example", "https://APP.example", "null"}) {
    SCOPED_TRACE(origin);
    Request request = cors_request(origin);
    Response response = run(entry_, request);
    EXPECT_EQ(response.status(), 401);
    EXPECT_FALSE(response.headers().contains("Access-Control-Allow-Origin"));
    EXPECT_FALSE(response.headers().contains("Access-Control-Allow-Credentials"));
    EXPECT_FALSE(response.headers().contains("Access-Control-Expose-Headers"));
    EXPECT_FALSE(response.headers().contains("Vary"));
  }
}

TEST_F(CorsEarlyAnswerTest, PassedRequestsStillGetTheEndpointsPolicy) {
  Request request = cors_request(kOrigin);
  request.mutable_headers().set("Authorization", "Bearer t");
  Response response = run(entry_, request);
  EXPECT_EQ(response.status(), 200);
  EXPECT_EQ(header(response, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(response.headers().get_all("Vary").size(), 1u);  // applied once
  EXPECT_EQ(endpoint_runs_, 1);
}

TEST_F(CorsEarlyAnswerTest, PreflightsSkipTheGateAndUseTheEndpointsPolicy) {
  Request allowed = preflight(kOrigin, "PATCH");
  Response ok = run(entry_, allowed);
  EXPECT_EQ(ok.status(), 200);
  EXPECT_EQ(header(ok, "Access-Control-Allow-Origin"), kOrigin);
  EXPECT_EQ(header(ok, "Access-Control-Allow-Methods"), "GET, PATCH");
  EXPECT_EQ(header(ok, "Access-Control-Allow-Credentials"), "true");
  for (const char* origin : {"https://evil.example", "https://APP.example"}) {
    SCOPED_TRACE(origin);
    Request refused = preflight(origin, "GET");
    Response response = run(entry_, refused);
    EXPECT_EQ(response.status(), 403);
    EXPECT_FALSE(response.headers().contains("Access-Control-Allow-Origin"));
  }
  Request method = preflight(kOrigin, "DELETE");
  EXPECT_EQ(run(entry_, method).status(), 403);
  EXPECT_EQ(gate_runs_, 0);
  EXPECT_EQ(endpoint_runs_, 0);
}

TEST_F(CorsEarlyAnswerTest, EndpointWithoutPolicyMeansNoHeaders) {
  endpoint_->cors_policy().reset();
  Request request = cors_request(kOrigin);
  Response response = run(entry_, request);
  EXPECT_EQ(response.status(), 401);
  EXPECT_FALSE(response.headers().contains("Access-Control-Allow-Origin"));
  Request options = preflight(kOrigin, "GET");
  EXPECT_EQ(run(entry_, options).status(), 403);
}

TEST(CorsRoutedEarlyAnswerTest, GateInARouteUsesTheEndpointsPolicy) {
  Router router;
  auto& gate = router.route("/things").link_function(
      [](Request&) -> Task<Outcome> { co_return Response::error(401, "unauthorized"); });
  auto& endpoint = gate.link_function([](Request&) -> Task<Response> { co_return Response::ok(); });
  endpoint.cors_policy()->allowed_origins = {kOrigin};
  router.did_add_to_channel();

  Request allowed = cors_request(kOrigin);
  Response response = run(router, allowed);
  EXPECT_EQ(response.status(), 401);
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), kOrigin);
  Request refused = cors_request("https://evil.example");
  EXPECT_FALSE(run(router, refused).headers().contains("Access-Control-Allow-Origin"));
}

TEST(CorsRoutedEarlyAnswerTest, GateInFrontOfARouterUsesTheRoutersDefaultPolicy) {
  // Conduit: the router ends the chain in front of it; its policy is the default one.
  Controller entry;
  auto& gate = entry.link_function(
      [](Request&) -> Task<Outcome> { co_return Response::error(429, "slow down"); });
  auto router = std::make_shared<Router>();
  router->route("/things").link_function(
      [](Request&) -> Task<Response> { co_return Response::ok(); });
  gate.link(router);
  entry.did_add_to_channel();
  Request request = cors_request("https://any.example");
  Response response = run(entry, request);
  EXPECT_EQ(response.status(), 429);
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "https://any.example");
  EXPECT_FALSE(response.headers().contains("Access-Control-Allow-Credentials"));
}

}  // namespace
}  // namespace conduit
