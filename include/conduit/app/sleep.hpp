// conduit::sleep_for: suspend the current handler without blocking its event loop.
//
// Must be awaited from code running on a conduit event loop (a handler, prepare(),
// close()); elsewhere it throws std::logic_error. Useful for retries with back-off and
// for tests that need a handler that takes time.
//
// Thread-safety: resumes on the same loop thread that awaited it.
#pragma once

#include <chrono>

#include "conduit/core/task.hpp"

namespace conduit {

Task<void> sleep_for(std::chrono::milliseconds duration);

}  // namespace conduit
