// Internal: running a conduit Task to completion on a private event loop on the calling
// thread, for code that lives outside the server's loops. Rethrows the task's exception.
//
// A declared internal interface of core (src/core/internal/), used by migration
// (TestDatabase creating and dropping schemas) and test (the harness adding clients).
//
// Thread-safety: blocks the calling thread, so never call it from a handler or any code
// running on a conduit event loop. A thread that merely owns a loop (a test's) is fine:
// its current loop is restored afterwards.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <optional>
#include <stdexcept>

#include "conduit/core/task.hpp"
#include "core/internal/current_loop.hpp"

namespace conduit::detail {

inline void run_blocking(Task<void> task) {
  boost::asio::io_context* const previous = current_io_context();
  boost::asio::io_context io;
  set_current_io_context(&io);
  std::exception_ptr failure;
  bool done = false;
  // SQLite answers from its worker thread by posting to the loop: until then the loop may
  // have no handler of its own pending, so a guard keeps run() from returning early.
  auto guard = boost::asio::make_work_guard(io);
  spawn(std::move(task), [&](std::exception_ptr e) {
    failure = e;
    done = true;
    guard.reset();
  });
  io.run();
  set_current_io_context(previous);
  if (failure) std::rethrow_exception(failure);
  if (!done) throw std::logic_error("run_blocking: the task never finished");
}

}  // namespace conduit::detail
