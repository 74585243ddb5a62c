// End-to-end tests of ResourceController behind a real Router: the router's path match
// selects the operation, and a route/operation mismatch fails when the channel starts.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "conduit/http/resource_controller.hpp"
#include "conduit/http/router.hpp"
#include "support/resource_test_support.hpp"

namespace {

using conduit::Path;
using conduit::Query;
using conduit::Response;
using conduit::Task;
using conduit::testing::error_of;
using conduit::testing::json_of;
using conduit::testing::make_request;
using conduit::testing::run;

class ItemController : public conduit::ResourceController {
 public:
  ItemController() {
    get<&ItemController::list>();
    get<&ItemController::one>();
  }
  Task<Response> list(Query<"limit", std::optional<int>> limit) {
    co_return Response::ok({{"list", true}, {"limit", limit->value_or(-1)}});
  }
  Task<Response> one(Path<"id", std::int64_t> id) { co_return Response::ok({{"id", *id}}); }
};

TEST(ResourceRouter, RouterVariablesSelectTheOperation) {
  conduit::Router router;
  router.route("/items/[:id]").link<ItemController>();
  router.did_add_to_channel();

  auto list = make_request("GET", "/items?limit=5");
  auto listed = run(router, list);
  ASSERT_EQ(listed.status(), 200) << listed.body();
  EXPECT_EQ(json_of(listed).at("limit"), 5);

  auto one = make_request("GET", "/items/12");
  auto found = run(router, one);
  ASSERT_EQ(found.status(), 200) << found.body();
  EXPECT_EQ(json_of(found).at("id"), 12);

  auto bad = make_request("GET", "/items/twelve");
  EXPECT_EQ(error_of(run(router, bad)), "invalid value for path value 'id'");

  auto post = make_request("POST", "/items/12");
  auto refused = run(router, post);
  EXPECT_EQ(refused.status(), 405);
  EXPECT_EQ(refused.headers().get("Allow"), "GET");
}

TEST(ResourceRouter, MismatchedRouteFailsAtStartUp) {
  conduit::Router router;
  router.route("/items/:item_id").link<ItemController>();
  EXPECT_THROW(router.did_add_to_channel(), std::logic_error);
}

}  // namespace
