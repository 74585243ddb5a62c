// libFuzzer target: multipart/form-data parsing. The input's first line is a Content-Type
// value (for Multipart::boundary_of), the rest the body; the body is parsed with the
// boundary found there, and also with a fixed one so that mutations need not keep the
// two in sync.
//
// Checks beyond "no crash": parse fails only with MultipartError (a 400 HttpError),
// respects MultipartLimits, every part is findable by name and its data is a slice of
// the body (the parser copies, never invents, bytes); a boundary_of() result is itself
// a valid boundary.
//
// Thread-safety: libFuzzer calls LLVMFuzzerTestOneInput from one thread.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "conduit/http/multipart.hpp"
#include "fuzz_support.hpp"

namespace {

using conduit::Multipart;
using conduit::MultipartError;
using conduit::MultipartLimits;
using conduit::fuzz::check;

void parse(std::string_view body, std::string_view boundary, const MultipartLimits& limits) {
  try {
    Multipart multipart = Multipart::parse(body, boundary, limits);
    check(multipart.size() <= limits.max_parts, "more parts than max_parts");
    for (const conduit::MultipartPart& part : multipart) {
      check(!part.name.empty(), "part without a name");
      check(multipart.part(part.name) != nullptr, "part not found by its own name");
      check(body.find(part.data) != std::string_view::npos, "part data is not from the body");
      check(!part.content_type.empty(), "part without a content type");
      if (part.is_file()) {
        check(multipart.file(part.name) != nullptr, "file part not found by its name");
        check(!multipart.files(part.name).empty(), "files() misses a file part");
      } else {
        check(multipart.field(part.name).has_value(), "field part not found by its name");
      }
    }
  } catch (const MultipartError& error) {
    check(error.status() == 400, "MultipartError is not a 400");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto newline = input.find('\n');
  std::string_view content_type = input.substr(0, newline);
  std::string_view body =
      newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);

  const MultipartLimits defaults;
  const MultipartLimits tight{.max_parts = 3, .max_header_bytes = 64};
  if (std::optional<std::string> boundary = Multipart::boundary_of(content_type)) {
    check(!boundary->empty() && boundary->size() <= 70, "boundary_of gave an invalid boundary");
    parse(body, *boundary, defaults);
    parse(body, *boundary, tight);
  }
  parse(body, "XyZ", defaults);
  parse(body, "XyZ", tight);
  // The boundary validation itself, on arbitrary text.
  parse(body, content_type, defaults);
  return 0;
}
