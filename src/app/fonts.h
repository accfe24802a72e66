// app/fonts.h - the UI font, rasterised for the screen's pixel density.
//
// ImGui lays out in CSS pixels while the canvas has devicePixelRatio framebuffer
// pixels per CSS pixel. Text stays crisp when the glyphs are rasterised at
// size * ratio and drawn at 1/ratio (io.FontGlobalScale): one glyph texel per
// screen pixel. When the ratio changes (browser zoom, another monitor) the atlas
// is rebuilt.
#pragma once

namespace nf::app {

class FontManager {
 public:
  static constexpr float kUiSize = 15.0f;  // CSS pixels

  // Rebuilds the atlas if `pixel_ratio` differs from the one it was built for.
  // Returns true if it rebuilt (the renderer must then re-upload the texture).
  bool update(float pixel_ratio);
  float pixelRatio() const { return built_for_; }

 private:
  float built_for_ = 0.0f;
};

}  // namespace nf::app
