// Implementation of the `document` command (see document_command.hpp) and of the docs
// page (openapi_document.hpp).
#include "app/document_command.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/db_command.hpp"
#include "conduit/app/application_channel.hpp"
#include "conduit/app/application_options.hpp"
#include "conduit/auth/auth_redirect_controller.hpp"
#include "conduit/config/configuration.hpp"
#include "conduit/http/router.hpp"
#include "core/internal/current_loop.hpp"

namespace conduit::app::detail {

// The page title is the one value written into HTML; auth escapes its login form alike.
using conduit::auth::html_escape;

namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "*** %s\n", message.c_str());
  return 1;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Where Swagger UI was installed: $CONDUIT_DOCS_PAGE_DIR, the build tree, the install tree.
std::filesystem::path docs_page_directory() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("CONDUIT_DOCS_PAGE_DIR")) candidates.emplace_back(env);
#ifdef CONDUIT_DOCS_PAGE_BUILD_DIR
  candidates.emplace_back(CONDUIT_DOCS_PAGE_BUILD_DIR);
#endif
#ifdef CONDUIT_DOCS_PAGE_INSTALL_DIR
  candidates.emplace_back(CONDUIT_DOCS_PAGE_INSTALL_DIR);
#endif
  for (const auto& dir : candidates) {
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::path(dir) / "swagger-ui-bundle.js", ec)) {
      return dir;
    }
  }
  return {};
}

// JSON inside <script> must not close the element.
std::string script_safe(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

// A minimal renderer for builds without Swagger UI: lists every operation.
constexpr const char* kBuiltinRenderer = R"JS(
const root = document.getElementById('docs');
const note = document.createElement('p');
note.className = 'note';
note.textContent = 'Swagger UI was not installed with this build (no network at build time): '
  + 'showing the built-in renderer.';
root.appendChild(note);
for (const [path, item] of Object.entries(spec.paths || {})) {
  for (const [method, op] of Object.entries(item)) {
    const div = document.createElement('div');
    div.className = 'opblock';
    const head = document.createElement('h3');
    head.textContent = method.toUpperCase() + ' ' + path + ' — ' + (op.summary || '');
    div.appendChild(head);
    const pre = document.createElement('pre');
    pre.textContent = JSON.stringify({parameters: op.parameters, requestBody: op.requestBody,
                                      responses: Object.keys(op.responses || {}),
                                      security: op.security}, null, 2);
    div.appendChild(pre);
    root.appendChild(div);
  }
}
)JS";

// Builds the channel's controller tree without serving: prepare(), entry_point(),
// did_add_to_channel(), on a private io_context (prepare may await).
boost::json::object document_of(const ApplicationSpec& spec, const ApplicationOptions& options,
                                const DocumentOptions& document) {
  boost::asio::io_context io;
  conduit::detail::set_current_io_context(&io);
  auto channel = spec.make_channel();
  channel->attach(&options, 0);
  std::exception_ptr error;
  bool done = false;
  conduit::detail::spawn(channel->prepare(), [&](std::exception_ptr e) {
    error = e;
    done = true;
  });
  while (!done && io.run_one() > 0) {
  }
  if (error) std::rethrow_exception(error);
  if (!done) throw std::runtime_error("prepare() did not finish");
  std::shared_ptr<Controller> root = channel->entry_point();
  if (!root) throw std::runtime_error("entry_point() returned no controller");
  root->did_add_to_channel();
  auto result = build_openapi_document(*root, document);
  bool closed = false;
  conduit::detail::spawn(channel->close(), [&](std::exception_ptr) { closed = true; });
  while (!closed && io.run_one() > 0) {
  }
  root.reset();
  channel.reset();
  io.run();
  conduit::detail::set_current_io_context(nullptr);
  return result;
}

// Serves the document and the page: `document serve`.
class DocsChannel : public ApplicationChannel {
 public:
  DocsChannel(std::string json, std::string page)
      : json_(std::move(json)), page_(std::move(page)) {}
  std::shared_ptr<Controller> entry_point() override {
    auto router = std::make_shared<Router>();
    std::string json = json_;
    router->route("/openapi.json").link_function([json](Request&) -> Task<Response> {
      co_return Response(200, json, "application/json");
    });
    std::string page = page_;
    router->route("/").link_function(
        [page](Request&) -> Task<Response> { co_return Response::html(200, page); });
    return router;
  }

 private:
  std::string json_;
  std::string page_;
};

// See with_docs().
class DocsFront : public Controller {
 public:
  DocsFront(std::shared_ptr<Controller> root, std::string json, std::string page,
            OpenApiConfiguration where)
      : root_(std::move(root)),
        json_(std::move(json)),
        page_(std::move(page)),
        where_(std::move(where)) {
    // Like a Router: the chain behind decorates its own answers.
    cors_policy().reset();
  }
  bool dispatches_requests() const noexcept override { return true; }
  Task<Outcome> handle(Request& request) override {
    if (request.method() == "GET" && request.path() == where_.path) {
      co_return Response(200, json_, "application/json");
    }
    if (request.method() == "GET" && request.path() == where_.page) {
      co_return Response::html(200, page_);
    }
    co_return co_await root_->receive(request);
  }
  std::vector<ApiOperation> api_operations() const override { return root_->api_operations(); }

 private:
  std::shared_ptr<Controller> root_;
  std::string json_;
  std::string page_;
  OpenApiConfiguration where_;
};

}  // namespace

