#include "base/strings.h"

#include <cstdio>

#include "base/checked.h"

namespace nf {

std::string displayName(std::string_view raw, size_t max_chars) {
  std::string out;
  out.reserve(raw.size() < max_chars ? raw.size() : max_chars + 3);
  size_t shown = 0;
  for (unsigned char c : raw) {
    if (shown >= max_chars) {
      out += "...";
      break;
    }
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
    ++shown;
  }
  return out;
}

std::string withThousands(int64_t v) {
  if (isOverflow(v)) return "overflow";
  std::string digits = std::to_string(v < 0 ? -(v + 1) + 1ULL : static_cast<uint64_t>(v));
  std::string out;
  int n = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (n && n % 3 == 0) out.insert(out.begin(), ',');
    out.insert(out.begin(), *it);
    ++n;
  }
  return v < 0 ? "-" + out : out;
}

std::string humanBytes(uint64_t bytes) {
  if (isOverflow(bytes) || bytes == static_cast<uint64_t>(kOverflow<int64_t>)) return "overflow";
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024.0 && u < 4) {
    v /= 1024.0;
    ++u;
  }
  char buf[32];
  if (u == 0)
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  else
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

std::string humanCount(double v) {
  if (v >= static_cast<double>(kOverflow<int64_t>)) return "overflow";  // a saturated total (base/checked.h)
  const char* units[] = {"", " K", " M", " G", " T", " P"};
  int u = 0;
  double a = v < 0 ? -v : v;
  while (a >= 1000.0 && u < 5) {
    a /= 1000.0;
    v /= 1000.0;
    ++u;
  }
  char buf[32];
  if (u == 0)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.2f%s", v, units[u]);
  return buf;
}

std::string escapeJson(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

}  // namespace nf
