// Implementation of conduit::Request: target parsing and body decoding.
#include "conduit/http/request.hpp"

#include <boost/json/parse.hpp>

#include "conduit/http/http_error.hpp"

namespace conduit {

namespace {
std::string lower_trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = char(c + 32);
  }
  return out;
}
}  // namespace

bool Request::set_target(std::string_view target) {
  target_.assign(target);
  std::string_view t = target_;
  auto q = t.find('?');
  std::string_view raw_path = t.substr(0, q);
  if (q == std::string_view::npos) {
    query_string_.clear();
  } else {
    query_string_.assign(t.substr(q + 1));
  }
  query_.reset();
  // Absolute-form targets ("http://host/path") are accepted as RFC 9112 requires.
  if (raw_path.starts_with("http://") || raw_path.starts_with("https://")) {
    auto slash = raw_path.find('/', raw_path.find("//") + 2);
    raw_path = slash == std::string_view::npos ? std::string_view("/") : raw_path.substr(slash);
  }
  if (raw_path.empty() || raw_path.front() != '/') return false;
  // Most paths have nothing to decode: copy them without building a new string.
  if (raw_path.find('%') == std::string_view::npos &&
      raw_path.find('\0') == std::string_view::npos) {
    path_.assign(raw_path);
    return true;
  }
  auto decoded = percent_decode(raw_path, false);
  if (!decoded || decoded->find('\0') != std::string::npos) return false;
  path_ = std::move(*decoded);
  return true;
}

void Request::reset() {
  method_.assign("GET");
  target_.assign("/");
  path_.assign("/");
  query_string_.clear();
  headers_.clear();
  body_.clear();
  version_ = 11;
  remote_address_.clear();
  scheme_.assign("http");
  request_id_.clear();
  path_match_.variables.clear();
  path_match_.segments.clear();
  path_match_.remaining_path.reset();
  path_match_.route_pattern.clear();
  query_.reset();
  attachments_.clear();
}

const Parameters& Request::query() const {
  if (!query_) {
    auto parsed = parse_urlencoded(query_string_);
    if (!parsed) throw HttpError(400, "query string is malformed");
    query_ = std::move(*parsed);
  }
  return *query_;
}

std::string Request::content_type() const {
  auto value = headers_.get("content-type");
  if (!value) return {};
  return lower_trimmed(value->substr(0, value->find(';')));
}

std::string Request::charset() const {
  auto value = headers_.get("content-type");
  if (!value) return {};
  std::string_view rest = *value;
  for (auto semi = rest.find(';'); semi != std::string_view::npos; semi = rest.find(';')) {
    rest = rest.substr(semi + 1);
    std::string_view param = rest.substr(0, rest.find(';'));
    auto eq = param.find('=');
    if (eq == std::string_view::npos) continue;
    if (lower_trimmed(param.substr(0, eq)) == "charset") {
      std::string v = lower_trimmed(param.substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return v;
    }
  }
  return {};
}

boost::json::value Request::json() const {
  std::string cs = charset();
  if (!cs.empty() && cs != "utf-8" && cs != "utf8") {
    throw HttpError(415, "invalid charset '" + cs + "'");
  }
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body_, ec);
  if (ec) throw HttpError(400, "request entity could not be decoded");
  return value;
}

Parameters Request::form() const {
  auto parsed = parse_urlencoded(body_);
  if (!parsed) throw HttpError(400, "request entity could not be decoded");
  return std::move(*parsed);
}

bool Request::accepts(std::string_view media_type) const {
  auto accept = headers_.get("accept");
  if (!accept) return true;
  std::string wanted = lower_trimmed(media_type);
  std::string_view wanted_type = std::string_view(wanted).substr(0, wanted.find('/'));
  std::string_view rest = *accept;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    std::string range = lower_trimmed(item.substr(0, item.find(';')));
    // q=0 means "not acceptable".
    auto q = item.find("q=");
    if (q != std::string_view::npos && lower_trimmed(item.substr(q + 2)).starts_with("0") &&
        lower_trimmed(item.substr(q + 2)).find_first_not_of("0.") == std::string::npos) {
      continue;
    }
    if (range == "*/*" || range == wanted) return true;
    if (range.size() > 2 && range.ends_with("/*") &&
        std::string_view(range).substr(0, range.size() - 2) == wanted_type) {
      return true;
    }
  }
  return false;
}

std::optional<std::string_view> Request::path_variable(std::string_view name) const noexcept {
  auto it = path_match_.variables.find(name);
  if (it == path_match_.variables.end()) return std::nullopt;
  return std::string_view(it->second);
}

}  // namespace conduit
