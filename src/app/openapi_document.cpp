// Implementation of the OpenAPI document builder (see openapi_document.hpp).
#include "app/openapi_document.hpp"

#include <boost/core/demangle.hpp>
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <typeinfo>

#include "app/openapi_examples.hpp"
#include "conduit/auth/auth_controller.hpp"
#include "conduit/auth/auth_redirect_controller.hpp"
#include "conduit/auth/authorizer.hpp"
#include "conduit/http/api_description.hpp"
#include "conduit/http/controller.hpp"
#include "conduit/http/file_controller.hpp"
#include "conduit/http/router.hpp"

namespace conduit::app::detail {

namespace json = boost::json;

namespace {

struct Builder {
  explicit Builder(const DocumentOptions& o) : options(o) {}
  const DocumentOptions& options;
  bool v31 = false;
  ApiComponents components;
  std::set<std::string> all_scopes;
  std::set<std::string> operation_ids;
  std::string token_path;
  std::string form_path;
  bool uses_oauth = false;
  bool uses_basic = false;
  json::object paths;

  json::value schema(const ApiSchema& s) const {
    json::object out;
    using K = ApiSchema::Kind;
    if (s.kind == K::ref) {
      json::object ref{{"$ref", "#/components/schemas/" + s.ref}};
      if (!s.nullable && !s.read_only && s.description.empty()) return ref;
      // Siblings of $ref are ignored in 3.0: wrap it.
      if (s.nullable && v31) {
        out["anyOf"] = json::array{ref, json::object{{"type", "null"}}};
      } else {
        out["allOf"] = json::array{ref};
        if (s.nullable) out["nullable"] = true;
      }
      if (s.read_only) out["readOnly"] = true;
      if (!s.description.empty()) out["description"] = s.description;
      return out;
    }
    const char* type = nullptr;
    switch (s.kind) {
      case K::string:
        type = "string";
        break;
      case K::integer:
        type = "integer";
        break;
      case K::number:
        type = "number";
        break;
      case K::boolean:
        type = "boolean";
        break;
      case K::array:
        type = "array";
        break;
      case K::object:
        type = "object";
        break;
      default:
        break;
    }
    if (type) {
      if (s.nullable && v31) {
        out["type"] = json::array{type, "null"};
      } else {
        out["type"] = type;
      }
    }
    if (s.nullable && !v31) out["nullable"] = true;
    if (!s.format.empty()) out["format"] = s.format;
    if (!s.enum_values.empty()) {
      json::array values;
      for (const auto& v : s.enum_values) values.emplace_back(v);
      if (s.nullable) values.emplace_back(nullptr);
      out["enum"] = std::move(values);
    }
    if (s.kind == K::array)
      out["items"] = s.items.empty() ? json::object{} : schema(s.items.front());
    if (s.kind == K::object && !s.property_names.empty()) {
      json::object properties;
      for (std::size_t i = 0; i < s.property_names.size(); ++i) {
        properties[s.property_names[i]] = schema(s.properties[i]);
      }
      out["properties"] = std::move(properties);
      if (!s.required.empty()) {
        json::array required;
        for (const auto& r : s.required) required.emplace_back(r);
        out["required"] = std::move(required);
      }
    }
    if (s.read_only) out["readOnly"] = true;
    if (!s.description.empty()) out["description"] = s.description;
    if (!s.example.empty()) out["example"] = example_value(s.example, s);
    return out;
  }

