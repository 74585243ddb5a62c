// AuthServer's brake on guessing: failed client and password attempts counted in the
// _authattempt table per client id and per username over a fixed window, so that every
// process behind a router counts together. Past a limit, attempts are refused (429 with
// Retry-After at the controller) before anything is verified, until the window ends.
// Thread-safety: see auth_server.hpp (one event loop).
#include <algorithm>
#include <string>

#include "auth/auth_server_impl.hpp"

namespace conduit::auth {

namespace {

std::string client_key(std::string_view client_id) { return "client:" + std::string(client_id); }
std::string username_key(std::string_view username) { return "username:" + std::string(username); }

}  // namespace

bool AuthServer::Impl::brake_enabled() const noexcept {
  const BrakeOptions& brake = options.brake;
  return brake.window.count() > 0 &&
         (brake.max_failures_per_client > 0 || brake.max_failures_per_username > 0);
}

Task<void> AuthServer::Impl::check_brake(std::string_view client_id,
                                         std::optional<std::string_view> username) {
  if (!brake_enabled()) co_return;
  const BrakeOptions& brake = options.brake;
  const std::string by_client = client_key(client_id);
  const std::string by_username = username ? username_key(*username) : by_client;
  const db::Result result =
      co_await db.execute("SELECT \"id\", \"failures\", \"windowStart\" FROM " + attempts +
                              " WHERE \"id\" = $1 OR \"id\" = $2",
                          by_client, by_username);
  const Timestamp now_ = now();
  std::chrono::seconds retry_after{0};
  for (const db::Row& row : result) {
    const bool is_client = row.get<std::string>(0) == by_client;
    const int limit = is_client ? brake.max_failures_per_client : brake.max_failures_per_username;
    if (limit <= 0 || row.get<std::int64_t>(1) < limit) continue;
    const Timestamp window_end = row.get<Timestamp>(2) + brake.window;
    if (window_end <= now_) continue;
    // Rounded up: a client that waits Retry-After seconds finds the window over.
    retry_after = std::max(retry_after, std::chrono::ceil<std::chrono::seconds>(window_end - now_));
  }
  if (retry_after.count() > 0) {
    throw AuthServerError(AuthErrorCode::temporarily_unavailable, "too many failed attempts",
                          retry_after);
  }
}

Task<void> AuthServer::Impl::record_failure(std::string_view client_id,
                                            std::optional<std::string_view> username) {
  if (!brake_enabled()) co_return;
  const Timestamp now_ = now();
  const Timestamp window_begin_limit = now_ - options.brake.window;
  // One statement per key: a new row, a failure added to the current window, or (the
  // window being over) a new window with this failure. Atomic on both databases, so
  // concurrent failures from several processes all count.
  const std::string upsert = "INSERT INTO " + attempts +
                             " (\"id\", \"failures\", \"windowStart\") VALUES ($1, 1, $2)"
                             " ON CONFLICT (\"id\") DO UPDATE SET"
                             " \"failures\" = CASE WHEN " +
                             attempts + ".\"windowStart\" <= $3 THEN 1 ELSE " + attempts +
                             ".\"failures\" + 1 END,"
                             " \"windowStart\" = CASE WHEN " +
                             attempts + ".\"windowStart\" <= $3 THEN $2 ELSE " + attempts +
                             ".\"windowStart\" END";
  if (options.brake.max_failures_per_client > 0) {
    co_await db.execute(upsert, client_key(client_id), now_, window_begin_limit);
  }
  if (username && options.brake.max_failures_per_username > 0) {
    co_await db.execute(upsert, username_key(*username), now_, window_begin_limit);
  }
  // Rows whose window is over count nothing: drop them, so guessed usernames do not pile up.
  co_await db.execute("DELETE FROM " + attempts + " WHERE \"windowStart\" <= $1",
                      window_begin_limit);
}

}  // namespace conduit::auth
