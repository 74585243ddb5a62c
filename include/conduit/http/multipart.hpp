// conduit::Multipart: a multipart/form-data body (RFC 7578) parsed from a buffered request.
//
// Conduit has no multipart decoder; this one parses the whole buffered body at once, which
// the server has already bounded in size. Parsing is strict (CRLF line ends, the boundary
// from Content-Type, a name on every part) and bounded by MultipartLimits. Any violation
// throws MultipartError, an HttpError that becomes 400 {"error": "..."}; parsing never reads
// outside the input. Part data is copied out, so a Multipart outlives the request body.
//
// Thread-safety: a plain value type.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conduit/http/headers.hpp"
#include "conduit/http/http_error.hpp"

namespace conduit {

// A malformed or over-limit multipart body: 400 with {"error": message}.
class MultipartError : public HttpError {
 public:
  explicit MultipartError(std::string_view message) : HttpError(400, message) {}
};

struct MultipartLimits {
  std::size_t max_parts = 128;
  // Bytes of the header block of one part, CRLFs included.
  std::size_t max_header_bytes = 16 * 1024;
};

struct MultipartPart {
  Headers headers;
  // From Content-Disposition: form-data; name="..."; filename="...".
  std::string name;
  std::optional<std::string> filename;
  // The part's Content-Type, "text/plain" when absent (RFC 7578 section 4.4).
  std::string content_type = "text/plain";
  std::string data;

  bool is_file() const noexcept { return filename.has_value(); }
};

class Multipart {
 public:
  Multipart() = default;

  // Parses `body` delimited by `boundary` (without the leading "--").
  static Multipart parse(std::string_view body, std::string_view boundary,
                         const MultipartLimits& limits = {});
  // The boundary parameter of a multipart Content-Type header value, unquoted; nullopt
  // when the media type is not multipart/* or the boundary is missing or invalid.
  static std::optional<std::string> boundary_of(std::string_view content_type);

  const std::vector<MultipartPart>& parts() const noexcept { return parts_; }
  bool empty() const noexcept { return parts_.empty(); }
  std::size_t size() const noexcept { return parts_.size(); }
  auto begin() const noexcept { return parts_.begin(); }
  auto end() const noexcept { return parts_.end(); }

  // The first part named `name`, file or not; nullptr if none.
  const MultipartPart* part(std::string_view name) const noexcept;
  // The data of the first non-file part named `name`.
  std::optional<std::string_view> field(std::string_view name) const noexcept;
  // The first file part (one with a filename) named `name`; nullptr if none.
  const MultipartPart* file(std::string_view name) const noexcept;
  // Every file part named `name`, for <input type="file" multiple>.
  std::vector<const MultipartPart*> files(std::string_view name) const;

 private:
  std::vector<MultipartPart> parts_;
};

}  // namespace conduit
