// conduit::ResourceController: one controller, several operations on one HTTP resource.
//
// Operations are registered in the constructor with member functions or lambdas whose
// parameters are bindings (bindings.hpp) or `Request&`:
//
//   class HeroController : public conduit::ResourceController {
//    public:
//     HeroController() {
//       get<&HeroController::list>();   // or get(&HeroController::list)
//       get<&HeroController::get_one>();
//       post<&HeroController::create>();
//     }
//     Task<Response> list(Query<"name", std::optional<std::string>> name);
//     Task<Response> get_one(Path<"id", std::int64_t> id);
//     Task<Response> create(Request& request, Body<HeroInput> body);
//   };
//
// As in Conduit, a request selects the operation whose HTTP method and set of path
// variables (computed at compile time from its Path<> parameters) equal the request's
// method and the variables the router matched. Two operations with the same method and
// variable set make registration throw std::logic_error ("ambiguous operations");
// did_attach_to_route throws std::logic_error at start-up when an operation's variables
// are not a set the route can produce. The template form get<&C::f>() also names the
// operation ("C::f") in those messages.
//
// Request handling, in Conduit's order: will_process_request (may answer) -> 415 when a
// non-empty body has a Content-Type not in accepted_content_types() -> 405 with `Allow`
// when no operation matches -> the operation's scopes (OperationHandle::scopes: 403, or
// 500 without an authorizer in front) -> body decoding (between the two body hooks) -> bindings,
// every failure collected into one 400 -> the operation. Unlike Conduit, 405 and 415 carry
// a JSON {"error": ...} body, like every other client error.
//
// Unlike Conduit, which builds a fresh ResourceController per request, one instance serves
// every request of its event loop: operations must not keep per-request state in members.
//
// Thread-safety: like every controller, used by one event loop only.
#pragma once

#include <algorithm>
#include <array>
#include <concepts>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "conduit/core/task.hpp"
#include "conduit/http/bindings.hpp"
#include "conduit/http/controller.hpp"
#include "conduit/http/request.hpp"
#include "conduit/http/response.hpp"

