// The graph view's minimap (graph_minimap.h).
#include "app/graph_minimap.h"

#include <GLES3/gl3.h>

#include <algorithm>
#include <cmath>

#include "app/graph_view.h"

namespace nf::app {

void GraphMinimap::render(GraphRenderer& renderer, const RenderStyle& style, const scene::Rect& b, float pixel_ratio) {
  scale_ = std::min(200.0f / std::max(1.0f, b.width), 240.0f / std::max(1.0f, b.height));
  w_ = std::max(24, static_cast<int>(std::ceil(b.width * scale_)));
  h_ = std::max(24, static_cast<int>(std::ceil(b.height * scale_)));
  const int tw = static_cast<int>(std::ceil(w_ * pixel_ratio)), th = static_cast<int>(std::ceil(h_ * pixel_ratio));
  if (!tex_) {
    glGenTextures(1, &tex_);
    glGenFramebuffers(1, &fbo_);
  }
  glBindTexture(GL_TEXTURE_2D, tex_);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, tw, th, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  // No glGet* here: a query waits for the GPU to finish everything queued (SwiftShader:
  // a whole frame). Outside ImGui's render pass the default framebuffer is bound.
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, tex_, 0);
  glViewport(0, 0, tw, th);
  glDisable(GL_SCISSOR_TEST);
  glClearColor(0, 0, 0, 0);
  glClear(GL_COLOR_BUFFER_BIT);
  // One scale both ways; a graph thinner than the map is centred in it.
  RenderView v;
  v.scale = scale_ * pixel_ratio;
  v.origin_x = b.x - (w_ / scale_ - b.width) * 0.5f;
  v.origin_y = b.y - (h_ / scale_ - b.height) * 0.5f;
  v.width = tw;
  v.height = th;
  RenderStyle s = style;
  s.detail = 0.0f;
  s.edges = false;
  s.arrows = false;
  // The texture is read with v flipped (GL rows go up): draw upside down.
  renderer.draw(v, s);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  dirty_ = false;
}

GraphMinimap::Result GraphMinimap::draw(GraphRenderer& renderer, const RenderStyle& style, const scene::Rect& b,
                                        const GraphCamera& camera, ImVec2 canvas_pos, ImVec2 canvas_size,
                                        float pixel_ratio, TestProbe& probe) {
  if (dirty_) render(renderer, style, b, pixel_ratio);
  Result result;
  const float pad = 6.0f;
  const ImVec2 size(static_cast<float>(w_), static_cast<float>(h_));
  ImGui::SetNextWindowPos(ImVec2(canvas_pos.x + canvas_size.x - 8, canvas_pos.y + canvas_size.y - 8), ImGuiCond_Always,
                          ImVec2(1.0f, 1.0f));
  ImGui::SetNextWindowBgAlpha(0.80f);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(pad, pad));
  if (ImGui::Begin(window_id_.c_str(), nullptr, kGraphOverlayFlags)) {
    result.focused = ImGui::IsWindowFocused();
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(tex_)), size, ImVec2(0, 1), ImVec2(1, 0));
    const float k = scale_;
    const float ox = b.x - (size.x / k - b.width) * 0.5f, oy = b.y - (size.y / k - b.height) * 0.5f;
    // The viewport rectangle.
    const scene::Rect v = camera.visible(canvas_size.x, canvas_size.y);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p0(at.x + std::clamp((v.x - ox) * k, 0.0f, size.x), at.y + std::clamp((v.y - oy) * k, 0.0f, size.y));
    const ImVec2 p1(at.x + std::clamp((v.x + v.width - ox) * k, 0.0f, size.x),
                    at.y + std::clamp((v.y + v.height - oy) * k, 0.0f, size.y));
    dl->AddRectFilled(p0, ImVec2(std::max(p1.x, p0.x + 2), std::max(p1.y, p0.y + 2)), IM_COL32(232, 137, 12, 28));
    dl->AddRect(p0, ImVec2(std::max(p1.x, p0.x + 2), std::max(p1.y, p0.y + 2)), IM_COL32(232, 137, 12, 230), 0, 0, 1.5f);
    // Click or drag: centre the view there.
    ImGui::SetCursorScreenPos(at);
    ImGui::InvisibleButton("##minimap_hit", size);
    probe.note("minimap");
    if (ImGui::IsItemActive()) {
      const ImVec2 m = ImGui::GetIO().MousePos;
      result.centre = scene::Point{ox + (m.x - at.x) / k, oy + (m.y - at.y) / k};
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Click or drag to move the view");
  }
  ImGui::End();
  ImGui::PopStyleVar();
  return result;
}

}  // namespace nf::app
