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

Task<Response> Controller::answer_preflight(Request& request) {
  if (!cors_policy_) co_return Response(403);
  co_return cors_policy_->preflight_response(request);
}

Task<Response> Controller::receive(Request& request) {
  // Conduit: the last controller of a chain answers preflight requests with its policy.
  if (request.is_preflight() && !dispatches_requests()) {
    Controller* last = this;
    while (last->next_ && !last->dispatches_requests()) last = last->next_.get();
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
  if (cors_policy_ && request.is_cors()) cors_policy_->apply(request, *outcome);
  co_return std::move(*outcome);
}

}  // namespace conduit
