// Implementation of conduit::Application: listeners, loop threads, graceful stop.
#include "conduit/app/application.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "app/event_loop.hpp"
#include "app/loop_count.hpp"
#include "conduit/core/log.hpp"

namespace conduit {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

std::unique_ptr<asio::ssl::context> make_tls_context(const ApplicationOptions& options) {
  auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
  boost::system::error_code ec;
  context->use_certificate_chain_file(*options.ssl_certificate_path, ec);
  if (ec) {
    throw std::runtime_error("cannot load the SSL certificate '" + *options.ssl_certificate_path +
                             "': " + ec.message());
  }
  context->use_private_key_file(*options.ssl_key_path, asio::ssl::context::pem, ec);
  if (ec) {
    throw std::runtime_error("cannot load the SSL private key '" + *options.ssl_key_path +
                             "': " + ec.message());
  }
  return context;
}

// Loop count: 0 means what the process may use (loop_count.hpp).
app::detail::LoopCount loop_count(int requested) {
  if (requested > 0) return {requested, "-n " + std::to_string(requested)};
  return app::detail::detect_loop_count();
}

}  // namespace

struct Application::Impl {
  ApplicationSpec spec;
  ApplicationOptions options;
  std::unique_ptr<asio::ssl::context> tls;
  std::vector<std::unique_ptr<app::detail::EventLoop>> loops;
  std::vector<std::thread> threads;
  std::uint16_t port = 0;
  std::string loop_reason;  // why this many loops, for the start log line
  std::string host_for_clients = "127.0.0.1";

  std::mutex mutex;
  std::condition_variable changed;
  int loops_running = 0;
  bool started = false;
  bool stopping = false;

  void open_listeners() {
    const app::detail::LoopCount chosen = loop_count(options.threads);
    const int count = chosen.count;
    loop_reason = chosen.reason;
    for (int i = 0; i < count; ++i) {
      loops.push_back(std::make_unique<app::detail::EventLoop>(i, count, options, spec, tls.get()));
    }
    std::uint16_t wanted = options.port;
    auto bind_all = [&](const asio::ip::address& address) {
      std::uint16_t p = wanted;
      for (auto& loop : loops) {
        loop->open_listener(tcp::endpoint(address, p), options.ipv6_only);
        p = loop->local_port();  // port 0: every other loop joins the port the first got
      }
      port = p;
    };
    if (!options.address.empty()) {
      boost::system::error_code ec;
      auto address = asio::ip::make_address(options.address, ec);
      if (ec) throw std::runtime_error("invalid --address '" + options.address + "'");
      bind_all(address);
      if (!address.is_unspecified()) host_for_clients = address.to_string();
      if (address.is_v6() && !address.is_unspecified())
        host_for_clients = "[" + host_for_clients + "]";
      return;
    }
    try {
      bind_all(asio::ip::address_v6::any());
    } catch (const std::runtime_error& error) {
      if (options.ipv6_only) throw;
      // No IPv6 on this host: fall back to IPv4 on fresh loops.
      log::warn("{}; falling back to 0.0.0.0", error.what());
      loops.clear();
      for (int i = 0; i < count; ++i) {
        loops.push_back(
            std::make_unique<app::detail::EventLoop>(i, count, options, spec, tls.get()));
      }
      bind_all(asio::ip::address_v4::any());
    }
  }
};

Application::Application(ApplicationSpec spec, ApplicationOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->spec = std::move(spec);
  impl_->options = std::move(options);
}

Application::~Application() {
  try {
    stop();
  } catch (...) {
  }
}

