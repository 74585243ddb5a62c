// libFuzzer target: bytes as a YAML configuration file decoded onto a described struct
// that uses every supported member type (nested and inherited structs, vectors, maps,
// optionals, durations, paths, enums, ConfigNode, DatabaseConfiguration,
// APIConfiguration, $ENV values from a fixed environment), and the same bytes as a
// database URL for DatabaseConfiguration::parse_url.
//
// Checks beyond "no crash": both fail only with ConfigError; a URL that parses yields a
// url() that parses back to the same configuration, and its libpq string and redacted URL
// are produced without any other exception.
//
// Thread-safety: libFuzzer calls LLVMFuzzerTestOneInput from one thread.
#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "conduit/config/api_configuration.hpp"
#include "conduit/config/configuration.hpp"
#include "conduit/config/database_configuration.hpp"
#include "fuzz_support.hpp"

namespace conduit::fuzz {

enum class Mode { development, production, test };
BOOST_DESCRIBE_ENUM(Mode, development, production, test)

struct Endpoint {
  std::string host;
  std::uint16_t port = 80;
  std::optional<std::chrono::milliseconds> timeout;
  std::vector<std::string> tags;
  static constexpr ConfigField config_fields[] = {
      {.member = "port", .has_default = true},
      {.member = "tags", .has_default = true},
  };
  void validate() const {
    if (host.empty()) throw std::invalid_argument("host must not be empty");
  }
};
BOOST_DESCRIBE_STRUCT(Endpoint, (), (host, port, timeout, tags))

struct SecureEndpoint : Endpoint {
  std::optional<std::filesystem::path> certificate;
  static constexpr ConfigField config_fields[] = {
      {.member = "port", .has_default = true},
      {.member = "tags", .has_default = true},
  };
};
BOOST_DESCRIBE_STRUCT(SecureEndpoint, (Endpoint), (certificate))

struct Limits {
  std::int8_t tiny = 0;
  std::uint64_t huge = 0;
  std::int64_t wide = 0;
  double ratio = 0;
  float scale = 0;
  std::chrono::seconds grace{0};
  std::chrono::minutes window{0};
  std::chrono::hours retention{0};
  std::chrono::nanoseconds precise{0};
  std::chrono::duration<double> fractional{0};
  static constexpr ConfigField config_fields[] = {
      {.member = "tiny", .has_default = true},    {.member = "huge", .has_default = true},
      {.member = "wide", .has_default = true},    {.member = "ratio", .has_default = true},
      {.member = "scale", .has_default = true},   {.member = "grace", .has_default = true},
      {.member = "window", .has_default = true},  {.member = "retention", .has_default = true},
      {.member = "precise", .has_default = true}, {.member = "fractional", .has_default = true},
  };
};
BOOST_DESCRIBE_STRUCT(Limits, (),
                      (tiny, huge, wide, ratio, scale, grace, window, retention, precise,
                       fractional))

struct FuzzConfig {
  std::string name;
  std::optional<Mode> mode;
  bool debug = false;
  std::optional<Endpoint> upstream;
  std::vector<SecureEndpoint> mirrors;
  std::map<std::string, std::vector<std::int32_t>> buckets;
  std::unordered_map<std::string, std::optional<std::string>> labels;
  std::vector<std::optional<std::string>> names;
  std::filesystem::path data_dir;
  std::optional<DatabaseConfiguration> database;
  std::optional<APIConfiguration> api;
  std::optional<ConfigNode> raw;
  Limits limits;
  static constexpr ConfigField config_fields[] = {
      {.member = "debug", .has_default = true},
      {.member = "mirrors", .has_default = true},
      {.member = "buckets", .has_default = true},
      {.member = "labels", .has_default = true},
      {.member = "names", .has_default = true},
      {.member = "data_dir", .key = "dataDir", .has_default = true},
      {.member = "limits", .has_default = true},
  };
};
BOOST_DESCRIBE_STRUCT(FuzzConfig, (),
                      (name, mode, debug, upstream, mirrors, buckets, labels, names, data_dir,
                       database, api, raw, limits))

// A fixed environment so that runs are reproducible.
std::optional<std::string> environment(const std::string& name) {
  static const std::map<std::string, std::string, std::less<>> values = {
      {"DATABASE_URL", "postgres://app:p%40ss@db.internal:6543/app?sslmode=require"},
      {"SQLITE_URL", "sqlite::memory:"},
      {"PORT", "8080"},
      {"HOST", "example.com"},
      {"EMPTY", ""},
      {"TIMEOUT", "1h30m"},
      {"FLAG", "true"},
  };
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

void check_same(const DatabaseConfiguration& a, const DatabaseConfiguration& b) {
  check(a.kind == b.kind, "url() round trip changed kind");
  check(a.host == b.host, "url() round trip changed host");
  check(a.port == b.port, "url() round trip changed port");
  check(a.database_name == b.database_name, "url() round trip changed database_name");
  check(a.username == b.username, "url() round trip changed username");
  check(a.password == b.password, "url() round trip changed password");
  check(a.parameters == b.parameters, "url() round trip changed parameters");
}

// A configuration that parsed: its URL forms and libpq string fail only with ConfigError,
// and url() parses back to the same thing.
void exercise_database(const DatabaseConfiguration& config) {
  (void)config.redacted_url();
  try {
    (void)config.to_libpq_conninfo();
  } catch (const ConfigError&) {
  }
  std::string url = config.url();
  DatabaseConfiguration reparsed;
  try {
    reparsed = DatabaseConfiguration::parse_url(url);
  } catch (const ConfigError& error) {
    fail("url() does not parse back: " + std::string(error.what()));
  }
  check_same(config, reparsed);
}

}  // namespace conduit::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace conduit;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto config = parse_config<fuzz::FuzzConfig>(text, "fuzz.yaml",
                                                 ConfigOptions{.environment = fuzz::environment});
    if (config.database) fuzz::exercise_database(*config.database);
  } catch (const ConfigError&) {
  }
  std::optional<DatabaseConfiguration> parsed;
  try {
    parsed = DatabaseConfiguration::parse_url(text);
  } catch (const ConfigError&) {
  }
  if (parsed) fuzz::exercise_database(*parsed);
  return 0;
}
