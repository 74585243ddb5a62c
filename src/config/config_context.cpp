// Implementation of conduit::ConfigContext (key paths, located errors, environment
// substitution) and of the structural checks behind described structs: unexpected keys,
// missing keys and validate() failures.
#include "conduit/config/config_context.hpp"

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "conduit/config/config_error.hpp"
#include "core/internal/suggestions.hpp"

namespace conduit {
namespace {

bool is_env_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// Keys that read well after a '.' in a path; anything else is written ["..."].
bool is_plain_key(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::optional<std::string> process_environment(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

const char* kind_name(ConfigNode::Kind kind) {
  switch (kind) {
    case ConfigNode::Kind::null:
      return "null";
    case ConfigNode::Kind::scalar:
      return "a single value";
    case ConfigNode::Kind::list:
      return "a list";
    case ConfigNode::Kind::map:
      return "a map";
  }
  return "a value";
}

}  // namespace

ConfigContext::ConfigContext(std::string source, ConfigOptions options)
    : root_(this), source_(std::move(source)), environment_(std::move(options.environment)) {
  if (!environment_) environment_ = &process_environment;
}

ConfigContext::ConfigContext(const ConfigContext* parent, std::string_view key) noexcept
    : root_(parent->root_), parent_(parent), segment_(Segment::key), key_(key) {}

ConfigContext::ConfigContext(const ConfigContext* parent, std::size_t index) noexcept
    : root_(parent->root_), parent_(parent), segment_(Segment::index), index_(index) {}

std::string_view ConfigContext::source() const noexcept { return root_->source_; }

std::string ConfigContext::path() const {
  std::string out;
  append_path(out);
  return out;
}

void ConfigContext::append_path(std::string& out) const {
  if (parent_ != nullptr) parent_->append_path(out);
  switch (segment_) {
    case Segment::none:
      return;
    case Segment::index:
      out += '[' + std::to_string(index_) + ']';
      return;
    case Segment::key:
      if (is_plain_key(key_)) {
        if (!out.empty()) out += '.';
        out += key_;
        return;
      }
      out += "[\"";
      for (char c : key_) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      out += "\"]";
      return;
  }
}

void ConfigContext::fail(const ConfigNode& at, std::string_view message) const {
  std::string text(message);
  if (!at.env_variable().empty()) text += " (from environment variable " + at.env_variable() + ")";
  throw ConfigError(std::string(source()), at.mark().line, at.mark().column, path(),
                    std::move(text));
}

void ConfigContext::fail(std::string_view message) const {
  throw ConfigError(std::string(source()), 0, 0, path(), std::string(message));
}

config::detail::Substitution ConfigContext::substitute(const ConfigNode& node) const {
  config::detail::Substitution result;
  result.original = &node;
  // A value that already came from the environment is never expanded again.
  if (!node.is_scalar() || !node.env_variable().empty()) return result;
  const std::string& text = node.text();
  if (text.size() < 2 || text[0] != '$') return result;
  if (text[1] == '$') {
    if (is_env_name(std::string_view(text).substr(2))) {
      result.substituted = ConfigNode::make_scalar(text.substr(1), node.mark());
    }
    return result;
  }
  const std::string name = text.substr(1);
  if (!is_env_name(name)) return result;
  if (std::optional<std::string> value = root_->environment_(name)) {
    result.substituted = ConfigNode::make_scalar(std::move(*value), node.mark());
    result.substituted->set_env_variable(name);
  } else {
    result.unset_variable = name;
  }
  return result;
}

namespace config::detail {

void require_kind(const ConfigNode& node, const ConfigContext& ctx, ConfigNode::Kind kind) {
  if (node.kind() == kind) return;
  ctx.fail(node, std::string("expected ") + kind_name(kind) + ", got " + describe_node(node));
}

void require_top_level_map(const ConfigNode& node, const ConfigContext& ctx) {
  if (node.is_map()) return;
  if (node.is_null()) ctx.fail("the document is empty (expected a map of keys)");
  ctx.fail(node, "the top level must be a map of keys, got " + describe_node(node));
}

void reject_unexpected_keys(const ConfigNode& map, const ConfigContext& ctx,
                            std::span<const std::string_view> allowed) {
  const ConfigNode::Entry* first = nullptr;
  std::vector<std::string_view> unexpected;
  for (const ConfigNode::Entry& entry : map.entries()) {
    bool known = false;
    for (std::string_view key : allowed) known = known || key == entry.key;
    if (known) continue;
    if (first == nullptr) first = &entry;
    unexpected.push_back(entry.key);
  }
  if (first == nullptr) return;

  // Suggest only keys the map does not already have: those are what a typo replaced.
  std::vector<std::string_view> absent;
  for (std::string_view key : allowed) {
    if (map.find(key) == nullptr) absent.push_back(key);
  }
  std::string message = "unexpected keys found: ";
  bool suggested = false;
  for (std::size_t i = 0; i < unexpected.size(); ++i) {
    if (i > 0) message += ", ";
    message += '\'' + std::string(unexpected[i]) + '\'';
    const std::string_view match = conduit::detail::closest_match(unexpected[i], absent);
    if (!match.empty()) {
      message += " (did you mean '" + std::string(match) + "'?)";
      suggested = true;
    }
  }
  if (!suggested) {
    message += allowed.empty() ? std::string(" (no keys are allowed here)")
                               : " (allowed keys: " + conduit::detail::quoted_list(allowed) + ")";
  }
  ConfigNode at = ConfigNode::make_null(first->key_mark);
  ctx.fail(at, message);
}

void fail_missing_keys(const ConfigContext& ctx, std::span<const MissingKey> missing) {
  std::string message = "missing required key(s): ";
  for (std::size_t i = 0; i < missing.size(); ++i) {
    if (i > 0) message += ", ";
    message += '\'' + std::string(missing[i].key) + '\'';
    if (!missing[i].unset_variable.empty()) {
      message += " (environment variable " + missing[i].unset_variable + " is not set)";
    }
  }
  ctx.fail(message);
}

void fail_validation(const ConfigNode& node, const ConfigContext& ctx) {
  try {
    throw;
  } catch (const ConfigError& e) {
    // A located error (e.g. from a nested decode) is already complete.
    if (!e.source().empty()) throw;
    ctx.fail(node, e.message());
  } catch (const std::exception& e) {
    ctx.fail(node, e.what());
  } catch (...) {
    ctx.fail(node, "validation failed");
  }
}

void fail_field_validation(const ConfigNode& node, const ConfigContext& ctx, std::string_view key,
                           std::string_view message) {
  const ConfigContext child = ctx.child(key);
  const ConfigNode* raw = node.is_map() ? node.find(key) : nullptr;
  if (raw == nullptr) child.fail(node, message);
  // Located at the value, naming the environment variable it came from, if any.
  const Substitution substitution = child.substitute(*raw);
  if (const ConfigNode* value = substitution.value()) child.fail(*value, message);
  child.fail(*raw, std::string(message) + " (environment variable " + substitution.unset_variable +
                       " is not set)");
}

}  // namespace config::detail
}  // namespace conduit
