// scene/text_metrics.h - how wide a string is, for sizing node boxes.
//
// The scene sizes every box from its text before layout, so the measure must match
// the font the renderer draws with. The app passes a TextMetrics backed by its real
// font atlas; the CLI, the exporters and the tests use DejaVuMetrics, a table of
// DejaVu Sans advances generated from the font file (tools/gen_font_metrics.py), so
// native output matches the app, which embeds the same font.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace nf::scene {

enum class FontStyle : uint8_t { Regular, Bold };

class TextMetrics {
 public:
  virtual ~TextMetrics() = default;
  // Advance width in pixels of UTF-8 text at a font size (em height) in pixels.
  // Invalid UTF-8 bytes count as one replacement character each.
  virtual float width(std::string_view utf8, float size_px, FontStyle style) const = 0;
};

// DejaVu Sans / DejaVu Sans Bold advances (no kerning). Code points the table does
// not cover count as 0.6 em (1 em for wide CJK ranges).
class DejaVuMetrics final : public TextMetrics {
 public:
  float width(std::string_view utf8, float size_px, FontStyle style) const override;
};
// A shared instance (stateless).
const TextMetrics& defaultMetrics();

// Decodes one code point from s at *pos and advances *pos; invalid or truncated
// sequences yield U+FFFD and advance one byte. Overlong forms and surrogates are invalid.
uint32_t decodeUtf8(std::string_view s, size_t* pos);
void appendUtf8(std::string& out, uint32_t cp);

// Text from a model file made safe for every renderer: invalid UTF-8 becomes U+FFFD,
// control characters (C0, DEL, C1) become "\xNN", so downstream code (XML, DOT, the
// font atlas) only ever sees printable, valid UTF-8. Longer than max_bytes: cut on a
// code-point boundary with "…".
std::string cleanText(std::string_view raw, size_t max_bytes = 1024);

// Cuts `utf8` so that it fits max_width (appending "…" when cut). Cuts on code-point
// boundaries; returns the text unchanged when it fits.
std::string fitText(const TextMetrics& m, std::string_view utf8, float size_px, FontStyle style, float max_width);

}  // namespace nf::scene
