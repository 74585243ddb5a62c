// Tests for conduit::FileController and conduit::CachePolicy, against a temporary tree.
#include "conduit/http/file_controller.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "conduit/core/task.hpp"
#include "conduit/http/cache_policy.hpp"
#include "conduit/http/router.hpp"
#include "support/resource_test_support.hpp"

namespace conduit {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

using testing::run;

// A request as the router hands it over: the remainder of "/files/*".
Request file_request(std::string remaining, std::string method = "GET") {
  Request request;
  request.set_method(std::move(method));
  request.set_target("/files/" + remaining);
  request.mutable_path_match().remaining_path = std::move(remaining);
  return request;
}

// Fills every field, since -Wextra flags designated initializers that leave some out.
CachePolicy policy(bool prevent_proxy, bool prevent_caching, bool require_conditional,
                   std::optional<seconds> expiration) {
  return {.prevent_intermediate_proxy_caching = prevent_proxy,
          .prevent_caching = prevent_caching,
          .require_conditional_request = require_conditional,
          .expiration_from_now = expiration};
}

std::string header(const Response& response, std::string_view name) {
  return std::string(response.headers().get(name).value_or("<absent>"));
}

class FileControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "conduit-files-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    base_ = pattern;
    root_ = base_ / "public";
    fs::create_directories(root_ / "docs");
    fs::create_directories(root_ / "empty_dir");
    fs::create_directories(base_ / "outside");
    write(base_ / "outside" / "secret.txt", "top secret");
    write(root_ / "index.html", "<h1>home</h1>");
    write(root_ / "site.css", "body { color: red; }");
    write(root_ / "docs" / "index.html", "<h1>docs</h1>");
    write(root_ / "docs" / "guide.txt", "read me");
    fs::create_symlink(base_ / "outside" / "secret.txt", root_ / "link_out.txt");
    fs::create_symlink(base_ / "outside", root_ / "dir_link_out");
    fs::create_symlink(root_ / "site.css", root_ / "link_in.css");
    controller_ = std::make_unique<FileController>(root_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(base_, ec);
  }

  static void write(const fs::path& path, std::string_view content) {
    std::ofstream out(path, std::ios::binary);
    out << content;
  }
  // Sets the modification time to `epoch_seconds` (UTC).
  static void set_mtime(const fs::path& path, long epoch_seconds) {
    struct timespec times[2] = {{epoch_seconds, 0}, {epoch_seconds, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  }

  Response get(std::string remaining, std::string method = "GET") {
    Request request = file_request(std::move(remaining), std::move(method));
    return run(*controller_, request);
  }

  fs::path base_;
  fs::path root_;
  std::unique_ptr<FileController> controller_;
};

TEST_F(FileControllerTest, ServesFileWithTypeAndValidators) {
  Response response = get("site.css");
  EXPECT_EQ(response.status(), 200);
  EXPECT_EQ(response.body(), "body { color: red; }");
  EXPECT_EQ(response.content_type(), "text/css; charset=utf-8");
  EXPECT_TRUE(std::regex_match(header(response, "ETag"), std::regex(R"("[0-9a-f]+-[0-9a-f]+")")));
  EXPECT_TRUE(std::regex_match(
      header(response, "Last-Modified"),
      std::regex(R"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT)")));
  EXPECT_FALSE(response.headers().contains("Cache-Control"));
}

TEST_F(FileControllerTest, ContentTypeByExtension) {
  controller_->set_serve_dotfiles(true);  // for ".env"
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"a.html", "text/html; charset=utf-8"},
      {"a.js", "application/javascript; charset=utf-8"},
      {"a.mjs", "application/javascript; charset=utf-8"},
      {"a.json", "application/json; charset=utf-8"},
      {"a.map", "application/json; charset=utf-8"},
      {"a.jpg", "image/jpeg"},
      {"a.jpeg", "image/jpeg"},
      {"a.png", "image/png"},
      {"a.gif", "image/gif"},
      {"a.bmp", "image/bmp"},
      {"a.tif", "image/tiff"},
      {"a.tiff", "image/tiff"},
      {"a.ico", "image/x-icon"},
      {"a.svg", "image/svg+xml"},
      {"a.webp", "image/webp"},
      {"a.eps", "application/postscript"},
      {"a.rtf", "application/rtf"},
      {"a.pdf", "application/pdf"},
      {"a.csv", "text/plain; charset=utf-8"},
      {"a.md", "text/plain; charset=utf-8"},
      {"a.txt", "text/plain; charset=utf-8"},
      {"a.xml", "application/xml; charset=utf-8"},
      {"a.wasm", "application/wasm"},
      {"a.ttf", "font/ttf"},
      {"a.eot", "application/vnd.ms-fontobject"},
      {"a.woff", "font/woff"},
      {"a.woff2", "font/woff2"},
      {"a.otf", "font/otf"},
      {"UPPER.JPG", "image/jpeg"},
      {"a.unknownext", "application/octet-stream"},
      {"README", "application/octet-stream"},
      {".env", "application/octet-stream"},
      {"archive.tar.gz", "application/octet-stream"},
  };
  for (const auto& [name, type] : cases) {
    write(root_ / name, "x");
    Response response = get(name);
    EXPECT_EQ(response.status(), 200) << name;
    EXPECT_EQ(response.content_type(), type) << name;
  }
}

