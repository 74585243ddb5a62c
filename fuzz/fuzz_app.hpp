// The application the HTTP fuzzers drive: a Router whose routes use every pattern form
// (literal, ":var", ":var(regex)", "(regex)", optional "[...]", "*") and end in
// ResourceControllers binding Path/Query/Header/Body values of many types, function
// controllers and a FileController over a small temporary tree.
//
// Built once per process (fuzz_router()) and only read afterwards, as a server's
// channel is. Thread-safety: libFuzzer runs the targets on one thread.
#pragma once

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

#include "conduit/http/bindings.hpp"
#include "conduit/http/cache_policy.hpp"
#include "conduit/http/file_controller.hpp"
#include "conduit/http/json.hpp"
#include "conduit/http/multipart.hpp"
#include "conduit/http/resource_controller.hpp"
#include "conduit/http/router.hpp"

namespace conduit::fuzz {

using Seconds = std::chrono::sys_time<std::chrono::seconds>;
using Millis = std::chrono::sys_time<std::chrono::milliseconds>;

enum class Power { flight, strength, speed, invisibility };
BOOST_DESCRIBE_ENUM(Power, flight, strength, speed, invisibility)

struct Sidekick {
  std::string name;
  std::optional<std::uint8_t> age;
};
BOOST_DESCRIBE_STRUCT(Sidekick, (), (name, age))

struct HeroBase {
  std::string name;
};
BOOST_DESCRIBE_STRUCT(HeroBase, (), (name))

struct HeroInput : HeroBase {
  std::optional<std::int32_t> level;
  std::vector<Power> powers;
  std::vector<Sidekick> sidekicks;
  std::map<std::string, double> stats;
  std::optional<Millis> born;
  bool active = false;
  std::optional<boost::json::value> extra;
};
BOOST_DESCRIBE_STRUCT(HeroInput, (HeroBase), (level, powers, sidekicks, stats, born, active, extra))

// Echoes what the bindings decoded, so the response side (to_json) is exercised too.
class HeroController : public ResourceController {
 public:
  HeroController() {
    get<&HeroController::list>();
    get<&HeroController::one>();
    post<&HeroController::create>();
    put<&HeroController::replace>();
    patch<&HeroController::update>();
    del<&HeroController::remove>();
  }

  Task<std::optional<Response>> will_process_request(Request& request) override {
    if (request.header("x-teapot")) co_return Response::error(418, "short and stout");
    co_return std::nullopt;
  }

  Task<Response> list(Query<"name", std::optional<std::string>> name,
                      Query<"limit", std::optional<std::uint16_t>> limit,
                      Query<"verbose", bool> verbose, Query<"tag", std::vector<std::string>> tags,
                      Query<"power", std::optional<Power>> power,
                      Header<"X-Tags", std::vector<std::string>> header_tags,
                      Header<"X-Since", std::optional<Seconds>> since) {
    co_return Response::ok({{"name", to_json(*name)},
                            {"limit", to_json(*limit)},
                            {"verbose", *verbose},
                            {"tags", to_json(*tags)},
                            {"power", to_json(*power)},
                            {"header_tags", to_json(*header_tags)},
                            {"since", to_json(*since)}});
  }
  Task<Response> one(Path<"id", std::int64_t> id, Query<"at", std::optional<Millis>> at) {
    co_return Response::ok({{"id", *id}, {"at", to_json(*at)}});
  }
  Task<Response> create(Request& request, Body<HeroInput> body) {
    co_return Response::created("/heroes/1?by=" + request.remote_address(), to_json(*body));
  }
  Task<Response> replace(Path<"id", std::int64_t> id,
                         Body<HeroInput, JsonReadOptions{.reject_unknown_keys = false}> body) {
    co_return Response::ok({{"id", *id}, {"hero", to_json(*body)}});
  }
  Task<Response> update(Path<"id", std::int64_t> id, Body<boost::json::value> patch_body) {
    co_return Response::ok({{"id", *id}, {"patch", *patch_body}});
  }
  Task<Response> remove(Path<"id", std::uint8_t> id) {
    if (*id == 0) co_return Response::not_found();
    co_return Response::no_content();
  }
};

class UploadController : public ResourceController {
 public:
  UploadController() {
    post<&UploadController::upload>();
    put<&UploadController::form>();
    get<&UploadController::fetch>();
  }

  Task<Response> upload(Body<Multipart> body, Query<"overwrite", bool> overwrite) {
    boost::json::array parts;
    for (const MultipartPart& part : *body) {
      parts.push_back({{"name", part.name},
                       {"filename", to_json(part.filename)},
                       {"type", part.content_type},
                       {"size", part.data.size()}});
    }
    const MultipartPart* file = body->file("file");
    co_return Response::ok({{"parts", std::move(parts)},
                            {"overwrite", *overwrite},
                            {"title", to_json(body->field("title"))},
                            {"file", file ? file->data.size() : 0},
                            {"files", body->files("file").size()}});
  }
  Task<Response> form(Path<"name", std::string> name, Body<Parameters> body) {
    boost::json::object out;
    for (const auto& [key, value] : *body) out[key] = value;
    co_return Response::ok({{"name", *name}, {"form", std::move(out)}});
  }
  Task<Response> fetch(Path<"name", std::string> name,
                       Header<"Accept-Language", std::optional<std::string>> language) {
    co_return Response::text(200, *name + " " + language->value_or("-"));
  }
};

class NoteController : public ResourceController {
 public:
  NoteController() {
    accepted_content_types().push_back("text/plain");
    // Conduit reads Query<> values from a form body too, when the type is accepted.
    accepted_content_types().push_back("application/x-www-form-urlencoded");
    get<&NoteController::read>();
    put<&NoteController::write>();
    post<&NoteController::append>();
  }

