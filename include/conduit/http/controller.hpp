// conduit::Controller: a link in the chain that handles a request.
//
// As in Conduit, controllers form linear chains: handle() either answers (returns a
// Response) or passes the request on (returns std::nullopt) to the controller linked
// after it. Router is a controller whose routes each start a chain. receive() runs the
// chain, turns exceptions into responses (HttpError -> its response, anything else ->
// 500) and applies the CORS policy of the chain's last controller, as Conduit does:
// an answer from earlier in the chain (an authorizer's 401, a rate limiter's 429) gets
// the headers the endpoint's policy allows, or none when that policy refuses the origin.
// The chain ends at the last linked controller or at a dispatcher (a Router), whose
// final_cors_policy() decides for it.
//
// Thread-safety: each event loop builds its own controller tree (one ApplicationChannel
// per loop), so controllers are never shared between threads and need no locking.
#pragma once

#include <concepts>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "conduit/core/task.hpp"
#include "conduit/http/api_description.hpp"
#include "conduit/http/cors_policy.hpp"
#include "conduit/http/request.hpp"
#include "conduit/http/response.hpp"

namespace conduit {

// What handle() produces: a response, or nullopt to pass the request down the chain.
using Outcome = std::optional<Response>;

// What the router tells the chain behind a route when the channel starts: the pattern
// and every set of path-variable names the pattern can match (one per optional part).
struct RouteInfo {
  std::string pattern;
  std::vector<std::vector<std::string>> variable_sets;
};

class Controller {
 public:
  Controller();
  virtual ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Answers or passes on. The default passes every request on.
  virtual Task<Outcome> handle(Request& request);

  // Runs this controller and, if it passes, the rest of the chain; always produces a
  // response (404 when the chain ends without one).
  Task<Response> receive(Request& request);

  // Links `next` after this controller and returns it, so links chain:
  //   router.route("/heroes/[:id]").link<Authorizer>(...).link<HeroController>();
  Controller& link(std::shared_ptr<Controller> next);
  template <class C, class... Args>
  requires std::derived_from<C, Controller> C& link(Args&&... args) {
    auto controller = std::make_shared<C>(std::forward<Args>(args)...);
    C& ref = *controller;
    link(std::move(controller));
    return ref;
  }
  // Links a function `Task<Response>(Request&)` or `Task<Outcome>(Request&)`.
  template <class F>
  Controller& link_function(F function);

  Controller* next() const noexcept { return next_.get(); }

  // True for controllers that pick the next chain per request (Router). A preflight
  // request travels to the last controller of a chain, skipping the ones in between
  // (an Authorizer must not answer it), but it stops at a dispatcher so it can route.
  virtual bool dispatches_requests() const noexcept { return false; }

  // Called once when the channel has built the tree, before any request. Routers compile
  // their routes here; overrides must call the base to reach the rest of the chain.
  virtual void did_add_to_channel();
  // Called by the router for the chain behind each route; ResourceController checks its
  // operations against the route's variables here. Overrides must call the base.
  virtual void did_attach_to_route(const RouteInfo& route);

  // What this controller answers, for the OpenAPI document (api_description.hpp): its
  // operations on the route it ends. Default: none (the route is left out of the document).
  virtual std::vector<ApiOperation> api_operations() const;

  // A hook to adjust every response this controller produces.
  virtual void will_send_response(const Request& request, Response& response);

  // The CORS policy of this controller. It decides preflights and response headers for
  // every answer of the chain when this controller ends the chain (Conduit's "last
  // controller" rule); a policy set on a controller followed by others has no effect.
  // Starts as a copy of CorsPolicy::default_policy(); nullopt disables CORS handling.
  std::optional<CorsPolicy>& cors_policy() noexcept { return cors_policy_; }

  // The policy applied to answers given by any controller of a chain this controller
  // ends: cors_policy(). A dispatcher, which ends the chains in front of it, overrides it
  // with the policy of its own answers (Router: the default policy).
  virtual const CorsPolicy* final_cors_policy() const noexcept;

 private:
  Task<Response> answer_preflight(Request& request);
  // The controller that ends this chain: the last linked one, or the first dispatcher.
  Controller& last_in_chain() noexcept;

  std::shared_ptr<Controller> next_;
  std::optional<CorsPolicy> cors_policy_;
};

// A controller built from a function; see Controller::link_function.
class FunctionController final : public Controller {
 public:
  using Function = std::function<Task<Outcome>(Request&)>;
  explicit FunctionController(Function function) : function_(std::move(function)) {}
  Task<Outcome> handle(Request& request) override { return function_(request); }

 private:
  Function function_;
};

namespace http::detail {
template <class F>
Task<Outcome> call_as_outcome(F& function, Request& request) {
  co_return co_await function(request);
}
}  // namespace http::detail

template <class F>
Controller& Controller::link_function(F function) {
  using Result = std::invoke_result_t<F&, Request&>;
  if constexpr (std::is_same_v<Result, Task<Outcome>>) {
    return link(std::make_shared<FunctionController>(std::move(function)));
  } else {
    static_assert(std::is_same_v<Result, Task<Response>>,
                  "link_function takes a function Task<Response>(Request&) or "
                  "Task<Outcome>(Request&)");
    return link(std::make_shared<FunctionController>(
        [f = std::move(function)](Request& request) mutable -> Task<Outcome> {
          return http::detail::call_as_outcome(f, request);
        }));
  }
}

}  // namespace conduit
