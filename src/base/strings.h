// base/strings.h - small string helpers shared by the CLI, exporters and the UI.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace nf {

// A name from a model file made safe to show on one line: control characters
// become \xNN, and names longer than max_chars are cut with an ellipsis.
std::string displayName(std::string_view raw, size_t max_chars = 200);

// 1234567 -> "1,234,567"; a saturated total (kOverflow, base/checked.h) -> "overflow".
std::string withThousands(int64_t v);

// 1536 -> "1.5 KiB", 104857600 -> "100.0 MiB"; kOverflow -> "overflow".
std::string humanBytes(uint64_t bytes);

// 4.09e9 -> "4.09 G"; plain for < 1000; a saturated int64 total -> "overflow".
std::string humanCount(double v);

// JSON-style escaping of a string body (without surrounding quotes).
std::string escapeJson(std::string_view s);

}  // namespace nf
