// Implementation of db/dialect.hpp.
#include "conduit/db/dialect.hpp"

namespace conduit::db {

std::string quote_identifier(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out += '"';
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace conduit::db