  static json::object error_response(const char* description) {
    return {{"description", description},
            {"content",
             {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
  }

  static std::string tag_of(const Controller& controller) {
    if (dynamic_cast<const FunctionController*>(&controller)) return "Functions";
    if (dynamic_cast<const FileController*>(&controller)) return "Files";
    std::string name = boost::core::demangle(typeid(controller).name());
    auto open = name.find('<');
    if (open != std::string::npos) {
      // ManagedObjectController<heroes::Hero> -> Hero
      std::string inner = name.substr(open + 1, name.rfind('>') - open - 1);
      auto comma = inner.find(',');
      if (comma != std::string::npos) inner.resize(comma);
      name = inner;
    }
    auto colon = name.rfind("::");
    if (colon != std::string::npos) name = name.substr(colon + 2);
    return name;
  }

  // The security requirement of the authorizers in front of an endpoint.
  struct Security {
    bool bearer = false;
    bool basic = false;
    std::vector<std::string> scopes;
  };

  json::object operation_object(const ApiOperation& op, const Router::RoutePath& path,
                                const Security& security, const std::string& tag) {
    for (const auto& [name, s] : op.components) components.emplace(name, s);
    json::object out;
    out["tags"] = json::array{json::value(tag)};
    // "ns::NoteController::list" -> "NoteController_list"; unique across the document.
    std::string id = tag + "_" + op.method + "_" + path.path;
    if (!op.name.empty()) {
      std::string_view name = op.name;
      auto last = name.rfind("::");
      auto before = last == std::string_view::npos || last == 0 ? std::string_view::npos
                                                                : name.rfind("::", last - 1);
      id = std::string(before == std::string_view::npos ? name : name.substr(before + 2));
    }
    for (char& c : id) {
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) c = '_';
    }
    while (id.find("__") != std::string::npos) id.replace(id.find("__"), 2, "_");
    while (!id.empty() && id.back() == '_') id.pop_back();
    std::string unique = id;
    for (int n = 2; !operation_ids.insert(unique).second; ++n)
      unique = id + "_" + std::to_string(n);
    out["operationId"] = unique;
    out["summary"] = op.summary.empty() ? op.method + " " + path.path : op.summary;
    if (!op.description.empty()) out["description"] = op.description;
    json::array parameters;
    std::set<std::string> declared;
    for (const ApiParameter& p : op.parameters) {
      json::object parameter{{"name", p.name},
                             {"in", p.location},
                             {"required", p.required},
                             {"schema", schema(p.schema)}};
      if (p.schema.kind == ApiSchema::Kind::array && p.location == "query") {
        parameter["style"] = "form";
        parameter["explode"] = true;
      }
      if (p.location == "path") declared.insert(p.name);
      parameters.emplace_back(std::move(parameter));
    }
    // Path variables the operation does not bind are still part of its path.
    std::vector<std::string> implicit = path.variables;
    implicit.insert(implicit.end(), path.unnamed.begin(), path.unnamed.end());
    for (const auto& name : implicit) {
      if (declared.contains(name)) continue;
      parameters.emplace_back(json::object{
          {"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
    }
    const std::string label =
        op.method + " " + path.path + (op.name.empty() ? "" : " (" + op.name + ")");
    add_parameter_examples(op, components, label, parameters);
    if (!parameters.empty()) out["parameters"] = std::move(parameters);
    if (!op.request_example.empty() && !op.has_body) {
      throw std::runtime_error(label +
                               ": request_example is given, but the operation binds no body");
    }
    if (op.has_body) {
      const json::value example = checked_body_example(op.request_example, op.body_schema, true,
                                                       components, label, "request_example");
      json::object content;
      for (const auto& type : op.body_content_types) {
        content[type] = json::object{{"schema", schema(op.body_schema)}};
        if (!example.is_null()) content[type].as_object()["example"] = example;
      }
      out["requestBody"] = json::object{{"required", op.body_required}, {"content", content}};
    }
    json::object responses;
    json::object success{{"description", "Success"}};
    if (!op.response_example.empty() && op.success_status == 204) {
      throw std::runtime_error(
          label + ": response_example is given, but the operation answers 204 (no body)");
    }
    if (op.success_status != 204) {
      const json::value example =
          checked_body_example(op.response_example, op.response_schema, op.has_response_schema,
                               components, label, "response_example");
      json::object media{{"schema", op.has_response_schema ? schema(op.response_schema)
                                                           : json::value(json::object{})}};
      if (!example.is_null()) media["example"] = example;
      json::object content;
      if (op.response_content_types.empty()) content["application/json"] = media;
      for (const auto& type : op.response_content_types) content[type] = media;
      success["content"] = std::move(content);
    }
    responses[std::to_string(op.success_status)] = std::move(success);
    // The answers the framework itself gives.
    if (!op.parameters.empty() || op.has_body) {
      responses["400"] = error_response("Bad request: a parameter or the body is invalid");
    }
    if (security.bearer || security.basic) {
      responses["401"] = error_response("Unauthorized: missing or invalid credentials");
    }
    if (security.bearer || !op.scopes.empty()) {
      responses["403"] = error_response("Forbidden: insufficient scope");
    }
    if (!path.variables.empty() || !path.unnamed.empty())
      responses["404"] = error_response("Not found");
    responses["405"] = error_response("Method not allowed");
    if (op.method == "POST" || op.method == "PUT") responses["409"] = error_response("Conflict");
    if (op.has_body) {
      responses["413"] = error_response("Request entity too large");
      responses["415"] = error_response("Unsupported media type");
    }
    out["responses"] = std::move(responses);
    if (security.bearer) {
      std::vector<std::string> scopes = security.scopes;
      for (const auto& s : op.scopes) {
        if (std::find(scopes.begin(), scopes.end(), s) == scopes.end()) scopes.push_back(s);
      }
      json::array list;
      for (const auto& s : scopes) {
        list.emplace_back(s);
        all_scopes.insert(s);
      }
      out["security"] = json::array{json::object{{"oauth2", list}}};
      uses_oauth = true;
    } else if (security.basic) {
      out["security"] = json::array{json::object{{"basicAuth", json::array{}}}};
      uses_basic = true;
    }
    return out;
  }

  void add(const Router::RoutePath& path, const std::string& method, json::object operation) {
    std::string lower = method;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto& item = paths[path.path];
    if (!item.is_object()) item = json::object{};
    item.as_object()[lower] = std::move(operation);
  }

  static ApiSchema string_schema(std::vector<std::string> values = {}) {
    ApiSchema s;
    s.kind = ApiSchema::Kind::string;
    s.enum_values = std::move(values);
    return s;
  }

  // The OAuth 2.0 endpoints, described here: the auth controllers are plain Controllers.
  std::vector<ApiOperation> auth_operations(const Controller& c, const Router::RoutePath& path) {
    auto form_body = [](ApiOperation& op, std::vector<std::pair<std::string, ApiSchema>> fields,
                        std::vector<std::string> required) {
      op.has_body = op.body_required = true;
      op.body_content_types = {"application/x-www-form-urlencoded"};
      op.body_schema.kind = ApiSchema::Kind::object;
      for (auto& [name, s] : fields) {
        op.body_schema.property_names.push_back(name);
        op.body_schema.properties.push_back(std::move(s));
      }
      op.body_schema.required = std::move(required);
    };
    std::vector<ApiOperation> out;
    if (dynamic_cast<const auth::AuthController*>(&c)) {
      token_path = path.path;
      uses_oauth = true;
      ApiOperation op;
      op.method = "POST";
      op.name = "auth_token";
      op.summary = "Issue an access token (OAuth 2.0 token endpoint)";
      op.description =
          "Clients authenticate with HTTP Basic (public clients send client_id in the body).";
      form_body(op,
                {{"grant_type", string_schema({"password", "authorization_code", "refresh_token",
                                               "client_credentials"})},
                 {"username", string_schema()},
                 {"password", string_schema()},
                 {"refresh_token", string_schema()},
                 {"code", string_schema()},
                 {"code_verifier", string_schema()},
                 {"redirect_uri", string_schema()},
                 {"client_id", string_schema()},
                 {"scope", string_schema()}},
                {"grant_type"});
      op.response_schema.kind = ApiSchema::Kind::ref;
      op.response_schema.ref = "AccessToken";
      op.has_response_schema = true;
      out.push_back(std::move(op));
    } else if (dynamic_cast<const auth::AuthRedirectController*>(&c)) {
      form_path = path.path;
      ApiOperation page;
      page.method = "GET";
      page.name = "auth_form_page";
      page.summary = "The login form (OAuth 2.0 authorization endpoint)";
      for (const char* name : {"response_type", "client_id", "state", "scope", "redirect_uri",
                               "code_challenge", "code_challenge_method"}) {
        page.parameters.push_back(
            {name, "query", std::string(name) == "client_id", string_schema()});
      }
      ApiOperation submit;
      submit.method = "POST";
      submit.name = "auth_form_submit";
      submit.summary = "Grant a code or token; redirects to the client";
      form_body(submit,
                {{"username", string_schema()},
                 {"password", string_schema()},
                 {"response_type", string_schema({"code", "token"})},
                 {"client_id", string_schema()},
                 {"state", string_schema()},
                 {"scope", string_schema()},
                 {"code_challenge", string_schema()},
                 {"code_challenge_method", string_schema()}},
                {"username", "password", "response_type", "client_id"});
      submit.success_status = 302;
      out.push_back(std::move(page));
      out.push_back(std::move(submit));
    } else if (dynamic_cast<const auth::RevocationController*>(&c)) {
      ApiOperation op;
      op.method = "POST";
      op.name = "auth_revoke";
      op.summary = "Revoke a token (RFC 7009)";
      form_body(op, {{"token", string_schema()}, {"token_type_hint", string_schema()}}, {"token"});
      out.push_back(std::move(op));
    }
    return out;
  }

  // What is known of a route that ends in a function or a FileController, which describe
  // no operations themselves: a function route as GET with any response (it answers every
  // method; its answers are its own), a file route as GET with the file's bytes.
  static std::vector<ApiOperation> implicit_operations(const Controller& c,
                                                       const std::vector<std::string>& variables) {
    ApiOperation op;
    op.method = "GET";
    op.path_variables = variables;
    if (dynamic_cast<const FunctionController*>(&c)) {
      op.description = "A function route: it receives every method; its answers are its own.";
      op.response_content_types = {"*/*"};
    } else if (dynamic_cast<const FileController*>(&c)) {
      op.summary = "A static file";
      op.response_content_types = {"application/octet-stream"};
      op.response_schema.kind = ApiSchema::Kind::string;
      op.response_schema.format = "binary";
      op.has_response_schema = true;
    } else {
      return {};
    }
    return {op};
  }

  // A route's chain, with the security of the chains in front of it (a nested router's
  // routes inherit the Authorizers linked before the router).
  void add_route(const Router::RouteEntry& route) { add_route(route, Security{}); }
  void add_route(const Router::RouteEntry& route, const Security& inherited) {
    Security security = inherited;
    const Controller* endpoint = route.chain;
    for (const Controller* c = route.chain; c; c = c->next()) {
      endpoint = c;
      if (const auto* authorizer = dynamic_cast<const auth::Authorizer*>(c)) {
        const auto& policy = authorizer->policy();
        if (policy.kind == auth::Authorizer::Kind::basic) {
          security.basic = true;
        } else {
          security.bearer = true;
          for (const auto& s : policy.scopes) security.scopes.push_back(auth::to_string({&s, 1}));
        }
      }
      if (c->dispatches_requests()) break;
    }
    if (!endpoint) return;
    // A nested router matches the whole request path itself: its routes' paths are full.
    if (const auto* nested = dynamic_cast<const Router*>(endpoint)) {
      for (const auto& inner : nested->routes()) add_route(inner, security);
      return;
    }
    const std::string tag = tag_of(*endpoint);
    for (const Router::RoutePath& path : route.paths) {
      std::vector<std::string> variables = path.variables;
      std::sort(variables.begin(), variables.end());
      std::vector<ApiOperation> operations = auth_operations(*endpoint, path);
      const bool is_auth = !operations.empty();
      if (!is_auth) operations = endpoint->api_operations();
      if (operations.empty()) operations = implicit_operations(*endpoint, variables);
      for (const ApiOperation& op : operations) {
        if (!is_auth && op.path_variables != variables) continue;
        Security effective = security;
        // The token endpoint authenticates clients with HTTP Basic itself.
        if (is_auth && op.name == "auth_token") effective.basic = true;
        json::object object = operation_object(op, path, effective, tag);
        if (is_auth && op.name == "auth_token") uses_basic = true;
        add(path, op.method, std::move(object));
      }
    }
  }

  json::object build(const Controller& root) {
    v31 = options.openapi_version.rfind("3.1", 0) == 0;
    if (const auto* router = dynamic_cast<const Router*>(&root)) {
      for (const auto& route : router->routes()) add_route(route);
    } else {
      add_route({"/", {{"/", {}, {}}}, &root});
    }
    json::object doc;
    doc["openapi"] = options.openapi_version;
    json::object info{{"title", options.title}, {"version", options.api_version}};
    if (!options.description.empty()) info["description"] = options.description;
    json::object contact;
    if (!options.contact_name.empty()) contact["name"] = options.contact_name;
    if (!options.contact_email.empty()) contact["email"] = options.contact_email;
    if (!options.contact_url.empty()) contact["url"] = options.contact_url;
    if (!contact.empty()) info["contact"] = std::move(contact);
    if (!options.license_name.empty()) {
      json::object license{{"name", options.license_name}};
      if (!options.license_url.empty()) license["url"] = options.license_url;
      info["license"] = std::move(license);
    }
    doc["info"] = std::move(info);
    json::array servers;
    for (const auto& host : options.hosts) servers.emplace_back(json::object{{"url", host}});
    if (servers.empty()) servers.emplace_back(json::object{{"url", "/"}});
    doc["servers"] = std::move(servers);
    doc["paths"] = std::move(paths);

    ApiSchema error;
    error.kind = ApiSchema::Kind::object;
    error.property_names = {"error", "reasons"};
    error.properties = {string_schema(), ApiSchema{}};
    error.properties[1].kind = ApiSchema::Kind::array;
    error.properties[1].items.push_back(string_schema());
    error.required = {"error"};
    components["Error"] = error;
    if (!token_path.empty()) {
      ApiSchema token;
      token.kind = ApiSchema::Kind::object;
      token.property_names = {"access_token", "token_type", "expires_in", "refresh_token", "scope"};
      ApiSchema seconds;
      seconds.kind = ApiSchema::Kind::integer;
      seconds.format = "int64";
      token.properties = {string_schema(), string_schema({"bearer"}), seconds, string_schema(),
                          string_schema()};
      token.required = {"access_token", "token_type", "expires_in"};
      components["AccessToken"] = token;
    }
    json::object schemas;
    for (const auto& [name, s] : components) schemas[name] = schema(s);
    json::object component_object{{"schemas", std::move(schemas)}};
    json::object schemes;
    if (uses_oauth) {
      json::object scopes;
      for (const auto& s : all_scopes) scopes[s] = "Scope " + s;
      const std::string token_url = token_path.empty() ? "/auth/token" : token_path;
      json::object flows{{"password", {{"tokenUrl", token_url}, {"scopes", scopes}}},
                         {"clientCredentials", {{"tokenUrl", token_url}, {"scopes", scopes}}}};
      if (!form_path.empty()) {
        flows["authorizationCode"] = json::object{
            {"authorizationUrl", form_path}, {"tokenUrl", token_url}, {"scopes", scopes}};
      }
      schemes["oauth2"] = json::object{{"type", "oauth2"}, {"flows", std::move(flows)}};
    }
    if (uses_basic) {
      schemes["basicAuth"] = json::object{
          {"type", "http"}, {"scheme", "basic"}, {"description", "OAuth 2.0 client credentials"}};
    }
    if (!schemes.empty()) component_object["securitySchemes"] = std::move(schemes);
    doc["components"] = std::move(component_object);
    return doc;
  }
};

}  // namespace

boost::json::object build_openapi_document(const Controller& root, const DocumentOptions& options) {
  Builder builder(options);
  return builder.build(root);
}

}  // namespace conduit::app::detail
