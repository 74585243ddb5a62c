// Tests for Body<> bindings in a ResourceController: described structs and lists of them
// (valid, wrong type, unknown and missing keys), optional bodies, JSON values, forms, raw
// text and multipart, body errors joined with the other binding errors, and a JsonCodec
// specialisation replacing the generic rules (in bodies, lists, members and responses),
// Conduit's key filters (accept_keys, ignore_keys, reject_keys, require_keys) and the
// answer to a body of the wrong shape.
#include <gtest/gtest.h>

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conduit/http/http_error.hpp"
#include "conduit/http/json.hpp"
#include "conduit/http/resource_controller.hpp"
#include "support/hero_input.hpp"
#include "support/resource_test_support.hpp"

namespace {

using conduit::Body;
using conduit::Query;
using conduit::ResourceController;
using conduit::Response;
using conduit::Task;
using conduit::testing::error_of;
using conduit::testing::json_of;
using conduit::testing::make_request;
using conduit::testing::run;

using conduit::testing::Hero;
using conduit::testing::HeroInput;
using conduit::testing::Side;

// A value with its own JSON form, "21.5C", through a JsonCodec specialisation.
struct Temperature {
  double celsius = 0;
};

// A described struct whose member is converted by the codec.
struct Reading {
  std::string place;
  Temperature temperature;
};
BOOST_DESCRIBE_STRUCT(Reading, (), (place, temperature))

}  // namespace

template <>
struct conduit::JsonCodec<Temperature> {
  static boost::json::value write(const Temperature& value) {
    return boost::json::value(std::to_string(static_cast<int>(value.celsius)) + "C");
  }
  static void read(const boost::json::value& json, Temperature& out,
                   const conduit::JsonReadOptions&) {
    const auto* text = json.if_string();
    if (!text || text->empty() || text->back() != 'C') {
      throw conduit::JsonError(conduit::JsonError::Kind::unexpected_type, "", "temperature");
    }
    out.celsius = std::stod(std::string(text->data(), text->size() - 1));
    if (out.celsius < -273.15) throw conduit::HttpError(422, "below absolute zero");
  }
};

