// PostgreSQL wire conversions: Values to libpq parameter arrays (text format with type
// OIDs, bytea in binary), PGresults to Results (text parsed by column type), and the
// error fields of a failed PGresult.
//
// Thread-safety: pure functions; a Params object is used by one thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "conduit/db/result.hpp"
#include "conduit/db/value.hpp"
#include "db/error_mapping.hpp"
#include "db/postgres/libpq_api.hpp"

namespace conduit::db::pg {

namespace oid {
inline constexpr Oid unknown = 0;
inline constexpr Oid boolean = 16;
inline constexpr Oid bytea = 17;
inline constexpr Oid int8 = 20;
inline constexpr Oid int2 = 21;
inline constexpr Oid int4 = 23;
inline constexpr Oid text = 25;
inline constexpr Oid oid = 26;
inline constexpr Oid json = 114;
inline constexpr Oid float4 = 700;
inline constexpr Oid float8 = 701;
inline constexpr Oid timestamp = 1114;
inline constexpr Oid timestamptz = 1184;
inline constexpr Oid numeric = 1700;
inline constexpr Oid uuid = 2950;
inline constexpr Oid jsonb = 3802;
}  // namespace oid

struct ResultDeleter {
  void operator()(PGresult* r) const noexcept { pq().PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// The parameter arrays for PQsendQueryParams / PQsendPrepare / PQsendQueryPrepared.
// Text values point into `values` (which must outlive this object); others are rendered
// into owned storage. Throws InvalidValueError (400) for text containing a NUL byte,
// which PostgreSQL cannot store.
class Params {
 public:
  explicit Params(const std::vector<Value>& values);

  int count() const noexcept { return static_cast<int>(types_.size()); }
  const Oid* types() const noexcept { return types_.data(); }
  const char* const* values() const noexcept { return values_.data(); }
  const int* lengths() const noexcept { return lengths_.data(); }
  const int* formats() const noexcept { return formats_.data(); }
  // The statement-cache key: the SQL plus the parameter types, since a statement is
  // prepared for fixed types.
  std::string cache_key(const std::string& sql) const;

 private:
  std::vector<std::string> storage_;
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  std::vector<Oid> types_;
};

// Rows of a PGRES_TUPLES_OK / PGRES_COMMAND_OK result, cells typed by column OID.
Result to_result(const PGresult* result);

detail::PostgresErrorFields error_fields(const PGresult* result);

}  // namespace conduit::db::pg
