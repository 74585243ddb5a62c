// Tests of the application test harness (include/conduit/test): a channel served by
// TestHarness, called with Agent over a real socket, checked with the expectations;
// failing expectations are caught with EXPECT_NONFATAL_FAILURE and their messages checked.
// The database side (a fresh database, add_client, login_user) is exercised by the
// accounts example's tests (examples/accounts/tests), which use a real auth app.
//
// Thread-safety: each test owns its harness.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <atomic>
#include <chrono>
#include <string>

#include "conduit/app/application_channel.hpp"
#include "conduit/http/multipart.hpp"
#include "conduit/http/router.hpp"
#include "conduit/test/agent.hpp"
#include "conduit/test/expectations.hpp"
#include "conduit/test/harness.hpp"

namespace {

using namespace conduit::test;

// Answers with what it received, so that the agent's encoding is visible in the body.
class EchoChannel : public conduit::ApplicationChannel {
 public:
  std::shared_ptr<conduit::Controller> entry_point() override {
    auto router = std::make_shared<conduit::Router>();
    router->route("/echo").link_function(
        [](conduit::Request& request) -> conduit::Task<conduit::Response> {
          boost::json::object out{{"method", request.method()},
                                  {"path", request.path()},
                                  {"query", request.query_string()},
                                  {"content_type", request.content_type()},
                                  {"body", request.body()}};
          for (const char* name : {"authorization", "x-custom"}) {
            if (auto value = request.header(name)) out[name] = std::string(*value);
          }
          if (request.content_type() == "multipart/form-data") {
            boost::json::object parts;
            for (const auto& part : request.multipart()) {
              parts[part.name] = part.data + (part.filename ? " (" + *part.filename + ")" : "");
            }
            out["parts"] = std::move(parts);
          }
          co_return conduit::Response::ok(out);
        });
    router->route("/user").link_function([](conduit::Request&) -> conduit::Task<conduit::Response> {
      co_return conduit::Response::ok(boost::json::object{{"id", 7},
                                                          {"name", "bob"},
                                                          {"created", "2024-05-01T10:20:30.123Z"},
                                                          {"tags", boost::json::array{"a", "b"}}});
    });
    return router;
  }
};

class HarnessTest : public ::testing::Test {
 protected:
  void SetUp() override { harness_.start(); }
  TestHarness<EchoChannel> harness_{HarnessOptions{
      .config_path = "", .migrations = "none", .database_url = "", .use_database = false}};
};

TEST_F(HarnessTest, AgentSendsJsonBodies) {
  const auto reply = harness_.agent().post("/echo", {{"name", "first"}, {"count", 2}});
  EXPECT_TRUE(has_response(reply, 200,
                           partial({{"method", "POST"},
                                    {"content_type", "application/json"},
                                    {"body", R"({"name":"first","count":2})"}})));
}

TEST_F(HarnessTest, AgentSendsFormAndMultipartBodies) {
  auto agent = harness_.agent();
  EXPECT_TRUE(has_body(agent.post("/echo", Body::form({{"user name", "a&b"}, {"x", "1"}})),
                       partial({{"content_type", "application/x-www-form-urlencoded"},
                                {"body", "user+name=a%26b&x=1"}})));
  const auto reply = agent.post(
      "/echo",
      Body::multipart({Part("field", "value"), Part("file", "bytes", "a.txt", "text/plain")}));
  EXPECT_TRUE(
      has_body(reply, partial({{"parts", {{"field", "value"}, {"file", "bytes (a.txt)"}}}})));
}

TEST_F(HarnessTest, AgentSendsQueryHeadersAndAuthorization) {
  auto agent = harness_.agent();
  agent.set_header("X-Custom", "default");
  EXPECT_TRUE(has_body(agent.get("/echo", query({{"q", "a b"}, {"n", "1"}})),
                       partial({{"method", "GET"},
                                {"query", "q=a%20b&n=1"},
                                {"x-custom", "default"},
                                {"authorization", absent()}})));
  EXPECT_TRUE(has_body(agent.get("/echo", headers({{"x-custom", "override"}})),
                       partial({{"x-custom", "override"}})));
  agent.set_basic_authorization("client", "secret");
  EXPECT_TRUE(
      has_body(agent.delete_("/echo"),
               partial({{"method", "DELETE"}, {"authorization", "Basic Y2xpZW50OnNlY3JldA=="}})));
  agent.set_bearer_authorization("token");
  EXPECT_TRUE(has_body(agent.put("/echo"), partial({{"authorization", "Bearer token"}})));
  agent.remove_header("authorization");
  EXPECT_TRUE(has_body(agent.get("/echo"), partial({{"authorization", absent()}})));
}

TEST_F(HarnessTest, MatchersAcceptWhatTheyDescribe) {
  const auto reply = harness_.agent().get("/user");
  EXPECT_TRUE(has_status(reply, 200));
  EXPECT_TRUE(has_header(reply, "Content-Type", any_string()));
  EXPECT_TRUE(has_header(reply, "X-Not-There", absent()));
  EXPECT_TRUE(has_body(
      reply,
      {{"id", 7}, {"name", "bob"}, {"created", "2024-05-01T10:20:30.123Z"}, {"tags", {"a", "b"}}}));
  EXPECT_TRUE(has_body(reply, object({{"id", any_integer()},
                                      {"name", any_string()},
                                      {"created", timestamp()},
                                      {"tags", array({"a", any_string()})}})));
  EXPECT_TRUE(has_body(reply, partial({{"id", 7}, {"password", absent()}})));
  EXPECT_TRUE(has_body(reply, partial({{"tags", boost::json::array{"a", "b"}}})));
  EXPECT_FALSE(has_body(reply, boost::json::array{}));
  EXPECT_FALSE(has_body(reply, partial({{"name", any_integer()}})));
  EXPECT_FALSE(has_body(reply, object({{"id", 7}})));  // exact objects list every key
  EXPECT_FALSE(has_body(reply, partial({{"tags", array({"a"})}})));
  EXPECT_EQ(harness_.agent().get("/nowhere").status, 404);
}

TEST_F(HarnessTest, AFailingExpectationPrintsTheDifference) {
  const auto reply = harness_.agent().get("/user");
  EXPECT_NONFATAL_FAILURE(
      EXPECT_TRUE(has_body(reply, partial({{"id", any_string()}, {"name", "alice"}}))),
      "$.id: expected <any string>, got 7");
  EXPECT_NONFATAL_FAILURE(
      EXPECT_TRUE(has_body(reply, partial({{"id", any_string()}, {"name", "alice"}}))),
      "$.name: expected \"alice\", got \"bob\"");
  // The expected body with its matchers, and the actual body, pretty-printed.
  EXPECT_NONFATAL_FAILURE(EXPECT_TRUE(has_body(reply, partial({{"name", "alice"}}))),
                          "expected body:\npartial {\n  \"name\": \"alice\"\n}");
  EXPECT_NONFATAL_FAILURE(EXPECT_TRUE(has_body(reply, partial({{"name", "alice"}}))),
                          "actual body:\n{\n  \"id\": 7,");
  EXPECT_NONFATAL_FAILURE(EXPECT_TRUE(has_response(reply, 201, partial({}))),
                          "expected status 201, got 200");
  EXPECT_NONFATAL_FAILURE(
      EXPECT_TRUE(has_body(reply, partial({{"password", absent()}, {"id", absent()}}))),
      "$.id: expected <absent>, got 7");
  EXPECT_NONFATAL_FAILURE(EXPECT_TRUE(has_header(reply, "X-Missing", "1")),
                          "expected header X-Missing: 1, got (absent)");
}

// /user's "created" is 2024-05-01T10:20:30.123Z.
TEST_F(HarnessTest, TimestampMatchersCompareTimePoints) {
  using namespace std::chrono;
  const auto at = [](int h, int m, int s, int ms = 0) {
    return system_clock::time_point(sys_days(2024y / May / 1) + hours(h) + minutes(m) + seconds(s) +
                                    milliseconds(ms));
  };
  const auto reply = harness_.agent().get("/user");
  EXPECT_TRUE(has_body(reply, partial({{"created", is_after(at(10, 20, 30))}})));
  EXPECT_TRUE(has_body(reply, partial({{"created", is_after(at(10, 20, 30, 122))}})));
  EXPECT_TRUE(has_body(reply, partial({{"created", is_before(at(10, 20, 30, 124))}})));
  EXPECT_TRUE(has_body(reply, partial({{"created", is_between(at(10, 0, 0), at(11, 0, 0))}})));
  EXPECT_FALSE(has_body(reply, partial({{"created", is_after(at(10, 20, 30, 123))}})));  // strict
  EXPECT_FALSE(has_body(reply, partial({{"created", is_before(at(10, 20, 30, 123))}})));
  EXPECT_FALSE(has_body(reply, partial({{"created", is_before(at(9, 0, 0))}})));

  // A mismatch says which bound, in UTC, and what the body held.
  EXPECT_NONFATAL_FAILURE(
      EXPECT_TRUE(has_body(reply, partial({{"created", is_after(at(11, 0, 0, 500))}}))),
      "$.created: expected <timestamp after 2024-05-01T11:00:00.500000Z>, got "
      "\"2024-05-01T10:20:30.123Z\"");
  EXPECT_NONFATAL_FAILURE(
      EXPECT_TRUE(has_body(reply, partial({{"created", is_before(at(9, 0, 0))}}))),
      "expected body:\npartial {\n  \"created\": <timestamp before 2024-05-01T09:00:00Z>");
  // Values that are not timestamps never match, whatever the bound.
  EXPECT_NONFATAL_FAILURE(EXPECT_TRUE(has_body(reply, partial({{"name", is_after(at(0, 0, 0))}}))),
                          "$.name: expected <timestamp after 2024-05-01T00:00:00Z>, got \"bob\"");
  EXPECT_FALSE(has_body(reply, partial({{"id", is_before(at(23, 0, 0))}})));
  EXPECT_FALSE(has_body(reply, partial({{"missing", is_after(at(0, 0, 0))}})));

  // The forms timestamp() accepts: offsets, no fraction, no zone (UTC); impossible dates not.
  EXPECT_EQ(parse_timestamp("2024-05-01T12:20:30.123+02:00"), at(10, 20, 30, 123));
  EXPECT_EQ(parse_timestamp("2024-05-01T07:50:30-0230"), at(10, 20, 30));
  EXPECT_EQ(parse_timestamp("2024-05-01T10:20:30"), at(10, 20, 30));
  EXPECT_EQ(parse_timestamp("2024-05-01T10:20:30.1234567Z"),
            at(10, 20, 30, 123) + microseconds(456));
  EXPECT_FALSE(parse_timestamp("2024-02-30T10:20:30Z"));
  EXPECT_FALSE(parse_timestamp("2024-05-01 10:20:30Z"));
  EXPECT_FALSE(parse_timestamp("yesterday"));
}

TEST_F(HarnessTest, StartStopAndHooks) {
  std::atomic<int> before = 0;
  std::atomic<int> after = 0;
  harness_.before_start = [&](conduit::ApplicationOptions& options) {
    ++before;
    options.threads = 2;
  };
  harness_.after_start = [&](HarnessBase& h) {
    ++after;
    EXPECT_TRUE(has_status(h.agent().get("/user"), 200));
  };
  const auto old_port = harness_.port();
  harness_.reset_data();  // restarts: hooks run, the server answers on a new port
  EXPECT_EQ(before, 1);
  EXPECT_EQ(after, 1);
  EXPECT_TRUE(harness_.running());
  EXPECT_TRUE(has_status(harness_.agent().get("/user"), 200));
  harness_.stop();
  EXPECT_FALSE(harness_.running());
  EXPECT_THROW(conduit::test::Agent("127.0.0.1", old_port).get("/user"), std::runtime_error);
  EXPECT_EQ(harness_.database(), nullptr);
}

}  // namespace
