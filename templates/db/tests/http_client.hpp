// A minimal HTTP/1.1 client for the tests: one request per connection (Connection: close),
// read to the end. Enough until conduit's test harness arrives.
//
// Thread-safety: each call uses its own socket.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace test_support {

struct Reply {
  int status = 0;
  std::string body;
};

inline Reply request(std::uint16_t port, const std::string& method, const std::string& target,
                     const std::string& body = "") {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  timeval timeout{10, 0};  // a hung server fails the test instead of hanging it
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot connect to port " + std::to_string(port));
  }
  std::string out = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
  if (!body.empty()) {
    out +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  out += "\r\n" + body;
  for (std::size_t sent = 0; sent < out.size();) {
    const auto n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string in;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) in.append(buffer, n);
  ::close(fd);
  const auto end_of_head = in.find("\r\n\r\n");
  if (in.size() < 12 || end_of_head == std::string::npos) {
    throw std::runtime_error("no complete HTTP response: " + in);
  }
  return {std::stoi(in.substr(9, 3)), in.substr(end_of_head + 4)};
}

}  // namespace test_support
