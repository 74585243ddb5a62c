// Implementation of the non-template parts of conduit/http/bindings.hpp: body decoding,
// value lookup and Conduit's error wording. Per-request state only; thread-safe.
#include "conduit/http/bindings.hpp"
#include "conduit/http/response.hpp"

#include <fmt/format.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <span>

#include "conduit/http/http_error.hpp"

namespace conduit {

DecodedBody DecodedBody::decode(const Request& request) {
  DecodedBody body;
  if (!request.has_body()) return body;
  std::string type = request.content_type();
  if (type == "application/json" || type.ends_with("+json")) {
    body.format = Format::json;
    body.json = request.json();
  } else if (type == "application/x-www-form-urlencoded") {
    body.format = Format::form;
    body.form = request.form();
  } else if (type == "multipart/form-data") {
    body.format = Format::multipart;
    body.multipart = request.multipart();
  } else {
    body.format = Format::raw;
  }
  return body;
}

namespace http::detail {

void BindingContext::missing(std::string_view location, std::string_view name) {
  errors.push_back(fmt::format("missing required {} '{}'", location, name));
}

void BindingContext::invalid(std::string_view location, std::string_view name) {
  errors.push_back(fmt::format("invalid value for {} value '{}'", location, name));
}

void BindingContext::multiple(std::string_view location, std::string_view name) {
  errors.push_back(fmt::format("multiple values not expected for {} value '{}'", location, name));
}

std::string BindingContext::message() const {
  std::string out;
  for (const auto& error : errors) {
    if (!out.empty()) out += ", ";
    out += error;
  }
  return out;
}

std::optional<bool> parse_bool(std::string_view text) noexcept {
  // Conduit treats a present flag as true whatever its value; we also honour an explicit
  // false so that "?verbose=false" does what it says.
  if (text.empty() || text == "1" || iequals(text, "true")) return true;
  if (text == "0" || iequals(text, "false")) return false;
  return std::nullopt;
}

std::vector<std::string_view> query_values(const BindingContext& context, std::string_view name) {
  std::vector<std::string_view> values = context.request.query().get_all(name);
  if (context.body.format == DecodedBody::Format::form) {
    auto from_body = context.body.form.get_all(name);
    values.insert(values.end(), from_body.begin(), from_body.end());
  }
  return values;
}

std::vector<std::string_view> header_values(const BindingContext& context, std::string_view name,
                                            bool split_lists) {
  std::vector<std::string_view> fields = context.request.headers().get_all(name);
  if (!split_lists) return fields;
  std::vector<std::string_view> values;
  for (std::string_view field : fields) {
    while (true) {
      auto comma = field.find(',');
      std::string_view item = field.substr(0, comma);
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
      if (!item.empty()) values.push_back(item);
      if (comma == std::string_view::npos) break;
      field.remove_prefix(comma + 1);
    }
  }
  return values;
}

void report(BindingContext& context, TextStatus status, std::string_view location,
            std::string_view name) {
  switch (status) {
    case TextStatus::ok:
      break;
    case TextStatus::missing:
      context.missing(location, name);
      break;
    case TextStatus::multiple:
      context.multiple(location, name);
      break;
    case TextStatus::invalid:
      context.invalid(location, name);
      break;
  }
}

std::string json_error_message(const JsonError& error) {
  switch (error.kind()) {
    case JsonError::Kind::unknown_key:
      return fmt::format("invalid input key '{}'", error.keys());
    case JsonError::Kind::missing_key:
      return fmt::format("missing required input key(s): '{}'", error.keys());
    case JsonError::Kind::unexpected_type:
      break;
  }
  if (error.keys().empty()) return "request entity was unexpected type";
  return fmt::format("request entity was unexpected type for key '{}'", error.keys());
}

void body_unexpected_type(BindingContext& context) {
  context.errors.emplace_back("request entity was unexpected type");
}

void throw_body_unexpected_type() { throw HttpError(400, "request entity was unexpected type"); }

namespace {

bool listed(std::span<const std::string_view> keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// Conduit's SerializableException body, which its body filters throw.
[[noreturn]] void throw_filter_error(std::string reason) {
  throw HttpError(Response::bad_request(boost::json::object{
      {"error", "entity validation failed"}, {"reasons", boost::json::array{reason}}}));
}

}  // namespace

void apply_key_filters(boost::json::object& object, const BodyKeyFilters& filters) {
  // Conduit's Serializable.read: one pass over the keys in body order (the first rejected
  // key is reported), then the required keys still missing, in the filter's order.
  std::vector<std::string_view> found;
  std::vector<std::string> removed;
  for (const auto& entry : object) {
    std::string_view key = entry.key();
    if (filters.reject && listed(*filters.reject, key)) {
      throw_filter_error(fmt::format("invalid input key '{}'", key));
    }
    if ((filters.ignore && listed(*filters.ignore, key)) ||
        (filters.accept && !listed(*filters.accept, key))) {
      removed.emplace_back(key);
    }
    if (filters.require && listed(*filters.require, key)) found.push_back(key);
  }
  if (filters.require) {
    std::string missing;
    for (std::string_view key : *filters.require) {
      if (std::find(found.begin(), found.end(), key) != found.end()) continue;
      if (!missing.empty()) missing += ", ";
      missing += key;
    }
    if (!missing.empty()) {
      throw_filter_error(fmt::format("missing required input key(s): '{}'", missing));
    }
  }
  for (const std::string& key : removed) object.erase(key);
}

}  // namespace http::detail
}  // namespace conduit
