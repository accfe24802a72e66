#include "app/graph_text.h"

#include "scene/overlay.h"

#include <algorithm>
#include <cmath>

#include "font_graph_bold.h"  // generated: DejaVu Sans Bold (src/app/CMakeLists.txt)
#include "font_ui.h"          // generated: DejaVu Sans, shared with the UI font
#include "scene/categories.h"

namespace nf::app {

namespace {

// ImGui pixel sizes in the atlas: sqrt(2) apart, from small labels to close-ups.
constexpr float kSizes[] = {8.0f, 11.0f, 16.0f, 22.0f, 32.0f, 45.0f, 64.0f};
// Below this many framebuffer pixels per em a line is not drawn.
constexpr float kMinEmPixels = 4.0f;

const ImWchar kRanges[] = {
    0x0020, 0x00FF,  // Latin-1
    0x0370, 0x03FF,  // Greek (α, β in attribute summaries)
    0x2010, 0x2027,  // dashes, quotes, …
    0x2190, 0x2193,  // arrows (Cast → type)
    0x2212, 0x2212,  // minus
    0x27E8, 0x27E9,  // ⟨ ⟩ around tensor shapes
    0xFFFD, 0xFFFD,  // replacement character
    0,
};

ImU32 rgb(uint32_t c) { return IM_COL32((c >> 16) & 0xFF, (c >> 8) & 0xFF, c & 0xFF, 255); }

}  // namespace

TextStyle TextStyle::fromPalette(const scene::Palette& p) { return TextStyle(rgb(p.body_text), rgb(p.dim_text), rgb(p.edge_label)); }

GraphFonts::GraphFonts() = default;

GraphFonts::~GraphFonts() {
  if (texture_) glDeleteTextures(1, &texture_);
}

bool GraphFonts::ensureBuilt() {
  if (texture_) return true;
  ImFontConfig config;
  config.FontDataOwnedByAtlas = false;  // the bytes are constants in the binary
  config.OversampleH = 1;               // one sample per texel: sizes are close to what is shown
  config.OversampleV = 1;
  config.PixelSnapH = false;
  atlas_.Flags |= ImFontAtlasFlags_NoMouseCursors;
  for (float size : kSizes) {
    void* regular = const_cast<unsigned char*>(assets::kFontUi);
    void* bold = const_cast<unsigned char*>(assets::kFontGraphBold);
    regular_.push_back(atlas_.AddFontFromMemoryTTF(regular, static_cast<int>(assets::kFontUi_size), size, &config, kRanges));
    bold_.push_back(
        atlas_.AddFontFromMemoryTTF(bold, static_cast<int>(assets::kFontGraphBold_size), size, &config, kRanges));
    sizes_.push_back(size);
  }
  unsigned char* alpha = nullptr;
  int w = 0, h = 0;
  atlas_.GetTexDataAsAlpha8(&alpha, &w, &h);
  if (!alpha || w <= 0 || h <= 0) return false;
  // Luminance-alpha (1, a): ImGui's shader multiplies the vertex colour by the texel.
  std::vector<unsigned char> la(static_cast<size_t>(w) * h * 2);
  for (size_t i = 0; i < static_cast<size_t>(w) * h; ++i) {
    la[2 * i] = 255;
    la[2 * i + 1] = alpha[i];
  }
  glGenTextures(1, &texture_);
  glBindTexture(GL_TEXTURE_2D, texture_);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_LUMINANCE_ALPHA, w, h, 0, GL_LUMINANCE_ALPHA, GL_UNSIGNED_BYTE, la.data());
  atlas_.SetTexID(texture());
  atlas_.ClearTexData();  // the pixels live in the texture now
  return true;
}

ImFont* GraphFonts::pick(float em_fb_px, bool bold) const {
  const auto& fonts = bold ? bold_ : regular_;
  if (fonts.empty()) return nullptr;
  const float want = imguiSize(em_fb_px);
  for (size_t i = 0; i < sizes_.size(); ++i)
    if (sizes_[i] >= want * 0.97f) return fonts[i];
  return fonts.back();
}

