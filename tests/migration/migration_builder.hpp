// Test helper: a Migration built in memory in one expression, for the file and replay
// suites.
//
// Thread-safety: a pure function.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "conduit/migration/operation.hpp"

namespace conduit::migration::testing {

inline Migration migration(std::uint32_t version, std::string name,
                           std::vector<Operation> operations = {}) {
  Migration m;
  m.version = version;
  m.name = std::move(name);
  m.operations = std::move(operations);
  return m;
}

}  // namespace conduit::migration::testing
