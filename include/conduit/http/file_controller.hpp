// conduit::FileController: serves the files under one directory.
//
// Mirrors Conduit's FileController: link it behind a route ending in `*`
// (router.route("/files/*").link<FileController>("public")) and it serves
// <root>/<remaining path>. Directories serve their index.html; the Content-Type comes
// from the extension; Last-Modified/If-Modified-Since and ETag/If-None-Match answer 304;
// cache policies pick Cache-Control per path. Beyond Conduit it answers HEAD, sends a
// strong ETag, and refuses every way out of the root (".." segments, a literal "%2e%2e",
// NUL bytes, absolute paths, symlinks resolving outside) with the same 404 as a missing
// file, so probes learn nothing. Unlike Conduit, it also refuses dotfiles by default:
// any path segment starting with '.' (/files/.env, /files/.git/config), including one
// reached through a symlink, is the same 404; set_serve_dotfiles(true) serves them.
//
// Files are read whole into the response body, so a size limit (default 64 MiB) guards
// memory; a bigger file is a deployment mistake, answered with 500 and logged.
//
// Thread-safety: configure it before the server starts; afterwards it is only read, by
// the one event loop that owns it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conduit/http/cache_policy.hpp"
#include "conduit/http/controller.hpp"

namespace conduit {

class FileController : public Controller {
 public:
  // Produces the response for a request whose file does not exist (or may not be served).
  using NotFoundHandler = std::function<Task<Response>(Request&)>;
  // Decides whether a cache policy applies to a file. It receives the served path
  // relative to the root with a leading '/', e.g. "/css/site.css" or "/docs/index.html".
  using PathPredicate = std::function<bool(std::string_view path)>;

  static constexpr std::size_t kDefaultMaxFileSize = std::size_t{64} * 1024 * 1024;

  // `root` may be relative (to the working directory at request time) and need not
  // exist yet; while it is missing every request gets the not-found response.
  explicit FileController(std::filesystem::path root);
  FileController(std::filesystem::path root, NotFoundHandler on_file_not_found);

  Task<Outcome> handle(Request& request) override;

  // Maps `extension` ("jpg" or ".jpg", case-insensitive) to `content_type`, replacing
  // any previous (or default) mapping.
  void set_content_type_for_extension(std::string_view extension, std::string content_type);
  // The content type for `extension` ("jpg" or ".jpg"), or nullopt when unmapped (the
  // file is then served as application/octet-stream).
  std::optional<std::string_view> content_type_for_extension(std::string_view extension) const;

  // Adds a policy; when several predicates accept a path, the one added first wins.
  void add_cache_policy(CachePolicy policy, PathPredicate should_apply_to_path);
  // The policy for `path` (see PathPredicate), or nullptr when none applies.
  const CachePolicy* cache_policy_for_path(std::string_view path) const;

  // Replaces the default not-found response (404 {"error":"not found"}).
  void set_on_file_not_found(NotFoundHandler handler);

  // Files larger than this are not served (500). Default kDefaultMaxFileSize.
  void set_max_file_size(std::size_t bytes) noexcept { max_file_size_ = bytes; }
  std::size_t max_file_size() const noexcept { return max_file_size_; }

  const std::filesystem::path& root() const noexcept { return root_; }

  // Serve paths with a segment starting with '.' (default false: 404, see above). For a
  // root that is meant to hold them, e.g. /.well-known/ files.
  void set_serve_dotfiles(bool serve) noexcept { serve_dotfiles_ = serve; }
  bool serves_dotfiles() const noexcept { return serve_dotfiles_; }

 private:
  struct PolicyEntry {
    CachePolicy policy;
    PathPredicate applies;
  };

  // The response for a servable file (or a 500), or nullopt when it is not found.
  std::optional<Response> serve(const Request& request) const;
  Task<Response> not_found(Request& request);

  std::filesystem::path root_;
  std::map<std::string, std::string, std::less<>> content_types_;
  std::vector<PolicyEntry> cache_policies_;
  NotFoundHandler on_file_not_found_;
  std::size_t max_file_size_ = kDefaultMaxFileSize;
  bool serve_dotfiles_ = false;
};

}  // namespace conduit
