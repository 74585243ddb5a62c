// conduit::ConfigContext: where in a document a value is being decoded.
//
// A context knows the source name, the key path from the top ("servers[2].host") and how
// to look up environment variables. Decoders receive one and use it to decode children
// (child(key).decode<T>(node)) and to report errors (fail(node, "...")), so that every
// ConfigError names the file, line, column and key path without the decoder tracking any
// of it. Contexts form a chain on the stack: a child refers to its parent, so a context
// must not outlive the one it came from (they cannot be copied or moved for that reason).
//
// Thread-safety: a context is used by one thread at a time; the environment lookup is
// called from that thread.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "conduit/config/config_node.hpp"

namespace conduit {

// Looks up an environment variable; nullopt when it is not set.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;

struct ConfigOptions {
  // Where `$NAME` values come from; empty means the process environment (std::getenv).
  EnvironmentLookup environment;
};

namespace config::detail {

// The outcome of environment substitution for one value.
struct Substitution {
  const ConfigNode* original = nullptr;
  std::optional<ConfigNode> substituted;
  std::string unset_variable;  // non-empty when the value named an unset variable

  // The node to decode, or nullptr when the variable is unset.
  const ConfigNode* value() const noexcept {
    if (!unset_variable.empty()) return nullptr;
    return substituted ? &*substituted : original;
  }
};

}  // namespace config::detail

class ConfigContext {
 public:
  // The context of a document's top level.
  explicit ConfigContext(std::string source, ConfigOptions options = {});
  ConfigContext(const ConfigContext&) = delete;
  ConfigContext& operator=(const ConfigContext&) = delete;

  // The context of a map value or list item below this one.
  ConfigContext child(std::string_view key) const noexcept { return ConfigContext(this, key); }
  ConfigContext child(std::size_t index) const noexcept { return ConfigContext(this, index); }

  std::string_view source() const noexcept;
  // "database.port", "servers[2].host", "headers[\"X.Y\"]"; "" at the top level.
  std::string path() const;
  bool is_top_level() const noexcept { return parent_ == nullptr; }

  // Throws ConfigError located at `at` (or without a line), e.g.
  // "config.yaml:4:9: database.port: expected an integer, got 'abc'". When `at` came from
  // an environment variable the message says so.
  [[noreturn]] void fail(const ConfigNode& at, std::string_view message) const;
  [[noreturn]] void fail(std::string_view message) const;

  // Decodes `node` as T at this context's path, after replacing a `$NAME` scalar with the
  // variable's value. An unset variable decodes as nullopt for std::optional and is an
  // error otherwise.
  template <class T>
  T decode(const ConfigNode& node) const;

  // Decodes a map into a described struct member by member, ignoring T's from_config
  // hook; a hook calls this to handle the map shape of a type that has other shapes.
  template <class T>
  T decode_members(const ConfigNode& node) const;

  // Applies `$NAME` substitution to `node` (see configuration.hpp for the rules).
  config::detail::Substitution substitute(const ConfigNode& node) const;

 private:
  enum class Segment { none, key, index };
  ConfigContext(const ConfigContext* parent, std::string_view key) noexcept;
  ConfigContext(const ConfigContext* parent, std::size_t index) noexcept;
  void append_path(std::string& out) const;

  const ConfigContext* root_;
  const ConfigContext* parent_ = nullptr;
  Segment segment_ = Segment::none;
  std::string_view key_;
  std::size_t index_ = 0;
  // Only the root holds these.
  std::string source_;
  EnvironmentLookup environment_;
};

namespace config::detail {

// Non-template helpers behind the decoders (config_context.cpp, scalar_decoding.cpp).
void require_kind(const ConfigNode& node, const ConfigContext& ctx, ConfigNode::Kind kind);
void require_top_level_map(const ConfigNode& node, const ConfigContext& ctx);
void reject_unexpected_keys(const ConfigNode& map, const ConfigContext& ctx,
                            std::span<const std::string_view> allowed);

struct MissingKey {
  std::string_view key;
  std::string unset_variable;
};
[[noreturn]] void fail_missing_keys(const ConfigContext& ctx, std::span<const MissingKey> missing);

std::string decode_string(const ConfigNode& node, const ConfigContext& ctx);
bool decode_bool(const ConfigNode& node, const ConfigContext& ctx);
long long decode_signed(const ConfigNode& node, const ConfigContext& ctx, long long min,
                        long long max);
unsigned long long decode_unsigned(const ConfigNode& node, const ConfigContext& ctx,
                                   unsigned long long max);
double decode_double(const ConfigNode& node, const ConfigContext& ctx);
// A duration such as "30s", "1500ms" or "1h30m", in nanoseconds.
long long decode_duration_ns(const ConfigNode& node, const ConfigContext& ctx);
// The index of `node`'s text in `names`; fails listing the names otherwise.
std::size_t decode_enumerator(const ConfigNode& node, const ConfigContext& ctx,
                              std::span<const std::string_view> names);
// Wraps an exception thrown by a type's validate() into a located ConfigError.
[[noreturn]] void fail_validation(const ConfigNode& node, const ConfigContext& ctx);
// Reports a ConfigFieldError from the validate() of the value at `node`: located at the
// value of `key` in that map (or at `node` when the key is absent), with `key` in the path.
[[noreturn]] void fail_field_validation(const ConfigNode& node, const ConfigContext& ctx,
                                        std::string_view key, std::string_view message);

}  // namespace config::detail

}  // namespace conduit
