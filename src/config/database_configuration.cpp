// Implementation of conduit::DatabaseConfiguration: URL parsing with Boost.URL, the YAML
// hook, libpq conninfo and URL rendering. No message built here may contain the password
// or the URL it was parsed from, since both usually come from DATABASE_URL.
//
// Thread-safety: reentrant; no shared state.
#include "conduit/config/database_configuration.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <charconv>
#include <vector>

#include "conduit/config/configuration.hpp"

namespace conduit {
namespace {

constexpr std::string_view encoding_hint =
    "characters such as '@', ':', '/', '?' and '#' in the user name or password must be "
    "percent-encoded (e.g. %40 for '@')";

[[noreturn]] void fail(std::string message) {
  throw ConfigError("invalid database URL: " + std::move(message));
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// libpq keywords (and SQLite URI parameters) are lower-case identifiers; anything else
// could not be written into a conninfo string safely.
bool is_parameter_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::map<std::string, std::string> parse_parameters(const boost::urls::url_view& url) {
  std::map<std::string, std::string> out;
  for (const auto& param : url.params()) {
    if (!is_parameter_name(param.key)) {
      fail("query parameter names must be letters, digits and '_'");
    }
    if (!param.has_value) fail("query parameter '" + param.key + "' has no value");
    out[param.key] = param.value;
  }
  return out;
}

DatabaseConfiguration parse_postgres(const boost::urls::url_view& url) {
  if (!url.has_authority()) fail("expected postgres://user:password@host:port/database");
  // Boost.URL 1.81 accepts an authority it could not fully parse by shifting the rest into
  // a path without a leading '/', e.g. for an unencoded '@' in a password.
  if (!url.encoded_path().empty() && !url.encoded_path().starts_with('/')) {
    fail("could not parse the user, password, host and port; " + std::string(encoding_hint));
  }
  DatabaseConfiguration config;
  config.kind = DatabaseKind::postgresql;
  if (url.host_type() == boost::urls::host_type::ipvfuture) fail("unsupported host address");
  config.host = url.host_address();
  if (url.has_port() && !url.port().empty()) {
    const std::string_view text = url.port();
    unsigned value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535) {
      fail("the port must be a number from 1 to 65535");
    }
    config.port = static_cast<std::uint16_t>(value);
  }
  if (url.has_userinfo()) {
    if (std::string user = url.user(); !user.empty()) config.username = std::move(user);
    if (url.has_password()) {
      if (std::string password = url.password(); !password.empty()) {
        config.password = std::move(password);
      }
    }
  }
  config.parameters = parse_parameters(url);
  if (config.host.empty()) {
    // libpq style for Unix sockets: postgresql:///app?host=/var/run/postgresql
    if (auto it = config.parameters.find("host"); it != config.parameters.end()) {
      config.host = it->second;
      config.parameters.erase(it);
    }
  }
  if (config.host.empty()) fail("no host (expected postgres://user:password@host:port/database)");
  const auto segments = url.segments();
  if (segments.empty() || (segments.size() == 1 && (*segments.begin()).empty())) {
    fail("no database name (expected postgres://user:password@host:port/database)");
  }
  if (segments.size() != 1) fail("the path must be a single database name");
  config.database_name = *segments.begin();
  return config;
}

DatabaseConfiguration parse_sqlite(const boost::urls::url_view& url) {
  constexpr std::string_view forms =
      "use sqlite:relative/path.db, sqlite:///absolute/path.db or sqlite::memory:";
  if (url.has_authority() &&
      (!url.encoded_host().empty() || url.has_userinfo() || url.has_port())) {
    fail("a sqlite URL has no host; " + std::string(forms));
  }
  DatabaseConfiguration config;
  config.kind = DatabaseKind::sqlite;
  config.port = 0;
  config.database_name = url.path();
  if (config.database_name.empty()) fail("a sqlite URL needs a file path; " + std::string(forms));
  config.parameters = parse_parameters(url);
  return config;
}

void append_quoted(std::string& out, std::string_view keyword, std::string_view value) {
  if (!out.empty()) out += ' ';
  out += keyword;
  out += "='";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  out += '\'';
}

// Percent-encodes a SQLite path, keeping '/' and the characters a URI path allows.
std::string encode_path(std::string_view path) {
  constexpr std::string_view keep = "-._~!$&'()*+,;=:@/";
  constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum || keep.find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += '%';
      out += hex[byte >> 4];
      out += hex[byte & 0xF];
    }
  }
  return out;
}