namespace conduit {

namespace http::detail {

enum class ArgKind { invalid, request, path, query, header, body };
inline constexpr unsigned kFormBody = 1;
inline constexpr unsigned kMultipartBody = 2;

template <class B>
struct ArgInfo {
  static constexpr ArgKind kind = ArgKind::invalid;
  static constexpr std::string_view path_name{};
  static constexpr unsigned body_formats = 0;
};
template <>
struct ArgInfo<Request> : ArgInfo<void> {
  static constexpr ArgKind kind = ArgKind::request;
};
template <FixedString N, class T>
struct ArgInfo<Path<N, T>> : ArgInfo<void> {
  static constexpr ArgKind kind = ArgKind::path;
  static constexpr std::string_view path_name = N.view();
};
template <FixedString N, class T>
struct ArgInfo<Query<N, T>> : ArgInfo<void> {
  static constexpr ArgKind kind = ArgKind::query;
};
template <FixedString N, class T>
struct ArgInfo<Header<N, T>> : ArgInfo<void> {
  static constexpr ArgKind kind = ArgKind::header;
};
template <class T, auto... O>
struct ArgInfo<Body<T, O...>> : ArgInfo<void> {
  using Bound = typename StripOptional<T>::type;
  static constexpr ArgKind kind = ArgKind::body;
  static constexpr unsigned body_formats = std::same_as<Bound, Parameters>  ? kFormBody
                                           : std::same_as<Bound, Multipart> ? kMultipartBody
                                                                            : 0;
};

template <class Arg>
using ArgOf = ArgInfo<std::remove_cvref_t<Arg>>;

// The operation's path variables, sorted: the key operations are selected by.
template <class... Args>
constexpr auto path_variables() {
  constexpr std::size_t count = (std::size_t{ArgOf<Args>::kind == ArgKind::path} + ... + 0);
  std::array<std::string_view, count> names{};
  std::size_t i = 0;
  ((ArgOf<Args>::kind == ArgKind::path ? void(names[i++] = ArgOf<Args>::path_name) : void()), ...);
  std::sort(names.begin(), names.end());
  return names;
}

template <class... Args>
constexpr bool check_operation_parameters() {
  static_assert(((ArgOf<Args>::kind != ArgKind::invalid) && ...),
                "operation parameters must be Path<>, Query<>, Header<>, Body<> or Request&");
  static_assert(((ArgOf<Args>::kind != ArgKind::request || std::is_lvalue_reference_v<Args>)&&...),
                "take the request as Request& (or const Request&)");
  static_assert((std::size_t{ArgOf<Args>::kind == ArgKind::body} + ... + 0) <= 1,
                "an operation binds at most one Body<>");
  constexpr auto names = path_variables<Args...>();
  static_assert(std::adjacent_find(names.begin(), names.end()) == names.end(),
                "an operation binds each path variable once");
  return true;
}

template <class... Args>
struct ArgList {};

// Adds what one operation parameter means to the operation's OpenAPI description.
template <class Arg>
void describe_arg(ApiOperation& op) {
  using A = std::remove_cvref_t<Arg>;
  constexpr ArgKind kind = ArgOf<Arg>::kind;
  if constexpr (kind == ArgKind::path || kind == ArgKind::query || kind == ArgKind::header) {
    using T = typename A::value_type;
    using Bound = typename StripOptional<T>::type;
    ApiParameter parameter;
    parameter.name = std::string(A::name);
    parameter.location = kind == ArgKind::path    ? "path"
                         : kind == ArgKind::query ? "query"
                                                  : "header";
    // An absent bool query is false; an optional is absent; everything else is required.
    parameter.required =
        kind == ArgKind::path ||
        (!IsOptional<T>::value && !(kind == ArgKind::query && std::same_as<T, bool>));
    parameter.schema = api_schema<Bound>(op.components);
    op.parameters.push_back(std::move(parameter));
  } else if constexpr (kind == ArgKind::body) {
    using T = typename A::value_type;
    using Bound = typename StripOptional<T>::type;
    op.has_body = true;
    op.body_required = !IsOptional<T>::value;
    if constexpr (std::same_as<Bound, Parameters>) {
      op.body_content_types = {"application/x-www-form-urlencoded"};
      op.body_schema.kind = ApiSchema::Kind::object;
    } else if constexpr (std::same_as<Bound, Multipart>) {
      op.body_content_types = {"multipart/form-data"};
      op.body_schema.kind = ApiSchema::Kind::object;
    } else if constexpr (std::same_as<Bound, std::string>) {
      op.body_content_types = {"text/plain"};
      op.body_schema.kind = ApiSchema::Kind::string;
    } else {
      op.body_content_types = {"application/json"};
      op.body_schema = api_schema<Bound>(op.components);
    }
  }
}

// What a registered callable looks like; `valid` is false for anything unsupported.
template <class F>
struct OperationSignature {
  static constexpr bool valid = false;
};
template <class C, class... A>
struct OperationSignature<Task<Response> (C::*)(A...)> {
  static constexpr bool valid = true;
  using Class = C;
  using Args = ArgList<A...>;
};
template <class C, class... A>
struct OperationSignature<Task<Response> (C::*)(A...) const>
    : OperationSignature<Task<Response> (C::*)(A...)> {};
template <class C, class... A>
struct OperationSignature<Task<Response> (C::*)(A...) noexcept>
    : OperationSignature<Task<Response> (C::*)(A...)> {};
template <class C, class... A>
struct OperationSignature<Task<Response> (C::*)(A...) const noexcept>
    : OperationSignature<Task<Response> (C::*)(A...)> {};

// How an argument is held while the bindings are decoded.
template <class Arg>
using StoredArg = std::conditional_t<std::same_as<std::remove_cvref_t<Arg>, Request>,
                                     std::reference_wrapper<Request>, std::remove_cvref_t<Arg>>;

template <class Arg>
StoredArg<Arg> make_stored_arg(Request& request) {
  if constexpr (std::same_as<std::remove_cvref_t<Arg>, Request>) {
    return std::ref(request);
  } else {
    return StoredArg<Arg>{};
  }
}

template <class Arg, class Stored>
decltype(auto) pass_arg(Stored& stored) {
  if constexpr (std::same_as<Stored, std::reference_wrapper<Request>>) {
    return stored.get();
  } else if constexpr (std::is_lvalue_reference_v<Arg>) {
    return (stored);
  } else {
    return std::move(stored);
  }
}

// Decodes every binding, answers 400 with all failures, else runs the operation. The
// decoded arguments live in this frame until the operation's task has finished, so
// operations may take bindings by reference.
template <class... Args, class Call, std::size_t... I>
Task<Response> invoke_operation(Request& request, DecodedBody& body, Call call,
                                std::index_sequence<I...>) {
  BindingContext context{request, body, {}};
  std::tuple<StoredArg<Args>...> args{make_stored_arg<Args>(request)...};
  (decode_binding(context, std::get<I>(args)), ...);
  if (!context.errors.empty()) co_return Response::error(400, context.message());
  co_return co_await call(pass_arg<Args>(std::get<I>(args))...);
}

// "HeroController::list" for get<&HeroController::list>(), from the compiler's signature.
template <auto Fn>
constexpr std::string_view function_name() {
  std::string_view signature = __PRETTY_FUNCTION__;
  auto start = signature.find("Fn = ");
  if (start == std::string_view::npos) return {};
  start += 5;
  if (start < signature.size() && signature[start] == '&') ++start;
  auto end = signature.find_first_of(";]", start);
  return signature.substr(start, end == std::string_view::npos ? end : end - start);
}

}  // namespace http::detail

class ResourceController : public Controller {
 public:
  ResourceController();
  ~ResourceController() override;

