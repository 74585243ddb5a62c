// Implementation of conduit::Router: the routing tree and per-request matching.
//
// The tree is compiled once in did_add_to_channel() into a flat vector of nodes (indices,
// not pointers). A request is matched without allocating: its path is split into
// string_views on the stack (only as many segments as the deepest route can use), literal
// children are found by binary search, and regexes run only for regex segments. The only
// allocations are the PathMatch values handed to the chain (and, for the rare target with
// an encoded slash, the per-segment decoding).
//
// Thread-safety: see router.hpp; matching only reads the compiled tree.
#include "conduit/http/router.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

#include "conduit/http/parameters.hpp"
#include "http/route_pattern.hpp"

namespace conduit {

namespace {
constexpr std::size_t kMaxRegexSegment = 1024;
}  // namespace

namespace {

using http::detail::RouteSegment;

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
constexpr std::size_t kInlineSegments = 32;
constexpr std::string_view kNotFoundBody = "<html><h3>404 Not Found</h3></html>";

struct Node {
  // Literal children, sorted by text once the tree is built.
  std::vector<std::pair<std::string, std::uint32_t>> literals;
  // Variable and regex children, in declaration order.
  std::vector<std::uint32_t> matchers;
  // For a variable/regex node: the regex its segment must match (null: any segment).
  std::string regex_source;
  const std::regex* regex = nullptr;
  // Specs (indices into Impl::specs) that end here, or end here with "*".
  std::uint32_t terminal = kNone;
  std::uint32_t rest = kNone;
};

// A request path cut into segments. "/" has none; a trailing slash is not a segment but
// sets trailing_slash ("/a/" is {"a"} + slash, "/a//" is {"a", ""} + slash).
struct PathSegments {
  std::string_view* items = nullptr;
  std::size_t count = 0;
  // Segments beyond `count` exist but cannot matter except to a "*".
  bool more = false;
  bool trailing_slash = false;
  // Where the path ends, to cut the rest for "*" out of it without copying segments.
  const char* end = nullptr;
  // True when items are individually decoded copies, not views into one path.
  bool decoded_separately = false;