void Application::start() {
  Impl& d = *impl_;
  if (d.started) throw std::logic_error("Application::start called twice");
  if (!d.spec.make_channel) throw std::logic_error("ApplicationSpec has no channel factory");
  if (d.options.ssl_certificate_path.has_value() != d.options.ssl_key_path.has_value()) {
    throw std::runtime_error(
        d.options.ssl_key_path
            ? "--ssl-key-path was specified, but --ssl-certificate-path was not."
            : "--ssl-certificate-path was specified, but --ssl-key-path was not.");
  }
  if (d.options.uses_tls()) d.tls = make_tls_context(d.options);

  // Bind first: the platform sees the port even if prepare() is slow.
  d.open_listeners();
  d.started = true;

  if (d.spec.initialize) {
    // Runs on this thread before any loop exists: it may compute and configure, but
    // should not wait on I/O.
    std::exception_ptr error;
    detail::spawn(d.spec.initialize(d.options), [&](std::exception_ptr e) { error = e; });
    if (error) std::rethrow_exception(error);
  }

  std::vector<std::string> errors(d.loops.size());
  int ready = 0;
  d.loops_running = static_cast<int>(d.loops.size());
  for (std::size_t i = 0; i < d.loops.size(); ++i) {
    d.threads.emplace_back([&d, &errors, &ready, i] {
      d.loops[i]->run([&d, &errors, &ready, i](std::string error) {
        std::lock_guard lock(d.mutex);
        errors[i] = std::move(error);
        ++ready;
        d.changed.notify_all();
      });
      std::lock_guard lock(d.mutex);
      --d.loops_running;
      d.changed.notify_all();
    });
  }
  std::string failure;
  {
    std::unique_lock lock(d.mutex);
    d.changed.wait(lock, [&] { return ready == static_cast<int>(d.loops.size()); });
    for (auto& e : errors) {
      if (!e.empty()) {
        failure = e;
        break;
      }
    }
  }
  if (!failure.empty()) {
    stop();
    throw std::runtime_error(failure);
  }
  log::info("{} listening on {}://{}:{} ({} event loop{} ({}))", d.spec.name,
            d.options.uses_tls() ? "https" : "http",
            d.options.address.empty() ? "[::]" : d.options.address, d.port, d.loops.size(),
            d.loops.size() == 1 ? "" : "s", d.loop_reason);
}

std::uint16_t Application::port() const noexcept { return impl_->port; }

std::string Application::local_url() const {
  return std::string(impl_->options.uses_tls() ? "https" : "http") + "://" +
         impl_->host_for_clients + ":" + std::to_string(impl_->port);
}

void Application::stop() {
  Impl& d = *impl_;
  {
    std::lock_guard lock(d.mutex);
    if (!d.started || d.stopping) {
      // A second stop (a second SIGTERM) only waits for the first.
    } else {
      d.stopping = true;
      for (auto& loop : d.loops) loop->begin_drain();
    }
  }
  {
    // The whole shutdown fits in the one grace period (platforms such as Heroku kill the
    // process soon after it): requests get most of it to finish; the rest is kept for
    // closing the channels, whose databases cancel the statements still running. Giving
    // the channels a grace of their own once requests were cut off let a stuck query
    // stretch a 10 s setting to 20 s.
    const auto grace = d.options.limits.shutdown_grace;
    const auto deadline = std::chrono::steady_clock::now() + grace;
    const auto close_reserve =
        std::min<std::chrono::steady_clock::duration>(grace / 4, std::chrono::seconds(1));
    std::unique_lock lock(d.mutex);
    bool drained =
        d.changed.wait_until(lock, deadline - close_reserve, [&] { return d.loops_running == 0; });
    if (!drained) {
      log::warn(
          "{} request(s) still running after {}ms; closing their connections", "in-flight",
          std::chrono::duration_cast<std::chrono::milliseconds>(grace - close_reserve).count());
      for (auto& loop : d.loops) loop->force_stop(deadline);
    }
  }
  wait();
}

void Application::wait() {
  Impl& d = *impl_;
  for (auto& thread : d.threads) {
    if (thread.joinable() && thread.get_id() != std::this_thread::get_id()) thread.join();
  }
}

int Application::run_until_signal() {
  asio::io_context signals_io(1);
  asio::signal_set signals(signals_io, SIGINT, SIGTERM);
  start();
  int received = 0;
  std::thread stopper;
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int number) {
        if (ec) return;
        if (++received == 1) {
          log::info("received {}; finishing in-flight requests",
                    number == SIGTERM ? "SIGTERM" : "SIGINT");
          // Keep listening so further signals are absorbed instead of killing us.
          signals.async_wait(on_signal);
          stopper = std::thread([this, &signals_io] {
            stop();
            signals_io.stop();
          });
        } else {
          log::info("already shutting down");
          signals.async_wait(on_signal);
        }
      };
  signals.async_wait(on_signal);
  signals_io.run();
  if (stopper.joinable()) stopper.join();
  wait();
  log::info("stopped");
  return 0;
}

}  // namespace conduit
