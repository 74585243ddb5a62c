// The SQLite Database: submits statements to the database's Worker and resumes the
// awaiting coroutine on the loop that opened it. While statements are in flight the
// loop's io_context is kept from running out of work (a work guard), since nothing on
// the loop itself is pending for them.
//
// Thread-safety: single loop (checked); completions arrive from the worker through a
// mutex-guarded link that the Database cuts when it is destroyed.
#pragma once

#include <boost/asio/io_context.hpp>

#include <memory>

#include "conduit/db/database.hpp"

namespace conduit::db::detail {

std::shared_ptr<Database> open_sqlite(boost::asio::io_context& io,
                                      const DatabaseConfiguration& config,
                                      const DatabaseOptions& options);

}  // namespace conduit::db::detail