bool textVisibleAt(float zoom, float pixel_ratio) {
  return scene::boxStyle().header_font * zoom * pixel_ratio >= kMinEmPixels;
}

uint32_t drawGraphText(const TextFrame& f, const GraphFonts& fonts, const scene::DisplayGraph& graph,
                       const scene::SceneLayout& layout, const std::vector<uint32_t>& nodes,
                       const std::vector<uint32_t>& edges, const TextStyle& style,
                       const std::vector<uint32_t>* header_text) {
  if (!fonts.built() || !f.draw_list) return 0;
  const scene::BoxStyle& st = scene::boxStyle();
  const float z = f.camera.zoom, ratio = f.pixel_ratio;
  const float header_em = st.header_font * z, body_em = st.body_font * z, label_em = st.label_font * z;
  const bool headers = header_em * ratio >= kMinEmPixels;
  const bool rows = body_em * ratio >= kMinEmPixels;
  const bool labels = label_em * ratio >= kMinEmPixels + 1.0f;
  if (!headers) return 0;
  ImDrawList* dl = f.draw_list;
  dl->PushTextureID(fonts.texture());
  uint32_t drawn = 0;
  auto toScreen = [&](float x, float y) {
    return ImVec2(f.canvas_pos.x + (x - f.camera.origin_x) * z, f.canvas_pos.y + (y - f.camera.origin_y) * z);
  };
  // Draws `text` with its baseline at y (screen), starting at x; returns the end x.
  auto text = [&](const std::string& s, float x, float baseline, float em, bool bold, ImU32 col, const ImVec4& clip) {
    ImFont* font = fonts.pick(em * ratio, bold);
    if (!font || s.empty()) return x;
    const float size = GraphFonts::imguiSize(em);
    const float top = baseline - font->Ascent * (size / font->FontSize);
    dl->AddText(font, size, ImVec2(x, top), col, s.data(), s.data() + s.size(), 0.0f, &clip);
    ++drawn;
    return x + font->CalcTextSizeA(size, 1e9f, 0.0f, s.data(), s.data() + s.size()).x;
  };
  const float space = body_em * 0.318f;  // DejaVu Sans space: 651/2048 em

  if (labels) {
    for (uint32_t e : edges) {
      const scene::EdgeGeometry& g = layout.edges[e];
      if (!g.label_shown) continue;
      const ImVec2 p = toScreen(g.label.x, g.label.y);
      const ImVec2 q = toScreen(g.label.x + g.label.width, g.label.y + g.label.height);
      const ImVec4 clip(p.x - 2, p.y - 2, q.x + 4, q.y + 2);
      text(graph.edges[e].label, p.x, p.y + (q.y - p.y) * 0.78f, label_em, false, style.label, clip);
    }
  }
  for (uint32_t n : nodes) {
    const scene::DisplayNode& node = graph.nodes[n];
    const scene::Rect& r = layout.nodes[n];
    const ImVec2 tl = toScreen(r.x, r.y), br = toScreen(r.x + r.width, r.y + r.height);
    const ImVec4 clip(tl.x, tl.y, br.x, br.y);
    const float x = tl.x + st.pad_x * z;
    text(node.title, x, tl.y + (st.header_height * 0.5f + scene::BoxStyle::baselineBelowCenter(st.header_font)) * z,
         header_em, true,
         rgb(header_text && n < header_text->size() && (*header_text)[n] != scene::kNoOverlayColor ? (*header_text)[n]
                                                                                                  : scene::headerTextColor(node)),
         clip);
    if (!rows) continue;
    for (size_t k = 0; k < node.rows.size(); ++k) {
      const scene::BoxRow& row = node.rows[k];
      const float baseline = tl.y + (st.rowCenter(k) + scene::BoxStyle::baselineBelowCenter(st.body_font)) * z;
      if (baseline - body_em > br.y) break;
      const float end = text(row.text, x, baseline, body_em, false,
                             row.kind == scene::RowKind::Name ? style.dim : style.body, clip);
      if (!row.detail.empty()) text(row.detail, end + space, baseline, body_em, false, style.dim, clip);
    }
  }
  dl->PopTextureID();
  return drawn;
}

