// A PostgreSQL outage as the pool sees it: a port where nothing listens (bound, then
// closed), many requests during the outage, then the server "coming back" on that port
// (a TCP relay to the fixture's cluster). The pool makes a bounded number of connection
// attempts, answers 503 at once while down, and recovers after its backoff. Also: a
// socket connected to itself (TCP simultaneous open) is recognised.
//
// Thread-safety: one test thread; the relay runs on the test loop.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>

#include <sys/socket.h>

#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conduit/db/database.hpp"
#include "conduit/http/response.hpp"
#include "db/postgres/pg_socket.hpp"
#include "postgres_fixture.hpp"
#include "support/db_test_support.hpp"

namespace conduit::db {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;
using testing::Outcome;

// A port of 127.0.0.1 that was free a moment ago and where nothing listens now.
std::uint16_t closed_port(asio::io_context& io) {
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

// Copies bytes both ways between accepted clients and the cluster: the database server
// listening on the outage's port again.
class Relay : public std::enable_shared_from_this<Relay> {
 public:
  Relay(asio::io_context& io, std::uint16_t port, std::uint16_t upstream)
      : io_(io), acceptor_(io), upstream_(upstream) {
    const tcp::endpoint at(asio::ip::make_address("127.0.0.1"), port);
    acceptor_.open(at.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(at);
    acceptor_.listen();
  }
  void start() { accept(); }
  void stop() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    for (auto& s : sockets_) s->close(ignored);
  }

 private:
  void accept() {
    acceptor_.async_accept(
        [self = shared_from_this()](boost::system::error_code ec, tcp::socket client) {
          if (ec) return;
          auto a = std::make_shared<tcp::socket>(std::move(client));
          auto b = std::make_shared<tcp::socket>(self->io_);
          b->connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), self->upstream_), ec);
          if (!ec) {
            self->sockets_.push_back(a);
            self->sockets_.push_back(b);
            pump(a, b);
            pump(b, a);
          }
          self->accept();
        });
  }
  static void pump(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to) {
    auto buffer = std::make_shared<std::array<char, 16384>>();
    from->async_read_some(
        asio::buffer(*buffer), [from, to, buffer](boost::system::error_code ec, std::size_t n) {
          if (ec) {
            boost::system::error_code ignored;
            to->shutdown(tcp::socket::shutdown_send, ignored);
            return;
          }
          asio::async_write(*to, asio::buffer(*buffer, n),
                            [from, to, buffer](boost::system::error_code wec, std::size_t) {
                              if (!wec) pump(from, to);
                            });
        });
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  std::uint16_t upstream_;
  std::vector<std::shared_ptr<tcp::socket>> sockets_;
};

class PostgresOutageTest : public testing::PostgresFixture {};

int status_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const DatabaseError& e) {
    return e.status();
  } catch (...) {
  }
  return 0;
}

