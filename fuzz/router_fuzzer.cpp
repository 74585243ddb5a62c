// libFuzzer target: bytes -> request target -> Router matching only (every route ends in
// a function that describes the match), so it runs fast and explores the routing tree:
// literals, variables, anchored regexes, nested optionals, "*", backtracking and the base
// path.
//
// Checks beyond "no crash": only 200 (matched) or 404 come back; a match names its
// pattern, binds no empty variable, and a "*" route always has a remaining path.
//
// Thread-safety: libFuzzer calls LLVMFuzzerTestOneInput from one thread.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "conduit/http/router.hpp"
#include "fuzz_support.hpp"

namespace {

using conduit::Request;
using conduit::Response;
using conduit::Task;
using conduit::fuzz::check;

Task<Response> describe_match(Request& request) {
  const conduit::PathMatch& match = request.path_match();
  check(!match.route_pattern.empty(), "matched route without a pattern");
  for (const auto& [name, value] : match.variables) {
    check(!name.empty(), "unnamed variable");
    check(!value.empty(), "variable bound to an empty segment");
  }
  // A final "*" segment (not an optional "[/*]", nor one inside a regex such as "(-x)*").
  const std::string& pattern = match.route_pattern;
  if (pattern.ends_with("/*")) {
    check(match.remaining_path.has_value(), "'*' route without remaining path");
  }
  co_return Response::text(200, match.route_pattern);
}

conduit::Router& router() {
  static const std::shared_ptr<conduit::Router> instance = [] {
    auto r = std::make_shared<conduit::Router>("/api/");
    for (const char* pattern : {
             "/",
             "/users/[:id]",
             "/locations[/:id]",
             "/locations/:id/vacation",
             "/locations/:id/alarms[/*]",
             "/equipment/[:id[/:property]]",
             "/file/*",
             "/a/b",
             "/a/:x/c",
             "/a/:x/:y/d",
             "/n/:name/show",
             "/m/:v(a|ab)",
             "/x[/y[/z]]",
             "/deep/[:a[/:b[/:c]]]",
             "/r/:d(\\d+)/(x|y)/[:w([a-z]+)]",
             "/slug/:s([a-z0-9]+(-[a-z0-9]+)*)",
             "/hex/:h([0-9a-fA-F]{1,16})/*",
             "/mixed/:id(\\d+)",
             "/mixed/:name",
             "/mixed/literal",
             "/mixed/*",
             "/p/:name",
             "/f/*",
         }) {
      r->route(pattern).link_function(describe_match);
    }
    r->did_add_to_channel();
    return r;
  }();
  return *instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Route both the input as given and under the base path, so most inputs reach the tree.
  for (std::string prefix : {"", "/api"}) {
    Request request;
    if (!request.set_target(prefix + std::string(reinterpret_cast<const char*>(data), size))) {
      continue;
    }
    Response response = conduit::fuzz::receive_now(router(), request);
    check(response.status() == 200 || response.status() == 404,
          "router answered neither 200 nor 404");
  }
  return 0;
}