void drawGroupFrames(const TextFrame& f, const GraphFonts& fonts, const std::vector<scene::GroupFrame>& frames,
                     const std::vector<scene::Rect>* rects, const scene::Rect& view, bool dark,
                     std::vector<uint32_t>* drawn, const std::vector<uint32_t>* frame_colors) {
  auto withAlpha = [](uint32_t c, float alpha) {
    return IM_COL32((c >> 16) & 0xFF, (c >> 8) & 0xFF, c & 0xFF, static_cast<int>(alpha * 255.0f));
  };
  const scene::FrameLook& look = scene::frameLook(dark);
  ImDrawList* dl = f.draw_list;
  const float z = f.camera.zoom;
  const scene::BoxStyle& st = scene::boxStyle();
  const bool text = textVisibleAt(z, f.pixel_ratio);
  const ImU32 ink = dark ? IM_COL32(225, 228, 232, 255) : IM_COL32(30, 34, 40, 255);
  // Shapes with the draw list's current texture (ImGui's atlas has the white pixel
  // they sample), then the titles with the graph font's atlas.
  auto corners = [&](const scene::Rect& r) {
    const ImVec2 a(f.canvas_pos.x + (r.x - f.camera.origin_x) * z, f.canvas_pos.y + (r.y - f.camera.origin_y) * z);
    return std::make_pair(a, ImVec2(a.x + r.width * z, a.y + r.height * z));
  };
  std::vector<uint32_t> shown;
  for (uint32_t i = 0; i < frames.size(); ++i) {
    const scene::GroupFrame& fr = frames[i];
    const scene::Rect& r = rects ? (*rects)[i] : fr.rect;
    if (!(r.x < view.x + view.width && view.x < r.x + r.width && r.y < view.y + view.height && view.y < r.y + r.height))
      continue;
    shown.push_back(i);
    const uint32_t hue = frame_colors && i < frame_colors->size() ? (*frame_colors)[i] : scene::repeatClassColor(fr.repeat_class);
    const auto [a, b] = corners(r);
    const float band = fr.title_height * z;
    const float round = look.corner_radius * z;
    dl->AddRectFilled(a, b, withAlpha(hue, look.fill_opacity), round);
    dl->AddRectFilled(a, ImVec2(b.x, a.y + band), withAlpha(hue, look.band_opacity), round, ImDrawFlags_RoundCornersTop);
    dl->AddRect(a, b, withAlpha(scene::shadeColor(hue, look.border_shade), look.border_opacity), round, 0,
                std::max(1.0f, std::min(1.5f, z)));
  }
  ImFont* font = fonts.pick(st.body_font * z * f.pixel_ratio, true);
  if (font && text && fonts.built()) {
    dl->PushTextureID(fonts.texture());
    const float size = GraphFonts::imguiSize(st.body_font * z);
    for (uint32_t i : shown) {
      const scene::GroupFrame& fr = frames[i];
      const auto [a, b] = corners(rects ? (*rects)[i] : fr.rect);
      const float band = fr.title_height * z;
      if (band < 6.0f) continue;
      const ImVec4 clip(a.x, a.y, b.x - 2, a.y + band);
      dl->AddText(font, size, ImVec2(a.x + st.pad_x * z, a.y + (band - size) * 0.5f), ink, fr.title.data(),
                  fr.title.data() + fr.title.size(), 0.0f, &clip);
    }
    dl->PopTextureID();
  }
  if (drawn) drawn->insert(drawn->end(), shown.begin(), shown.end());
}

}  // namespace nf::app
