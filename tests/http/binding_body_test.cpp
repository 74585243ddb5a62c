// Tests for Body<> bindings in a ResourceController: described structs and lists of them
// (valid, wrong type, unknown and missing keys), optional bodies, JSON values, forms, raw
// text and multipart, body errors joined with the other binding errors, and a JsonCodec
// specialisation replacing the generic rules (in bodies, lists, members and responses).
#include <gtest/gtest.h>

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "conduit/http/http_error.hpp"
#include "conduit/http/json.hpp"
#include "conduit/http/resource_controller.hpp"
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

enum class Side { hero, villain };
BOOST_DESCRIBE_ENUM(Side, hero, villain)

struct HeroInput {
  std::string name;
  std::optional<int> age;
  Side side = Side::hero;
  std::vector<std::string> powers;
};
BOOST_DESCRIBE_STRUCT(HeroInput, (), (name, age, side, powers))

struct Hero : HeroInput {
  std::int64_t id = 0;
};
BOOST_DESCRIBE_STRUCT(Hero, (HeroInput), (id))

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
