// The /fortunes page: TechEmpower's HTML table, every message HTML-escaped.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "models.hpp"

namespace techempower {

// Appends `text` with & < > " ' replaced by character references.
void append_escaped(std::string& out, std::string_view text);

// The complete page for `fortunes`, in the order given.
std::string render_fortunes(const std::vector<Fortune>& fortunes);

}  // namespace techempower
