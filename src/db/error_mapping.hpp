// Classification of raw PostgreSQL and SQLite errors into DatabaseError kinds, and the
// constructors of the errors the layer raises itself (connect failure, timeout, pool
// exhausted, closed). Every message passes through redact() so that a password can never
// reach what() or a log line.
//
// Thread-safety: pure functions.
#pragma once

#include <exception>
#include <string>
#include <string_view>

#include "conduit/db/database_error.hpp"

namespace conduit::db::detail {

// The fields libpq reports for a server error (PQresultErrorField).
struct PostgresErrorFields {
  std::string_view sql_state;
  std::string_view primary;
  std::string_view detail;
  std::string_view table;
  std::string_view column;
  std::string_view constraint;
};

// The DatabaseError for a server error; `secret` is removed from the message.
std::exception_ptr postgres_error(const PostgresErrorFields& fields, std::string_view secret);
// The DatabaseError for an SQLite result code (extended codes on) and sqlite3_errmsg.
std::exception_ptr sqlite_error(int extended_code, std::string_view message);

// Throws the right subclass for `kind`.
[[noreturn]] void raise(ErrorKind kind, std::string message, std::string sql_state = {},
                        std::vector<std::string> items = {});

// 503 "unable to connect to database"; `detail` (libpq's message) goes to what() only.
UnavailableError connection_error(std::string_view detail, std::string_view secret);
// 503 "timed out connection to database".
UnavailableError timeout_error(std::string_view what);
UnavailableError pool_exhausted_error(std::string_view what);
UnavailableError closed_error();

// `text` with every occurrence of `secret` (when 3 characters or longer) replaced by ***.
std::string redact(std::string text, std::string_view secret);

}  // namespace conduit::db::detail
