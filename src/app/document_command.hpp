// The `document` command of an application binary (Conduit's `conduit document`):
//   <app> document [flags]                 prints the OpenAPI document (JSON)
//   <app> document client [-o FILE]        writes one self-contained HTML docs page
//   <app> document serve [-p 8111]         serves /openapi.json and the docs page at /
// Flags: --title, --description, --api-version, --host (repeatable: servers),
// --contact-name/-email/-url, --license-name/-url, --openapi-version 3.0|3.1, -c CONFIG
// (default config.src.yaml, else config.yaml). The channel is prepared and its entry
// point built as for `serve`, but nothing is served (databases open lazily).
//
// Thread-safety: used once from main().
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

#include "app/openapi_document.hpp"
#include "conduit/app/application.hpp"

namespace conduit::app::detail {

struct DocumentFlags {
  DocumentOptions document;
  std::string config_path;
  std::string output = "client.html";
  std::uint16_t port = 8111;
};

void add_document_command(CLI::App& app, DocumentFlags& flags);
int run_document_command(CLI::App& app, const ApplicationSpec& spec, DocumentFlags& flags);

}  // namespace conduit::app::detail
