// conduit::ConfigNode: a parsed YAML document as a small tree that does not expose yaml-cpp.
//
// A node is null, a scalar (its text, exactly as written; YAML does not say whether `5` is
// a number or a string, the decoder of the target type does), a list, or a map with
// string keys in document order. Every node remembers where it came from (1-based line and
// column) so errors can point at it, and scalars substituted from an environment variable
// remember the variable's name.
//
// parse_yaml/read_yaml_file accept one YAML document and reject what is almost always a
// mistake in a configuration file: duplicate keys, non-scalar keys, several documents.
// YAML merge keys (`<<: *defaults`) are honoured; explicitly written keys win.
//
// Thread-safety: a plain value type; the parse functions are reentrant.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace conduit {

// A position in the source: 1-based; 0 when unknown.
struct ConfigMark {
  int line = 0;
  int column = 0;
};

class ConfigNode {
 public:
  enum class Kind { null, scalar, list, map };
  struct Entry;

  ConfigNode() = default;  // null, position unknown

  static ConfigNode make_null(ConfigMark mark = {});
  static ConfigNode make_scalar(std::string text, ConfigMark mark = {});
  static ConfigNode make_list(ConfigMark mark = {});
  static ConfigNode make_map(ConfigMark mark = {});

  Kind kind() const noexcept { return kind_; }
  bool is_null() const noexcept { return kind_ == Kind::null; }
  bool is_scalar() const noexcept { return kind_ == Kind::scalar; }
  bool is_list() const noexcept { return kind_ == Kind::list; }
  bool is_map() const noexcept { return kind_ == Kind::map; }

  // The scalar's text ("" for other kinds).
  const std::string& text() const noexcept { return text_; }
  // The list's items (empty for other kinds).
  const std::vector<ConfigNode>& items() const noexcept { return items_; }
  // The map's entries in document order (empty for other kinds).
  const std::vector<Entry>& entries() const noexcept { return entries_; }
  // The value for `key` in a map, nullptr when absent or not a map.
  const ConfigNode* find(std::string_view key) const noexcept;
  std::size_t size() const noexcept;

  ConfigMark mark() const noexcept { return mark_; }
  void set_mark(ConfigMark mark) noexcept { mark_ = mark; }
  // The environment variable this scalar was read from ("" when written in the file).
  const std::string& env_variable() const noexcept { return env_variable_; }
  void set_env_variable(std::string name) { env_variable_ = std::move(name); }

  // Builders, for code that assembles a tree by hand (tests, command-line overrides).
  // Preconditions: is_list() for push_back, is_map() for insert; insert does not check
  // for duplicates.
  void push_back(ConfigNode item);
  void insert(std::string key, ConfigNode value, ConfigMark key_mark = {});

 private:
  Kind kind_ = Kind::null;
  std::string text_;
  std::vector<ConfigNode> items_;
  std::vector<Entry> entries_;
  ConfigMark mark_;
  std::string env_variable_;
};

struct ConfigNode::Entry {
  std::string key;
  ConfigMark key_mark;
  ConfigNode value;
};

// "a string 'abc'"-style description used in messages: "'abc'", "a list", "a map", "null".
// Long scalars are shortened.
std::string describe_node(const ConfigNode& node);

// Parses one YAML document. An empty document yields a null node. Throws ConfigError
// ("<source>:3:5: invalid YAML: ...") naming `source_name`.
ConfigNode parse_yaml(std::string_view yaml, std::string_view source_name = "<string>");

// Reads and parses `path`; the path as given is the source name in errors. A file that
// cannot be read throws "config.yaml: cannot read file (No such file or directory)".
ConfigNode read_yaml_file(const std::string& path);

}  // namespace conduit
