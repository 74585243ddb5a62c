// The io_context of the event loop running on this thread (and its place among the
// process's loops), for awaitables (timers,
// database sockets) that must resume on the loop that awaited them.
//
// A declared internal interface of core (src/core/internal/): the app module sets it per
// loop; db and migration read it. Not installed, and never included by a public header,
// since it brings in Asio.
//
// Thread-safety: thread-local; set by EventLoop::run for its own thread.
#pragma once

#include <boost/asio/io_context.hpp>

namespace conduit::detail {

boost::asio::io_context* current_io_context() noexcept;
void set_current_io_context(boost::asio::io_context* io) noexcept;

// Which of the process's event loops runs on this thread, and how many there are: the
// database pools split the configured process-wide connection count by it.
struct LoopShare {
  int index = 0;
  int count = 1;
};
LoopShare current_loop_share() noexcept;
void set_current_loop_share(LoopShare share) noexcept;

}  // namespace conduit::detail