  Task<Outcome> handle(Request& request) override;
  // The registered operations, for the OpenAPI document.
  std::vector<ApiOperation> api_operations() const override;
  // Checks every operation's path variables against the route; see the header comment.
  void did_attach_to_route(const RouteInfo& route) override;

  // ---- hooks -----------------------------------------------------------------------------
  // Runs first; a response returned here is sent instead of running an operation.
  virtual Task<std::optional<Response>> will_process_request(Request& request);
  // Runs before a non-empty body is decoded.
  virtual void will_decode_request_body(Request& request);
  // Runs after a non-empty body was decoded, before the bindings read it.
  virtual void did_decode_request_body(Request& request, DecodedBody& body);

  // Media types (lower case, no parameters) a non-empty request body may have; others get
  // 415. Starts as {"application/json"}; registering an operation that binds
  // Body<Parameters> or Body<Multipart> adds the form or multipart type. As in Conduit,
  // add "application/x-www-form-urlencoded" yourself to read Query<> values from forms.
  std::vector<std::string>& accepted_content_types() noexcept { return accepted_content_types_; }

  // ---- registration ----------------------------------------------------------------------
  // `operation` is a member function pointer of this controller's class or a callable;
  // either returns Task<Response> and takes bindings and/or Request&. `name` is used in
  // error messages.
  // Registration returns a handle that declares what the operation needs:
  //   get<&HeroController::list>().scopes({"heroes.readonly"});
  // It holds the controller and the operation's index, so it stays valid while further
  // operations are registered.
  class OperationHandle {
   public:
    // Conduit's @Scope: a request must be granted every scope (by an authorizer linked in
    // front, such as auth::Authorizer::bearer) or gets 403 {"error":"insufficient_scope",
    // "scope":"<the scopes, space-separated>"}; without an authorizer in front the
    // operation answers 500 and logs the mistake once.
    OperationHandle& scopes(std::vector<std::string> required) {
      controller_->operations_[index_].api.scopes = required;
      controller_->operations_[index_].scopes = std::move(required);
      return *this;
    }
    // One line for the OpenAPI document: get<&C::list>().summary("All heroes").
    OperationHandle& summary(std::string text) {
      controller_->operations_[index_].api.summary = std::move(text);
      return *this;
    }
    OperationHandle& description(std::string text) {
      controller_->operations_[index_].api.description = std::move(text);
      return *this;
    }
    // Examples for the document, one line each; `document` checks them against the
    // operation's schemas and names the operation when one does not fit:
    //   post<&C::create>().request_example(R"({"name": "Mr. Incredible"})")
    //                     .response_example(R"({"id": 1, "name": "Mr. Incredible"})")
    //   get<&C::find>().parameter_example("id", "1");
    // Bodies are JSON text; a parameter's value is text written with its type ("1" is the
    // number 1 for an integer).
    OperationHandle& request_example(std::string json) {
      controller_->operations_[index_].api.request_example = std::move(json);
      return *this;
    }
    OperationHandle& response_example(std::string json) {
      controller_->operations_[index_].api.response_example = std::move(json);
      return *this;
    }
    OperationHandle& parameter_example(std::string name, std::string value) {
      controller_->operations_[index_].api.parameter_examples.emplace_back(std::move(name),
                                                                           std::move(value));
      return *this;
    }
    // What a successful answer carries, for the document: .returns<std::vector<Hero>>();
    // .returns<void>() is 204 No Content.
    template <class T>
    OperationHandle& returns(int status = std::is_void_v<T> ? 204 : 200) {
      auto& api = controller_->operations_[index_].api;
      api.success_status = status;
      if constexpr (std::is_void_v<T>) {
        api.response_schema = ApiSchema{};
        api.has_response_schema = false;
      } else {
        api.response_schema = api_schema<T>(api.components);
        api.has_response_schema = true;
      }
      return *this;
    }

   private:
    friend class ResourceController;
    OperationHandle(ResourceController& controller, std::size_t index)
        : controller_(&controller), index_(index) {}
    ResourceController* controller_;
    std::size_t index_;
  };

  template <class F>
  OperationHandle operation(std::string_view method, F fn, std::string_view name = {});
  template <auto Fn>
  OperationHandle operation(std::string_view method) {
    return operation(method, Fn, http::detail::function_name<Fn>());
  }

