// Implementation of conduit::FileController: path checks, conditional requests, reading.
#include "conduit/http/file_controller.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <system_error>

#include "conduit/core/log.hpp"
#include "conduit/http/parameters.hpp"
#include "mime_types.hpp"

namespace conduit {

namespace fs = std::filesystem;
namespace chrono = std::chrono;

namespace {

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  return out;
}

std::string_view without_dot(std::string_view extension) noexcept {
  if (!extension.empty() && extension.front() == '.') extension.remove_prefix(1);
  return extension;
}

// The extension of the last segment of `path` ("" for "README" or ".env").
std::string_view extension_of(std::string_view path) noexcept {
  auto slash = path.rfind('/');
  auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  return name.substr(dot + 1);
}

// Splits a root-relative path into segments, or nullopt when it must not be served.
// Request::path() is already percent-decoded, so a ".." here was "..", "%2e%2e" or a mix;
// an escape still present ("%2e%2e" reached us as "%252e%252e") is refused too, because
// a proxy or another decoder further along could turn it into a traversal. Unless
// `dotfiles` is set, a segment starting with '.' (".env", ".git/config") is refused too:
// such files are almost never meant to be public, and a deployment that copies a whole
// checkout into the root would otherwise publish its secrets and history.
std::optional<std::vector<std::string_view>> safe_segments(std::string_view relative,
                                                           bool dotfiles) {
  if (relative.find('\0') != std::string_view::npos) return std::nullopt;
  if (!relative.empty() && relative.front() == '/') return std::nullopt;
  std::vector<std::string_view> segments;
  while (!relative.empty()) {
    auto slash = relative.find('/');
    auto segment = relative.substr(0, slash);
    relative = slash == std::string_view::npos ? std::string_view{} : relative.substr(slash + 1);
    if (segment.empty() || segment == ".") continue;
    if (segment == ".." || segment.find('\\') != std::string_view::npos) return std::nullopt;
    if (!dotfiles && segment.front() == '.') return std::nullopt;
    if (segment.find('%') != std::string_view::npos) {
      auto decoded = percent_decode(segment, false);
      if (decoded && (*decoded == "." || *decoded == ".." ||
                      decoded->find_first_of(std::string_view("/\\\0", 3)) != std::string::npos ||
                      (!dotfiles && !decoded->empty() && decoded->front() == '.'))) {
        return std::nullopt;
      }
    }
    segments.push_back(segment);
  }
  return segments;
}

// Whether `resolved` (canonical, inside `root`) has a component below the root that
// starts with '.': a symlink with an ordinary name may lead into ".git".
bool has_dot_segment(const fs::path& root, const fs::path& resolved) {
  auto it = resolved.begin();
  for (auto r = root.begin(); r != root.end() && it != resolved.end(); ++r) ++it;
  for (; it != resolved.end(); ++it) {
    const std::string name = it->string();
    if (!name.empty() && name.front() == '.') return true;
  }
  return false;
}

// The canonical form of `path` if it exists and lies inside `root` (itself canonical).
// Canonicalising resolves every symlink, so a link pointing out of the root fails here.
std::optional<fs::path> resolve_within(const fs::path& root, const fs::path& path) {
  std::error_code ec;
  fs::path resolved = fs::canonical(path, ec);
  if (ec) return std::nullopt;
  auto [in_root, in_resolved] =
      std::mismatch(root.begin(), root.end(), resolved.begin(), resolved.end());
  (void)in_resolved;
  if (in_root != root.end()) return std::nullopt;
  return resolved;
}

constexpr std::array<std::string_view, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT". Written by hand because strftime's
// names follow the process locale.
std::string format_http_date(chrono::sys_seconds time) {
  auto days = chrono::floor<chrono::days>(time);
  chrono::year_month_day date{days};
  chrono::hh_mm_ss clock{time - days};
  return fmt::format(
      "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", kWeekdays[chrono::weekday{days}.c_encoding()],
      static_cast<unsigned>(date.day()), kMonths[static_cast<unsigned>(date.month()) - 1],
      static_cast<int>(date.year()), clock.hours().count(), clock.minutes().count(),
      clock.seconds().count());
}

// Parses IMF-fixdate only. The obsolete RFC 850 and asctime forms yield nullopt, which
// makes the request unconditional: always correct, merely less efficient, and clients
// echo our own Last-Modified (IMF-fixdate) anyway.
std::optional<chrono::sys_seconds> parse_http_date(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.size() != 29 || text[3] != ',' || text[4] != ' ' || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  auto number = [&](std::size_t pos, std::size_t len) {
    int value = 0;
    for (char c : text.substr(pos, len)) {
      if (c < '0' || c > '9') return -1;
      value = value * 10 + (c - '0');
    }
    return value;
  };
  auto month = std::find(kMonths.begin(), kMonths.end(), text.substr(8, 3));
  int day = number(5, 2), year = number(12, 4);
  int hour = number(17, 2), minute = number(20, 2), second = number(23, 2);
  if (month == kMonths.end() || day < 0 || year < 0 || hour < 0 || hour > 23 || minute < 0 ||
      minute > 59 || second < 0 || second > 60) {
    return std::nullopt;
  }
  chrono::year_month_day date{chrono::year{year},
                              chrono::month{static_cast<unsigned>(month - kMonths.begin() + 1)},
                              chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return std::nullopt;
  return chrono::sys_days{date} + chrono::hours{hour} + chrono::minutes{minute} +
         chrono::seconds{second};
}

// If-None-Match uses the weak comparison (RFC 9110 §13.1.2): W/ prefixes are ignored.
bool etag_list_matches(std::string_view list, std::string_view etag) noexcept {
  std::size_t i = 0;
  while (i < list.size()) {
    char c = list[i];
    if (c == ' ' || c == '\t' || c == ',') {
      ++i;
      continue;
    }
    if (c == '*') return true;
    if (list.substr(i).starts_with("W/")) i += 2;
    if (i >= list.size() || list[i] != '"') return false;
    auto close = list.find('"', i + 1);
    if (close == std::string_view::npos) return false;
    if (list.substr(i, close - i + 1) == etag) return true;
    i = close + 1;
  }
  return false;
}

// Whether the client's cached copy is current. If-None-Match, when present, decides
// alone (RFC 9110 §13.2.2); If-Modified-Since with an unparsable or future date is ignored.
bool is_not_modified(const Request& request, std::string_view etag, chrono::sys_seconds modified) {
  if (auto if_none_match = request.header("if-none-match")) {
    return etag_list_matches(*if_none_match, etag);
  }
  if (auto if_modified_since = request.header("if-modified-since")) {
    auto since = parse_http_date(*if_modified_since);
    if (!since || *since > chrono::floor<chrono::seconds>(chrono::system_clock::now())) {
      return false;
    }
    return modified <= *since;
  }
  return false;
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

// Reads up to `size` bytes; a file that shrank meanwhile yields what is there.
bool read_all(int fd, std::size_t size, std::string& out) {
  out.resize(size);
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::read(fd, out.data() + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
  return true;
}

}  // namespace

FileController::FileController(fs::path root) : root_(std::move(root)) {
  for (const auto& [extension, type] : http::detail::default_mime_types()) {
    content_types_.emplace(extension, type);
  }
}

FileController::FileController(fs::path root, NotFoundHandler on_file_not_found)
    : FileController(std::move(root)) {
  on_file_not_found_ = std::move(on_file_not_found);
}

void FileController::set_content_type_for_extension(std::string_view extension,
                                                    std::string content_type) {
  content_types_.insert_or_assign(to_lower(without_dot(extension)), std::move(content_type));
}

std::optional<std::string_view> FileController::content_type_for_extension(
    std::string_view extension) const {
  auto it = content_types_.find(to_lower(without_dot(extension)));
  if (it == content_types_.end()) return std::nullopt;
  return std::string_view(it->second);
}

void FileController::add_cache_policy(CachePolicy policy, PathPredicate should_apply_to_path) {
  cache_policies_.push_back({std::move(policy), std::move(should_apply_to_path)});
}

const CachePolicy* FileController::cache_policy_for_path(std::string_view path) const {
  for (const auto& entry : cache_policies_) {
    if (entry.applies && entry.applies(path)) return &entry.policy;
  }
  return nullptr;
}

void FileController::set_on_file_not_found(NotFoundHandler handler) {
  on_file_not_found_ = std::move(handler);
}

Task<Response> FileController::not_found(Request& request) {
  if (on_file_not_found_) co_return co_await on_file_not_found_(request);
  co_return Response::error(404, "not found");
}

std::optional<Response> FileController::serve(const Request& request) const {
  // The router's `*` remainder is relative; without a route, the whole path is used.
  std::string_view relative;
  if (const auto& remaining = request.path_match().remaining_path) {
    relative = *remaining;
  } else {
    relative = request.path();
    if (!relative.empty() && relative.front() == '/') relative.remove_prefix(1);
  }
  auto segments = safe_segments(relative, serve_dotfiles_);
  if (!segments) return std::nullopt;

  // Canonicalised per request (one realpath) so a root created or replaced after
  // startup is picked up, and the containment check compares like with like.
  std::error_code ec;
  fs::path root = fs::canonical(root_, ec);
  if (ec) return std::nullopt;

  fs::path candidate = root;
  std::string logical_path = "/";
  for (auto segment : *segments) {
    candidate /= segment;
    if (logical_path.size() > 1) logical_path += '/';
    logical_path += segment;
  }
  auto resolved = resolve_within(root, candidate);
  if (!resolved || (!serve_dotfiles_ && has_dot_segment(root, *resolved))) return std::nullopt;
  if (fs::is_directory(*resolved, ec)) {
    resolved = resolve_within(root, *resolved / "index.html");
    if (!resolved || (!serve_dotfiles_ && has_dot_segment(root, *resolved))) return std::nullopt;
    if (logical_path.back() != '/') logical_path += '/';
    logical_path += "index.html";
  }

  // Opening and then fstat-ing the descriptor (not the path) means the size, the
  // validators and the bytes all describe the same file, even if it is replaced
  // meanwhile. O_NONBLOCK keeps a FIFO planted in the tree from blocking the loop;
  // it is then rejected as not a regular file.
  FileDescriptor file(::open(resolved->c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW));
  if (file.get() < 0) return std::nullopt;
  struct stat info {};
  if (::fstat(file.get(), &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;

  auto size = static_cast<std::size_t>(info.st_size);
  if (size > max_file_size_) {
    log::warn("FileController: {} is {} bytes, over the {}-byte limit; answering 500", logical_path,
              size, max_file_size_);
    return Response::error(500, "file too large to serve");
  }

  auto modified_ns = static_cast<std::uint64_t>(info.st_mtim.tv_sec) * 1'000'000'000u +
                     static_cast<std::uint64_t>(info.st_mtim.tv_nsec);
  std::string etag = fmt::format("\"{:x}-{:x}\"", size, modified_ns);
  chrono::sys_seconds modified{chrono::seconds{info.st_mtim.tv_sec}};
  std::string last_modified = format_http_date(modified);
  const CachePolicy* policy = cache_policy_for_path(logical_path);

  const bool head = request.method() == "HEAD";
  Response response(200);
  if (is_not_modified(request, etag, modified)) {
    response.set_status(304);
  } else {
    // Blocking read on the event loop: fine for the small assets this serves. Large
    // files want sendfile(2) from the connection, or a thread pool; both need the
    // server to accept a file body instead of a string, which it does not yet.
    std::string body;
    if (!head && !read_all(file.get(), size, body)) {
      int error = errno;
      log::error("FileController: reading {} failed: {}", logical_path,
                 std::generic_category().message(error));
      return Response::error(500, "internal server error");
    }
    auto type = content_type_for_extension(extension_of(logical_path));
    response.set_body(std::move(body), type.value_or("application/octet-stream"));
    // A HEAD response has no body, but its Content-Length must still be the file's.
    if (head) response.set_header("Content-Length", std::to_string(size));
  }
  response.set_header("Last-Modified", last_modified);
  response.set_header("ETag", etag);
  if (policy) policy->apply(response);
  return response;
}

Task<Outcome> FileController::handle(Request& request) {
  if (request.method() != "GET" && request.method() != "HEAD") {
    Response response = Response::error(405, "method not allowed");
    response.set_header("Allow", "GET, HEAD");
    co_return response;
  }
  auto response = serve(request);
  if (!response) co_return co_await not_found(request);
  co_return std::move(*response);
}

}  // namespace conduit
