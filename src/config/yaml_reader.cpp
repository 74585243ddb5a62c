// parse_yaml / read_yaml_file: the only place that sees yaml-cpp. Converts a yaml-cpp
// document into a conduit::ConfigNode tree, rejecting duplicate and non-scalar keys and
// expanding merge keys, and turns yaml-cpp and I/O failures into ConfigError.
//
// Thread-safety: reentrant; no shared state.
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "conduit/config/config_error.hpp"
#include "conduit/config/config_node.hpp"

namespace conduit {
namespace {

// Aliases let a tiny file expand into an enormous tree ("billion laughs"). Without
// aliases a document has fewer nodes than characters, so allow generous reuse of anchors
// but bound the expansion by the input size.
std::size_t node_limit(std::size_t text_size) { return 10'000 + 10 * text_size; }

ConfigMark to_mark(const YAML::Mark& mark) {
  if (mark.is_null()) return {};
  return ConfigMark{mark.line + 1, mark.column + 1};
}

// yaml-cpp 0.7's LoadAll never returns (allocating a null document per turn until memory
// runs out) when a document starts with a token no node can begin with, e.g. a stray ','
// at the top level (jbeder/yaml-cpp#1040, found by fuzz/config_fuzzer). A document that
// starts where the previous one started consumed nothing and never will, so a first pass
// that only records where documents start detects the case before LoadAll runs.
class DocumentStarts final : public YAML::EventHandler {
 public:
  // The position of the repeated start, once one is seen.
  std::optional<YAML::Mark> stuck_at;

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (last_ && last_->pos == mark.pos) stuck_at = mark;
    last_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

 private:
  std::optional<YAML::Mark> last_;
};

// Throws ConfigError for a stream LoadAll would loop on; other YAML errors propagate.
void reject_stuck_stream(const std::string& text, std::string_view source_name) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  DocumentStarts starts;
  while (!starts.stuck_at && parser.HandleNextDocument(starts)) {
  }
  if (!starts.stuck_at) return;
  const ConfigMark mark = to_mark(*starts.stuck_at);
  const std::size_t pos = static_cast<std::size_t>(starts.stuck_at->pos);
  std::string message = "invalid YAML: unexpected ";
  message += pos < text.size() ? "'" + std::string(1, text[pos]) + "'" : "end of input";
  throw ConfigError(std::string(source_name), mark.line, mark.column, "", std::move(message));
}

class Converter {
 public:
  Converter(std::string_view source, std::size_t max_nodes)
      : source_(source), max_nodes_(max_nodes) {}

  ConfigNode convert(const YAML::Node& node) {
    const Nesting nesting(*this, node);
    if (++nodes_ > max_nodes_) {
      fail(to_mark(node.Mark()), "the document expands to more than " + std::to_string(max_nodes_) +
                                     " values (too many aliases)");
    }
    const ConfigMark mark = to_mark(node.Mark());
    switch (node.Type()) {
      case YAML::NodeType::Scalar:
        return ConfigNode::make_scalar(node.Scalar(), mark);
      case YAML::NodeType::Sequence: {
        ConfigNode list = ConfigNode::make_list(mark);
        for (const YAML::Node& item : node) list.push_back(convert(item));
        return list;
      }
      case YAML::NodeType::Map:
        return convert_map(node, mark);
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        break;
    }
    return ConfigNode::make_null(mark);
  }

 private:
  // yaml-cpp lets an alias refer to the node that encloses it (`a: &x [*x]`, found by
  // fuzz/config_fuzzer), which makes the tree cyclic; convert() and merge_into() would
  // recurse until the stack overflows. Bounding the depth stops that and deep nesting
  // alike, long before the node limit would.
  static constexpr std::size_t kMaxDepth = 256;
  class Nesting {
   public:
    Nesting(Converter& converter, const YAML::Node& node) : converter_(converter) {
      if (++converter_.depth_ > kMaxDepth) {
        --converter_.depth_;  // the destructor does not run when the constructor throws
        converter_.fail(to_mark(node.Mark()),
                        "the document nests more than " + std::to_string(kMaxDepth) +
                            " levels deep (or an alias refers to a node that contains it)");
      }
    }
    ~Nesting() { --converter_.depth_; }
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;