  template <class F>
  OperationHandle get(F f, std::string_view name = {}) {
    return operation("GET", std::move(f), name);
  }
  template <class F>
  OperationHandle post(F f, std::string_view name = {}) {
    return operation("POST", std::move(f), name);
  }
  template <class F>
  OperationHandle put(F f, std::string_view name = {}) {
    return operation("PUT", std::move(f), name);
  }
  template <class F>
  OperationHandle patch(F f, std::string_view name = {}) {
    return operation("PATCH", std::move(f), name);
  }
  template <class F>
  OperationHandle del(F f, std::string_view name = {}) {
    return operation("DELETE", std::move(f), name);
  }
  template <auto Fn>
  OperationHandle get() {
    return operation<Fn>("GET");
  }
  template <auto Fn>
  OperationHandle post() {
    return operation<Fn>("POST");
  }
  template <auto Fn>
  OperationHandle put() {
    return operation<Fn>("PUT");
  }
  template <auto Fn>
  OperationHandle patch() {
    return operation<Fn>("PATCH");
  }
  template <auto Fn>
  OperationHandle del() {
    return operation<Fn>("DELETE");
  }

 private:
  using Invoker = std::function<Task<Response>(Request&, DecodedBody&)>;
  struct Operation {
    std::string method;
    std::vector<std::string> path_variables;  // sorted
    std::string name;
    Invoker invoke;
    // Scopes an authorizer in front must have granted (all of them); see scope_grant.hpp.
    std::vector<std::string> scopes;
    // What the OpenAPI document says about it.
    ApiOperation api;
    // Whether the missing-authorizer error was logged (once per operation); a diagnostic,
    // not part of the operation's meaning, so it may change on a const table.
    mutable bool reported_missing_grant = false;
  };

  template <class... Args, class Call>
  std::size_t add(std::string_view method, std::string_view name, http::detail::ArgList<Args...>,
                  Call call);
  // Adds the operation; returns its index.
  std::size_t add_operation(Operation entry, unsigned body_formats);
  // 403 or 500 when the operation's scopes are not granted; nullopt when they are.
  std::optional<Response> check_scopes(const Request& request, const Operation& entry) const;

  const Operation* find_operation(const Request& request) const;
  std::string allowed_methods(const Request& request) const;
  // "'HeroController::list' (GET)", or "#2 (GET)" (registration order) when unnamed.
  static std::string describe(const Operation& entry, std::size_t index);
  std::string class_name() const;

  std::vector<Operation> operations_;
  std::vector<std::string> accepted_content_types_{"application/json"};
};

template <class... Args, class Call>
std::size_t ResourceController::add(std::string_view method, std::string_view name,
                                    http::detail::ArgList<Args...>, Call call) {
  static_assert(http::detail::check_operation_parameters<Args...>());
  constexpr auto variables = http::detail::path_variables<Args...>();
  constexpr unsigned body_formats = (http::detail::ArgOf<Args>::body_formats | ... | 0u);
  Operation entry;
  entry.method = std::string(method);
  entry.path_variables.assign(variables.begin(), variables.end());
  entry.name = std::string(name);
  entry.api.method = entry.method;
  entry.api.path_variables = entry.path_variables;
  entry.api.name = entry.name;
  (http::detail::describe_arg<Args>(entry.api), ...);
  entry.invoke = [call = std::move(call)](Request& request, DecodedBody& body) {
    return http::detail::invoke_operation<Args...>(request, body, call,
                                                   std::index_sequence_for<Args...>{});
  };
  return add_operation(std::move(entry), body_formats);
}

template <class F>
ResourceController::OperationHandle ResourceController::operation(std::string_view method, F fn,
                                                                  std::string_view name) {
  if constexpr (std::is_member_function_pointer_v<F>) {
    using Signature = http::detail::OperationSignature<F>;
    static_assert(Signature::valid,
                  "an operation member function returns Task<Response> and takes bindings");
    using C = typename Signature::Class;
    static_assert(std::derived_from<C, ResourceController>,
                  "register member functions of this controller's class");
    auto* self = dynamic_cast<C*>(this);
    if (!self) throw std::logic_error("operation registered on a controller of another class");
    return OperationHandle(
        *this, add(method, name, typename Signature::Args{}, [self, fn](auto&&... args) {
          return (self->*fn)(std::forward<decltype(args)>(args)...);
        }));
  } else {
    using Signature = http::detail::OperationSignature<decltype(&F::operator())>;
    static_assert(Signature::valid,
                  "an operation callable returns Task<Response> and takes bindings");
    // Shared so the callable outlives every task started from it, however the table moves.
    auto callable = std::make_shared<F>(std::move(fn));
    return OperationHandle(
        *this, add(method, name, typename Signature::Args{}, [callable](auto&&... args) {
          return (*callable)(std::forward<decltype(args)>(args)...);
        }));
  }
}

}  // namespace conduit
