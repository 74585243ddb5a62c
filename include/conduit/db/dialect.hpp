// The SQL dialects conduit speaks, and what every SQL writer of every module needs to know
// about them: how an identifier is quoted.
//
// Identifier quoting lives here, next to Dialect, so that the query builder (orm) and the
// DDL writers (migration) quote names one way.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace conduit::db {

enum class Dialect { postgres, sqlite };

// `name` as a double-quoted identifier, embedded quotes doubled: the same on both
// dialects, so names keep their case and may be reserved words.
std::string quote_identifier(std::string_view name);

}  // namespace conduit::db
