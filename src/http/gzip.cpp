// Implementation of gzip response compression with zlib.
#include "conduit/http/gzip.hpp"

#define ZLIB_CONST
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <stdexcept>

#include "conduit/http/headers.hpp"
#include "conduit/http/request.hpp"
#include "conduit/http/response.hpp"

namespace conduit {

namespace {

constexpr std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iends_with(std::string_view s, std::string_view suffix) noexcept {
  return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

// Calls `f(item)` for each trimmed, non-empty item of a comma-separated list; stops
// early when f returns true. Returns whether it stopped early.
template <class F>
bool for_each_list_item(std::string_view list, F f) noexcept {
  while (!list.empty()) {
    auto comma = list.find(',');
    auto item = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (!item.empty() && f(item)) return true;
  }
  return false;
}

// The q parameter of a list item ("gzip;q=0.5") is zero. A missing or malformed q counts
// as non-zero: RFC 9110 makes q=1 the default.
bool has_zero_quality(std::string_view params) noexcept {
  while (!params.empty()) {
    auto semi = params.find(';');
    auto param = trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
    auto eq = param.find('=');
    if (eq == std::string_view::npos || !iequals(trim(param.substr(0, eq)), "q")) continue;
    auto value = trim(param.substr(eq + 1));
    return !value.empty() && value.front() == '0' &&
           value.find_first_not_of("0.") == std::string_view::npos;
  }
  return false;
}

bool list_contains_token(const Headers& headers, std::string_view name,
                         std::string_view token) noexcept {
  for (const auto& [field, value] : headers) {
    if (!iequals(field, name)) continue;
    if (for_each_list_item(
            value, [&](std::string_view item) { return iequals(item, token) || item == "*"; })) {
      return true;
    }
  }
  return false;
}

bool contains_ci(std::string_view haystack, std::string_view needle) noexcept {
  if (needle.size() > haystack.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (iequals(haystack.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

class DeflateStream {
 public:
  explicit DeflateStream(int level) {
    // windowBits 15 + 16 selects the gzip wrapper instead of zlib's.
    if (deflateInit2(&stream_, std::clamp(level, 0, 9), Z_DEFLATED, MAX_WBITS + 16, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
      throw std::runtime_error("gzip: deflateInit2 failed");
    }
  }
  ~DeflateStream() { deflateEnd(&stream_); }
  DeflateStream(const DeflateStream&) = delete;
  DeflateStream& operator=(const DeflateStream&) = delete;
  z_stream* get() noexcept { return &stream_; }

 private:
  z_stream stream_{};
};

}  // namespace

bool is_compressible(std::string_view content_type) noexcept {
  auto media = trim(content_type.substr(0, content_type.find(';')));
  auto slash = media.find('/');
  if (slash == std::string_view::npos) return false;
  auto type = media.substr(0, slash);
  auto subtype = media.substr(slash + 1);
  // Event streams are consumed incrementally; compressing would hold events back.
  if (iequals(type, "text")) return !iequals(subtype, "event-stream");
  if (iequals(type, "application")) {
    return iequals(subtype, "json") || iequals(subtype, "javascript") ||
           iequals(subtype, "x-www-form-urlencoded") || iequals(subtype, "xml") ||
           iends_with(subtype, "+json") || iends_with(subtype, "+xml");
  }
  if (iequals(type, "image")) return iequals(subtype, "svg+xml");
  return false;
}

bool accepts_gzip(std::string_view accept_encoding) noexcept {
  enum class Seen { no, refused, accepted };
  Seen gzip = Seen::no;
  Seen star = Seen::no;
  for_each_list_item(accept_encoding, [&](std::string_view item) {
    auto semi = item.find(';');
    auto coding = trim(item.substr(0, semi));
    auto params = semi == std::string_view::npos ? std::string_view{} : item.substr(semi + 1);
    Seen verdict = has_zero_quality(params) ? Seen::refused : Seen::accepted;
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) {
      gzip = verdict;
    } else if (coding == "*") {
      star = verdict;
    }
    return false;
  });
  // An explicit gzip entry beats the wildcard either way (RFC 9110 §12.5.3).
  if (gzip != Seen::no) return gzip == Seen::accepted;
  return star == Seen::accepted;
}

std::string gzip_compress(std::string_view data, int level) {
  DeflateStream deflate_stream(level);
  z_stream* zs = deflate_stream.get();
  // zlib counts in uInt; feed and drain in chunks so bodies over 4 GiB would also work.
  constexpr std::size_t kMaxChunk = UINT_MAX;
  std::string out;
  out.resize(deflateBound(zs, static_cast<uLong>(data.size())));
  while (true) {
    std::size_t in_left = data.size() - zs->total_in;
    zs->next_in = reinterpret_cast<const Bytef*>(data.data()) + zs->total_in;
    zs->avail_in = static_cast<uInt>(std::min(in_left, kMaxChunk));
    if (zs->total_out == out.size()) out.resize(out.size() * 2 + 64);
    zs->next_out = reinterpret_cast<Bytef*>(out.data()) + zs->total_out;
    zs->avail_out = static_cast<uInt>(std::min(out.size() - zs->total_out, kMaxChunk));
    int flush = zs->avail_in == in_left ? Z_FINISH : Z_NO_FLUSH;
    int rc = deflate(zs, flush);
    if (rc == Z_STREAM_END) break;
    // Z_BUF_ERROR only means "no progress possible now"; the next round adds room.
    if (rc != Z_OK && rc != Z_BUF_ERROR) throw std::runtime_error("gzip: deflate failed");
  }
  out.resize(zs->total_out);
  return out;
}

void maybe_compress(const Request& request, Response& response, std::size_t min_size, int level) {
  // Cheapest checks first: most responses leave here without touching the heap.
  int status = response.status();
  if (status < 200 || status == 204 || status == 304) return;
  if (response.body().empty() || response.body().size() < min_size) return;
  Headers& headers = response.headers();
  auto content_type = headers.get("Content-Type");
  if (!content_type || !is_compressible(*content_type)) return;
  if (auto encoding = headers.get("Content-Encoding");
      encoding && !iequals(trim(*encoding), "identity")) {
    return;
  }
  if (auto cache_control = headers.get("Cache-Control");
      cache_control && contains_ci(*cache_control, "no-transform")) {
    return;
  }

  if (!list_contains_token(headers, "Vary", "Accept-Encoding")) {
    headers.add("Vary", "Accept-Encoding");
  }
  auto accept_encoding = request.header("accept-encoding");
  if (!accept_encoding || !accepts_gzip(*accept_encoding)) return;

  std::string compressed = gzip_compress(response.body(), level);
  if (compressed.size() >= response.body().size()) return;
  response.mutable_body().swap(compressed);
  headers.set("Content-Encoding", "gzip");
  // The length of the identity representation no longer applies.
  headers.remove("Content-Length");
  if (auto etag = headers.get("ETag"); etag && !etag->starts_with("W/")) {
    headers.set("ETag", "W/" + std::string(*etag));
  }
}

}  // namespace conduit
