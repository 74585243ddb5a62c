// Test support for the db suites: an event loop that drives conduit::Tasks to completion
// with a hard bound (no sleeps), a Gate a coroutine can wait on until the test opens it,
// a root coroutine the test can destroy mid-flight, and the test database configurations
// (PostgreSQL from CONDUIT_TEST_DATABASE_URL, set by the CTest fixture postgres.start).
//
// Thread-safety: a Loop belongs to the thread that created it.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <unistd.h>
#include <atomic>
#include <chrono>
#include <coroutine>
#include <cstdlib>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "conduit/config/database_configuration.hpp"
#include "conduit/core/task.hpp"
#include "core/internal/current_loop.hpp"

namespace conduit::db::testing {

using namespace std::chrono_literals;

// The outcome of a spawned task, shared so that a task still running after a failed
// test never writes into a dead stack frame.
template <class T>
struct Outcome {
  bool done = false;
  std::exception_ptr error;
  std::optional<T> value;
};
template <>
struct Outcome<void> {
  bool done = false;
  std::exception_ptr error;
};

class Loop {
 public:
  Loop() { conduit::detail::set_current_io_context(&io); }
  ~Loop() { conduit::detail::set_current_io_context(nullptr); }
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // Starts `task` now; it runs until its first suspension before spawn returns.
  template <class T>
  std::shared_ptr<Outcome<T>> spawn(Task<T> task) {
    auto outcome = std::make_shared<Outcome<T>>();
    if constexpr (std::is_void_v<T>) {
      conduit::detail::spawn(std::move(task), [outcome](std::exception_ptr e) {
        outcome->error = e;
        outcome->done = true;
      });
    } else {
      conduit::detail::spawn(std::move(task),
                             [outcome](std::exception_ptr e, std::optional<T>&& v) {
                               outcome->error = e;
                               outcome->value = std::move(v);
                               outcome->done = true;
                             });
    }
    return outcome;
  }

  // Runs handlers until `done()` holds; throws if `bound` passes or nothing is pending.
  void run_until(const std::function<bool()>& done, std::chrono::milliseconds bound = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    while (!done()) {
      if (io.stopped()) io.restart();
      if (io.run_one_until(deadline) == 0 && !done()) {
        if (std::chrono::steady_clock::now() >= deadline) {
          throw std::runtime_error("test loop: bound exceeded");
        }
        if (io.stopped()) throw std::runtime_error("test loop: suspended with nothing pending");
      }
    }
  }

  // Runs `task` to completion and returns its value (or rethrows its exception).
  template <class T>
  T run(Task<T> task, std::chrono::milliseconds bound = 30s) {
    auto outcome = spawn(std::move(task));
    run_until([&] { return outcome->done; }, bound);
    if (outcome->error) std::rethrow_exception(outcome->error);
    if constexpr (!std::is_void_v<T>) return std::move(*outcome->value);
  }

  boost::asio::io_context io;
};

// A coroutine waits on it until the test opens it; resumption goes through the loop.
class Gate {
 public:
  explicit Gate(boost::asio::io_context& io) : io_(io) {}
  void open() {
    open_ = true;
    if (auto h = std::exchange(waiter_, {})) boost::asio::post(io_, [h] { h.resume(); });
  }
  bool has_waiter() const { return static_cast<bool>(waiter_); }

  struct Awaiter {
    Gate& gate;
    bool await_ready() const noexcept { return gate.open_; }
    void await_suspend(std::coroutine_handle<> h) noexcept { gate.waiter_ = h; }
    void await_resume() const noexcept {}
    ~Awaiter() {
      if (!gate.open_) gate.waiter_ = {};  // destroyed while waiting
    }
  };
  Awaiter wait() { return Awaiter{*this}; }

 private:
  boost::asio::io_context& io_;
  bool open_ = false;
  std::coroutine_handle<> waiter_;
};

// An eagerly started coroutine that the test can destroy while it is suspended, to
// check that nothing leaks when a handler's coroutine is abandoned.
class Root {
 public:
  struct promise_type {
    Root get_return_object() {
      return Root(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_never initial_suspend() const noexcept { return {}; }
    std::suspend_always final_suspend() const noexcept { return {}; }
    void return_void() const noexcept {}
    void unhandled_exception() const noexcept {}
  };
  explicit Root(std::coroutine_handle<promise_type> h) : handle_(h) {}
  Root(Root&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  ~Root() { destroy(); }
  bool done() const { return !handle_ || handle_.done(); }
  void destroy() {
    if (handle_) std::exchange(handle_, {}).destroy();
  }

 private:
  std::coroutine_handle<promise_type> handle_;
};

template <class T>
Root start_root(Task<T> task) {
  co_await std::move(task);
}

inline const char* postgres_url() { return std::getenv("CONDUIT_TEST_DATABASE_URL"); }

inline DatabaseConfiguration postgres_config() {
  return DatabaseConfiguration::parse_url(postgres_url());
}

inline DatabaseConfiguration sqlite_memory_config() {
  return DatabaseConfiguration::parse_url("sqlite::memory:");
}

// A table name no other test process uses at the same time.
inline std::string unique_name(std::string_view base) {
  static std::atomic<int> counter{0};
  return std::string(base) + "_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
}

#define CONDUIT_REQUIRE_POSTGRES()                                                         \
  do {                                                                                     \
    if (!::conduit::db::testing::postgres_url()) {                                         \
      GTEST_SKIP() << "CONDUIT_TEST_DATABASE_URL is not set (run through ctest, or start " \
                      "scripts/pg-test-cluster.sh and export its url)";                    \
    }                                                                                      \
  } while (0)

}  // namespace conduit::db::testing
