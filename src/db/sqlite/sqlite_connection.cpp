// Implementation of the worker-thread SQLite connection.
#include "db/sqlite/sqlite_connection.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cmath>

#include "db/error_mapping.hpp"
#include "db/text_format.hpp"

namespace conduit::db::sqlite {

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

std::string percent_encode(std::string_view text, bool in_path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.' || c == '~' || (in_path && c == '/');
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

Value read_cell(sqlite3_stmt* statement, int column, std::string_view declared) {
  using detail::contains_ci;
  const bool is_decimal = contains_ci(declared, "DECIMAL") || contains_ci(declared, "NUMERIC");
  switch (sqlite3_column_type(statement, column)) {
    case SQLITE_NULL:
      return Value();
    case SQLITE_INTEGER: {
      const sqlite3_int64 v = sqlite3_column_int64(statement, column);
      if (contains_ci(declared, "BOOL")) return Value(v != 0);
      if (is_decimal) return Value(Decimal(std::to_string(v)));
      return Value(static_cast<std::int64_t>(v));
    }
    case SQLITE_FLOAT: {
      const double v = sqlite3_column_double(statement, column);
      if (is_decimal && std::isfinite(v)) return Value(Decimal(detail::format_double(v)));
      return Value(v);
    }
    case SQLITE_TEXT: {
      const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
      const std::string_view text(
          data ? data : "", static_cast<std::size_t>(sqlite3_column_bytes(statement, column)));
      if (contains_ci(declared, "TIMESTAMP") || contains_ci(declared, "DATETIME")) {
        if (auto t = detail::parse_timestamp(text)) return Value(*t);
      } else if (contains_ci(declared, "JSON")) {
        boost::system::error_code ec;
        auto json = boost::json::parse(text, ec);
        if (!ec) return Value(Json{std::move(json)});
      } else if (contains_ci(declared, "UUID")) {
        if (auto u = Uuid::try_parse(text)) return Value(*u);
      } else if (is_decimal) {
        if (detail::is_decimal_literal(text)) return Value(Decimal(text));
      }
      return Value(std::string(text));
    }
    default: {  // SQLITE_BLOB
      const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(statement, column));
      const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement, column));
      if (size == 16 && contains_ci(declared, "UUID")) {
        Uuid u;
        std::copy(data, data + 16, u.bytes.begin());
        return Value(u);
      }
      return Value(Bytes(data, data + size));
    }
  }
}

// "$3" or "?3" -> 3; 0 when the name is not a positional parameter.
std::size_t positional_index(const char* name) {
  if (!name || (name[0] != '$' && name[0] != '?') || name[1] == '\0') return 0;
  std::size_t index = 0;
  for (const char* p = name + 1; *p; ++p) {
    if (*p < '0' || *p > '9' || index > 100000) return 0;
    index = index * 10 + static_cast<std::size_t>(*p - '0');
  }
  return index;
}

}  // namespace

// Arms the progress handler's deadline for one statement or script.
class Connection::Deadline {
 public:
  Deadline(Connection& c, milliseconds timeout) : c_(c) {
    c_.deadline_ = steady_clock::now() + timeout;
    c_.deadline_armed_ = true;
  }
  ~Deadline() { c_.deadline_armed_ = false; }
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

 private:
  Connection& c_;
};

Connection::Connection(Settings settings) : settings_(std::move(settings)) {}

Connection::~Connection() { close(); }

int Connection::on_progress(void* self) noexcept {
  auto* c = static_cast<Connection*>(self);
  return c->deadline_armed_ && steady_clock::now() > c->deadline_ ? 1 : 0;
}