TEST_F(FileControllerTest, CustomContentTypes) {
  controller_->set_content_type_for_extension(".widget", "application/x-widget");
  controller_->set_content_type_for_extension("HTML", "text/html");
  EXPECT_EQ(controller_->content_type_for_extension("widget"), "application/x-widget");
  EXPECT_EQ(controller_->content_type_for_extension(".Widget"), "application/x-widget");
  EXPECT_FALSE(controller_->content_type_for_extension("nope").has_value());
  write(root_ / "a.widget", "w");
  EXPECT_EQ(get("a.widget").content_type(), "application/x-widget");
  EXPECT_EQ(get("index.html").content_type(), "text/html");
}

TEST_F(FileControllerTest, DirectoriesServeIndexHtml) {
  EXPECT_EQ(get("").body(), "<h1>home</h1>");
  EXPECT_EQ(get("docs").body(), "<h1>docs</h1>");
  Response docs = get("docs/");
  EXPECT_EQ(docs.body(), "<h1>docs</h1>");
  EXPECT_EQ(docs.content_type(), "text/html; charset=utf-8");
  EXPECT_EQ(get("empty_dir").status(), 404);
}

TEST_F(FileControllerTest, WithoutRemainingPathUsesRequestPath) {
  Request request;
  ASSERT_TRUE(request.set_target("/docs/guide.txt?v=2"));
  Response response = run(*controller_, request);
  EXPECT_EQ(response.status(), 200);
  EXPECT_EQ(response.body(), "read me");
}

TEST_F(FileControllerTest, MissingFileIs404JsonError) {
  for (const char* name : {"nope.txt", "docs/nope.html", "site.css/child", "nope/"}) {
    Response response = get(name);
    EXPECT_EQ(response.status(), 404) << name;
    EXPECT_EQ(response.body(), R"({"error":"not found"})") << name;
    EXPECT_EQ(response.content_type(), "application/json; charset=utf-8");
  }
}

TEST_F(FileControllerTest, OtherMethodsAre405) {
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH"}) {
    Response response = get("site.css", method);
    EXPECT_EQ(response.status(), 405) << method;
    EXPECT_EQ(response.body(), R"({"error":"method not allowed"})");
    EXPECT_EQ(header(response, "Allow"), "GET, HEAD");
  }
}

TEST_F(FileControllerTest, HeadHasHeadersButNoBody) {
  Response full = get("site.css");
  Response head = get("site.css", "HEAD");
  EXPECT_EQ(head.status(), 200);
  EXPECT_TRUE(head.body().empty());
  EXPECT_EQ(header(head, "Content-Length"), std::to_string(full.body().size()));
  EXPECT_EQ(head.content_type(), full.content_type());
  EXPECT_EQ(header(head, "ETag"), header(full, "ETag"));
  EXPECT_EQ(header(head, "Last-Modified"), header(full, "Last-Modified"));
}

