// Internal: "did you mean ...?" for misspelt keys and enumerator names.
//
// A declared internal interface of core (src/core/internal/), used by the configuration
// reader and the migration file reader.
//
// Thread-safety: pure functions.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace conduit::detail {

// The candidate closest to `word` if it is close enough to be a likely typo (same letters
// ignoring case, '_' and '-', or a small edit distance); "" otherwise.
std::string_view closest_match(std::string_view word, std::span<const std::string_view> candidates);

// "'a', 'b', 'c'".
std::string quoted_list(std::span<const std::string_view> words);

}  // namespace conduit::detail
