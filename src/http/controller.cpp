// Implementation of conduit::Controller: running a chain and mapping errors to responses.
#include "conduit/http/controller.hpp"

#include <exception>

#include "conduit/core/log.hpp"
#include "conduit/http/http_error.hpp"

namespace conduit {

Controller::Controller() : cors_policy_(CorsPolicy::default_policy()) {}
Controller::~Controller() = default;

Task<Outcome> Controller::handle(Request&) { co_return std::nullopt; }

Controller& Controller::link(std::shared_ptr<Controller> next) {
  next_ = std::move(next);
  return *next_;
}

void Controller::did_add_to_channel() {
  if (next_) next_->did_add_to_channel();
}

void Controller::did_attach_to_route(const RouteInfo& route) {
  if (next_) next_->did_attach_to_route(route);
}

void Controller::will_send_response(const Request&, Response&) {}

const CorsPolicy* Controller::final_cors_policy() const noexcept {
  return cors_policy_ ? &*cors_policy_ : nullptr;
}

Controller& Controller::last_in_chain() noexcept {
  Controller* last = this;
  while (last->next_ && !last->dispatches_requests()) last = last->next_.get();
  return *last;
}

Task<Response> Controller::answer_preflight(Request& request) {
  if (!cors_policy_) co_return Response(403);
  co_return cors_policy_->preflight_response(request);
}

Task<Response> Controller::receive(Request& request) {
  // Conduit: the last controller of a chain answers preflight requests with its policy.
  if (request.is_preflight() && !dispatches_requests()) {
    Controller* last = &last_in_chain();
    if (last != this) co_return co_await last->receive(request);
    co_return co_await answer_preflight(request);
  }

  Outcome outcome;
  try {
    outcome = co_await handle(request);
  } catch (const HttpError& error) {
    // Server-side failures (a database outage, a failed query) deserve a log line;
    // client errors are already in the request log with their status. An outage the
    // database pool has already reported once is not repeated for every request.
    if (error.status() >= 500 && !error.logged()) {
      log::error("{} (request_id={})", error.what(), request.request_id());
    }
    outcome = error.response();
  } catch (const std::exception& error) {
    log::error("uncaught exception in controller: {} (request_id={})", error.what(),
               request.request_id());
    outcome = Response::error(500, "internal server error");
  }
  if (!outcome) {
    if (next_) co_return co_await next_->receive(request);
    co_return Response(404);
  }
  will_send_response(request, *outcome);
  if (request.is_cors()) {
    // Conduit's rule: the endpoint's policy, not the answering controller's, so an
    // authorizer's 401 neither exposes the endpoint to an origin it refuses nor lacks
    // the credentials and exposed headers it grants. A dispatcher's own outcome was
    // decorated by the chain it routed to (or by the dispatcher, for its 404).
    const CorsPolicy* policy = dispatches_requests() ? (cors_policy_ ? &*cors_policy_ : nullptr)
                                                     : last_in_chain().final_cors_policy();
    if (policy) policy->apply(request, *outcome);
  }
  co_return std::move(*outcome);
}

std::vector<ApiOperation> Controller::api_operations() const { return {}; }

}  // namespace conduit
