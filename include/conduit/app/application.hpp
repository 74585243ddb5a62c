// conduit::Application and conduit::run: serving an ApplicationChannel.
//
// Application binds its listeners first (so a platform such as Heroku sees the port
// within its boot limit, and nothing slow such as a database delays it), then runs
// each event loop's channel lifecycle and starts answering. stop() is graceful: stop
// accepting, let in-flight requests finish within ServerLimits::shutdown_grace, close
// the channels. conduit::run is the application binary's main(): it parses the
// command line (`serve ...`, `db ...`; later `auth ...`, `document ...`).
//
// Thread-safety: start(), stop(), wait() and port() may be called from any thread;
// stop() is idempotent.
#pragma once

#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>

#include "conduit/app/application_channel.hpp"
#include "conduit/app/application_options.hpp"
#include "conduit/core/task.hpp"

namespace conduit {

namespace orm {
class DataModel;
}

using ChannelFactory = std::function<std::unique_ptr<ApplicationChannel>()>;
using InitializeHook = std::function<Task<void>(ApplicationOptions&)>;

// What an application binary is made of; grows with the data model, migrations and
// OpenAPI metadata as those land.
struct ApplicationSpec {
  std::string name = "conduit-app";
  std::string description;
  ChannelFactory make_channel;
  InitializeHook initialize;  // optional, runs once before the loops start
  // The application's data model, for the `db` commands (generate, validate, schema);
  // empty when the application stores nothing. Taken from a static Channel::data_model().
  std::function<const orm::DataModel&()> data_model;
};

template <class Channel>
ApplicationSpec application_spec(std::string name) {
  static_assert(std::is_base_of_v<ApplicationChannel, Channel>,
                "the channel type must derive from conduit::ApplicationChannel");
  ApplicationSpec spec;
  spec.name = std::move(name);
  spec.make_channel = [] { return std::make_unique<Channel>(); };
  if constexpr (requires(ApplicationOptions & o) {
                  { Channel::initialize_application(o) } -> std::same_as<Task<void>>;
                }) {
    spec.initialize = [](ApplicationOptions& o) { return Channel::initialize_application(o); };
  }
  if constexpr (requires {
                  { Channel::data_model() } -> std::convertible_to<const orm::DataModel&>;
                }) {
    spec.data_model = []() -> const orm::DataModel& { return Channel::data_model(); };
  }
  return spec;
}

class Application {
 public:
  Application(ApplicationSpec spec, ApplicationOptions options);
  ~Application();  // stops and waits
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  // Binds, prepares every loop's channel and starts serving on background threads.
  // Throws std::runtime_error (bind failure, a failing prepare(), an invalid route tree).
  void start();
  // The bound port (useful with port 0).
  std::uint16_t port() const noexcept;
  // "http://127.0.0.1:PORT" or https: for clients in tests.
  std::string local_url() const;
  // Graceful stop; blocks until every loop has ended (at most shutdown_grace + a little).
  void stop();
  // Blocks until the application has stopped.
  void wait();
  // start(), then serve until SIGINT or SIGTERM, then stop(). Returns the exit code.
  int run_until_signal();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The application binary's main(). Returns the process exit code.
int run(int argc, char** argv, const ApplicationSpec& spec);

template <class Channel>
int run(int argc, char** argv, std::string name) {
  return run(argc, argv, application_spec<Channel>(std::move(name)));
}

}  // namespace conduit