TEST_F(FileControllerTest, IfNoneMatchGives304) {
  std::string etag = header(get("site.css"), "ETag");
  auto conditional = [&](std::string value, std::string method = "GET") {
    Request request = file_request("site.css", std::move(method));
    request.mutable_headers().set("If-None-Match", value);
    return run(*controller_, request);
  };
  Response not_modified = conditional(etag);
  EXPECT_EQ(not_modified.status(), 304);
  EXPECT_TRUE(not_modified.body().empty());
  EXPECT_EQ(header(not_modified, "ETag"), etag);
  EXPECT_TRUE(not_modified.headers().contains("Last-Modified"));
  EXPECT_EQ(conditional("W/" + etag).status(), 304);  // weak comparison
  EXPECT_EQ(conditional(R"("other", )" + etag).status(), 304);
  EXPECT_EQ(conditional("*").status(), 304);
  EXPECT_EQ(conditional(etag, "HEAD").status(), 304);
  EXPECT_EQ(conditional(R"("other")").status(), 200);
  EXPECT_EQ(conditional("garbage").status(), 200);

  // A changed file gets a new ETag, so the old one no longer matches.
  write(root_ / "site.css", "body { color: blue; } /* longer */");
  EXPECT_EQ(conditional(etag).status(), 200);
}

TEST_F(FileControllerTest, IfModifiedSinceGives304) {
  set_mtime(root_ / "site.css", 1577836800);  // 2020-01-01T00:00:00Z
  EXPECT_EQ(header(get("site.css"), "Last-Modified"), "Wed, 01 Jan 2020 00:00:00 GMT");
  auto since = [&](std::string value) {
    Request request = file_request("site.css");
    request.mutable_headers().set("If-Modified-Since", value);
    return run(*controller_, request).status();
  };
  EXPECT_EQ(since("Wed, 01 Jan 2020 00:00:00 GMT"), 304);
  EXPECT_EQ(since("Thu, 02 Jan 2020 10:00:00 GMT"), 304);
  EXPECT_EQ(since("Tue, 31 Dec 2019 23:59:59 GMT"), 200);
  EXPECT_EQ(since("Fri, 01 Jan 2999 00:00:00 GMT"), 200);  // future dates are invalid
  EXPECT_EQ(since("yesterday"), 200);
  EXPECT_EQ(since("Wed, 32 Jan 2020 00:00:00 GMT"), 200);
}

TEST_F(FileControllerTest, IfNoneMatchWinsOverIfModifiedSince) {
  set_mtime(root_ / "site.css", 1577836800);
  std::string etag = header(get("site.css"), "ETag");
  Request stale_tag = file_request("site.css");
  stale_tag.mutable_headers().set("If-None-Match", R"("stale")");
  stale_tag.mutable_headers().set("If-Modified-Since", "Thu, 02 Jan 2020 00:00:00 GMT");
  EXPECT_EQ(run(*controller_, stale_tag).status(), 200);

  Request fresh_tag = file_request("site.css");
  fresh_tag.mutable_headers().set("If-None-Match", etag);
  fresh_tag.mutable_headers().set("If-Modified-Since", "Mon, 01 Jan 2018 00:00:00 GMT");
  EXPECT_EQ(run(*controller_, fresh_tag).status(), 304);
}

TEST_F(FileControllerTest, CachePolicyFirstMatchWins) {
  std::vector<std::string> seen;
  controller_->add_cache_policy(policy(false, true, false, std::nullopt),
                                [&](std::string_view path) {
                                  seen.emplace_back(path);
                                  return path.ends_with(".css");
                                });
  controller_->add_cache_policy(policy(false, false, false, seconds(3600)),
                                [](std::string_view) { return true; });
  EXPECT_EQ(header(get("site.css"), "Cache-Control"), "no-cache, no-store");
  EXPECT_EQ(header(get("docs/guide.txt"), "Cache-Control"), "public, max-age=3600");
  EXPECT_EQ(header(get("docs/"), "Cache-Control"), "public, max-age=3600");
  EXPECT_EQ(seen, (std::vector<std::string>{"/site.css", "/docs/guide.txt", "/docs/index.html"}));

  Request conditional = file_request("site.css");
  conditional.mutable_headers().set("If-None-Match", "*");
  Response not_modified = run(*controller_, conditional);
  EXPECT_EQ(not_modified.status(), 304);
  EXPECT_EQ(header(not_modified, "Cache-Control"), "no-cache, no-store");
  EXPECT_EQ(controller_->cache_policy_for_path("/x.js")->header_value(), "public, max-age=3600");
}

