// Tests for decoding YAML into described structs: every supported type, coercions,
// optional and defaulted members, renamed keys, inheritance and the customisation hooks.
#include "conduit/config/configuration.hpp"

#include <gtest/gtest.h>

#include <boost/describe.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "support/temp_file.hpp"

namespace conduit::config_test {

enum class Level { debug, info, warn };
BOOST_DESCRIBE_ENUM(Level, debug, info, warn)

struct Scalars {
  std::string name;
  bool enabled = false;
  int count = 0;
  std::uint16_t port = 0;
  std::int64_t big = 0;
  std::uint64_t huge = 0;
  double ratio = 0;
  float small = 0;
  Level level = Level::info;
  std::filesystem::path root;
};
BOOST_DESCRIBE_STRUCT(Scalars, (),
                      (name, enabled, count, port, big, huge, ratio, small, level, root))

struct Flag {
  bool on = false;
};
BOOST_DESCRIBE_STRUCT(Flag, (), (on))

struct Server {
  std::string host;
  int port = 80;
  static constexpr ConfigField config_fields[] = {{.member = "port", .has_default = true}};
};
BOOST_DESCRIBE_STRUCT(Server, (), (host, port))

struct Containers {
  std::vector<std::string> tags;
  std::vector<Server> servers;
  std::map<std::string, int> limits;
  std::unordered_map<std::string, std::vector<int>> groups;
  std::vector<std::optional<int>> sparse;
};
BOOST_DESCRIBE_STRUCT(Containers, (), (tags, servers, limits, groups, sparse))

struct Optionals {
  std::string required;
  std::optional<std::string> note;
  std::optional<int> retries = 3;
  int workers = 4;
  std::vector<std::string> admins{"root"};
  static constexpr ConfigField config_fields[] = {
      {.member = "workers", .has_default = true},
      {.member = "admins", .has_default = true},
  };
};
BOOST_DESCRIBE_STRUCT(Optionals, (), (required, note, retries, workers, admins))

struct Timeouts {
  std::chrono::seconds idle{};
  std::chrono::milliseconds request{};
  std::chrono::nanoseconds tiny{};
};
BOOST_DESCRIBE_STRUCT(Timeouts, (), (idle, request, tiny))

struct Base {
  std::string base_url;
  static constexpr ConfigField config_fields[] = {{.member = "base_url", .key = "baseURL"}};
};
BOOST_DESCRIBE_STRUCT(Base, (), (base_url))

struct Derived : Base {
  int version = 0;
};
BOOST_DESCRIBE_STRUCT(Derived, (Base), (version))

struct Raw {
  ConfigNode extra;
};
BOOST_DESCRIBE_STRUCT(Raw, (), (extra))

// Accepts "host:port" or {host, port}: the from_config hook.
struct Endpoint {
  std::string host;
  int port = 0;
  static Endpoint from_config(const ConfigNode& node, const ConfigContext& ctx) {
    if (!node.is_scalar()) return ctx.decode_members<Endpoint>(node);
    const auto colon = node.text().find(':');
    if (colon == std::string::npos) ctx.fail(node, "expected host:port");
    return Endpoint{node.text().substr(0, colon),
                    ctx.decode<int>(ConfigNode::make_scalar(node.text().substr(colon + 1)))};
  }
};
BOOST_DESCRIBE_STRUCT(Endpoint, (), (host, port))

struct Range {
  int low = 0;
  int high = 0;
  void validate() const {
    if (low > high) throw std::invalid_argument("low must not exceed high");
  }
};
BOOST_DESCRIBE_STRUCT(Range, (), (low, high))

// A type we pretend not to own: decoded through a ConfigDecoder specialisation.
struct Percent {
  int value = 0;
};

struct Hooks {
  Endpoint primary;
  std::vector<Endpoint> replicas;
  Range range;
  Percent share;
};
BOOST_DESCRIBE_STRUCT(Hooks, (), (primary, replicas, range, share))

}  // namespace conduit::config_test

template <>
struct conduit::ConfigDecoder<conduit::config_test::Percent> {
  static config_test::Percent decode(const ConfigNode& node, const ConfigContext& ctx) {
    const auto text = ctx.decode<std::string>(node);
    if (text.empty() || text.back() != '%') ctx.fail(node, "expected a percentage such as 50%");
    const int value = ctx.decode<int>(ConfigNode::make_scalar(text.substr(0, text.size() - 1)));
    return config_test::Percent{value};
  }
};