  std::string rest_from(std::size_t i) const {
    if (i >= count) return {};
    if (!decoded_separately) return std::string(items[i].data(), end);
    std::string rest;
    for (std::size_t k = i; k < count; ++k) {
      if (k > i) rest += '/';
      rest += items[k];
    }
    if (trailing_slash) rest += '/';
    return rest;
  }
};

// Splits `path` (which starts with '/') into at most `capacity` segments.
void split_path(std::string_view path, std::string_view* items, std::size_t capacity,
                PathSegments& out) {
  out.items = items;
  out.end = path.data() + path.size();
  path.remove_prefix(1);
  if (path.empty()) {
    out.trailing_slash = true;
    return;
  }
  if (path.back() == '/') {
    out.trailing_slash = true;
    path.remove_suffix(1);
  }
  for (;;) {
    if (out.count == capacity) {
      out.more = true;
      return;
    }
    std::size_t slash = path.find('/');
    items[out.count++] = path.substr(0, slash);
    if (slash == std::string_view::npos) return;
    path.remove_prefix(slash + 1);
  }
}

// The undecoded path of a request target ("/a%2Fb" of "http://h/a%2Fb?x").
std::string_view raw_path(std::string_view target) {
  target = target.substr(0, target.find('?'));
  if (target.starts_with("http://") || target.starts_with("https://")) {
    std::size_t slash = target.find('/', target.find("//") + 2);
    return slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  return target;
}

// The order of literal children: by length first, so most comparisons of a binary search
// are decided without comparing bytes.
bool literal_less(std::string_view a, std::string_view b) noexcept {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

bool has_encoded_slash(std::string_view raw) {
  for (std::size_t pos = raw.find('%'); pos != std::string_view::npos;
       pos = raw.find('%', pos + 1)) {
    if (pos + 2 < raw.size() && raw[pos + 1] == '2' && (raw[pos + 2] | 0x20) == 'f') return true;
  }
  return false;
}

}  // namespace

struct Router::Impl {
  struct Route {
    std::string pattern;
    std::vector<http::detail::RouteSpec> specs;
    std::shared_ptr<Controller> chain;
  };
  struct SpecRef {
    std::uint32_t route;
    std::uint32_t spec;
  };

  std::vector<std::string> base;
  std::vector<Route> routes;
  std::vector<Node> nodes;
  std::vector<SpecRef> specs;
  std::size_t max_depth = 0;
  bool compiled = false;
  NotFoundHandler not_found;
  CorsPolicy not_found_cors = CorsPolicy::default_policy();

  void compile();
  void insert(std::uint32_t spec_index);
  [[noreturn]] void ambiguous(std::uint32_t existing, std::uint32_t added) const;
  std::uint32_t find(std::uint32_t node_index, const PathSegments& path, std::size_t i) const;
  Controller* match(Request& request) const;
  Controller* match_segments(Request& request, const PathSegments& path) const;
};

void Router::Impl::compile() {
  nodes.assign(1, Node{});
  specs.clear();
  max_depth = 0;
  for (std::uint32_t r = 0; r < routes.size(); ++r) {
    for (std::uint32_t s = 0; s < routes[r].specs.size(); ++s) {
      specs.push_back({r, s});
      insert(std::uint32_t(specs.size() - 1));
      max_depth = std::max(max_depth, routes[r].specs[s].segments.size());
    }
  }
  for (Node& node : nodes) {
    std::sort(node.literals.begin(), node.literals.end(),
              [](const auto& a, const auto& b) { return literal_less(a.first, b.first); });
  }
}

void Router::Impl::insert(std::uint32_t spec_index) {
  const http::detail::RouteSpec& spec =
      routes[specs[spec_index].route].specs[specs[spec_index].spec];
  std::uint32_t at = 0;
  for (const RouteSegment& segment : spec.segments) {
    if (segment.kind == RouteSegment::Kind::rest) {
      if (nodes[at].rest != kNone) ambiguous(nodes[at].rest, spec_index);
      nodes[at].rest = spec_index;
      return;
    }
    std::uint32_t child = kNone;
    if (segment.kind == RouteSegment::Kind::literal) {
      for (const auto& [text, index] : nodes[at].literals) {
        if (text == segment.text) child = index;
      }
      if (child == kNone) {
        child = std::uint32_t(nodes.size());
        nodes[at].literals.emplace_back(segment.text, child);
        nodes.emplace_back();
      }
    } else {
      for (std::uint32_t index : nodes[at].matchers) {
        if (nodes[index].regex_source == segment.regex_source) child = index;
      }
      if (child == kNone) {
        child = std::uint32_t(nodes.size());
        nodes[at].matchers.push_back(child);
        Node node;
        node.regex_source = segment.regex_source;
        node.regex = segment.regex.get();
        nodes.push_back(std::move(node));
      }
    }
    at = child;
  }
  if (nodes[at].terminal != kNone) ambiguous(nodes[at].terminal, spec_index);
  nodes[at].terminal = spec_index;
}

void Router::Impl::ambiguous(std::uint32_t existing, std::uint32_t added) const {
  throw std::logic_error("ambiguous routes '" + routes[specs[existing].route].pattern + "' and '" +
                         routes[specs[added].route].pattern + "'");
}

// Depth-first, in precedence order, backtracking on failure. A node at depth d always
// pairs with segment d, so no node is visited twice for one request.
std::uint32_t Router::Impl::find(std::uint32_t node_index, const PathSegments& path,
                                 std::size_t i) const {
  const Node& node = nodes[node_index];
  if (i == path.count && !path.more) {
    if (node.terminal != kNone) return node.terminal;
    return path.trailing_slash ? node.rest : kNone;
  }
  std::string_view segment = path.items[i];
  if (!segment.empty()) {
    if (!node.literals.empty()) {
      auto it = std::lower_bound(node.literals.begin(), node.literals.end(), segment,
                                 [](const auto& literal, std::string_view wanted) {
                                   return literal_less(literal.first, wanted);
                                 });
      if (it != node.literals.end() && it->first == segment) {
        std::uint32_t found = find(it->second, path, i + 1);
        if (found != kNone) return found;
      }
    }
    for (std::uint32_t child : node.matchers) {
      const std::regex* regex = nodes[child].regex;
      // std::regex recurses per character; a segment longer than any sane identifier is
      // refused before it can exhaust the stack (the request-line limit is 8 KiB by
      // default, but that limit is configurable).
      if (regex && (segment.size() > kMaxRegexSegment ||
                    !std::regex_match(segment.begin(), segment.end(), *regex))) {
        continue;
      }
      std::uint32_t found = find(child, path, i + 1);
      if (found != kNone) return found;
    }
  }
  return node.rest;
}

Controller* Router::Impl::match(Request& request) const {
  // Request::path() is decoded as a whole, so an encoded slash would split a segment;
  // such (rare) targets are split first and decoded per segment instead.
  std::string_view raw = raw_path(request.target());
  if (has_encoded_slash(raw) && !raw.empty() && raw.front() == '/') {
    std::vector<std::string_view> raw_items(std::count(raw.begin(), raw.end(), '/') + 1);
    PathSegments split;
    split_path(raw, raw_items.data(), raw_items.size(), split);
    std::vector<std::string> decoded;
    decoded.reserve(split.count);
    for (std::size_t i = 0; i < split.count; ++i) {
      auto segment = percent_decode(split.items[i], false);
      if (!segment) return nullptr;
      decoded.push_back(std::move(*segment));
    }
    std::vector<std::string_view> views(decoded.begin(), decoded.end());
    split.items = views.data();
    split.decoded_separately = true;
    return match_segments(request, split);
  }

  // Deeper segments can only be part of a "*" rest, which is cut from the path directly.
  std::size_t capacity = base.size() + max_depth + 1;
  PathSegments path;
  if (capacity <= kInlineSegments) {
    std::array<std::string_view, kInlineSegments> items;
    split_path(request.path(), items.data(), capacity, path);
    return match_segments(request, path);
  }
  std::vector<std::string_view> items(capacity);
  split_path(request.path(), items.data(), capacity, path);
  return match_segments(request, path);
}

Controller* Router::Impl::match_segments(Request& request, const PathSegments& path) const {
  if (path.count < base.size()) return nullptr;
  for (std::size_t i = 0; i < base.size(); ++i) {
    if (path.items[i] != base[i]) return nullptr;
  }
  std::uint32_t found = find(0, path, base.size());
  if (found == kNone) return nullptr;

  const Route& route = routes[specs[found].route];
  const http::detail::RouteSpec& spec = route.specs[specs[found].spec];
  PathMatch& match = request.mutable_path_match();
  match.variables.clear();
  match.segments.clear();
  match.remaining_path.reset();
  match.route_pattern = route.pattern;
  match.segments.reserve(base.size() + spec.segments.size());
  std::size_t i = 0;
  for (; i < base.size(); ++i) match.segments.emplace_back(path.items[i]);
  for (const RouteSegment& segment : spec.segments) {
    if (segment.kind == RouteSegment::Kind::rest) {
      match.remaining_path = path.rest_from(i);
      break;
    }
    match.segments.emplace_back(path.items[i]);
    if (segment.kind == RouteSegment::Kind::variable) {
      match.variables.emplace(segment.text, path.items[i]);
    }
    ++i;
  }
  return route.chain.get();
}

Router::Router(std::string base_path) : impl_(std::make_unique<Impl>()) {
  impl_->base = http::detail::split_base_path(base_path);
  // Each route's chain applies its own CORS policy; applying the router's on top would
  // add headers a stricter chain policy refused.
  cors_policy().reset();
}

Router::~Router() = default;

Controller& Router::route(std::string_view pattern) {
  if (impl_->compiled) {
    throw std::logic_error("route '" + std::string(pattern) +
                           "' added after the router was added to the channel");
  }
  auto specs = http::detail::parse_route_pattern(pattern);
  auto chain = std::make_shared<Controller>();
  Controller& head = *chain;
  impl_->routes.push_back({std::string(pattern), std::move(specs), std::move(chain)});
  return head;
}

std::vector<Router::RouteEntry> Router::routes() const {
  std::vector<RouteEntry> out;
  for (const Impl::Route& route : impl_->routes) {
    RouteEntry entry;
    entry.pattern = route.pattern;
    entry.chain = route.chain.get();
    for (const http::detail::RouteSpec& spec : route.specs) {
      RoutePath path;
      for (const std::string& segment : impl_->base) path.path += "/" + segment;
      int unnamed = 0;
      for (const http::detail::RouteSegment& segment : spec.segments) {
        using Kind = http::detail::RouteSegment::Kind;
        switch (segment.kind) {
          case Kind::literal:
            path.path += "/" + segment.text;
            break;
          case Kind::variable:
            path.path += "/{" + segment.text + "}";
            path.variables.push_back(segment.text);
            break;
          case Kind::regex: {
            std::string name = "segment" + std::to_string(++unnamed);
            path.path += "/{" + name + "}";
            path.unnamed.push_back(std::move(name));
            break;
          }
          case Kind::rest:
            path.path += "/{path}";
            path.unnamed.emplace_back("path");
            break;
        }
      }
      if (path.path.empty()) path.path = "/";
      entry.paths.push_back(std::move(path));
    }
    out.push_back(std::move(entry));
  }
  return out;
}

std::string Router::base_path() const {
  std::string path;
  for (const std::string& segment : impl_->base) path.append("/").append(segment);
  return path.empty() ? "/" : path;
}

void Router::set_not_found_handler(NotFoundHandler handler) {
  impl_->not_found = std::move(handler);
}

Response Router::not_found_response(const Request& request) {
  if (request.accepts("text/html")) return Response::html(404, std::string(kNotFoundBody));
  return Response(404);
}

Task<Outcome> Router::handle(Request& request) {
  if (!impl_->compiled) {
    throw std::logic_error("router received a request before did_add_to_channel()");
  }
  if (Controller* chain = impl_->match(request)) co_return co_await chain->receive(request);
  if (impl_->not_found) co_return co_await impl_->not_found(request);
  Response response = not_found_response(request);
  if (request.is_cors()) impl_->not_found_cors.apply(request, response);
  co_return std::move(response);
}

const CorsPolicy* Router::final_cors_policy() const noexcept { return &impl_->not_found_cors; }

void Router::did_add_to_channel() {
  if (impl_->compiled) return;
  impl_->compile();
  impl_->compiled = true;
  for (const Impl::Route& route : impl_->routes) {
    RouteInfo info{route.pattern, {}};
    for (const http::detail::RouteSpec& spec : route.specs)
      info.variable_sets.push_back(spec.variable_names);
    route.chain->did_attach_to_route(info);
    route.chain->did_add_to_channel();
  }
  Controller::did_add_to_channel();
}

}  // namespace conduit
