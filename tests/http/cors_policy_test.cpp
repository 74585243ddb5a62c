// Tests for conduit::CorsPolicy, alone and applied by a Controller chain.
#include "conduit/http/cors_policy.hpp"

#include <gtest/gtest.h>

#include <exception>
#include <optional>
#include <stdexcept>
#include <string>

#include "conduit/core/task.hpp"
#include "conduit/http/controller.hpp"
#include "conduit/http/request.hpp"
#include "conduit/http/response.hpp"

namespace conduit {
namespace {

Response run(Controller& controller, Request& request) {
  std::optional<Response> result;
  std::exception_ptr error;
  detail::spawn(controller.receive(request),
                [&](std::exception_ptr e, std::optional<Response>&& response) {
                  error = e;
                  result = std::move(response);
                });
  if (error) std::rethrow_exception(error);
  if (!result) throw std::logic_error("receive did not finish synchronously");
  return std::move(*result);
}

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

TEST(CorsControllerTest, EarlyAnswerCarriesItsControllersHeaders) {
  // An upstream controller that refuses (like an authorizer) still lets the browser
  // read its error, using its own policy.
  Controller entry;
  auto& gate = entry.link_function(
      [](Request&) -> Task<Outcome> { co_return Response::error(401, "unauthorized"); });
  gate.link_function([](Request&) -> Task<Response> { co_return Response::ok(); });
  Request request = cors_request(kOrigin);
  Response response = run(entry, request);
  EXPECT_EQ(response.status(), 401);
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), kOrigin);
}

}  // namespace
}  // namespace conduit