TEST_F(PostgresOutageTest, AnOutageCostsBoundedAttemptsAnswers503AtOnceAndRecovers) {
  auto config = testing::postgres_config();
  const std::uint16_t upstream = config.port;
  config.port = closed_port(loop_.io);
  DatabaseOptions options;
  options.max_connections = 4;
  options.reconnect_backoff = 100ms;
  options.reconnect_backoff_max = 400ms;
  auto db = Database::open(config, options);
  // The log: one line when the outage begins, one when it ends (it was two per request).
  ::testing::internal::CaptureStdout();

  // The first request tries, fails, and marks the database down.
  try {
    loop_.run(db->execute("SELECT 1"));
    FAIL() << "connected to a closed port";
  } catch (const DatabaseError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::connection_failed) << e.what();
    EXPECT_EQ(e.status(), 503);
    EXPECT_EQ(boost::json::parse(e.response().body()),
              boost::json::parse(R"({"error":"unable to connect to database"})"));
  }
  EXPECT_EQ(db->stats().connect_attempts, 1u);
  EXPECT_TRUE(db->stats().down);

  // A burst during the backoff: all 503 without waiting, and without an attempt of their
  // own (the pool used to open one per request: thousands per second).
  const auto burst_start = std::chrono::steady_clock::now();
  std::vector<std::shared_ptr<Outcome<Result>>> burst;
  for (int i = 0; i < 500; ++i) burst.push_back(loop_.spawn(db->execute("SELECT 1")));
  loop_.run_until(
      [&] {
        for (const auto& o : burst) {
          if (!o->done) return false;
        }
        return true;
      },
      5s);
  for (const auto& o : burst) EXPECT_EQ(status_of(o->error), 503);
  // Transactions too.
  EXPECT_THROW(loop_.run(db->transaction([](Transaction&) -> Task<void> { co_return; })),
               UnavailableError);
  const auto burst_time = std::chrono::steady_clock::now() - burst_start;
  // Well below the first delay (50 to 100 ms) unless the machine stalls.
  EXPECT_LT(burst_time, 1s);
  EXPECT_LE(db->stats().connect_attempts, 2u);

  // Requests keep coming for a while, in a tight loop: attempts follow the backoff
  // (100, 200, 400, 400... ms before jitter), not the request rate.
  const auto hammer_until = std::chrono::steady_clock::now() + 600ms;
  std::uint64_t requests = 0;
  while (std::chrono::steady_clock::now() < hammer_until) {
    EXPECT_THROW(loop_.run(db->execute("SELECT 1")), UnavailableError);
    ++requests;
  }
  EXPECT_GT(requests, 100u);
  // At most: the first, then one at each of 50+, 150+, 350+, 550+ ms (half-delays).
  EXPECT_LE(db->stats().connect_attempts, 6u) << requests << " requests";
  EXPECT_EQ(db->stats().connect_failures, db->stats().connect_attempts);
  EXPECT_EQ(db->stats().open, 0u);

  // The server is back on its port: the first request after the backoff reconnects.
  auto relay = std::make_shared<Relay>(loop_.io, config.port, upstream);
  relay->start();
  const auto back = std::chrono::steady_clock::now();
  const auto attempts_before = db->stats().connect_attempts;
  int value = 0;
  while (value == 0) {
    ASSERT_LT(std::chrono::steady_clock::now() - back, 5s) << "the pool did not recover";
    try {
      value = loop_.run(db->execute("SELECT 7")).front().get<int>(0);
    } catch (const UnavailableError&) {
    }
  }
  EXPECT_EQ(value, 7);
  EXPECT_FALSE(db->stats().down);
  EXPECT_EQ(db->stats().connect_attempts, attempts_before + 1);
  // Within the longest delay (400 ms) plus the time to connect.
  EXPECT_LT(std::chrono::steady_clock::now() - back, 2s);
  const std::string log = ::testing::internal::GetCapturedStdout();
  auto lines_with = [&](std::string_view text) {
    std::size_t n = 0;
    for (auto at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(lines_with("unavailable: "), 1u) << log;
  EXPECT_EQ(lines_with("reachable again"), 1u) << log;
  EXPECT_LT(log.size(), 2000u) << log;
  loop_.run(db->close());
  relay->stop();
}

// Before the first failure nothing is held back: the first requests connect normally, and
// an unknown server is tried by the first request, not refused.
TEST_F(PostgresOutageTest, AHealthyPoolCountsItsAttempts) {
  auto db = Database::open(testing::postgres_config());
  EXPECT_EQ(loop_.run(db->execute("SELECT 1")).front().get<int>(0), 1);
  EXPECT_EQ(db->stats().connect_attempts, 1u);
  EXPECT_EQ(db->stats().connect_failures, 0u);
  EXPECT_FALSE(db->stats().down);
}

// Linux completes connect() to the socket's own address (simultaneous open): exactly the
// socket the pool must recognise and close as a failed attempt.
TEST(SelfConnectTest, ASocketConnectedToItselfIsRecognised) {
  asio::io_context io;
  tcp::socket self(io);
  self.open(tcp::v4());
  self.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  self.connect(self.local_endpoint());
  EXPECT_EQ(self.remote_endpoint(), self.local_endpoint());
  EXPECT_TRUE(pg::is_self_connected(self.native_handle()));

  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  tcp::socket client(io);
  client.connect(acceptor.local_endpoint());
  tcp::socket server = acceptor.accept();
  EXPECT_FALSE(pg::is_self_connected(client.native_handle()));
  EXPECT_FALSE(pg::is_self_connected(server.native_handle()));
  tcp::socket unconnected(io);
  unconnected.open(tcp::v4());
  EXPECT_FALSE(pg::is_self_connected(unconnected.native_handle()));
}

}  // namespace
}  // namespace conduit::db
