// Internal: the OpenAPI document of a controller tree (`<app> document`). Walks the
// Router's routes and each route's chain: Authorizers give the security requirements,
// the auth controllers the OAuth 2.0 endpoints and flows, every other controller its
// api_operations() (conduit/http/api_description.hpp).
//
// Thread-safety: a pure function of a built tree that nothing else uses meanwhile.
#pragma once

#include <boost/json/object.hpp>

#include <memory>
#include <string>
#include <vector>

namespace conduit {
class Controller;
struct ApplicationOptions;
struct OpenApiConfiguration;
}  // namespace conduit

namespace conduit::app::detail {

struct DocumentOptions {
  std::string openapi_version = "3.0.3";  // or "3.1.0"
  std::string title = "conduit application";
  std::string description;
  std::string api_version = "1.0.0";
  std::vector<std::string> hosts;  // servers; none: "/"
  std::string contact_name, contact_email, contact_url;
  std::string license_name, license_url;
};

boost::json::object build_openapi_document(const Controller& root, const DocumentOptions& options);

// One self-contained HTML page showing `document` (Swagger UI when it was installed with
// conduit, else a minimal built-in renderer that says so).
std::string docs_page_html(const std::string& document_json, const std::string& title);

// The running app's docs (ApplicationOptions::serve_docs: `serve --docs` or the
// configuration's `openapi` key): a controller in front of `root` that answers GET
// `where.path` (the document) and GET `where.page` (the page) and passes every other
// request to `root` unchanged. The document is built once, here.
std::shared_ptr<Controller> with_docs(std::shared_ptr<Controller> root, const std::string& title,
                                      const OpenApiConfiguration& where);

// Reads the `openapi` key of options.config_path (when the file exists and has one) into
// options.openapi, and turns options.serve_docs on when it says enabled. Throws ConfigError
// (file, line, key) for a bad value.
void apply_openapi_configuration(ApplicationOptions& options);

}  // namespace conduit::app::detail