  void did_decode_request_body(Request& request, DecodedBody& body) override {
    if (body.format == DecodedBody::Format::json && request.header("x-wrap")) {
      body.json = boost::json::array{body.json};
    }
  }

  Task<Response> read(Path<"slug", std::string> slug, Query<"at", std::vector<Seconds>> at,
                      Query<"ratio", std::optional<double>> ratio,
                      Query<"page", std::optional<std::vector<std::int32_t>>> pages,
                      Header<"X-Count", std::optional<std::int8_t>> count,
                      Header<"X-Flags", std::vector<bool>> flags) {
    co_return Response::ok({{"slug", *slug},
                            {"at", to_json(*at)},
                            {"ratio", to_json(*ratio)},
                            {"pages", to_json(*pages)},
                            {"count", to_json(*count)},
                            {"flags", to_json(*flags)}});
  }
  Task<Response> write(Path<"slug", std::string> slug, Body<std::optional<std::string>> text) {
    co_return Response::text(200, *slug + ":" + text->value_or("<none>"));
  }
  Task<Response> append(Path<"slug", std::string> slug, Request& request,
                        Body<std::optional<std::vector<Sidekick>>> sidekicks) {
    co_return Response::ok(
        {{"slug", *slug}, {"path", request.path()}, {"sidekicks", to_json(*sidekicks)}});
  }
};

// Describes the match, as a JSON body.
inline Task<Response> echo_match(Request& request) {
  const PathMatch& match = request.path_match();
  boost::json::object variables;
  for (const auto& [name, value] : match.variables) variables[name] = value;
  co_return Response::ok({{"pattern", match.route_pattern},
                          {"variables", std::move(variables)},
                          {"segments", to_json(match.segments)},
                          {"rest", to_json(match.remaining_path)}});
}

// A temporary directory for the FileController, removed at exit. It lives under
// $TMPDIR, which scripts/fuzz.sh points at its scratch directory.
class FileTree {
 public:
  FileTree() {
    namespace fs = std::filesystem;
    root_ = fs::temp_directory_path() / ("conduit-fuzz-files-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "docs");
    fs::create_directories(root_ / "empty");
    write("index.html", "<html>home</html>");
    write("site.css", "body { color: red; }");
    write("data.json", std::string(2000, '7'));  // big enough to be gzipped
    write("docs/index.html", "<html>docs</html>");
    write("docs/readme.txt", "read me");
    write("noext", "no extension");
    std::error_code ignored;
    fs::create_directory_symlink("..", root_ / "escape", ignored);
    fs::create_symlink("site.css", root_ / "alias.css", ignored);
  }
  ~FileTree() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  FileTree(const FileTree&) = delete;
  FileTree& operator=(const FileTree&) = delete;

  const std::filesystem::path& root() const noexcept { return root_; }

 private:
  void write(const std::string& name, const std::string& content) {
    std::ofstream(root_ / name, std::ios::binary) << content;
  }

  std::filesystem::path root_;
};

// The router every HTTP fuzz input goes through, built on first use.
inline Router& fuzz_router() {
  static FileTree files;
  static const std::shared_ptr<Router> router = [] {
    auto r = std::make_shared<Router>();
    r->route("/").link_function(
        [](Request&) -> Task<Response> { co_return Response::text(200, "root"); });
    r->route("/heroes/[:id(\\d+)]")
        .link_function([](Request& request) -> Task<Outcome> {
          if (request.header("x-deny")) co_return Response::error(401, "denied");
          co_return std::nullopt;
        })
        .link<HeroController>();
    r->route("/uploads/[:name]").link<UploadController>();
    auto& notes = r->route("/notes/:slug([a-z0-9-]+)").link<NoteController>();
    notes.cors_policy()->allowed_origins = {"https://example.com", "http://localhost:8080"};
    notes.cors_policy()->allow_credentials = true;
    notes.cors_policy()->exposed_response_headers = {"X-Total"};
    auto& file_controller = r->route("/files/*").link<FileController>(files.root());
    file_controller.set_content_type_for_extension("txt", "text/plain; charset=utf-8");
    file_controller.add_cache_policy(CachePolicy{.prevent_intermediate_proxy_caching = false,
                                                 .prevent_caching = false,
                                                 .require_conditional_request = true,
                                                 .expiration_from_now = std::chrono::seconds(60)},
                                     [](std::string_view path) { return path.ends_with(".css"); });
    r->route("/things/:kind(a|b|c)/[:n[/:m]]").link_function(echo_match);
    r->route("/(v[0-9]+)/status").link_function(echo_match);
    r->route("/echo[/*]").link_function(echo_match);
    r->route("/users/:id/posts/:post(\\d{1,6})").link_function(echo_match);
    r->did_add_to_channel();
    return r;
  }();
  return *router;
}

}  // namespace conduit::fuzz
