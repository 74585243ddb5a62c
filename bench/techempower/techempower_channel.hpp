// TechEmpowerChannel: the benchmark application's channel: one database pool per event
// loop and the four TechEmpower database endpoints.
//
//   GET /db                  one random World row as {"id":..,"randomNumber":..}
//   GET /queries?queries=N   N random rows, one query each (N clamped to 1..500)
//   GET /fortunes            every Fortune plus one added per request, sorted, as HTML
//   GET /updates?queries=N   N random rows read one by one, given new random numbers and
//                            written back in one batched UPDATE
//   GET /tx                  two random rows read in one transaction (not TechEmpower's:
//                            bench/pool_bench.sh, where a transaction holds a connection)
//
// Thread-safety: one instance per event loop, used only by that loop's thread.
#pragma once

#include <boost/describe.hpp>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "conduit/app/application_channel.hpp"
#include "conduit/config/database_configuration.hpp"
#include "conduit/db/database.hpp"
#include "conduit/http/request.hpp"
#include "conduit/http/response.hpp"

namespace techempower {

struct TechEmpowerConfig {
  // The process's pool is the map form's maxConnectionCount, split across its loops
  // (bench/db_bench.sh sets it and runs one loop).
  conduit::DatabaseConfiguration database;
};
BOOST_DESCRIBE_STRUCT(TechEmpowerConfig, (), (database))

class TechEmpowerChannel : public conduit::ApplicationChannel {
 public:
  conduit::Task<void> prepare() override;
  std::shared_ptr<conduit::Controller> entry_point() override;
  conduit::Task<void> close() override;

 private:
  conduit::Task<conduit::Response> single_query(conduit::Request& request);
  conduit::Task<conduit::Response> multiple_queries(conduit::Request& request);
  conduit::Task<conduit::Response> fortunes(conduit::Request& request);
  conduit::Task<conduit::Response> updates(conduit::Request& request);
  conduit::Task<conduit::Response> transaction(conduit::Request& request);

  // A World id or randomNumber: uniform in 1..10000.
  int random_number();
  // The batched UPDATE for `count` rows, built once per count.
  const std::string& update_sql(std::size_t count);

  std::shared_ptr<conduit::db::Database> database_;
  std::minstd_rand random_{std::random_device{}()};
  std::uniform_int_distribution<int> distribution_{1, 10'000};
  std::vector<std::string> update_sql_;
};

}  // namespace techempower
