// Implementation of conduit::ResourceController: operation table, selection, 405/415,
// body decoding and the start-up route check. Used by one event loop; no locking.
#include "conduit/http/resource_controller.hpp"

#include <cxxabi.h>
#include <fmt/format.h>

#include <cstdlib>
#include <typeinfo>

#include "conduit/core/log.hpp"
#include "conduit/http/http_error.hpp"
#include "conduit/http/scope_grant.hpp"

namespace conduit {

namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = char(c - 32);
  }
  return out;
}

std::string format_set(const std::vector<std::string>& names) {
  std::string out = "{";
  for (const auto& name : names) {
    if (out.size() > 1) out += ", ";
    out += name;
  }
  return out + "}";
}

bool same_variables(const std::vector<std::string>& sorted, const PathMatch& match) {
  if (sorted.size() != match.variables.size()) return false;
  // Both are sorted by name: the map by its ordering, the operation's at compile time.
  auto it = match.variables.begin();
  for (const auto& name : sorted) {
    if (it->first != name) return false;
    ++it;
  }
  return true;
}

}  // namespace

ResourceController::ResourceController() = default;
ResourceController::~ResourceController() = default;

Task<std::optional<Response>> ResourceController::will_process_request(Request&) {
  co_return std::nullopt;
}

void ResourceController::will_decode_request_body(Request&) {}

void ResourceController::did_decode_request_body(Request&, DecodedBody&) {}

std::vector<ApiOperation> ResourceController::api_operations() const {
  std::vector<ApiOperation> out;
  out.reserve(operations_.size());
  for (const Operation& entry : operations_) out.push_back(entry.api);
  return out;
}

std::size_t ResourceController::add_operation(Operation entry, unsigned body_formats) {
  entry.method = upper(entry.method);
  entry.api.method = entry.method;
  for (std::size_t i = 0; i < operations_.size(); ++i) {
    const Operation& existing = operations_[i];
    if (existing.method == entry.method && existing.path_variables == entry.path_variables) {
      throw std::logic_error(fmt::format(
          "{} has ambiguous operations: {} and {} both handle {} with path variables {}",
          class_name(), describe(existing, i), describe(entry, operations_.size()), entry.method,
          format_set(entry.path_variables)));
    }
  }
  auto accept = [&](std::string_view type) {
    if (std::find(accepted_content_types_.begin(), accepted_content_types_.end(), type) ==
        accepted_content_types_.end()) {
      accepted_content_types_.emplace_back(type);
    }
  };
  if (body_formats & http::detail::kFormBody) accept("application/x-www-form-urlencoded");
  if (body_formats & http::detail::kMultipartBody) accept("multipart/form-data");
  operations_.push_back(std::move(entry));
  return operations_.size() - 1;
}

std::optional<Response> ResourceController::check_scopes(const Request& request,
                                                         const Operation& entry) const {
  if (entry.scopes.empty()) return std::nullopt;
  const ScopeGrant* grant = scope_grant(request);
  if (!grant) {
    // A programming error, not the client's: say so once, not once per request.
    if (!entry.reported_missing_grant) {
      entry.reported_missing_grant = true;
      log::error(
          "{}: operation {} declares scopes but no authorizer is linked in front of it; it "
          "answers 500 until one is",
          class_name(), describe(entry, static_cast<std::size_t>(&entry - operations_.data())));
    }
    return Response(500);
  }
  std::string required;
  bool covered = true;
  for (const auto& scope : entry.scopes) {
    if (!required.empty()) required += ' ';
    required += scope;
    if (covered && !grant->covers(scope)) covered = false;
  }
  if (covered) return std::nullopt;
  return Response::json(403,
                        boost::json::object{{"error", "insufficient_scope"}, {"scope", required}});
}

const ResourceController::Operation* ResourceController::find_operation(
    const Request& request) const {
  for (const auto& entry : operations_) {
    if (entry.method == request.method() &&
        same_variables(entry.path_variables, request.path_match())) {
      return &entry;
    }
  }
  return nullptr;
}

std::string ResourceController::allowed_methods(const Request& request) const {
  std::vector<std::string_view> methods;
  for (const auto& entry : operations_) {
    if (same_variables(entry.path_variables, request.path_match()) &&
        std::find(methods.begin(), methods.end(), entry.method) == methods.end()) {
      methods.push_back(entry.method);
    }
  }
  std::string out;
  for (auto method : methods) {
    if (!out.empty()) out += ", ";
    out += method;
  }
  return out;
}

Task<Outcome> ResourceController::handle(Request& request) {
  if (auto early = co_await will_process_request(request)) co_return std::move(*early);

  if (request.has_body()) {
    std::string type = request.content_type();
    if (type.empty()) co_return Response::error(415, "request body has no content type");
    if (std::find(accepted_content_types_.begin(), accepted_content_types_.end(), type) ==
        accepted_content_types_.end()) {
      co_return Response::error(415, fmt::format("unsupported content type '{}'", type));
    }
  }

  const Operation* selected = find_operation(request);
  if (!selected) {
    Response response = Response::error(405, "method not allowed");
    response.set_header("Allow", allowed_methods(request));
    co_return response;
  }
  if (auto refused = check_scopes(request, *selected)) {
    co_return std::move(*refused);
  }

  DecodedBody body;
  if (request.has_body()) {
    will_decode_request_body(request);
    body = DecodedBody::decode(request);
    did_decode_request_body(request, body);
  }
  co_return co_await selected->invoke(request, body);
}

void ResourceController::did_attach_to_route(const RouteInfo& route) {
  // A route without variables may be reported with no sets at all; it still produces {}.
  std::vector<std::vector<std::string>> sets = route.variable_sets;
  if (sets.empty()) sets.emplace_back();
  for (auto& set : sets) std::sort(set.begin(), set.end());
  for (std::size_t i = 0; i < operations_.size(); ++i) {
    const Operation& entry = operations_[i];
    if (std::find(sets.begin(), sets.end(), entry.path_variables) != sets.end()) continue;
    std::string producible;
    for (const auto& set : sets) {
      if (!producible.empty()) producible += ", ";
      producible += format_set(set);
    }
    throw std::logic_error(fmt::format(
        "{}: operation {} binds path variables {}, but route '{}' only produces {}", class_name(),
        describe(entry, i), format_set(entry.path_variables), route.pattern, producible));
  }
  Controller::did_attach_to_route(route);
}

std::string ResourceController::describe(const Operation& entry, std::size_t index) {
  if (!entry.name.empty()) return fmt::format("'{}' ({})", entry.name, entry.method);
  return fmt::format("#{} ({})", index + 1, entry.method);
}

std::string ResourceController::class_name() const {
  const char* mangled = typeid(*this).name();
  int status = 0;
  char* demangled = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  std::string name = status == 0 && demangled ? demangled : mangled;
  std::free(demangled);
  return name;
}

}  // namespace conduit
