// Helpers shared by the libFuzzer targets: running a controller synchronously and
// reporting a broken invariant as a crash libFuzzer records (with the input that caused it).
//
// Thread-safety: libFuzzer calls each target from one thread; nothing here is shared.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string_view>
#include <utility>

#include "conduit/core/task.hpp"
#include "conduit/http/controller.hpp"
#include "conduit/http/request.hpp"
#include "conduit/http/response.hpp"

namespace conduit::fuzz {

// Prints why and aborts, so libFuzzer saves the input as a crash.
[[noreturn]] inline void fail(std::string_view what) {
  std::fprintf(stderr, "fuzz invariant violated: %.*s\n", static_cast<int>(what.size()),
               what.data());
  std::abort();
}

inline void check(bool condition, std::string_view what) {
  if (!condition) fail(what);
}

// Runs controller.receive(request), which must finish before spawn returns (every
// controller the fuzzers use completes synchronously) and must never throw: receive()
// turns every exception into a response.
inline Response receive_now(Controller& controller, Request& request) {
  std::optional<Response> response;
  std::exception_ptr error;
  bool done = false;
  detail::spawn(controller.receive(request),
                [&](std::exception_ptr e, std::optional<Response>&& r) noexcept {
                  error = e;
                  response = std::move(r);
                  done = true;
                });
  check(done, "receive() did not complete synchronously");
  if (error) std::rethrow_exception(error);  // uncaught: libFuzzer reports it as a crash
  check(response.has_value(), "receive() finished without a response");
  check(response->status() >= 100 && response->status() <= 599, "status outside 100..599");
  return std::move(*response);
}

}  // namespace conduit::fuzz
