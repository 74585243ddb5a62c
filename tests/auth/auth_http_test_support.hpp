// Test support for the auth endpoint suites: a real Application (one loop, ephemeral port)
// whose channel creates the managed-auth tables on SQLite or PostgreSQL (a schema of its
// own), registers clients and a user, and routes the token, revocation and login
// endpoints, bearer and basic Authorizers, and a ResourceController with operation scopes.
// The test talks to it over real sockets (support/http_client.hpp). The AuthServer's clock
// is now + g_clock_offset, so expiry is tested without sleeping.
//
// Thread-safety: the channel runs on the application's loop thread; the test thread only
// starts and stops the application and sends requests. g_clock_offset is atomic.
#pragma once

#include <gtest/gtest.h>

#include <boost/describe/class.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "conduit/app/application.hpp"
#include "conduit/auth/auth_controller.hpp"
#include "conduit/auth/auth_redirect_controller.hpp"
#include "conduit/auth/auth_server.hpp"
#include "conduit/auth/authorizer.hpp"
#include "conduit/auth/models.hpp"
#include "conduit/auth/password.hpp"
#include "conduit/auth/scope.hpp"
#include "conduit/db/database.hpp"
#include "conduit/http/resource_controller.hpp"
#include "conduit/http/router.hpp"
#include "conduit/migration/schema_sql.hpp"
#include "conduit/orm/query.hpp"
#include "support/db_test_support.hpp"
#include "support/dialect_test.hpp"
#include "support/http_client.hpp"

namespace auth_http_test {

struct User : conduit::auth::ResourceOwner {
  static constexpr auto table = "_user";
};
BOOST_DESCRIBE_STRUCT(User, (conduit::auth::ResourceOwner), ())

inline const conduit::orm::DataModel& model() {
  static const conduit::orm::DataModel data_model = conduit::auth::AuthModels<User>::data_model<>();
  return data_model;
}

}  // namespace auth_http_test

namespace conduit::auth::testing {

using conduit::testing::HttpResponse;

inline std::atomic<std::int64_t> g_clock_offset_seconds{0};

// Echoes what the Authorizer attached.
inline boost::json::object describe_authorization(const Authorization* authorization) {
  boost::json::object out;
  if (!authorization) return out;
  out["client_id"] = authorization->client_id;
  if (authorization->owner_id) out["owner_id"] = *authorization->owner_id;
  out["scope"] = to_string(authorization->scopes);
  return out;
}

// Operations with and without declared scopes.
class HeroController : public ResourceController {
 public:
  HeroController() {
    get<&HeroController::list>().scopes({"heroes.readonly"});
    post<&HeroController::create>().scopes({"heroes", "user"});
    get<&HeroController::get_one>();
  }
  Task<Response> list(Request& request) {
    co_return Response::ok(describe_authorization(authorization(request)));
  }
  Task<Response> create(Request&) {
    co_return Response::ok(boost::json::object{{"created", true}});
  }
  Task<Response> get_one(Path<"id", std::int64_t> id) {
    co_return Response::ok(boost::json::object{{"id", id.value}});
  }
};

class AuthChannel : public ApplicationChannel {
 public:
  Task<void> prepare() override {
    const auto& context = options().context;
    const bool postgres = context.at("dialect") == "postgres";
    database_ = db::Database::open(
        postgres ? db::testing::postgres_config() : db::testing::sqlite_memory_config(),
        db::DatabaseOptions{.max_connections = 1});
    if (postgres) {
      schema_ = context.at("schema");
      co_await database_->execute_script("CREATE SCHEMA " + schema_ + "; SET search_path TO " +
                                         schema_);
    }
    co_await migration::create_schema(*database_, auth_http_test::model().schema());

    AuthServerOptions server_options;
    server_options.clock = [] {
      return std::chrono::system_clock::now() + std::chrono::seconds(g_clock_offset_seconds.load());
    };
    server_options.allow_implicit = context.contains("implicit");
    if (auto it = context.find("brake"); it != context.end()) {
      server_options.brake.max_failures_per_client = std::stoi(it->second);
      server_options.brake.max_failures_per_username = std::stoi(it->second);
    }
    server_ = std::make_shared<AuthServer>(database_, server_options);

    // Named arguments: GCC 12 destroys braced temporaries of a co_await expression too
    // early.
    const ClientCredentials confidential{"com.conf", "s3cret"};
    const ClientCredentials public_client{"com.public", std::nullopt};
    const ClientCredentials plain{"com.plain", "kid"};
    const ClientCredentials scoped{"com.scoped", "sc"};
    co_await server_->add_client(confidential, "https://client.example/cb?x=1");
    co_await server_->add_client(public_client, "https://public.example/cb");
    co_await server_->add_client(plain);
    co_await server_->add_client(scoped, "https://scoped.example/cb",
                                 parse_scope_list("heroes user"));

    auth_http_test::User user;
    user.username = "bob";
    user.salt = generate_salt();
    user.hashed_password = server_->hash_password("pw", user.salt);
    auto stored =
        co_await orm::Query<auth_http_test::User>(*database_)
            .insert(user,
                    orm::FieldSet<auth_http_test::User>::of<&auth_http_test::User::username,
                                                            &auth_http_test::User::hashed_password,
                                                            &auth_http_test::User::salt>());
    bob_id_ = stored.id;
  }