std::shared_ptr<Controller> with_docs(std::shared_ptr<Controller> root, const std::string& title,
                                      const OpenApiConfiguration& where) {
  DocumentOptions options;
  options.title = title;
  std::string json = boost::json::serialize(build_openapi_document(*root, options));
  std::string page = docs_page_html(json, title);
  return std::make_shared<DocsFront>(std::move(root), std::move(json), std::move(page), where);
}

void apply_openapi_configuration(ApplicationOptions& options) {
  if (!std::filesystem::exists(options.config_path)) return;
  const ConfigNode document = read_yaml_file(options.config_path);
  const ConfigNode* node = document.find("openapi");
  if (!node) return;
  ConfigContext ctx(options.config_path);
  options.openapi = ctx.child("openapi").decode<OpenApiConfiguration>(*node);
  if (options.openapi.enabled) options.serve_docs = true;
}

std::string docs_page_html(const std::string& document_json, const std::string& title) {
  const std::filesystem::path dir = docs_page_directory();
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>" +
                     html_escape(title) + "</title>\n";
  if (!dir.empty()) {
    html += "<style>\n" + read_file(dir / "swagger-ui.css") + "\n</style>\n</head><body>\n";
    html += "<div id=\"docs\"></div>\n<script>\n" + read_file(dir / "swagger-ui-bundle.js") +
            "\n</script>\n<script>\nconst spec = " + script_safe(document_json) +
            ";\nwindow.ui = SwaggerUIBundle({spec, dom_id: '#docs', deepLinking: true, "
            "docExpansion: 'list'});\n</script>\n";
  } else {
    html +=
        "<style>body{font-family:sans-serif;margin:2em} .opblock{border:1px solid #ccc;"
        "border-radius:4px;margin:1em 0;padding:0 1em} .note{color:#a60}</style>\n"
        "</head><body>\n<h1>" +
        html_escape(title) +
        "</h1>\n<div id=\"docs\"></div>\n<script>\nconst spec = " + script_safe(document_json) +
        ";\n" + kBuiltinRenderer + "</script>\n";
  }
  html += "</body></html>\n";
  return html;
}

void add_document_command(CLI::App& app, DocumentFlags& flags) {
  CLI::App* document =
      app.add_subcommand("document", "Print the OpenAPI document of the application.");
  auto& d = flags.document;
  auto common = [&](CLI::App* command) {
    command->add_option("-c,--config-path", flags.config_path,
                        "Configuration file (default config.src.yaml, else config.yaml)");
    command->add_option("--title", d.title, "API title")->capture_default_str();
    command->add_option("--description", d.description, "API description");
    command->add_option("--api-version", d.api_version, "API version")->capture_default_str();
    command->add_option("--host", d.hosts, "Server URL (repeatable), e.g. https://api.example.com");
    command->add_option("--contact-name", d.contact_name, "Contact name");
    command->add_option("--contact-email", d.contact_email, "Contact email");
    command->add_option("--contact-url", d.contact_url, "Contact URL");
    command->add_option("--license-name", d.license_name, "License name");
    command->add_option("--license-url", d.license_url, "License URL");
    command
        ->add_option_function<std::string>(
            "--openapi-version",
            [&d](const std::string& v) {
              d.openapi_version = v.rfind("3.1", 0) == 0 ? "3.1.0" : "3.0.3";
            },
            "3.0 (default) or 3.1")
        ->check(CLI::IsMember({"3.0", "3.0.3", "3.1", "3.1.0"}));
  };
  common(document);
  CLI::App* client = document->add_subcommand("client", "Write a self-contained HTML docs page.");
  common(client);
  client->add_option("-o,--output", flags.output, "Output file")->capture_default_str();
  CLI::App* serve = document->add_subcommand("serve", "Serve the document and the docs page.");
  common(serve);
  serve->add_option("-p,--port", flags.port, "Port")->capture_default_str();
}

int run_document_command(CLI::App& app, const ApplicationSpec& spec, DocumentFlags& flags) {
  CLI::App* document = app.get_subcommand("document");
  ApplicationOptions options;
  std::string config = flags.config_path;
  if (config.empty()) {
    config = std::filesystem::exists("config.src.yaml") ? "config.src.yaml" : "config.yaml";
  }
  std::error_code ec;
  auto absolute = std::filesystem::absolute(config, ec);
  options.config_path = ec ? config : absolute.string();
  if (flags.document.title == "conduit application") flags.document.title = spec.name;
  std::string json;
  try {
    json = pretty_json(document_of(spec, options, flags.document));
  } catch (const std::exception& error) {
    return fail("cannot document " + spec.name + ": " + error.what());
  }
  if (document->got_subcommand("client")) {
    std::ofstream out(flags.output, std::ios::binary);
    out << docs_page_html(json, flags.document.title);
    if (!out) return fail("cannot write " + flags.output);
    std::printf("Wrote %s\n", flags.output.c_str());
    return 0;
  }
  if (document->got_subcommand("serve")) {
    std::string page = docs_page_html(json, flags.document.title);
    ApplicationSpec docs;
    docs.name = spec.name + " docs";
    docs.make_channel = [json, page] { return std::make_unique<DocsChannel>(json, page); };
    ApplicationOptions serve_options;
    serve_options.port = flags.port;
    serve_options.address = "127.0.0.1";
    Application application(docs, serve_options);
    try {
      std::printf("Docs at http://127.0.0.1:%u/ (document at /openapi.json)\n",
                  static_cast<unsigned>(flags.port));
      std::fflush(stdout);
      return application.run_until_signal();
    } catch (const std::exception& error) {
      return fail(std::string("cannot serve the docs: ") + error.what());
    }
  }
  std::fwrite(json.data(), 1, json.size(), stdout);
  std::fputc('\n', stdout);
  return 0;
}

}  // namespace conduit::app::detail