namespace conduit::config_test {
namespace {

TEST(ConfigurationTest, DecodesScalars) {
  const auto s = parse_config<Scalars>(
      "name: app\nenabled: true\ncount: -42\nport: 65535\nbig: -9223372036854775808\n"
      "huge: 18446744073709551615\nratio: 0.25\nsmall: 1.5e2\nlevel: warn\nroot: /srv/app\n");
  EXPECT_EQ(s.name, "app");
  EXPECT_TRUE(s.enabled);
  EXPECT_EQ(s.count, -42);
  EXPECT_EQ(s.port, 65535);
  EXPECT_EQ(s.big, INT64_MIN);
  EXPECT_EQ(s.huge, UINT64_MAX);
  EXPECT_DOUBLE_EQ(s.ratio, 0.25);
  EXPECT_FLOAT_EQ(s.small, 150.0f);
  EXPECT_EQ(s.level, Level::warn);
  EXPECT_EQ(s.root, std::filesystem::path("/srv/app"));
}

TEST(ConfigurationTest, CoercesLikeConduit) {
  // Numeric strings are integers, "true"/"false" strings are booleans, and any scalar
  // is a string.
  const auto s = parse_config<Scalars>(
      "name: 123\nenabled: \"false\"\ncount: \"17\"\nport: '8080'\nbig: 0x10\nhuge: 0o17\n"
      "ratio: 3\nsmall: -.inf\nlevel: debug\nroot: rel\n");
  EXPECT_EQ(s.name, "123");
  EXPECT_FALSE(s.enabled);
  EXPECT_EQ(s.count, 17);
  EXPECT_EQ(s.port, 8080);
  EXPECT_EQ(s.big, 16);
  EXPECT_EQ(s.huge, 15u);
  EXPECT_DOUBLE_EQ(s.ratio, 3.0);
  EXPECT_TRUE(std::isinf(s.small) && s.small < 0);
}

TEST(ConfigurationTest, BooleansAreTrueOrFalseNotYesOrNo) {
  for (const char* yes : {"true", "True", "TRUE", "'true'"}) {
    EXPECT_TRUE(parse_config<Flag>(std::string("on: ") + yes).on) << yes;
  }
  for (const char* no : {"false", "False", "FALSE", "\"false\""}) {
    EXPECT_FALSE(parse_config<Flag>(std::string("on: ") + no).on) << no;
  }
  for (const char* other : {"yes", "no", "1", "on"}) {
    EXPECT_THROW(parse_config<Flag>(std::string("on: ") + other), ConfigError) << other;
  }
}

TEST(ConfigurationTest, DecodesContainersAndNestedStructs) {
  const auto c = parse_config<Containers>(
      "tags: [a, b]\n"
      "servers:\n  - host: one\n  - host: two\n    port: 8080\n"
      "limits: {rps: 10, burst: '20'}\n"
      "groups:\n  odd: [1, 3]\n  even: []\n"
      "sparse: [1, ~, 3]\n");
  EXPECT_EQ(c.tags, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(c.servers.size(), 2u);
  EXPECT_EQ(c.servers[0].host, "one");
  EXPECT_EQ(c.servers[0].port, 80);
  EXPECT_EQ(c.servers[1].port, 8080);
  EXPECT_EQ(c.limits, (std::map<std::string, int>{{"burst", 20}, {"rps", 10}}));
  EXPECT_EQ(c.groups.at("odd"), (std::vector<int>{1, 3}));
  EXPECT_TRUE(c.groups.at("even").empty());
  EXPECT_EQ(c.sparse, (std::vector<std::optional<int>>{1, std::nullopt, 3}));
}

TEST(ConfigurationTest, OptionalAndDefaultedMembers) {
  const auto absent = parse_config<Optionals>("required: r\n");
  EXPECT_EQ(absent.required, "r");
  EXPECT_EQ(absent.note, std::nullopt);
  EXPECT_EQ(absent.retries, 3);  // absent keeps the initializer
  EXPECT_EQ(absent.workers, 4);
  EXPECT_EQ(absent.admins, std::vector<std::string>{"root"});

  // `key:` and `key: ~` count as absent; null clears an optional.
  const auto nulls = parse_config<Optionals>("required: r\nnote:\nretries: ~\nworkers:\n");
  EXPECT_EQ(nulls.note, std::nullopt);
  EXPECT_EQ(nulls.retries, std::nullopt);
  EXPECT_EQ(nulls.workers, 4);

  const auto given =
      parse_config<Optionals>("required: r\nnote: hi\nretries: 5\nworkers: 8\nadmins: [ann]\n");
  EXPECT_EQ(given.note, "hi");
  EXPECT_EQ(given.retries, 5);
  EXPECT_EQ(given.workers, 8);
  EXPECT_EQ(given.admins, std::vector<std::string>{"ann"});
}

TEST(ConfigurationTest, EmptyStringIsPresent) {
  EXPECT_EQ(parse_config<Optionals>("required: ''\n").required, "");
}

TEST(ConfigurationTest, DecodesDurations) {
  const auto t = parse_config<Timeouts>("idle: 1h30m\nrequest: 2500ms\ntiny: 0\n");
  EXPECT_EQ(t.idle, std::chrono::seconds(5400));
  EXPECT_EQ(t.request, std::chrono::milliseconds(2500));
  EXPECT_EQ(t.tiny, std::chrono::nanoseconds(0));
  EXPECT_EQ(parse_config<Timeouts>("idle: 2min\nrequest: 1s\ntiny: 5us\n").tiny,
            std::chrono::nanoseconds(5000));
}

TEST(ConfigurationTest, RenamedAndInheritedMembers) {
  const auto d = parse_config<Derived>("baseURL: https://x\nversion: 2\n");
  EXPECT_EQ(d.base_url, "https://x");
  EXPECT_EQ(d.version, 2);
  EXPECT_THROW(parse_config<Derived>("base_url: https://x\nversion: 2\n"), ConfigError);
}

TEST(ConfigurationTest, ConfigNodeMemberKeepsTheRawSubtree) {
  const auto r = parse_config<Raw>("extra:\n  anything: [1, 2]\n");
  ASSERT_TRUE(r.extra.is_map());
  EXPECT_EQ(r.extra.find("anything")->items()[1].text(), "2");
}

TEST(ConfigurationTest, HooksAcceptAlternativeShapes) {
  const auto h = parse_config<Hooks>(
      "primary: db1:5432\n"
      "replicas:\n  - db2:5433\n  - {host: db3, port: 5434}\n"
      "range: {low: 1, high: 2}\n"
      "share: 25%\n");
  EXPECT_EQ(h.primary.host, "db1");
  EXPECT_EQ(h.primary.port, 5432);
  EXPECT_EQ(h.replicas[0].host, "db2");
  EXPECT_EQ(h.replicas[1].port, 5434);
  EXPECT_EQ(h.range.high, 2);
  EXPECT_EQ(h.share.value, 25);
}

TEST(ConfigurationTest, LoadsFiles) {
  test::TempFile file("config.yaml", "host: example.org\n");
  EXPECT_EQ(load_config<Server>(file.path()).host, "example.org");
}

TEST(ConfigurationTest, DecodesAHandBuiltTree) {
  ConfigNode root = ConfigNode::make_map();
  root.insert("host", ConfigNode::make_scalar("h"));
  root.insert("port", ConfigNode::make_scalar("1"));
  const auto server = decode_config<Server>(root, "overrides");
  EXPECT_EQ(server.host, "h");
  EXPECT_EQ(server.port, 1);
}

TEST(ConfigurationTest, DurationErrors) {
  auto error_of = [](std::string_view yaml) {
    try {
      parse_config<Timeouts>(yaml, "t.yaml");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error_of("idle: 1500ms\nrequest: 1s\ntiny: 0\n"),
            "t.yaml:1:7: idle: expected a whole number of seconds, got '1500ms'");
  EXPECT_EQ(error_of("idle: 30\nrequest: 1s\ntiny: 0\n"),
            "t.yaml:1:7: idle: expected a duration such as '30s', '250ms' or '1h30m' (units ns, "
            "us, ms, s, m, h), got '30'");
  EXPECT_EQ(error_of("idle: 5 s\nrequest: 1s\ntiny: 0\n").substr(0, 37),
            "t.yaml:1:7: idle: expected a duration");
  EXPECT_EQ(error_of("idle: 1s\nrequest: 1s\ntiny: 9999999999h\n"),
            "t.yaml:3:7: tiny: duration out of range: '9999999999h'");
}

struct Checked {
  int value = 0;
  void validate() const {
    if (value < 0) throw ConfigError("value must not be negative");
  }
};
BOOST_DESCRIBE_STRUCT(Checked, (), (value))

struct Outer {
  std::vector<Checked> items;
};
BOOST_DESCRIBE_STRUCT(Outer, (), (items))

TEST(ConfigurationTest, ValidateMayThrowAnUnlocatedConfigError) {
  try {
    parse_config<Outer>("items:\n  - value: 1\n  - value: -1\n", "v.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "v.yaml:3:5: items[1]: value must not be negative");
  }
}

struct Listener {
  std::string bind_host;
  int port = 0;
  std::optional<int> backlog;
  void validate() const;
  static constexpr ConfigField config_fields[] = {{.member = "bind_host", .key = "bindHost"}};
};
BOOST_DESCRIBE_STRUCT(Listener, (), (bind_host, port, backlog))

void Listener::validate() const {
  if (port < 1 || port > 65535) {
    throw ConfigFieldError(&Listener::port, "must be a number from 1 to 65535");
  }
  if (bind_host.empty()) throw ConfigFieldError("bind_host", "must not be empty");
  if (backlog && *backlog < 1) throw ConfigFieldError(&Listener::backlog, "must be positive");
  if (!backlog && port == 1) throw ConfigFieldError(&Listener::backlog, "is needed for port 1");
}

struct Listeners {
  std::vector<Listener> listeners;
};
BOOST_DESCRIBE_STRUCT(Listeners, (), (listeners))

TEST(ConfigurationTest, ValidateNamesTheMemberAtFault) {
  const auto error = [](std::string_view yaml) -> std::string {
    try {
      parse_config<Listeners>(yaml, "l.yaml");
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_EQ(error("listeners:\n  - {bindHost: a, port: 80}\n  - {bindHost: b, port: 70000}\n"),
            "l.yaml:3:25: listeners[1].port: must be a number from 1 to 65535");
  // Named by its C++ name, reported under its YAML key.
  EXPECT_EQ(error("listeners:\n  - bindHost: ''\n    port: 80\n"),
            "l.yaml:2:15: listeners[0].bindHost: must not be empty");
  EXPECT_EQ(error("listeners:\n  - {bindHost: a, port: 8, backlog: 0}\n"),
            "l.yaml:2:37: listeners[0].backlog: must be positive");
  // An absent member: located at its struct.
  EXPECT_EQ(error("listeners:\n  - {bindHost: a, port: 1}\n"),
            "l.yaml:2:5: listeners[0].backlog: is needed for port 1");
  EXPECT_EQ(error("listeners:\n  - {bindHost: a, port: 80}\n"), "no error");
}

struct Empty {};
BOOST_DESCRIBE_STRUCT(Empty, (), ())

struct HasEmpty {
  Empty nothing;
};
BOOST_DESCRIBE_STRUCT(HasEmpty, (), (nothing))

TEST(ConfigurationTest, StructWithoutMembersAcceptsOnlyAnEmptyMap) {
  EXPECT_NO_THROW(parse_config<HasEmpty>("nothing: {}\n"));
  try {
    parse_config<HasEmpty>("nothing: {x: 1}\n", "e.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "e.yaml:1:11: nothing: unexpected keys found: 'x' (no keys are allowed here)");
  }
}

TEST(ConfigurationTest, FloatingPointForms) {
  struct Case {
    const char* text;
    double expected;
  };
  for (const Case& c : {Case{"1", 1.0}, Case{"-2.5", -2.5}, Case{"+3e2", 300.0}, Case{".5", 0.5},
                        Case{".inf", HUGE_VAL}}) {
    const auto s = parse_config<Scalars>(
        std::string("name: a\nenabled: true\ncount: 1\nport: 1\nbig: 1\nhuge: 1\nsmall: 1\n"
                    "level: info\nroot: r\nratio: ") +
        c.text);
    EXPECT_EQ(s.ratio, c.expected) << c.text;
  }
  const auto nan = parse_config<Scalars>(
      "name: a\nenabled: true\ncount: 1\nport: 1\nbig: 1\nhuge: 1\nsmall: 1\nlevel: info\n"
      "root: r\nratio: .nan\n");
  EXPECT_TRUE(std::isnan(nan.ratio));
  for (const char* bad : {"inf", "nan", "0x10", "1e", "--1", "1,5"}) {
    EXPECT_THROW(parse_config<Scalars>(std::string("name: a\nenabled: true\ncount: 1\nport: 1\n"
                                                   "big: 1\nhuge: 1\nsmall: 1\nlevel: info\n"
                                                   "root: r\nratio: ") +
                                       bad),
                 ConfigError)
        << bad;
  }
}

}  // namespace
}  // namespace conduit::config_test
