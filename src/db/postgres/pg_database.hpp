// The PostgreSQL Database: a Pool on the opening loop, and transactions that hold one
// leased connection from BEGIN to COMMIT/ROLLBACK.
//
// Seam for pipeline mode: Connection::execute is the one place that sends statements;
// pipelining (PQenterPipelineMode, libpq >= 14) would batch a transaction's BEGIN with its
// first statement, or independent statements of one request, behind explicit sync
// points. Not done yet: every statement is one round trip (two the first time a
// connection prepares it).
//
// Thread-safety: single loop (checked: using it from another thread throws logic_error).
#pragma once

#include <boost/asio/io_context.hpp>

#include <memory>

#include "conduit/db/database.hpp"

namespace conduit::db::detail {

std::shared_ptr<Database> open_postgres(boost::asio::io_context& io,
                                        const DatabaseConfiguration& config,
                                        const DatabaseOptions& options);

}  // namespace conduit::db::detail
