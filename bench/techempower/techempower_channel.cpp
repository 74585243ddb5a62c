// Implementation of the benchmark channel. Reads go through the ORM (orm::Query with the
// World and Fortune models); the batched update is raw SQL because the ORM has no
// multi-row update with a different value per row.
#include "techempower_channel.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>
#include <system_error>

#include "conduit/config/configuration.hpp"
#include "conduit/http/router.hpp"
#include "conduit/orm/query.hpp"
#include "fortunes_page.hpp"
#include "models.hpp"

namespace techempower {

namespace {

namespace orm = conduit::orm;
using conduit::Request;
using conduit::Response;
using conduit::Task;

constexpr int kMaxQueries = 500;

// TechEmpower's rule for ?queries=: missing, malformed or below 1 means 1, above 500
// means 500.
int query_count(const Request& request) {
  const std::optional<std::string_view> text = request.query().get("queries");
  if (!text || text->empty()) return 1;
  int count = 1;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), count);
  if (error == std::errc::result_out_of_range) return text->front() == '-' ? 1 : kMaxQueries;
  if (error != std::errc{}) return 1;
  return std::clamp(count, 1, kMaxQueries);
}

boost::json::object world_json(const World& world) {
  return boost::json::object{{"id", world.id}, {"randomNumber", world.random_number}};
}

Task<World> fetch_world(conduit::db::Executor& db, int id) {
  std::optional<World> world =
      co_await orm::Query<World>(db).where(&World::id).equal_to(id).fetch_one();
  if (!world) throw std::runtime_error("World row " + std::to_string(id) + " is missing");
  co_return *world;
}

}  // namespace

Task<void> TechEmpowerChannel::prepare() {
  const auto config = conduit::load_config<TechEmpowerConfig>(options().config_path);
  database_ = conduit::db::Database::open(config.database);
  co_return;
}

Task<void> TechEmpowerChannel::close() {
  if (database_) co_await database_->close();
}

std::shared_ptr<conduit::Controller> TechEmpowerChannel::entry_point() {
  auto router = std::make_shared<conduit::Router>();
  router->route("/db").link_function([this](Request& r) { return single_query(r); });
  router->route("/queries").link_function([this](Request& r) { return multiple_queries(r); });
  router->route("/fortunes").link_function([this](Request& r) { return fortunes(r); });
  router->route("/updates").link_function([this](Request& r) { return updates(r); });
  router->route("/tx").link_function([this](Request& r) { return transaction(r); });
  return router;
}

int TechEmpowerChannel::random_number() { return distribution_(random_); }

Task<Response> TechEmpowerChannel::single_query(Request&) {
  const World world = co_await fetch_world(*database_, random_number());
  co_return Response::ok(world_json(world));
}

Task<Response> TechEmpowerChannel::multiple_queries(Request& request) {
  const int count = query_count(request);
  boost::json::array worlds;
  worlds.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const World world = co_await fetch_world(*database_, random_number());
    worlds.push_back(world_json(world));
  }
  co_return Response::ok(worlds);
}

Task<Response> TechEmpowerChannel::fortunes(Request&) {
  std::vector<Fortune> rows = co_await orm::Query<Fortune>(*database_).fetch();
  rows.push_back(Fortune{0, "Additional fortune added at request time."});
  std::sort(rows.begin(), rows.end(),
            [](const Fortune& a, const Fortune& b) { return a.message < b.message; });
  co_return Response::html(200, render_fortunes(rows));
}

const std::string& TechEmpowerChannel::update_sql(std::size_t count) {
  if (update_sql_.size() <= count) update_sql_.resize(count + 1);
  std::string& sql = update_sql_[count];
  if (sql.empty()) {
    sql = "UPDATE world SET randomnumber = v.r FROM (VALUES ";
    for (std::size_t i = 0; i < count; ++i) {
      if (i > 0) sql += ", ";
      sql += "($" + std::to_string(2 * i + 1) + "::integer, $" + std::to_string(2 * i + 2) +
             "::integer)";
    }
    sql += ") AS v (id, r) WHERE world.id = v.id";
  }
  return sql;
}

Task<Response> TechEmpowerChannel::updates(Request& request) {
  const int count = query_count(request);
  std::vector<World> worlds;
  worlds.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    World world = co_await fetch_world(*database_, random_number());
    // A new number that differs from the stored one, so that every row really changes.
    int number = random_number();
    while (number == world.random_number) number = random_number();
    world.random_number = number;
    worlds.push_back(world);
  }
  // Rows locked in id order: concurrent batches then cannot deadlock on each other.
  std::vector<World> sorted = worlds;
  std::sort(sorted.begin(), sorted.end(),
            [](const World& a, const World& b) { return a.id < b.id; });
  std::vector<conduit::db::Value> params;
  params.reserve(sorted.size() * 2);
  for (const World& world : sorted) {
    params.emplace_back(world.id);
    params.emplace_back(world.random_number);
  }
  co_await database_->execute(update_sql(sorted.size()), std::move(params));

  boost::json::array body;
  body.reserve(worlds.size());
  for (const World& world : worlds) body.push_back(world_json(world));
  co_return Response::ok(body);
}

Task<Response> TechEmpowerChannel::transaction(Request&) {
  World first;
  World second;
  co_await database_->transaction([&](conduit::db::Transaction& tx) -> Task<void> {
    first = co_await fetch_world(tx, random_number());
    second = co_await fetch_world(tx, random_number());
  });
  co_return Response::ok(boost::json::array{world_json(first), world_json(second)});
}

}  // namespace techempower
