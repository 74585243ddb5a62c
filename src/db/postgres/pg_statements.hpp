// Helpers shared by the exclusive (pg_connection.cpp) and pipelined (pg_pipeline.cpp)
// halves of conduit::db::pg::Connection: which statements to prepare, how to read a
// result's status, and the server-side cancel.
//
// Thread-safety: stateless functions; send_cancel starts a helper thread.
#pragma once

#include <libpq-fe.h>

#include <string_view>

namespace conduit::db::pg {

// Worth preparing and caching: queries and DML. DDL and utility statements run
// unprepared (they are rarely repeated, and a cached plan over a changing schema fails).
bool preparable(std::string_view sql);

// An error result, including a statement skipped because an earlier one in its pipeline
// segment failed.
bool is_error(const PGresult* result);

// A cached statement that can no longer run as prepared: the schema changed under it, or
// DISCARD/DEALLOCATE removed it.
bool is_stale_statement(const PGresult* result);

// Asks the server to cancel what the connection runs. PQcancel opens a new connection
// and blocks until the server has the request, so it runs on a helper thread; timeouts
// are rare enough that a thread each is fine.
void send_cancel(PGconn* conn) noexcept;

}  // namespace conduit::db::pg
