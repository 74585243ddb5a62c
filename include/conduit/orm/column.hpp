// conduit::orm::Column and conduit::orm::Table: what a model declares about its members
// and its table, in one constexpr list next to the members (the config_fields idiom).
//
//   struct Hero {
//     std::int64_t id = 0;
//     std::string name;
//     conduit::orm::BelongsTo<Team> team;
//     static constexpr conduit::orm::Table table{.name = "heroes", .unique = {"name, team"}};
//     static constexpr conduit::orm::Column columns[] = {
//         {.member = "name", .indexed = true, .validators = {orm::length(1, 100)}},
//         {.member = "team", .on_delete = conduit::orm::DeleteRule::cascade},
//     };
//   };
//   BOOST_DESCRIBE_STRUCT(Hero, (), (id, name, team))
//
// Every described public member (inherited ones included) belongs to the model; `columns`
// only lists members that need options. Member names are checked at compile time, and so
// is every option against the member's type (the full list of errors, with examples, is
// tests/orm/compile_error_cases.inc).
//
// Member types and their columns:
//   std::int32_t -> integer, std::int64_t -> big_integer, bool -> boolean,
//   double -> double_precision, std::string -> text, Timestamp (any
//   std::chrono::sys_time<D>) -> timestamp (UTC), boost::json::value -> document,
//   an enum described with BOOST_DESCRIBE_ENUM -> text (by name, validated one-of),
//   orm::Uuid -> uuid, orm::Decimal -> decimal. std::optional<X> makes the column
//   nullable; everything else is NOT NULL. BelongsTo<T> adds the foreign-key column;
//   HasMany<T> and HasOne<T> add none.
//
// `table` may also be just a name: static constexpr auto table = "heroes";
// Without it the table is the struct's name in snake_case (HeroPower -> hero_power).
//
// Thread-safety: constexpr value types.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>

#include "conduit/orm/schema.hpp"
#include "conduit/orm/validator.hpp"

namespace conduit::orm {

// A UTC time stamp with PostgreSQL's precision.
using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

// Members that are not stored: serialised to and from JSON only (Conduit's @Serialize).
enum class Transient : unsigned char {
  none,    // a stored column (the default)
  both,    // read from and written to JSON
  input,   // read from JSON only (e.g. a password that is hashed into a stored column)
  output,  // written to JSON only
};

inline constexpr std::size_t kMaxValidatorsPerColumn = 8;
inline constexpr std::size_t kMaxUniqueSets = 8;

// Designated initialisers must follow the order of the fields below (a C++ rule).
struct Column {
  // The C++ member name, as listed in BOOST_DESCRIBE_STRUCT.
  std::string_view member = {};
  // The column name; empty means the member name, or for a BelongsTo, <member>_<key column>.
  std::string_view name = {};
  // The primary key. Without any, a member named `id` is the primary key.
  bool primary_key = false;
  // Database-assigned values; unset means true for an integer primary key, false otherwise.
  std::optional<bool> autoincrement = std::nullopt;
  bool unique = false;
  bool indexed = false;
  // Raw SQL for the column's default, as Conduit's defaultValue: "'draft'", "now()", "0".
  std::string_view default_value = {};
  // Left out of JSON output (and of a query's default columns) unless asked for.
  bool omit_by_default = false;
  Transient transient = Transient::none;

  // BelongsTo only. NOT NULL foreign key (Conduit's isRequired).
  bool required = false;
  // BelongsTo only. Unset means nullify for an optional relationship, restrict for a
  // required one.
  std::optional<DeleteRule> on_delete = std::nullopt;
  // HasMany/HasOne only: the BelongsTo member of the related model that points back here.
  // Unset means the related model's only BelongsTo to this model.
  std::string_view inverse = {};

  std::array<Validator, kMaxValidatorsPerColumn> validators = {};

  // For the OpenAPI document: the field's description, and an example value written as
  // text ("42", "true", "Mr. Incredible"), emitted with the field's JSON type.
  std::string_view description = {};
  std::string_view example = {};
};

struct Table {
  // Empty means the struct's name in snake_case.
  std::string_view name = {};
  // Multi-column unique constraints, each a comma-separated list of member names:
  // {"name, team"}. A BelongsTo stands for its foreign-key column.
  std::array<std::string_view, kMaxUniqueSets> unique = {};
};

}  // namespace conduit::orm
