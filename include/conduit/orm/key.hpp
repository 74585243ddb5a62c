// conduit::orm::Key: a primary-key value of any supported key type, or none.
//
// BelongsTo<T> stores the related row's key as a Key because T may still be incomplete
// where the relationship is declared, so its key type is not known yet. int32 keys are
// held as int64. Typed access goes through BelongsTo<T>::id().
//
// Thread-safety: a plain value type.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "conduit/orm/uuid.hpp"

namespace conduit::orm {

using Key = std::variant<std::monostate, std::int64_t, Uuid, std::string>;

inline bool is_null(const Key& key) noexcept { return std::holds_alternative<std::monostate>(key); }

}  // namespace conduit::orm