namespace {

template <class B>
Response post_body(std::string body, std::string content_type, B& seen) {
  ResourceController controller;
  controller.post([&seen](B bound) -> Task<Response> {
    seen = std::move(bound);
    co_return Response::ok();
  });
  if (content_type != "application/json")
    controller.accepted_content_types().push_back(content_type);
  auto request = make_request("POST", "/x", std::move(body), std::move(content_type));
  return run(controller, request);
}

TEST(BodyBinding, DescribedStructIsDecoded) {
  Body<HeroInput> seen;
  auto response = post_body(R"({"name":"Ann","age":31,"side":"villain","powers":["x","y"]})",
                            "application/json", seen);
  ASSERT_EQ(response.status(), 200) << response.body();
  EXPECT_EQ(seen->name, "Ann");
  EXPECT_EQ(seen->age, 31);
  EXPECT_EQ(seen->side, Side::villain);
  EXPECT_EQ(seen->powers, (std::vector<std::string>{"x", "y"}));

  auto null_age =
      post_body(R"({"name":"B","age":null,"side":"hero","powers":[]})", "application/json", seen);
  EXPECT_EQ(null_age.status(), 200);
  EXPECT_EQ(seen->age, std::nullopt);
}

TEST(BodyBinding, ShapeErrorsNameTheKey) {
  Body<HeroInput> seen;
  struct Case {
    const char* body;
    const char* error;
  };
  for (auto [body, error] : {
           Case{R"({"name":5,"side":"hero","powers":[]})",
                "request entity was unexpected type for key 'name'"},
           Case{R"({"name":"A","age":"old","side":"hero","powers":[]})",
                "request entity was unexpected type for key 'age'"},
           Case{R"({"name":"A","side":"alien","powers":[]})",
                "request entity was unexpected type for key 'side'"},
           Case{R"({"name":"A","side":"hero","powers":["a",2]})",
                "request entity was unexpected type for key 'powers[1]'"},
           Case{R"([1,2])", "request entity was unexpected type"},
           Case{R"("text")", "request entity was unexpected type"},
           Case{R"({"name":"A","side":"hero","powers":[],"admin":true})",
                "invalid input key 'admin'"},
           Case{R"({"age":3})", "missing required input key(s): 'name, side, powers'"},
       }) {
    auto response = post_body(body, "application/json", seen);
    EXPECT_EQ(response.status(), 400) << body;
    EXPECT_EQ(error_of(response), error) << body;
  }
}

TEST(BodyBinding, UndecodableJsonIs400) {
  Body<HeroInput> seen;
  auto response = post_body(R"({"name":)", "application/json", seen);
  EXPECT_EQ(response.status(), 400);
  EXPECT_EQ(error_of(response), "request entity could not be decoded");

  auto latin = post_body("{}", "application/json; charset=latin1", seen);
  EXPECT_EQ(latin.status(), 415);
  EXPECT_EQ(error_of(latin), "invalid charset 'latin1'");
}

TEST(BodyBinding, UnknownKeysMayBeAllowed) {
  Body<HeroInput, conduit::JsonReadOptions{.reject_unknown_keys = false}> seen;
  auto response =
      post_body(R"({"name":"A","side":"hero","powers":[],"extra":1})", "application/json", seen);
  EXPECT_EQ(response.status(), 200) << response.body();
  EXPECT_EQ(seen->name, "A");
}

TEST(BodyBinding, ListOfDescribedStructs) {
  Body<std::vector<HeroInput>> seen;
  auto response = post_body(
      R"([{"name":"A","side":"hero","powers":[]},{"name":"B","side":"villain","powers":["z"]}])",
      "application/json", seen);
  ASSERT_EQ(response.status(), 200) << response.body();
  ASSERT_EQ(seen->size(), 2u);
  EXPECT_EQ((*seen)[1].side, Side::villain);

  auto bad = post_body(R"([{"name":"A","side":"hero","powers":[]},{"name":"B","powers":[]}])",
                       "application/json", seen);
  EXPECT_EQ(error_of(bad), "missing required input key(s): '[1].side'");
  auto object = post_body(R"({"name":"A","side":"hero","powers":[]})", "application/json", seen);
  EXPECT_EQ(error_of(object), "request entity was unexpected type");
  auto empty_list = post_body("[]", "application/json", seen);
  EXPECT_EQ(empty_list.status(), 200);
  EXPECT_TRUE(seen->empty());
}

TEST(BodyBinding, MissingBodyIsRequiredUnlessOptional) {
  Body<HeroInput> required;
  auto response = post_body("", "application/json", required);
  EXPECT_EQ(response.status(), 400);
  EXPECT_EQ(error_of(response), "missing required body");

  Body<std::optional<HeroInput>> optional;
  optional.value = HeroInput{};
  EXPECT_EQ(post_body("", "application/json", optional).status(), 200);
  EXPECT_FALSE(optional->has_value());
  EXPECT_EQ(
      post_body(R"({"name":"A","side":"hero","powers":[]})", "application/json", optional).status(),
      200);
  EXPECT_EQ((*optional)->name, "A");
}

TEST(BodyBinding, BodyErrorsJoinTheOtherBindingErrors) {
  ResourceController controller;
  controller.post(
      [](Query<"dry_run", int>, Body<HeroInput>) -> Task<Response> { co_return Response::ok(); });
  auto request =
      make_request("POST", "/x", R"({"name":1,"side":"hero","powers":[]})", "application/json");
  EXPECT_EQ(error_of(run(controller, request)),
            "missing required query 'dry_run', request entity was unexpected type for key 'name'");
}

TEST(BodyBinding, JsonValueFormTextAndMultipart) {
  Body<boost::json::value> json;
  EXPECT_EQ(post_body("[1,{\"a\":null}]", "application/json", json).status(), 200);
  EXPECT_EQ(boost::json::serialize(*json), "[1,{\"a\":null}]");
  // A JSON binding cannot read a form.
  auto wrong = post_body("a=1", "application/x-www-form-urlencoded", json);
  EXPECT_EQ(error_of(wrong), "request entity was unexpected type");

  Body<conduit::Parameters> form;
  EXPECT_EQ(post_body("a=1&b=x+y&a=2", "application/x-www-form-urlencoded", form).status(), 200);
  EXPECT_EQ(form->get_all("a").size(), 2u);
  EXPECT_EQ(form->get("b"), "x y");
  EXPECT_EQ(error_of(post_body("{}", "application/json", form)),
            "request entity was unexpected type");

  Body<std::string> text;
  EXPECT_EQ(post_body("plain words", "text/plain", text).status(), 200);
  EXPECT_EQ(*text, "plain words");

  Body<conduit::Multipart> multipart;
  std::string body =
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
      "Hello\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"avatar\"; filename=\"a.png\"\r\n"
      "Content-Type: image/png\r\n\r\n"
      "\x89PNG\r\n\x1a\n\r\n"
      "--XyZ--\r\n";
  auto response = post_body(body, "multipart/form-data; boundary=XyZ", multipart);
  ASSERT_EQ(response.status(), 200) << response.body();
  EXPECT_EQ(multipart->field("title"), "Hello");
  ASSERT_NE(multipart->file("avatar"), nullptr);
  EXPECT_EQ(multipart->file("avatar")->data, "\x89PNG\r\n\x1a\n");
  EXPECT_EQ(multipart->file("avatar")->content_type, "image/png");
}

TEST(BodyBinding, MalformedMultipartIs400Json) {
  ResourceController controller;
  bool called = false;
  controller.post([&](Body<conduit::Multipart>) -> Task<Response> {
    called = true;
    co_return Response::ok();
  });
  auto truncated =
      make_request("POST", "/x", "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nda",
                   "multipart/form-data; boundary=b");
  auto response = run(controller, truncated);
  EXPECT_EQ(response.status(), 400);
  EXPECT_EQ(error_of(response), "malformed multipart body: body is truncated");

  auto no_boundary = make_request("POST", "/x", "--b--", "multipart/form-data");
  auto missing = run(controller, no_boundary);
  EXPECT_EQ(missing.status(), 400);
  EXPECT_EQ(error_of(missing), "malformed multipart body: missing or invalid boundary");
  EXPECT_FALSE(called);
}

TEST(BodyBinding, ToJsonRoundTripsThroughResponses) {
  Hero hero;
  hero.name = "Ann";
  hero.id = 7;
  hero.powers = {"x"};
  auto response = Response::ok(conduit::to_json(hero));
  auto back = conduit::from_json<Hero>(json_of(response));
  EXPECT_EQ(back.id, 7);
  EXPECT_EQ(back.name, "Ann");
  EXPECT_EQ(back.powers, hero.powers);
}

TEST(BodyBinding, JsonCodecReplacesTheGenericRules) {
  Body<Temperature> one;
  ASSERT_EQ(post_body(R"("21.5C")", "application/json", one).status(), 200);
  EXPECT_EQ(one->celsius, 21.5);
  EXPECT_EQ(error_of(post_body("21.5", "application/json", one)),
            "request entity was unexpected type");
  // Any other exception of the codec is answered as it is.
  const Response cold = post_body(R"("-300C")", "application/json", one);
  EXPECT_EQ(cold.status(), 422);
  EXPECT_EQ(error_of(cold), "below absolute zero");

  Body<std::vector<Reading>> readings;
  ASSERT_EQ(
      post_body(R"([{"place":"a","temperature":"3C"}])", "application/json", readings).status(),
      200);
  EXPECT_EQ(readings->at(0).temperature.celsius, 3);
  EXPECT_EQ(error_of(post_body(R"([{"temperature":"3C"}])", "application/json", readings)),
            "missing required input key(s): '[0].place'");

  EXPECT_EQ(Response::ok(Temperature{5}).body(), R"("5C")");
  EXPECT_EQ(Response::ok(Reading{"b", {7}}).body(), R"({"place":"b","temperature":"7C"})");
  EXPECT_EQ(conduit::to_json(std::vector<Temperature>{{1}, {2}}),
            boost::json::parse(R"(["1C","2C"])"));
}

// ---- Conduit's body filters (accept, ignore, reject, require) and wrong shapes ------------

using conduit::accept_keys;
using conduit::ignore_keys;
using conduit::reject_keys;
using conduit::require_keys;

// Conduit's SerializableException body, which its filters throw.
std::string filter_error(std::string_view reason) {
  return boost::json::serialize(boost::json::object{{"error", "entity validation failed"},
                                                    {"reasons", boost::json::array{reason}}});
}

constexpr const char* kValidHero = R"({"name":"A","side":"hero","powers":[]})";

TEST(BodyFilters, RejectRefusesTheKey) {
  Body<HeroInput, reject_keys<"age", "side">> seen;
  EXPECT_EQ(post_body(kValidHero, "application/json", seen).status(), 400);
  const Response response =
      post_body(R"({"name":"A","age":3,"side":"hero","powers":[]})", "application/json", seen);
  EXPECT_EQ(response.status(), 400);
  // The first rejected key in the body's order.
  EXPECT_EQ(response.body(), filter_error("invalid input key 'age'"));
  const Response ok = post_body(R"({"name":"A","powers":[]})", "application/json", seen);
  // "side" has a default in C++ but is still required by the struct's rules.
  EXPECT_EQ(error_of(ok), "missing required input key(s): 'side'");
}

TEST(BodyFilters, RequireNeedsEveryKeyAndNamesTheMissingOnes) {
  Body<HeroInput, require_keys<"age", "name", "powers">> seen;
  const Response response = post_body(R"({"name":"A","side":"hero"})", "application/json", seen);
  EXPECT_EQ(response.status(), 400);
  EXPECT_EQ(response.body(), filter_error("missing required input key(s): 'age, powers'"));
  ASSERT_EQ(
      post_body(R"({"name":"A","age":null,"side":"hero","powers":[]})", "application/json", seen)
          .status(),
      200);
  EXPECT_EQ(seen->age, std::nullopt);
  // A required key that is also ignored is satisfied by its presence, as in Conduit.
  Body<HeroInput, ignore_keys<"age">, require_keys<"age">> both;
  const Response ignored =
      post_body(R"({"name":"A","age":"old","side":"hero","powers":[]})", "application/json", both);
  EXPECT_EQ(ignored.status(), 200) << ignored.body();
  EXPECT_EQ(both->age, std::nullopt);
}

TEST(BodyFilters, IgnoredKeysAreRemovedBeforeDecoding) {
  Body<HeroInput, ignore_keys<"age">> seen;
  seen.value.age = 9;
  // A wrong type under an ignored key is never read.
  const Response response = post_body(R"({"name":"A","age":"old","side":"villain","powers":[]})",
                                      "application/json", seen);
  ASSERT_EQ(response.status(), 200) << response.body();
  EXPECT_EQ(seen->age, std::nullopt);
  EXPECT_EQ(seen->side, Side::villain);
  // Ignoring a member the struct requires makes it missing.
  Body<HeroInput, ignore_keys<"age", "powers">> required;
  EXPECT_EQ(error_of(post_body(R"({"name":"A","side":"hero","powers":[]})", "application/json",
                               required)),
            "missing required input key(s): 'powers'");
}

TEST(BodyFilters, AcceptKeepsOnlyTheListedKeys) {
  Body<Hero, accept_keys<"name", "side", "powers">, conduit::JsonReadOptions{}> seen;
  const Response response = post_body(R"({"id":7,"name":"A","age":3,"side":"hero","powers":["x"]})",
                                      "application/json", seen);
  // "id" is not accepted, so it is removed and then missing for the struct.
  EXPECT_EQ(error_of(response), "missing required input key(s): 'id'");

  Body<HeroInput, accept_keys<"name", "side", "powers">> input;
  ASSERT_EQ(
      post_body(R"({"name":"A","age":3,"side":"hero","powers":["x"]})", "application/json", input)
          .status(),
      200);
  EXPECT_EQ(input->age, std::nullopt);
  EXPECT_EQ(input->powers, std::vector<std::string>{"x"});
  // Keys the struct does not know are removed too, before the unknown-key check.
  EXPECT_EQ(
      post_body(R"({"name":"A","side":"hero","powers":[],"admin":true})", "application/json", input)
          .status(),
      200);
}

TEST(BodyFilters, ApplyToEachObjectOfAList) {
  Body<std::vector<HeroInput>, reject_keys<"age">, ignore_keys<"powers">> seen;
  const Response ok =
      post_body(R"([{"name":"A","side":"hero","powers":1},{"name":"B","side":"hero","powers":[]}])",
                "application/json", seen);
  // powers ignored, then missing for the struct: the filters run before the struct rules.
  EXPECT_EQ(error_of(ok), "missing required input key(s): '[0].powers'");
  const Response rejected =
      post_body(R"([{"name":"A","side":"hero"},{"name":"B","age":1,"side":"hero"}])",
                "application/json", seen);
  EXPECT_EQ(rejected.body(), filter_error("invalid input key 'age'"));

  Body<std::optional<std::vector<HeroInput>>, require_keys<"age">> optional;
  EXPECT_EQ(post_body("", "application/json", optional).status(), 200);
  EXPECT_EQ(
      post_body(R"([{"name":"A","side":"hero","powers":[]}])", "application/json", optional).body(),
      filter_error("missing required input key(s): 'age'"));
}

TEST(BodyFilters, FilterErrorsAreAnsweredInsteadOfOtherBindingErrors) {
  ResourceController controller;
  controller.post([](Query<"dry_run", int>, Body<HeroInput, reject_keys<"age">>) -> Task<Response> {
    co_return Response::ok();
  });
  auto request = make_request("POST", "/x", R"({"age":1})", "application/json");
  EXPECT_EQ(run(controller, request).body(), filter_error("invalid input key 'age'"));
}

TEST(BodyShape, WrongTopLevelShapeIsConduitsUnexpectedType) {
  // Conduit answers a body it cannot cast with {"error":"request entity was unexpected
  // type"}, sent as it is (instead of the other binding errors).
  const std::string expected = R"({"error":"request entity was unexpected type"})";
  Body<HeroInput> one;
  Body<std::vector<HeroInput>> list;
  Body<std::optional<HeroInput>> optional;
  for (const char* body :
       {"[]", R"([{"name":"A","side":"hero","powers":[]}])", "5", "\"x\"", "null", "true"}) {
    SCOPED_TRACE(body);
    const Response response = post_body(body, "application/json", one);
    EXPECT_EQ(response.status(), 400);
    EXPECT_EQ(response.body(), expected);
    EXPECT_EQ(post_body(body, "application/json", optional).body(), expected);
  }
  for (const char* body :
       {kValidHero, "5", "null", R"([{"name":"A","side":"hero","powers":[]},3])", "[[]]"}) {
    SCOPED_TRACE(body);
    EXPECT_EQ(post_body(body, "application/json", list).body(), expected);
  }

  ResourceController controller;
  controller.post(
      [](Query<"dry_run", int>, Body<HeroInput>) -> Task<Response> { co_return Response::ok(); });
  auto request = make_request("POST", "/x", "[1]", "application/json");
  EXPECT_EQ(run(controller, request).body(), expected);
}

TEST(BodyBinding, ResponsesConvertDescribedStructs) {
  Hero hero;
  hero.name = "Ann";
  hero.id = 7;
  const Response ok = Response::ok(hero);
  EXPECT_EQ(ok.status(), 200);
  EXPECT_EQ(ok.content_type(), conduit::kJsonContentType);
  EXPECT_EQ(json_of(ok), conduit::to_json(hero));
  const Response created = Response::created("/heroes/7", std::vector<Hero>{hero});
  EXPECT_EQ(created.status(), 201);
  EXPECT_EQ(json_of(created), conduit::to_json(std::vector<Hero>{hero}));
  EXPECT_EQ(Response::accepted(hero).status(), 202);
  EXPECT_EQ(Response::json(203, hero).status(), 203);
  // Values that convert to boost::json::value keep those overloads.
  EXPECT_EQ(Response::ok("text").body(), R"("text")");
  EXPECT_EQ(Response::ok(5).body(), "5");
  EXPECT_TRUE(Response::ok(nullptr).body().empty());
}

}  // namespace