   private:
    Converter& converter_;
  };

  ConfigNode convert_map(const YAML::Node& node, ConfigMark mark) {
    ConfigNode map = ConfigNode::make_map(mark);
    std::vector<YAML::Node> merges;
    for (const auto& pair : node) {
      const YAML::Node& key = pair.first;
      const YAML::Node& value = pair.second;
      const ConfigMark key_mark = to_mark(key.Mark());
      if (!key.IsScalar()) fail(key_mark, "map keys must be plain strings");
      // "<<" written plainly is a YAML merge key; quoted it is an ordinary key.
      if (key.Scalar() == "<<" && key.Tag() == "?") {
        merges.push_back(value);
        continue;
      }
      for (const ConfigNode::Entry& existing : map.entries()) {
        if (existing.key == key.Scalar()) {
          fail(key_mark, "duplicate key '" + key.Scalar() + "' (first defined on line " +
                             std::to_string(existing.key_mark.line) + ")");
        }
      }
      ConfigNode converted = convert(value);
      // An empty value ("key:") has the position of the next token; the key is clearer.
      if (converted.is_null()) converted.set_mark(key_mark);
      map.insert(key.Scalar(), std::move(converted), key_mark);
    }
    for (const YAML::Node& merge : merges) merge_into(map, merge);
    return map;
  }

  // Adds the entries of `source` (a map or a list of maps) that `map` does not have yet.
  void merge_into(ConfigNode& map, const YAML::Node& source) {
    const Nesting nesting(*this, source);
    if (source.IsSequence()) {
      for (const YAML::Node& item : source) merge_into(map, item);
      return;
    }
    if (!source.IsMap()) fail(to_mark(source.Mark()), "a merge key ('<<') needs a map to merge");
    ConfigNode merged = convert(source);
    for (const ConfigNode::Entry& entry : merged.entries()) {
      if (map.find(entry.key) == nullptr) map.insert(entry.key, entry.value, entry.key_mark);
    }
  }

  [[noreturn]] void fail(ConfigMark mark, std::string message) const {
    throw ConfigError(std::string(source_), mark.line, mark.column, "", std::move(message));
  }

  std::string_view source_;
  std::size_t max_nodes_;
  std::size_t nodes_ = 0;
  std::size_t depth_ = 0;
};

}  // namespace

ConfigNode parse_yaml(std::string_view yaml, std::string_view source_name) {
  std::vector<YAML::Node> documents;
  try {
    const std::string text(yaml);
    reject_stuck_stream(text, source_name);
    documents = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    const ConfigMark mark = to_mark(e.mark);
    throw ConfigError(std::string(source_name), mark.line, mark.column, "",
                      "invalid YAML: " + e.msg);
  }
  if (documents.empty()) return ConfigNode::make_null(ConfigMark{1, 1});
  if (documents.size() > 1) {
    const ConfigMark mark = to_mark(documents[1].Mark());
    throw ConfigError(std::string(source_name), mark.line, mark.column, "",
                      "expected one YAML document, found " + std::to_string(documents.size()));
  }
  try {
    return Converter(source_name, node_limit(yaml.size())).convert(documents.front());
  } catch (const YAML::Exception& e) {
    // yaml-cpp can still throw while walking the tree (e.g. recursion limits).
    const ConfigMark mark = to_mark(e.mark);
    throw ConfigError(std::string(source_name), mark.line, mark.column, "",
                      "invalid YAML: " + e.msg);
  }
}

ConfigNode read_yaml_file(const std::string& path) {
  auto cannot_read = [&path](int error) {
    return ConfigError(path, 0, 0, "",
                       "cannot read file (" + std::string(std::strerror(error)) + ")");
  };
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (!file) throw cannot_read(errno);
  std::string text;
  char buffer[8192];
  while (true) {
    const std::size_t n = std::fread(buffer, 1, sizeof buffer, file.get());
    text.append(buffer, n);
    if (n < sizeof buffer) break;
  }
  if (std::ferror(file.get())) throw cannot_read(errno);
  return parse_yaml(text, path);
}

}  // namespace conduit