TEST_F(FileControllerTest, TraversalAttemptsAre404) {
  ASSERT_EQ(get("../outside/secret.txt").status(), 404);
  const std::vector<std::string> attempts = {
      "../outside/secret.txt",
      "docs/../../outside/secret.txt",
      "docs/../site.css",  // ".." is refused even when it stays inside
      "%2e%2e/outside/secret.txt",
      "%2E%2e/outside/secret.txt",
      "..%2foutside/secret.txt",
      "docs/..%5c..%5coutside/secret.txt",
      "..\\outside\\secret.txt",
      "/etc/passwd",
      "link_out.txt",
      "dir_link_out/secret.txt",
      "dir_link_out",
      std::string("site.css\0.png", 13),
  };
  for (const auto& attempt : attempts) {
    Response response = get(attempt);
    EXPECT_EQ(response.status(), 404) << attempt;
    EXPECT_EQ(response.body().find("secret"), std::string::npos) << attempt;
  }
  // A symlink that stays inside the root is fine.
  EXPECT_EQ(get("link_in.css").body(), "body { color: red; }");
}

TEST_F(FileControllerTest, TraversalThroughRequestPathIs404) {
  for (const char* target : {"/../outside/secret.txt", "/%2e%2e/outside/secret.txt",
                             "/docs/%2E%2E/%2e%2e/outside/secret.txt",
                             "/%252e%252e/outside/secret.txt", "//etc/passwd"}) {
    Request request;
    ASSERT_TRUE(request.set_target(target)) << target;
    EXPECT_EQ(run(*controller_, request).status(), 404) << target;
  }
  Request nul;
  EXPECT_FALSE(nul.set_target("/site.css%00.png"));  // refused before any controller
}

TEST_F(FileControllerTest, IndexSymlinkOutOfRootIs404) {
  fs::create_directories(root_ / "trap");
  fs::create_symlink(base_ / "outside" / "secret.txt", root_ / "trap" / "index.html");
  EXPECT_EQ(get("trap/").status(), 404);
}

TEST_F(FileControllerTest, SpecialFilesAre404) {
  ASSERT_EQ(::mkfifo((root_ / "pipe.txt").c_str(), 0600), 0);
  EXPECT_EQ(get("pipe.txt").status(), 404);
}

TEST_F(FileControllerTest, FilesOverTheSizeLimitAre500) {
  controller_->set_max_file_size(4);
  EXPECT_EQ(controller_->max_file_size(), 4u);
  Response response = get("site.css");
  EXPECT_EQ(response.status(), 500);
  EXPECT_EQ(response.body(), R"({"error":"file too large to serve"})");
  EXPECT_EQ(get("site.css", "HEAD").status(), 500);
  write(root_ / "tiny.txt", "1234");
  EXPECT_EQ(get("tiny.txt").status(), 200);
}

TEST_F(FileControllerTest, NotFoundHookAnswersMissingAndRefusedPaths) {
  std::vector<std::string> asked;
  controller_->set_on_file_not_found([&](Request& request) -> Task<Response> {
    asked.emplace_back(*request.path_match().remaining_path);
    co_return Response::html(404, "<h3>missing</h3>");
  });
  Response missing = get("nope.txt");
  EXPECT_EQ(missing.status(), 404);
  EXPECT_EQ(missing.body(), "<h3>missing</h3>");
  // A refused traversal looks exactly like a missing file.
  EXPECT_EQ(get("../outside/secret.txt").body(), "<h3>missing</h3>");
  EXPECT_EQ(get("site.css").status(), 200);
  EXPECT_EQ(asked, (std::vector<std::string>{"nope.txt", "../outside/secret.txt"}));
}

TEST_F(FileControllerTest, HookFromConstructorAndRootThroughSymlink) {
  fs::create_symlink(root_, base_ / "root_link");
  FileController controller(base_ / "root_link", [](Request&) -> Task<Response> {
    co_return Response::text(410, "gone");
  });
  EXPECT_EQ(controller.root(), base_ / "root_link");
  Request found = file_request("site.css");
  EXPECT_EQ(run(controller, found).status(), 200);
  Request missing = file_request("nope");
  EXPECT_EQ(run(controller, missing).status(), 410);
}

TEST_F(FileControllerTest, MissingRootAnswersNotFound) {
  FileController controller(base_ / "does-not-exist");
  Request request = file_request("site.css");
  EXPECT_EQ(run(controller, request).status(), 404);
}