std::string render_url(const DatabaseConfiguration& config, bool redact) {
  auto parameter_value = [redact](const std::string& key, const std::string& value) {
    return redact && key == "password" ? std::string("***") : value;
  };
  if (config.is_sqlite()) {
    const bool absolute = config.database_name.starts_with('/');
    std::string out =
        "sqlite:" + std::string(absolute ? "//" : "") + encode_path(config.database_name);
    if (!config.parameters.empty()) {
      boost::urls::url query;
      for (const auto& [key, value] : config.parameters) {
        query.params().append({key, parameter_value(key, value)});
      }
      out += '?' + std::string(query.encoded_query());
    }
    return out;
  }
  boost::urls::url url;
  url.set_scheme("postgresql");
  if (config.username || config.password) {
    url.set_user(config.username.value_or(""));
    if (config.password) url.set_password(redact ? "***" : *config.password);
  }
  // A Unix socket directory cannot be an URL host; libpq takes it as a parameter.
  const bool socket = config.host.starts_with('/');
  if (!socket) {
    url.set_host_address(config.host);
    url.set_port_number(config.port);
  } else {
    url.set_encoded_host("");
  }
  url.set_path_absolute(true);
  url.segments().push_back(config.database_name);
  if (socket) {
    url.params().append({"host", config.host});
    if (config.port != 5432) url.params().append({"port", std::to_string(config.port)});
  }
  for (const auto& [key, value] : config.parameters) {
    url.params().append({key, parameter_value(key, value)});
  }
  return std::string(url.buffer());
}

}  // namespace

DatabaseConfiguration DatabaseConfiguration::parse_url(std::string_view text) {
  text = trim(text);
  if (text.empty()) throw ConfigError("the database URL is empty");
  const auto parsed = boost::urls::parse_uri(text);
  if (!parsed) {
    fail("not of the form postgres://user:password@host:port/database; " +
         std::string(encoding_hint));
  }
  const boost::urls::url_view& url = *parsed;
  if (url.has_fragment()) fail("unexpected '#' fragment; " + std::string(encoding_hint));
  const std::string scheme = lowercase(url.scheme());
  if (scheme == "postgres" || scheme == "postgresql") return parse_postgres(url);
  if (scheme == "sqlite") return parse_sqlite(url);
  fail("unsupported scheme '" + scheme + "' (expected postgres://, postgresql:// or sqlite:)");
}

DatabaseConfiguration DatabaseConfiguration::from_config(const ConfigNode& node,
                                                         const ConfigContext& ctx) {
  if (node.is_scalar()) {
    try {
      return parse_url(node.text());
    } catch (const ConfigError& e) {
      ctx.fail(node, e.message());
    }
  }
  if (!node.is_map())
    ctx.fail(node, "expected a database URL or a map, got " + describe_node(node));
  DatabaseConfiguration config = ctx.decode_members<DatabaseConfiguration>(node);
  // Absent keys are reported together, like any missing required key; what the values
  // must be is checked by validate(), which the decoder runs next.
  std::vector<config::detail::MissingKey> missing;
  if (!config.is_sqlite() && node.find("host") == nullptr) missing.push_back({"host", {}});
  if (node.find("databaseName") == nullptr) missing.push_back({"databaseName", {}});
  if (!missing.empty()) config::detail::fail_missing_keys(ctx, missing);
  if (config.is_sqlite()) config.port = 0;
  return config;
}

void DatabaseConfiguration::validate() const {
  if (is_sqlite()) {
    if (!host.empty()) {
      throw ConfigFieldError(&DatabaseConfiguration::host, "not used with kind 'sqlite'");
    }
  } else {
    if (host.empty()) throw ConfigFieldError(&DatabaseConfiguration::host, "must not be empty");
    if (port == 0) {
      throw ConfigFieldError(&DatabaseConfiguration::port,
                             "the port must be a number from 1 to 65535");
    }
  }
  if (database_name.empty()) {
    throw ConfigFieldError(&DatabaseConfiguration::database_name, "must not be empty");
  }
  if (auto it = parameters.find("pgbouncer");
      it != parameters.end() && it->second != "true" && it->second != "false") {
    throw ConfigFieldError(&DatabaseConfiguration::parameters,
                           "pgbouncer must be true or false, not '" + it->second + "'");
  }
  for (const auto& entry : parameters) {
    if (!is_parameter_name(entry.first)) {
      throw ConfigFieldError(&DatabaseConfiguration::parameters,
                             "parameter names must be letters, digits and '_'");
    }
  }
}

std::string DatabaseConfiguration::to_libpq_conninfo() const {
  if (is_sqlite()) throw ConfigError("a SQLite database has no libpq connection string");
  std::string out;
  if (!host.empty()) append_quoted(out, "host", host);
  append_quoted(out, "port", std::to_string(port));
  append_quoted(out, "dbname", database_name);
  if (username) append_quoted(out, "user", *username);
  if (password) append_quoted(out, "password", *password);
  for (const auto& [key, value] : parameters) {
    if (!is_parameter_name(key)) {
      throw ConfigError("connection parameter names must be letters, digits and '_'");
    }
    if (key == "pgbouncer") continue;  // conduit's own switch, not a libpq keyword
    append_quoted(out, key, value);
  }
  return out;
}

bool DatabaseConfiguration::behind_transaction_pooler() const {
  auto it = parameters.find("pgbouncer");
  return it != parameters.end() && it->second == "true";
}

std::string DatabaseConfiguration::redacted_url() const { return render_url(*this, true); }

std::string DatabaseConfiguration::url() const { return render_url(*this, false); }

}  // namespace conduit
