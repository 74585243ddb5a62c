// conduit::ApplicationChannel: the application's entry point, as in Conduit.
//
// Lifecycle, once per event loop (each loop has its own channel instance):
//   prepare()                      after the configuration path is known; load config,
//                                  open database contexts (lazily: never block start-up)
//   entry_point()                  builds the controller tree (usually a Router)
//   will_start_receiving_requests() right before the loop starts answering
//   close()                        when the server stops, after in-flight requests end
// An optional `static Task<void> initialize_application(ApplicationOptions&)` on the
// channel type runs once per process before any loop starts.
//
// Thread-safety: a channel and its controllers are used only by their own loop thread.
#pragma once

#include <memory>

#include "conduit/app/application_options.hpp"
#include "conduit/core/task.hpp"

namespace conduit {

// Only a pointer to the controller tree is named here: a channel's header (included by the
// application's main.cpp) need not parse http/controller.hpp and Boost.JSON. The file that
// builds the tree includes "conduit/http/router.hpp" (or controller.hpp) itself.
class Controller;

class ApplicationChannel {
 public:
  ApplicationChannel() = default;
  virtual ~ApplicationChannel() = default;
  ApplicationChannel(const ApplicationChannel&) = delete;
  ApplicationChannel& operator=(const ApplicationChannel&) = delete;

  virtual Task<void> prepare() { co_return; }
  virtual std::shared_ptr<Controller> entry_point() = 0;
  virtual void will_start_receiving_requests() {}
  virtual Task<void> close() { co_return; }

  const ApplicationOptions& options() const noexcept { return *options_; }
  // 0-based index of the event loop this channel serves.
  int loop_index() const noexcept { return loop_index_; }

  // Called by the server before prepare().
  void attach(const ApplicationOptions* options, int loop_index) noexcept {
    options_ = options;
    loop_index_ = loop_index;
  }

 private:
  const ApplicationOptions* options_ = nullptr;
  int loop_index_ = 0;
};

}  // namespace conduit
