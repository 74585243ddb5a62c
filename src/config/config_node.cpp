// Implementation of conduit::ConfigNode's accessors and builders.
#include "conduit/config/config_node.hpp"

#include <utility>

namespace conduit {

ConfigNode ConfigNode::make_null(ConfigMark mark) {
  ConfigNode node;
  node.mark_ = mark;
  return node;
}

ConfigNode ConfigNode::make_scalar(std::string text, ConfigMark mark) {
  ConfigNode node;
  node.kind_ = Kind::scalar;
  node.text_ = std::move(text);
  node.mark_ = mark;
  return node;
}

ConfigNode ConfigNode::make_list(ConfigMark mark) {
  ConfigNode node;
  node.kind_ = Kind::list;
  node.mark_ = mark;
  return node;
}

ConfigNode ConfigNode::make_map(ConfigMark mark) {
  ConfigNode node;
  node.kind_ = Kind::map;
  node.mark_ = mark;
  return node;
}

const ConfigNode* ConfigNode::find(std::string_view key) const noexcept {
  for (const Entry& entry : entries_) {
    if (entry.key == key) return &entry.value;
  }
  return nullptr;
}

std::size_t ConfigNode::size() const noexcept {
  switch (kind_) {
    case Kind::list:
      return items_.size();
    case Kind::map:
      return entries_.size();
    default:
      return 0;
  }
}

void ConfigNode::push_back(ConfigNode item) { items_.push_back(std::move(item)); }

void ConfigNode::insert(std::string key, ConfigNode value, ConfigMark key_mark) {
  entries_.push_back(Entry{std::move(key), key_mark, std::move(value)});
}

std::string describe_node(const ConfigNode& node) {
  switch (node.kind()) {
    case ConfigNode::Kind::null:
      return "null";
    case ConfigNode::Kind::list:
      return "a list";
    case ConfigNode::Kind::map:
      return "a map";
    case ConfigNode::Kind::scalar:
      break;
  }
  // Quote the text so empty and blank values are visible; keep messages one line long.
  constexpr std::size_t max_length = 60;
  std::string out = "'";
  std::size_t shown = 0;
  for (char c : node.text()) {
    if (shown == max_length) {
      out += "...";
      break;
    }
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += '?';
    } else {
      out += c;
    }
    ++shown;
  }
  out += '\'';
  return out;
}

}  // namespace conduit
