// gzip response compression: deciding whether to compress, and doing it with zlib.
//
// Follows Conduit: bodies of compressible types (text/*, JSON, JavaScript, forms, plus
// SVG and XML) are gzipped when the client's Accept-Encoding admits gzip; event streams
// never are, since compressing them would buffer events. The server calls
// maybe_compress() on every response, so its early exits are allocation-free.
//
// Thread-safety: all functions are stateless and safe to call from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace conduit {

class Request;
class Response;

inline constexpr int kDefaultGzipLevel = 6;
inline constexpr std::size_t kDefaultGzipMinSize = 1024;

// True for media types worth compressing. Parameters ("; charset=...") and case are
// ignored. Also admits structured-syntax suffixes "+json" and "+xml".
bool is_compressible(std::string_view content_type) noexcept;

// True when an Accept-Encoding value admits gzip: "gzip" (or "x-gzip") with q > 0, or
// "*" with q > 0 and no explicit "gzip;q=0".
bool accepts_gzip(std::string_view accept_encoding) noexcept;

// The gzip (RFC 1952) encoding of `data` at zlib `level` (0-9, clamped).
// Throws std::runtime_error if zlib fails (only on memory exhaustion).
std::string gzip_compress(std::string_view data, int level = kDefaultGzipLevel);

// Gzips the body of `response` in place when the request accepts gzip, the body has at
// least `min_size` bytes, its type is compressible, it is not already encoded, the
// status carries a body (not 1xx/204/304) and Cache-Control lacks no-transform. A
// compressed response gets Content-Encoding: gzip and its ETag is made weak (the bytes
// differ from the identity representation). Every compressible response big enough to
// qualify gets Vary: Accept-Encoding, compressed or not, so caches keep the variants
// apart. A body that does not shrink is left as it was.
void maybe_compress(const Request& request, Response& response,
                    std::size_t min_size = kDefaultGzipMinSize, int level = kDefaultGzipLevel);

}  // namespace conduit
