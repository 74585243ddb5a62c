// A channel for server tests: a dispatcher controller that answers by path, so these
// tests exercise the server (not the router) and need no other module.
//
// Thread-safety: one instance per event loop, as every channel.
#pragma once

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>

#include "conduit/app/application.hpp"
#include "conduit/app/sleep.hpp"
#include "conduit/http/controller.hpp"
#include "conduit/http/http_error.hpp"

namespace conduit::testing {

inline std::atomic<int> g_closed_channels{0};
// Requests that reached /smuggled: a smuggling test sends one hidden in a body.
inline std::atomic<int> g_smuggled_requests{0};

class DispatchController : public Controller {
 public:
  Task<Outcome> handle(Request& request) override {
    const std::string& path = request.path();
    if (path == "/hello") co_return Response::text(200, "Hello, World!");
    if (path == "/json") co_return Response::ok(boost::json::object{{"message", "Hello, World!"}});
    if (path == "/echo") {
      Response r = Response::text(200, request.body(), "application/octet-stream");
      r.set_header("X-Body-Length", std::to_string(request.body().size()));
      r.set_header("X-Method", request.method());
      co_return r;
    }
    if (path == "/whoami") {
      co_return Response::ok(boost::json::object{{"remote", request.remote_address()},
                                                 {"scheme", request.scheme()},
                                                 {"request_id", request.request_id()}});
    }
    if (path.starts_with("/sleep/")) {
      int ms = std::stoi(path.substr(7));
      co_await sleep_for(std::chrono::milliseconds(ms));
      co_return Response::ok(boost::json::object{{"slept", ms}});
    }
    if (path == "/smuggled") {
      ++g_smuggled_requests;
      co_return Response::text(200, "smuggled");
    }
    if (path == "/throw") throw std::runtime_error("boom");
    if (path == "/teapot") throw HttpError(418, "short and stout");
    if (path == "/big") {
      std::string text;
      for (int i = 0; i < 2000; ++i) text += "compressible text ";
      co_return Response::text(200, text);
    }
    if (path == "/query") {
      boost::json::object o;
      for (const auto& [k, v] : request.query()) o[k] = v;
      co_return Response::ok(o);
    }
    co_return std::nullopt;  // end of chain -> 404
  }
};

class TestChannel : public ApplicationChannel {
 public:
  std::shared_ptr<Controller> entry_point() override {
    return std::make_shared<DispatchController>();
  }
  Task<void> close() override {
    ++g_closed_channels;
    co_return;
  }
};

inline ApplicationSpec test_spec() { return application_spec<TestChannel>("test-app"); }

inline ApplicationOptions test_options() {
  ApplicationOptions options;
  options.port = 0;
  options.address = "127.0.0.1";
  options.log_requests = false;
  return options;
}

}  // namespace conduit::testing
