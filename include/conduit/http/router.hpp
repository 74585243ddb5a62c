// conduit::Router: sends each request to the chain of the route its path matches.
//
//   auto router = std::make_shared<Router>("/api");
//   router->route("/heroes/[:id(\\d+)]").link<HeroController>();
//   router->route("/files/*").link<FileController>("public");
//
// Pattern syntax (Conduit's): literal segments; ":name" binds one segment; ":name(regex)"
// binds a segment the regex matches as a whole (anchored, unlike Conduit); "(regex)" is
// an unnamed regex segment; "*" matches the rest of the path, possibly empty
// (PathMatch::remaining_path); trailing optional parts nest: "/a/[:b/[:c]]". Leading and
// trailing slashes are ignored. route() throws std::invalid_argument for bad patterns.
//
// Matching, per segment: a literal beats a variable/regex, which beats "*"; variables
// are tried in declaration order. Unlike Conduit the router backtracks: when the
// preferred branch fails further down, the next candidate is tried ("/a/b/c" reaches
// "/a/:x/c" even though "/a/b" exists). Each tree node is visited at most once per
// request, so backtracking stays linear in the size of the tree. Matching is
// case-sensitive and works on percent-decoded segments; an encoded slash ("%2F") is part
// of its segment, as in Conduit, so ":name" can bind "a/b" but never spans segments.
// A variable never matches an empty segment ("/a//b"). A trailing slash is ignored
// ("/users/" routes like "/users"), except that it lets "*" match an empty rest:
// "/files/*" matches "/files/" and "/files/x" but not "/files" (Conduit's rule).
//
// Two routes that match the same paths at the same place ("/a/:x" and "/a/:y", or
// "/a/[:b]" and "/a/:c") make did_add_to_channel() throw std::logic_error.
//
// Unmatched requests (including those outside the base path) get Conduit's 404: an HTML
// body when the request accepts HTML, else an empty body; set_not_found_handler replaces
// it. CORS: each route's chain applies its own policy (and answers preflights), so the
// router itself has no policy (cors_policy() is nullopt; leave it so, or responses get
// the headers twice); its default 404, and answers from controllers linked in front of it,
// carry the default policy's headers, as Conduit's.
//
// Thread-safety: like every controller, a router belongs to one event loop. Routes must
// be added before did_add_to_channel(); afterwards the router is only read.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conduit/http/controller.hpp"

namespace conduit {

class Router : public Controller {
 public:
  using NotFoundHandler = std::function<Task<Response>(Request&)>;

  // Every route is prefixed by `base_path` ("/api", "api/" and "/api/" are the same).
  explicit Router(std::string base_path = "");
  ~Router() override;

  // Adds a route and returns the head of its chain, to link controllers to:
  //   router.route("/heroes/[:id]").link<Authorizer>(validator).link<HeroController>();
  // Throws std::invalid_argument when the pattern is malformed, std::logic_error after
  // did_add_to_channel().
  Controller& route(std::string_view pattern);

  // The base path as "/api/v1" ("/" when there is none).
  std::string base_path() const;

  // One path a route can match, for the OpenAPI document: "/api/heroes/{id}" with the
  // variables it binds ({"id"}); a regex segment without a name is "{segmentN}" and the
  // rest matcher "*" is "{path}" (both listed in `unnamed`).
  struct RoutePath {
    std::string path;
    std::vector<std::string> variables;  // in path order
    std::vector<std::string> unnamed;
  };
  struct RouteEntry {
    std::string pattern;
    std::vector<RoutePath> paths;  // one per optional part, shortest first
    const Controller* chain = nullptr;
  };
  // Every route, in declaration order; the chains are owned by the router.
  std::vector<RouteEntry> routes() const;

  // Replaces the 404 sent for unmatched requests. The handler's response is sent as is
  // (no CORS headers are added).
  void set_not_found_handler(NotFoundHandler handler);

  // Conduit's 404: "<html><h3>404 Not Found</h3></html>" as text/html when the request
  // accepts HTML (or has no Accept header), otherwise an empty body.
  static Response not_found_response(const Request& request);

  // Routes the request: fills request.mutable_path_match() and answers with the route's
  // chain, or with the 404.
  Task<Outcome> handle(Request& request) override;

  // Preflight requests are routed too, so the matched chain answers them with its policy.
  bool dispatches_requests() const noexcept override { return true; }

  // The policy of the router's own 404 and of answers from controllers linked in front
  // of the router: the default policy, as Conduit's Router (credentials off).
  const CorsPolicy* final_cors_policy() const noexcept override;

  // Compiles the routing tree (throwing std::logic_error on ambiguous routes), then tells
  // each route's chain its RouteInfo and calls its did_add_to_channel(). Idempotent.
  void did_add_to_channel() override;

  // A router has one chain per route instead of a successor: use route().
  Controller& link(std::shared_ptr<Controller> next) = delete;
  template <class C, class... Args>
  C& link(Args&&... args) = delete;
  template <class F>
  Controller& link_function(F function) = delete;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace conduit
