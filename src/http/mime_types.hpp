// The default file-extension -> Content-Type table used by FileController.
//
// Conduit's table (html, css, js, json, images, documents, fonts) plus the types a
// modern static site needs (wasm, webp, txt, xml, mjs, woff2, source maps). Text types
// carry "charset=utf-8" as Conduit's do.
//
// Thread-safety: the table is immutable static data.
#pragma once

#include <span>
#include <string_view>
#include <utility>

namespace conduit::http::detail {

using MimeEntry = std::pair<std::string_view, std::string_view>;

// Every default entry: extension (lower case, no dot) and content type.
std::span<const MimeEntry> default_mime_types() noexcept;

}  // namespace conduit::http::detail