void Connection::open() {
  if (db_) return;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const bool memory = settings_.path == ":memory:";
  std::string name = settings_.path;
  if (!settings_.uri_parameters.empty() && !memory) {
    flags |= SQLITE_OPEN_URI;
    name = "file:" + percent_encode(settings_.path, true);
    char separator = '?';
    for (const auto& [key, value] : settings_.uri_parameters) {
      name += separator + percent_encode(key, false) + "=" + percent_encode(value, false);
      separator = '&';
    }
  }
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(name.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    throw detail::connection_error("cannot open SQLite database " + settings_.path + ": " + message,
                                   {});
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, static_cast<int>(settings_.busy_timeout.count()));
  sqlite3_progress_handler(db, 1000, &Connection::on_progress, this);
  db_ = db;
  try {
    execute_script("PRAGMA foreign_keys = ON", milliseconds(10'000));
    if (!memory) {
      execute_script("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL",
                     milliseconds(10'000));
    }
  } catch (...) {
    close();
    throw;
  }
}

void Connection::close() noexcept {
  for (auto& [sql, statement] : cache_) sqlite3_finalize(statement);
  cache_.clear();
  if (db_) {
    sqlite3_close_v2(db_);  // rolls back an open transaction
    db_ = nullptr;
  }
}

bool Connection::in_transaction() const noexcept { return db_ && !sqlite3_get_autocommit(db_); }

void Connection::raise(int code) {
  std::rethrow_exception(
      detail::sqlite_error(code, db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(code)));
}

Connection::Prepared Connection::prepare(const std::string& sql) {
  if (auto it = cache_.find(sql); it != cache_.end()) return {it->second, true};
  const bool cacheable = cache_.size() < settings_.statement_cache_size;
  sqlite3_stmt* statement = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              cacheable ? SQLITE_PREPARE_PERSISTENT : 0, &statement, &tail);
  if (rc != SQLITE_OK) raise(rc);
  if (!statement) return {};  // only whitespace or comments
  // The extended protocol of PostgreSQL runs exactly one statement; keep SQLite alike.
  const char* end = sql.data() + sql.size();
  if (tail && tail < end) {
    sqlite3_stmt* next = nullptr;
    rc = sqlite3_prepare_v2(db_, tail, static_cast<int>(end - tail), &next, nullptr);
    sqlite3_finalize(next);
    if (rc != SQLITE_OK || next) {
      sqlite3_finalize(statement);
      detail::raise(ErrorKind::query_failed,
                    "execute() runs one statement; use execute_script() for several", "42601");
    }
  }
  if (cacheable) cache_.emplace(sql, statement);
  return {statement, cacheable};
}

void Connection::bind(sqlite3_stmt* statement, const std::vector<Value>& params) {
  const int count = sqlite3_bind_parameter_count(statement);
  for (int i = 1; i <= count; ++i) {
    const char* name = sqlite3_bind_parameter_name(statement, i);
    const std::size_t index = name ? positional_index(name) : static_cast<std::size_t>(i);
    if (index == 0) {
      detail::raise(ErrorKind::query_failed,
                    std::string("parameter ") + name + " is not supported: use $1..$n", "42P02");
    }
    if (index > params.size()) {
      detail::raise(ErrorKind::query_failed,
                    "the statement uses $" + std::to_string(index) + " but " +
                        std::to_string(params.size()) + " parameters were given",
                    "08P01");
    }
    const Value& v = params[index - 1];
    int rc = SQLITE_OK;
    switch (v.type()) {
      case Value::Type::null:
        rc = sqlite3_bind_null(statement, i);
        break;
      case Value::Type::boolean:
        rc = sqlite3_bind_int(statement, i, *v.get_if<bool>() ? 1 : 0);
        break;
      case Value::Type::integer:
        rc = sqlite3_bind_int64(statement, i, *v.get_if<std::int64_t>());
        break;
      case Value::Type::real:
        rc = sqlite3_bind_double(statement, i, *v.get_if<double>());
        break;
      case Value::Type::text: {
        const std::string& text = *v.get_if<std::string>();
        rc =
            sqlite3_bind_text64(statement, i, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
        break;
      }
      case Value::Type::bytes: {
        const Bytes& bytes = *v.get_if<Bytes>();
        // A null pointer would bind NULL, not an empty blob.
        rc = bytes.empty()
                 ? sqlite3_bind_zeroblob(statement, i, 0)
                 : sqlite3_bind_blob64(statement, i, bytes.data(), bytes.size(), SQLITE_STATIC);
        break;
      }
      case Value::Type::decimal: {
        const std::string& text = v.get_if<Decimal>()->text();
        rc =
            sqlite3_bind_text64(statement, i, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
        break;
      }
      default: {
        // timestamp (without zone: always UTC), json, uuid: their text form.
        const std::string text = v.type() == Value::Type::timestamp
                                     ? detail::format_timestamp(*v.get_if<Timestamp>(), false)
                                     : v.as<std::string>();
        rc = sqlite3_bind_text64(statement, i, text.data(), text.size(), SQLITE_TRANSIENT,
                                 SQLITE_UTF8);
        break;
      }
    }
    if (rc != SQLITE_OK) raise(rc);
  }
}

Result Connection::execute(const std::string& sql, const std::vector<Value>& params,
                           milliseconds timeout) {
  open();
  Deadline deadline(*this, timeout);
  const Prepared prepared = prepare(sql);
  if (!prepared.statement) return Result();
  sqlite3_stmt* statement = prepared.statement;
  struct Cleanup {
    sqlite3_stmt* statement;
    bool cached;
    ~Cleanup() {
      if (cached) {
        sqlite3_reset(statement);
        sqlite3_clear_bindings(statement);
      } else {
        sqlite3_finalize(statement);
      }
    }
  } cleanup{statement, prepared.cached};

  bind(statement, params);
  const int columns = sqlite3_column_count(statement);
  std::vector<std::string> names;
  std::vector<std::string> declared;
  names.reserve(static_cast<std::size_t>(columns));
  declared.reserve(static_cast<std::size_t>(columns));
  for (int c = 0; c < columns; ++c) {
    const char* name = sqlite3_column_name(statement, c);
    const char* type = sqlite3_column_decltype(statement, c);
    names.emplace_back(name ? name : "");
    declared.emplace_back(type ? type : "");
  }
  std::vector<Value> cells;
  std::int64_t rows = 0;
  const sqlite3_int64 changes_before = sqlite3_total_changes64(db_);
  for (;;) {
    const int rc = sqlite3_step(statement);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) raise(rc);
    ++rows;
    for (int c = 0; c < columns; ++c) {
      cells.push_back(read_cell(statement, c, declared[static_cast<std::size_t>(c)]));
    }
  }
  // sqlite3_changes() keeps the count of the last INSERT/UPDATE/DELETE, so it only
  // describes this statement when the total moved.
  std::int64_t affected = 0;
  if (sqlite3_stmt_readonly(statement)) {
    affected = rows;
  } else if (sqlite3_total_changes64(db_) != changes_before) {
    affected = sqlite3_changes64(db_);
  }
  return Result(std::move(names), std::move(cells), affected);
}

void Connection::execute_script(const std::string& sql, milliseconds timeout) {
  open();
  Deadline deadline(*this, timeout);
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) raise(sqlite3_extended_errcode(db_));
}

}  // namespace conduit::db::sqlite
