// The non-template parts of orm::ManagedObjectController: parsing Conduit's list query
// parameters and the error responses the controller shares across models.
//
// Thread-safety: stateless functions.
#include "conduit/orm/managed_object_controller.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

#include "conduit/http/headers.hpp"

namespace conduit::orm::detail {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The single value of query parameter `name`; 400 when it is given more than once.
std::optional<std::string_view> single(const Parameters& query, std::string_view name) {
  if (query.count(name) > 1) {
    throw HttpError(400, "multiple values not expected for query '" + std::string(name) + "'");
  }
  return query.get(name);
}

std::optional<std::int64_t> non_negative(const Parameters& query, std::string_view name) {
  const auto text = single(query, name);
  if (!text) return std::nullopt;
  std::int64_t value = 0;
  const char* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end || value < 0 || text->empty()) {
    throw HttpError(400, "invalid value for query '" + std::string(name) + "'");
  }
  return value;
}

}  // namespace

SortRequest parse_sort_by(std::string_view value) {
  static constexpr std::string_view kFormat =
      "invalid 'sortBy' format. syntax: 'name,asc' or 'name,desc'.";
  const std::size_t comma = value.find(',');
  if (comma == std::string_view::npos || value.find(',', comma + 1) != std::string_view::npos) {
    throw HttpError(400, kFormat);
  }
  const std::string_view key = trim(value.substr(0, comma));
  const std::string_view order = trim(value.substr(comma + 1));
  if (key.empty() || (order != "asc" && order != "desc")) throw HttpError(400, kFormat);
  return SortRequest{std::string(key), order == "desc"};
}

ListRequest parse_list_request(const Request& request) {
  const Parameters& query = request.query();
  ListRequest out;
  out.count = non_negative(query, "count");
  out.offset = non_negative(query, "offset");
  for (std::string_view value : query.get_all("sortBy")) out.sort.push_back(parse_sort_by(value));
  if (const auto page_by = single(query, "pageBy")) {
    out.page_by = std::string(*page_by);
    const auto after = single(query, "pageAfter");
    const auto prior = single(query, "pagePrior");
    if (!after && !prior) {
      throw HttpError(400,
                      "missing required parameter 'pageAfter' or 'pagePrior' when 'pageBy' is "
                      "provided");
    }
    out.page_descending = !after;
    const std::string_view value = after ? *after : *prior;
    if (value.find('\0') != std::string_view::npos) {
      // PostgreSQL text cannot hold it (SQLite can): refused alike on both.
      throw HttpError(400, "invalid value for query '" +
                               std::string(after ? "pageAfter" : "pagePrior") +
                               "': text cannot contain a NUL character");
    }
    if (value != "null") out.page_value = std::string(value);
  }
  return out;
}

std::optional<std::int64_t> list_count(std::optional<std::int64_t> requested,
                                       const ListLimits& limits) noexcept {
  std::optional<std::int64_t> count = requested;
  if (!count && limits.default_count > 0) count = limits.default_count;
  if (count == 0) count.reset();  // Conduit's fetchLimit: 0 is no limit (here: the maximum)
  if (limits.max_count > 0) count = std::min(count.value_or(limits.max_count), limits.max_count);
  return count;
}

void throw_not_found() { throw HttpError(404, "not found"); }

void throw_method_not_allowed(bool with_id) {
  // Every error has a JSON body, as ResourceController's 405 does.
  Response response = Response::error(405, "method not allowed");
  response.set_header("Allow", with_id ? "GET, PUT, DELETE" : "GET, POST");
  throw HttpError(std::move(response));
}

boost::json::value request_json_body(const Request& request) {
  if (!request.has_body()) throw HttpError(400, "missing required body");
  if (request.content_type() != "application/json") {
    const std::string type(request.content_type());
    throw HttpError(415, type.empty() ? std::string("request body has no content type")
                                      : "unsupported content type '" + type + "'");
  }
  return request.json();
}

std::string location_for(std::string_view request_path, const boost::json::value& key) {
  std::string out(request_path);
  if (out.empty() || out.back() != '/') out.push_back('/');
  if (const auto* text = key.if_string()) {
    // A text key may hold any character; keep the URL one path segment.
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (const unsigned char c : *text) {
      if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
        out.push_back(static_cast<char>(c));
      } else {
        out.push_back('%');
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
      }
    }
  } else {
    out += boost::json::serialize(key);
  }
  return out;
}

}  // namespace conduit::orm::detail
