#include "scene/text_metrics.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <vector>

namespace nf::scene {

namespace {

struct FontTable {
  int units_per_em;
  int ascent;
  int descent;
  int line_gap;
};
struct GlyphAdvance {
  uint32_t cp;
  uint16_t advance;
};

#include "scene/font_metrics_data.inc"

template <size_t N>
float advanceEm(const GlyphAdvance (&table)[N], const FontTable& font, uint32_t cp) {
  auto it = std::lower_bound(std::begin(table), std::end(table), cp,
                             [](const GlyphAdvance& g, uint32_t c) { return g.cp < c; });
  if (it != std::end(table) && it->cp == cp) return static_cast<float>(it->advance) / font.units_per_em;
  if (cp < 0x20) return 0.0f;  // control characters are never drawn as themselves
  const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0x20000 && cp <= 0x3FFFD);
  return wide ? 1.0f : 0.6f;
}

}  // namespace

uint32_t decodeUtf8(std::string_view s, size_t* pos) {
  const size_t i = *pos;
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    *pos = i + 1;
    return b0;
  }
  int len = 0;
  uint32_t cp = 0, min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    *pos = i + 1;
    return 0xFFFD;
  }
  if (i + len > s.size()) {
    *pos = i + 1;
    return 0xFFFD;
  }
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      *pos = i + 1;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    *pos = i + 1;
    return 0xFFFD;
  }
  *pos = i + len;
  return cp;
}

void appendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

float DejaVuMetrics::width(std::string_view utf8, float size_px, FontStyle style) const {
  // ASCII fast path: box sizing measures every row of every node (100k-node graphs).
  static const auto ascii = [] {
    std::array<std::array<float, 128>, 2> t{};
    for (uint32_t c = 0; c < 128; ++c) {
      t[0][c] = advanceEm(kDejaVuSansAdvances, kDejaVuSans, c);
      t[1][c] = advanceEm(kDejaVuSansBoldAdvances, kDejaVuSansBold, c);
    }
    return t;
  }();
  const auto& fast = ascii[style == FontStyle::Bold ? 1 : 0];
  float em = 0.0f;
  for (size_t pos = 0; pos < utf8.size();) {
    const auto b = static_cast<unsigned char>(utf8[pos]);
    if (b < 0x80) {
      em += fast[b];
      ++pos;
      continue;
    }
    const uint32_t cp = decodeUtf8(utf8, &pos);
    em += style == FontStyle::Bold ? advanceEm(kDejaVuSansBoldAdvances, kDejaVuSansBold, cp)
                                   : advanceEm(kDejaVuSansAdvances, kDejaVuSans, cp);
  }
  return em * size_px;
}

std::string cleanText(std::string_view raw, size_t max_bytes) {
  std::string out;
  out.reserve(raw.size());
  for (size_t pos = 0; pos < raw.size();) {
    if (out.size() >= max_bytes) {
      out += "\xE2\x80\xA6";
      break;
    }
    const uint32_t cp = decodeUtf8(raw, &pos);
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
      static const char* kHex = "0123456789ABCDEF";
      out += "\\x";
      if (cp > 0xFF) out += kHex[(cp >> 8) & 0xF];
      out += kHex[(cp >> 4) & 0xF];
      out += kHex[cp & 0xF];
    } else {
      appendUtf8(out, cp);
    }
  }
  return out;
}

const TextMetrics& defaultMetrics() {
  static const DejaVuMetrics metrics;
  return metrics;
}

std::string fitText(const TextMetrics& m, std::string_view utf8, float size_px, FontStyle style, float max_width) {
  if (m.width(utf8, size_px, style) <= max_width) return std::string(utf8);
  const char* kEllipsis = "\xE2\x80\xA6";
  const float budget = max_width - m.width(kEllipsis, size_px, style);
  // Binary search on the number of code points that fit (width grows monotonically).
  std::vector<size_t> bounds;  // byte offset after each code point
  for (size_t pos = 0; pos < utf8.size();) {
    decodeUtf8(utf8, &pos);
    bounds.push_back(pos);
  }
  size_t lo = 0, hi = bounds.size();
  while (lo < hi) {
    const size_t mid = (lo + hi + 1) / 2;
    if (m.width(utf8.substr(0, bounds[mid - 1]), size_px, style) <= budget) lo = mid;
    else hi = mid - 1;
  }
  std::string out(utf8.substr(0, lo ? bounds[lo - 1] : 0));
  out += kEllipsis;
  return out;
}

}  // namespace nf::scene
