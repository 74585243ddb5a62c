// The default extension -> Content-Type table for FileController.
#include "mime_types.hpp"

#include <array>

namespace conduit::http::detail {

namespace {
constexpr std::array kDefaultMimeTypes = {
    // Web content.
    MimeEntry{"html", "text/html; charset=utf-8"},
    MimeEntry{"css", "text/css; charset=utf-8"},
    MimeEntry{"js", "application/javascript; charset=utf-8"},
    MimeEntry{"mjs", "application/javascript; charset=utf-8"},
    MimeEntry{"json", "application/json; charset=utf-8"},
    MimeEntry{"map", "application/json; charset=utf-8"},
    MimeEntry{"xml", "application/xml; charset=utf-8"},
    MimeEntry{"wasm", "application/wasm"},
    // Images.
    MimeEntry{"jpg", "image/jpeg"},
    MimeEntry{"jpeg", "image/jpeg"},
    MimeEntry{"eps", "application/postscript"},
    MimeEntry{"png", "image/png"},
    MimeEntry{"gif", "image/gif"},
    MimeEntry{"bmp", "image/bmp"},
    MimeEntry{"tiff", "image/tiff"},
    MimeEntry{"tif", "image/tiff"},
    MimeEntry{"ico", "image/x-icon"},
    MimeEntry{"svg", "image/svg+xml"},
    MimeEntry{"webp", "image/webp"},
    // Documents.
    MimeEntry{"rtf", "application/rtf"},
    MimeEntry{"pdf", "application/pdf"},
    MimeEntry{"csv", "text/plain; charset=utf-8"},
    MimeEntry{"md", "text/plain; charset=utf-8"},
    MimeEntry{"txt", "text/plain; charset=utf-8"},
    // Fonts.
    MimeEntry{"ttf", "font/ttf"},
    MimeEntry{"eot", "application/vnd.ms-fontobject"},
    MimeEntry{"woff", "font/woff"},
    MimeEntry{"woff2", "font/woff2"},
    MimeEntry{"otf", "font/otf"},
};
}  // namespace

std::span<const MimeEntry> default_mime_types() noexcept { return kDefaultMimeTypes; }

}  // namespace conduit::http::detail
