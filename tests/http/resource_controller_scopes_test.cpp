// ResourceController operation scopes (OperationHandle::scopes) against the ScopeGrant an
// authorizer attaches (scope_grant.hpp), without the auth module: 403 with the required
// scopes, 500 without a grant, and operations without scopes untouched.
// Thread-safety: test code; one thread.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "conduit/http/resource_controller.hpp"
#include "conduit/http/scope_grant.hpp"
#include "support/resource_test_support.hpp"

namespace conduit {
namespace {

using testing::error_of;
using testing::json_of;
using testing::make_request;
using testing::run;

// Grants exactly the listed scopes (no hierarchy: that is the authorizer's business).
class ListGrant final : public ScopeGrant {
 public:
  explicit ListGrant(std::set<std::string, std::less<>> scopes) : scopes_(std::move(scopes)) {}
  bool covers(std::string_view scope) const override { return scopes_.contains(scope); }

 private:
  std::set<std::string, std::less<>> scopes_;
};

class ScopedController : public ResourceController {
 public:
  ScopedController() {
    get<&ScopedController::list>().scopes({"read"});
    post([](Request&) -> Task<Response> {
      co_return Response::ok(boost::json::object{});
    }).scopes({"read", "write"});
    del<&ScopedController::remove>();
  }
  Task<Response> list(Request&) { co_return Response::ok(boost::json::object{{"listed", true}}); }
  Task<Response> remove(Request&) { co_return Response::no_content(); }
};

Response send(ScopedController& controller, std::string method,
              std::shared_ptr<const ScopeGrant> grant) {
  Request request = make_request(std::move(method), "/things");
  if (grant) attach_scope_grant(request, std::move(grant));
  return run(controller, request);
}

TEST(ResourceControllerScopes, GrantedScopesReachTheOperation) {
  ScopedController controller;
  auto response = send(controller, "GET",
                       std::make_shared<ListGrant>(std::set<std::string, std::less<>>{"read"}));
  EXPECT_EQ(response.status(), 200);
  EXPECT_EQ(send(controller, "POST",
                 std::make_shared<ListGrant>(std::set<std::string, std::less<>>{"read", "write"}))
                .status(),
            200);
}

TEST(ResourceControllerScopes, MissingScopesAre403WithEveryRequiredScope) {
  ScopedController controller;
  auto response = send(controller, "POST",
                       std::make_shared<ListGrant>(std::set<std::string, std::less<>>{"read"}));
  EXPECT_EQ(response.status(), 403);
  EXPECT_EQ(error_of(response), "insufficient_scope");
  EXPECT_EQ(json_of(response).at("scope").as_string(), "read write");
}

TEST(ResourceControllerScopes, AnOperationWithScopesButNoAuthorizerIsAServerError) {
  ScopedController controller;
  EXPECT_EQ(send(controller, "GET", nullptr).status(), 500);
  EXPECT_EQ(send(controller, "GET", nullptr).status(), 500);
  // Operations without scopes need no grant.
  EXPECT_EQ(send(controller, "DELETE", nullptr).status(), 204);
}

TEST(ResourceControllerScopes, TheGrantIsReadBackFromTheRequest) {
  Request request = make_request("GET", "/");
  EXPECT_EQ(scope_grant(request), nullptr);
  auto grant = std::make_shared<const ListGrant>(std::set<std::string, std::less<>>{"a"});
  attach_scope_grant(request, grant);
  EXPECT_EQ(scope_grant(request), grant.get());
  // Something else under the key is not a grant.
  request.attachments()[std::string(kScopeGrantAttachment)] = 42;
  EXPECT_EQ(scope_grant(request), nullptr);
}

}  // namespace
}  // namespace conduit