  std::shared_ptr<Controller> entry_point() override {
    auto router = std::make_shared<Router>();
    router->route("/auth/token").link<AuthController>(server_);
    router->route("/auth/revoke").link<RevocationController>(server_);
    router->route("/auth/form").link<AuthRedirectController>(server_);
    router->route("/auth/custom-form")
        .link<AuthRedirectController>(server_, [](const LoginPageParameters& p) {
          return "<p>custom " + html_escape(p.client_id) + "</p>";
        });
    auto echo = [](Request& request) -> Task<Response> {
      co_return Response::ok(describe_authorization(authorization(request)));
    };
    router->route("/me").link<Authorizer>(Authorizer::bearer(server_)).link_function(echo);
    router->route("/scoped")
        .link<Authorizer>(Authorizer::bearer(server_, {"heroes", "user:email"}))
        .link_function(echo);
    router->route("/client").link<Authorizer>(Authorizer::basic(server_)).link_function(echo);
    router->route("/heroes/[:id]")
        .link<Authorizer>(Authorizer::bearer(server_))
        .link<HeroController>();
    router->route("/unguarded/[:id]").link<HeroController>();
    return router;
  }

  Task<void> close() override {
    server_.reset();
    if (!database_) co_return;
    if (!schema_.empty()) co_await database_->execute_script("DROP SCHEMA " + schema_ + " CASCADE");
    co_await database_->close();
  }

 private:
  std::shared_ptr<db::Database> database_;
  std::shared_ptr<AuthServer> server_;
  std::string schema_;
  std::int64_t bob_id_ = 0;
};

// Standard base64 with padding (for Basic credentials in requests).
inline std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (unsigned(static_cast<unsigned char>(in[i])) << 16) |
                       (unsigned(static_cast<unsigned char>(in[i + 1])) << 8) |
                       unsigned(static_cast<unsigned char>(in[i + 2]));
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == in.size()) {
    const unsigned v = unsigned(static_cast<unsigned char>(in[i])) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const unsigned v = (unsigned(static_cast<unsigned char>(in[i])) << 16) |
                       (unsigned(static_cast<unsigned char>(in[i + 1])) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

// An "Authorization: Basic ..." header line.
inline std::string basic(std::string_view id, std::string_view secret) {
  return "Authorization: Basic " + base64(std::string(id) + ":" + std::string(secret)) + "\r\n";
}

inline std::string bearer(std::string_view token) {
  return "Authorization: Bearer " + std::string(token) + "\r\n";
}

class AuthHttpTest : public orm::testing::DialectTest {
 protected:
  void SetUp() override {
    if (postgres() && !db::testing::postgres_url()) {
      GTEST_SKIP() << "CONDUIT_TEST_DATABASE_URL is not set";
    }
    start();
  }

  void TearDown() override {
    if (app_) app_->stop();
    app_.reset();
    g_clock_offset_seconds = 0;
  }

  // (Re)starts the application; `context` adds channel settings (implicit, brake).
  void start(std::map<std::string, std::string> context = {}) {
    if (app_) app_->stop();
    ApplicationOptions options;
    options.port = 0;
    options.address = "127.0.0.1";
    options.log_requests = false;
    options.context = std::move(context);
    options.context["dialect"] = postgres() ? "postgres" : "sqlite";
    options.context["schema"] = db::testing::unique_name("auth_http");
    app_ = std::make_unique<Application>(application_spec<AuthChannel>("auth-http-test"), options);
    app_->start();
  }

  HttpResponse request(std::string_view method, std::string_view target,
                       std::string_view headers = "", std::string_view body = "") {
    return conduit::testing::http_request(app_->port(), method, target, headers, body);
  }

  HttpResponse post_form(std::string_view target, std::string_view body,
                         std::string_view headers = "") {
    return request("POST", target,
                   "Content-Type: application/x-www-form-urlencoded\r\n" + std::string(headers),
                   body);
  }

  // The token endpoint with Basic credentials.
  HttpResponse token(std::string_view body, std::string_view id = "com.conf",
                     std::string_view secret = "s3cret") {
    return post_form("/auth/token", body, basic(id, secret));
  }

  static boost::json::object json(const HttpResponse& response) {
    auto value = boost::json::parse(response.body);
    return value.as_object();
  }
  static std::string error(const HttpResponse& response) {
    if (response.body.empty()) return {};
    auto object = json(response);
    return object.contains("error") ? std::string(object.at("error").as_string()) : "";
  }
  static std::string str(const boost::json::object& object, std::string_view key) {
    return std::string(object.at(key).as_string());
  }

  // A password-grant access token for bob.
  std::string bob_token(std::string_view id = "com.conf", std::string_view secret = "s3cret",
                        std::string_view scope = "") {
    std::string body = "grant_type=password&username=bob&password=pw";
    if (!scope.empty()) body += "&scope=" + std::string(scope);
    auto response = token(body, id, secret);
    EXPECT_EQ(response.status, 200) << response.body;
    return str(json(response), "access_token");
  }

  std::unique_ptr<Application> app_;
};

}  // namespace conduit::auth::testing
