// Implementation of the raw-error classification for PostgreSQL and SQLite.
#include "db/error_mapping.hpp"

#include <sqlite3.h>

#include <vector>

#include "db/text_format.hpp"

namespace conduit::db::detail {

namespace {

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

// "Key (a, b)=(1, 2) already exists." -> {"a", "b"}; also for foreign keys.
std::vector<std::string> key_columns(std::string_view detail) {
  std::vector<std::string> columns;
  const auto open = detail.find("Key (");
  if (open == std::string_view::npos) return columns;
  const auto close = detail.find(")=", open);
  if (close == std::string_view::npos) return columns;
  std::string_view list = detail.substr(open + 5, close - open - 5);
  // Split on commas outside parentheses (expression indexes have their own).
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= list.size(); ++i) {
    if (i == list.size() || (list[i] == ',' && depth == 0)) {
      auto column = trim(list.substr(start, i - start));
      if (!column.empty()) columns.push_back(std::move(column));
      start = i + 1;
    } else if (list[i] == '(') {
      ++depth;
    } else if (list[i] == ')') {
      --depth;
    }
  }
  return columns;
}

std::vector<std::string> qualify(std::string_view table, const std::vector<std::string>& columns) {
  std::vector<std::string> items;
  for (const auto& column : columns) {
    items.push_back(table.empty() ? column : std::string(table) + "." + column);
  }
  return items;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

void raise(ErrorKind kind, std::string message, std::string sql_state,
           std::vector<std::string> items) {
  switch (kind) {
    case ErrorKind::unique_violation:
    case ErrorKind::not_null_violation:
    case ErrorKind::foreign_key_violation:
    case ErrorKind::check_violation:
      throw ConstraintViolation(kind, std::move(message), std::move(sql_state), std::move(items));
    case ErrorKind::connection_failed:
    case ErrorKind::timeout:
    case ErrorKind::pool_exhausted:
    case ErrorKind::closed:
      throw UnavailableError(kind, std::move(message), std::move(sql_state), std::move(items));
    case ErrorKind::invalid_value:
      throw InvalidValueError(kind, std::move(message), std::move(sql_state), std::move(items));
    case ErrorKind::query_failed:
      break;
  }
  throw QueryError(kind, std::move(message), std::move(sql_state), std::move(items));
}

// Most missing tables in an application are migrations that were never applied: say so in
// the log line (the client still gets a plain 500).
constexpr const char* kMissingTableHint =
    "; are the migrations applied? (run `<app> db upgrade`, the release phase on Heroku)";

std::exception_ptr postgres_error(const PostgresErrorFields& f, std::string_view secret) {
  const std::string_view state = f.sql_state;
  ErrorKind kind = ErrorKind::query_failed;
  std::vector<std::string> items;
  if (state == "23505") {
    kind = ErrorKind::unique_violation;
    items = qualify(f.table, key_columns(f.detail));
    if (items.empty() && !f.constraint.empty()) items.emplace_back(f.constraint);
  } else if (state == "23502") {
    kind = ErrorKind::not_null_violation;
    if (!f.column.empty()) items = qualify(f.table, {std::string(f.column)});
  } else if (state == "23503") {
    kind = ErrorKind::foreign_key_violation;
    items = qualify(f.table, key_columns(f.detail));
    if (items.empty() && !f.constraint.empty()) items.emplace_back(f.constraint);
  } else if (state == "23514") {
    kind = ErrorKind::check_violation;
  } else if ((starts_with(state, "08") && state != "08P01") || state == "57P01" ||
             state == "57P02" || state == "57P03" || state == "53300" || starts_with(state, "28") ||
             state == "3D000") {
    // Connection exceptions, administrator/crash shutdown, too many connections,
    // authentication and a missing database: the database is unavailable to us.
    kind = ErrorKind::connection_failed;
  } else if (state == "57014") {
    kind = ErrorKind::timeout;  // statement_timeout or a cancel request
  }
  std::string message = "PostgreSQL: " + trim(f.primary);
  if (!state.empty()) message += " (SQLSTATE " + std::string(state) + ")";
  if (state == "42P01") message += kMissingTableHint;
  try {
    raise(kind, redact(std::move(message), secret), std::string(state), std::move(items));
  } catch (...) {
    return std::current_exception();
  }
}

std::exception_ptr sqlite_error(int code, std::string_view message) {
  ErrorKind kind = ErrorKind::query_failed;
  std::string state;
  std::vector<std::string> items;
  // "UNIQUE constraint failed: t.a, t.b" -> {"t.a", "t.b"}
  auto items_after_colon = [&] {
    std::vector<std::string> out;
    const auto colon = message.find(": ");
    if (colon == std::string_view::npos) return out;
    std::string_view list = message.substr(colon + 2);
    std::size_t start = 0;
    for (std::size_t i = 0; i <= list.size(); ++i) {
      if (i == list.size() || list[i] == ',') {
        auto item = trim(list.substr(start, i - start));
        if (!item.empty()) out.push_back(std::move(item));
        start = i + 1;
      }
    }
    return out;
  };
  switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      kind = ErrorKind::unique_violation;
      state = "23505";
      items = items_after_colon();
      break;
    case SQLITE_CONSTRAINT_NOTNULL:
      kind = ErrorKind::not_null_violation;
      state = "23502";
      items = items_after_colon();
      break;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      kind = ErrorKind::foreign_key_violation;
      state = "23503";
      break;
    case SQLITE_CONSTRAINT_TRIGGER:
      // SQLite enforces ON DELETE/UPDATE RESTRICT with an internal trigger, so that
      // foreign-key failure arrives under the trigger code.
      if (contains_ci(message, "foreign key constraint failed")) {
        kind = ErrorKind::foreign_key_violation;
        state = "23503";
      }
      break;
    case SQLITE_CONSTRAINT_CHECK:
      kind = ErrorKind::check_violation;
      state = "23514";
      break;
    case SQLITE_INTERRUPT:
      kind = ErrorKind::timeout;
      state = "57014";
      break;
    default:
      switch (code & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
          kind = ErrorKind::timeout;  // another process held the database past busy_timeout
          break;
        case SQLITE_CANTOPEN:
        case SQLITE_NOTADB:
        case SQLITE_PERM:
        case SQLITE_AUTH:
          kind = ErrorKind::connection_failed;
          break;
        default:
          if (contains_ci(message, "no such table")) {
            state = "42P01";
          } else if (contains_ci(message, "no such column")) {
            state = "42703";
          } else if (contains_ci(message, "already exists")) {
            state = "42P07";
          } else if (contains_ci(message, "syntax error")) {
            state = "42601";
          }
          break;
      }
  }
  std::string text = "SQLite: " + std::string(message) + " (" + sqlite3_errstr(code) + ")";
  if (state == "42P01") text += kMissingTableHint;
  try {
    raise(kind, std::move(text), std::move(state), std::move(items));
  } catch (...) {
    return std::current_exception();
  }
}

UnavailableError connection_error(std::string_view detail, std::string_view secret) {
  return UnavailableError(ErrorKind::connection_failed,
                          redact("unable to connect to database: " + trim(detail), secret),
                          "08006");
}

UnavailableError timeout_error(std::string_view what) {
  return UnavailableError(ErrorKind::timeout, "timed out: " + std::string(what), "57014");
}

UnavailableError pool_exhausted_error(std::string_view what) {
  return UnavailableError(ErrorKind::pool_exhausted, std::string(what), "53300");
}

UnavailableError closed_error() {
  return UnavailableError(ErrorKind::closed, "the database has been closed", "08003");
}

std::string redact(std::string text, std::string_view secret) {
  if (secret.size() < 3) return text;
  for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3)) {
    text.replace(pos, secret.size(), "***");
  }
  return text;
}

}  // namespace conduit::db::detail
