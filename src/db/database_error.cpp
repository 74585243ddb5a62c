// The status and body of each DatabaseError kind: the one table where database failures
// become HTTP responses (see database_error.hpp).
#include "conduit/db/database_error.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "conduit/http/response.hpp"

namespace conduit::db {

namespace {

struct Mapping {
  int status;
  std::string_view error;
};

Mapping mapping_for(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::unique_violation:
      return {409, "entity_already_exists"};
    case ErrorKind::not_null_violation:
      return {400, "non_null_violation"};
    case ErrorKind::foreign_key_violation:
      return {400, "foreign_key_violation"};
    case ErrorKind::connection_failed:
    case ErrorKind::closed:
      return {503, "unable to connect to database"};
    case ErrorKind::timeout:
      return {503, "timed out connection to database"};
    case ErrorKind::pool_exhausted:
      return {503, "database connection pool exhausted"};
    case ErrorKind::invalid_value:
      return {400, "invalid input value"};
    case ErrorKind::check_violation:
    case ErrorKind::query_failed:
      break;
  }
  return {500, "internal server error"};
}

Response response_for(ErrorKind kind, const std::vector<std::string>& items) {
  const Mapping m = mapping_for(kind);
  boost::json::object body;
  body["error"] = m.error;
  // Conduit's QueryException: "detail": "Offending Items: a, b" for client errors only.
  if (m.status < 500 && !items.empty()) {
    std::string detail = "Offending Items: ";
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) detail += ", ";
      detail += items[i];
    }
    body["detail"] = detail;
  }
  return Response::json(m.status, body);
}

}  // namespace

DatabaseError::DatabaseError(ErrorKind kind, std::string message, std::string sql_state,
                             std::vector<std::string> offending_items)
    : HttpError(response_for(kind, offending_items)),
      kind_(kind),
      message_(std::move(message)),
      sql_state_(std::move(sql_state)),
      offending_items_(std::move(offending_items)) {}

bool DatabaseError::is_unavailable() const noexcept { return mapping_for(kind_).status == 503; }

std::string_view to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::unique_violation:
      return "unique_violation";
    case ErrorKind::not_null_violation:
      return "not_null_violation";
    case ErrorKind::foreign_key_violation:
      return "foreign_key_violation";
    case ErrorKind::check_violation:
      return "check_violation";
    case ErrorKind::connection_failed:
      return "connection_failed";
    case ErrorKind::timeout:
      return "timeout";
    case ErrorKind::pool_exhausted:
      return "pool_exhausted";
    case ErrorKind::closed:
      return "closed";
    case ErrorKind::invalid_value:
      return "invalid_value";
    case ErrorKind::query_failed:
      return "query_failed";
  }
  return "unknown";
}

}  // namespace conduit::db