TEST_F(FileControllerTest, WorksBehindAnotherController) {
  Controller entry;
  entry.link<FileController>(root_);
  Request request = file_request("docs/guide.txt");
  request.mutable_headers().set("Origin", "https://app.example");
  Response response = run(entry, request);
  EXPECT_EQ(response.status(), 200);
  EXPECT_EQ(response.body(), "read me");
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "https://app.example");
}

TEST_F(FileControllerTest, ServesBehindRouterWildcard) {
  Router router;
  router.route("/files/*").link<FileController>(root_);
  router.did_add_to_channel();
  auto status_of = [&](std::string target) {
    Request request;
    if (!request.set_target(std::move(target))) return 400;
    return run(router, request).status();
  };
  Request guide;
  guide.set_target("/files/docs/guide.txt");
  Response response = run(router, guide);
  EXPECT_EQ(response.status(), 200);
  EXPECT_EQ(response.body(), "read me");
  EXPECT_EQ(guide.path_match().remaining_path, "docs/guide.txt");
  EXPECT_EQ(status_of("/files/"), 200);  // the root's index.html
  EXPECT_EQ(status_of("/files/docs/"), 200);
  for (const char* target :
       {"/files/../outside/secret.txt", "/files/%2e%2e/outside/secret.txt",
        "/files/..%2Foutside%2Fsecret.txt", "/files/docs/%2E%2E/%2e%2e/outside/secret.txt",
        "/files/%252e%252e/outside/secret.txt", "/files//etc/passwd", "/files/link_out.txt"}) {
    EXPECT_EQ(status_of(target), 404) << target;
  }
}

// Dotfiles (any segment starting with '.') are the same 404 as a missing file by default,
// however they are reached; set_serve_dotfiles(true) serves them.
TEST_F(FileControllerTest, DotfilesAre404UnlessEnabled) {
  fs::create_directories(root_ / ".git");
  fs::create_directories(root_ / "docs" / ".private");
  write(root_ / ".hidden", "hidden");
  write(root_ / ".git" / "config", "[core]");
  write(root_ / "docs" / ".private" / "notes.txt", "notes");
  fs::create_symlink(root_ / ".git" / "config", root_ / "git_config.txt");
  fs::create_symlink(root_ / ".git", root_ / "git_dir");
  const std::vector<std::string> refused = {".hidden",
                                            ".git/config",
                                            "docs/.private/notes.txt",
                                            "%2ehidden",
                                            "%2Egit/config",
                                            "./.hidden",
                                            "git_config.txt",
                                            "git_dir/config",
                                            ".git/",
                                            "docs/./.private/notes.txt"};
  for (const auto& path : refused) {
    Response response = get(path);
    EXPECT_EQ(response.status(), 404) << path;
    EXPECT_EQ(response.body(), R"({"error":"not found"})") << path;
  }
  EXPECT_EQ(get("site.css").status(), 200);  // ordinary files are unaffected

  controller_->set_serve_dotfiles(true);
  EXPECT_TRUE(controller_->serves_dotfiles());
  EXPECT_EQ(get(".hidden").body(), "hidden");
  EXPECT_EQ(get(".git/config").body(), "[core]");
  EXPECT_EQ(get("git_config.txt").body(), "[core]");
  EXPECT_EQ(get("docs/.private/notes.txt").body(), "notes");
}

TEST(CachePolicyTest, HeaderValueFollowsConduit) {
  EXPECT_EQ(CachePolicy{}.header_value(), "public");
  EXPECT_EQ(policy(true, false, false, std::nullopt).header_value(), "private");
  EXPECT_EQ(policy(false, false, false, seconds(3600)).header_value(), "public, max-age=3600");
  EXPECT_EQ(policy(false, false, true, std::nullopt).header_value(), "public, no-cache");
  EXPECT_EQ(policy(true, false, true, seconds(60)).header_value(), "private, max-age=60, no-cache");
  EXPECT_EQ(policy(true, true, false, seconds(60)).header_value(), "no-cache, no-store");
  EXPECT_EQ(policy(false, false, false, seconds(0)).header_value(), "public, max-age=0");

  Response response(200);
  policy(false, true, false, std::nullopt).apply(response);
  EXPECT_EQ(response.headers().get("Cache-Control"), "no-cache, no-store");
}

}  // namespace
}  // namespace conduit
