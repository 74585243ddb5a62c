// Indented JSON for command output people read (`db schema`); Boost.JSON 1.81 only writes
// compact JSON. Scalars are serialised by Boost.JSON, so escaping stays its job.
//
// Thread-safety: a pure function.
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <string>

#include "app/db_command.hpp"

namespace conduit::app::detail {

namespace {

void write(const boost::json::value& value, std::string& out, int depth) {
  auto newline = [&](int level) {
    out += '\n';
    out.append(static_cast<std::size_t>(level) * 2, ' ');
  };
  if (const auto* object = value.if_object(); object && !object->empty()) {
    out += '{';
    bool first = true;
    for (const auto& [key, member] : *object) {
      if (!first) out += ',';
      first = false;
      newline(depth + 1);
      out += boost::json::serialize(boost::json::value(key));
      out += ": ";
      write(member, out, depth + 1);
    }
    newline(depth);
    out += '}';
  } else if (const auto* array = value.if_array(); array && !array->empty()) {
    out += '[';
    bool first = true;
    for (const auto& item : *array) {
      if (!first) out += ',';
      first = false;
      newline(depth + 1);
      write(item, out, depth + 1);
    }
    newline(depth);
    out += ']';
  } else {
    out += boost::json::serialize(value);
  }
}

}  // namespace

std::string pretty_json(const boost::json::value& value) {
  std::string out;
  write(value, out, 0);
  return out;
}

}  // namespace conduit::app::detail
