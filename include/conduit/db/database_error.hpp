// conduit::db::DatabaseError: every failure of the database layer, already mapped to the
// HTTP response Conduit gives for it.
//
// DatabaseError derives from conduit::HttpError, so a handler that lets one escape answers
// with the right status and body without any mapping of its own:
//
//   kind                   status  body
//   unique_violation       409     {"error":"entity_already_exists","detail":"Offending Items:
//   users.email"} not_null_violation     400     {"error":"non_null_violation","detail":"Offending
//   Items: users.name"} foreign_key_violation  400
//   {"error":"foreign_key_violation","detail":"Offending Items: pets.owner_id"} connection_failed
//   503     {"error":"unable to connect to database"} closed                 503 {"error":"unable
//   to connect to database"} timeout                503     {"error":"timed out connection to
//   database"} pool_exhausted         503     {"error":"database connection pool exhausted"}
//   invalid_value          400     {"error":"invalid input value"} (a NUL in PostgreSQL text)
//   check_violation,
//   query_failed           500     {"error":"internal server error"}
//
// The body never carries the server's message (it may name tables, values or hosts);
// what() does, for logs, and never contains the password. sql_state() is PostgreSQL's
// SQLSTATE; SQLite errors get the equivalent code where one is obvious (23505 for a
// UNIQUE constraint, 42P01 for "no such table", ...), so callers can test one code.
//
// The classification of raw PostgreSQL and SQLite errors lives in src/db/error_mapping.cpp
// and the status/body table above in database_error.cpp: those two files are the only
// place where database failures become HTTP.
//
// Thread-safety: a plain value type.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "conduit/http/http_error.hpp"

namespace conduit::db {

enum class ErrorKind {
  unique_violation,
  not_null_violation,
  foreign_key_violation,
  check_violation,
  connection_failed,
  timeout,
  pool_exhausted,
  closed,
  invalid_value,
  query_failed,
};

class DatabaseError : public HttpError {
 public:
  // `message` is the diagnostic text for logs (never shown to clients);
  // `offending_items` are "table.column" names for the body's detail.
  DatabaseError(ErrorKind kind, std::string message, std::string sql_state = {},
                std::vector<std::string> offending_items = {});

  ErrorKind kind() const noexcept { return kind_; }
  const std::string& sql_state() const noexcept { return sql_state_; }
  const std::vector<std::string>& offending_items() const noexcept { return offending_items_; }
  // True for the 503 kinds: the database could not be reached or did not answer in time.
  bool is_unavailable() const noexcept;
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  ErrorKind kind_;
  std::string message_;
  std::string sql_state_;
  std::vector<std::string> offending_items_;
};

// A constraint rejected the statement (unique, not-null, foreign key or check).
class ConstraintViolation : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

// The database is unreachable, too slow, closed, or every connection is busy (503).
class UnavailableError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

// A parameter the database cannot store, found before anything was sent: a text value
// holding a NUL character, which PostgreSQL text cannot hold (SQLSTATE 22021). 400
// {"error":"invalid input value"}: the request's data is at fault, not the server. The
// ORM refuses such text earlier, naming the key; this is the last line of defence for
// statements written by hand.
class InvalidValueError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

// The statement failed for another reason: syntax, missing table, type mismatch... (500).
class QueryError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

std::string_view to_string(ErrorKind kind) noexcept;

}  // namespace conduit::db
