// Helpers for driving controllers in the http tests: build a Request, run
// Controller::receive to completion (handlers complete synchronously here) and read the
// JSON error of a response. Single-threaded test code.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "conduit/core/task.hpp"
#include "conduit/http/controller.hpp"
#include "conduit/http/request.hpp"
#include "conduit/http/response.hpp"

namespace conduit::testing {

inline Request make_request(std::string method, std::string target, std::string body = {},
                            std::string content_type = {}) {
  Request request;
  request.set_method(std::move(method));
  if (!request.set_target(std::move(target))) throw std::invalid_argument("bad target");
  if (!content_type.empty()) request.mutable_headers().set("Content-Type", content_type);
  request.set_body(std::move(body));
  return request;
}

inline Response run(Controller& controller, Request& request) {
  std::optional<Response> response;
  std::exception_ptr error;
  bool done = false;
  detail::spawn(controller.receive(request),
                [&](std::exception_ptr e, std::optional<Response>&& r) noexcept {
                  error = e;
                  response = std::move(r);
                  done = true;
                });
  if (!done) throw std::logic_error("controller did not complete synchronously");
  if (error) std::rethrow_exception(error);
  return std::move(*response);
}

inline boost::json::value json_of(const Response& response) {
  return boost::json::parse(response.body());
}

// The "error" string of a JSON error body, or "" when there is none.
inline std::string error_of(const Response& response) {
  if (response.body().empty()) return {};
  auto json = json_of(response);
  const auto* object = json.if_object();
  if (!object || !object->contains("error") || !object->at("error").is_string()) return {};
  return std::string(object->at("error").get_string());
}

}  // namespace conduit::testing
