// Implementation of the thread-local current io_context.
#include "core/internal/current_loop.hpp"

namespace conduit::detail {

namespace {
thread_local boost::asio::io_context* t_current = nullptr;
}

boost::asio::io_context* current_io_context() noexcept { return t_current; }
void set_current_io_context(boost::asio::io_context* io) noexcept { t_current = io; }

}  // namespace conduit::detail
