// Implementation of the thread-local current io_context.
#include "core/internal/current_loop.hpp"

namespace conduit::detail {

namespace {
thread_local boost::asio::io_context* t_current = nullptr;
thread_local LoopShare t_share;
}  // namespace

boost::asio::io_context* current_io_context() noexcept { return t_current; }
void set_current_io_context(boost::asio::io_context* io) noexcept { t_current = io; }
LoopShare current_loop_share() noexcept { return t_share; }
void set_current_loop_share(LoopShare share) noexcept { t_share = share; }

}  // namespace conduit::detail
