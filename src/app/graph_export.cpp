#include "app/graph_export.h"

#include <GLES3/gl3.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "app/gl_graph_renderer.h"
#include "app/graph_pipeline.h"
#include "app/graph_platform.h"
#include "app/graph_text.h"
#include "app/session.h"
#include "scene/categories.h"
#include "scene/exports.h"
#include "scene/png.h"
#include "scene/raster.h"

namespace nf::app {

namespace {

constexpr float kMargin = 8.0f;  // pixels of background around the graph

std::string baseName(const AppContext& ctx) {
  const OpenedModel* m = ctx.session.document().current();
  std::string name = m ? m->file_name : "graph";
  const auto dot = name.rfind('.');
  if (dot != std::string::npos && dot > 0) name.resize(dot);
  return name.empty() ? "graph" : name;
}

}  // namespace

GraphExporter::~GraphExporter() {
  if (fbo_) glDeleteFramebuffers(1, &fbo_);
  if (tex_) glDeleteTextures(1, &tex_);
}

void GraphExporter::startPng(float scale, const scene::Overlay* overlay) {
  scale_ = scale;
  overlay_ = overlay;
  active_ = true;
  next_tile_ = 0;
  width_ = height_ = 0;
  message_ = "Rendering...";
}

void GraphExporter::saveSvg(const GraphPipeline& pipeline, AppContext& ctx, const scene::Overlay* overlay) {
  std::ostringstream out;
  scene::SvgOptions so;
  so.overlay = overlay;
  if (pipeline.grouped()) scene::writeSvg(out, pipeline.groupedScene(), so);  // with the group frames
  else scene::writeSvg(out, pipeline.graph(), pipeline.layout(), so);
  const std::string svg = out.str();
  platform::downloadFile(baseName(ctx) + ".svg", reinterpret_cast<const uint8_t*>(svg.data()), svg.size(),
                         "image/svg+xml");
  message_ = "Saved " + baseName(ctx) + ".svg (" + std::to_string(svg.size() / 1024) + " KiB)";
}

void GraphExporter::step(const GraphPipeline& pipeline, GraphRenderer& renderer, const GraphFonts& fonts,
                         AppContext& ctx) {
  if (!active_ || pipeline.stage() != GraphPipeline::Stage::Ready) return;
  const scene::Rect& b = pipeline.layout().bounds;
  if (width_ == 0) {
    width_ = static_cast<uint32_t>(std::ceil(b.width * scale_ + 2 * kMargin));
    height_ = static_cast<uint32_t>(std::ceil(b.height * scale_ + 2 * kMargin));
    if (static_cast<double>(width_) * height_ > kMaxPixels) {
      message_ = "That picture would be too large; choose a smaller scale";
      active_ = false;
      return;
    }
    GLint max_size = 2048;
    glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max_size);
    tile_ = static_cast<uint32_t>(std::min<GLint>(2048, max_size));
    rgb_.assign(static_cast<size_t>(width_) * height_ * 3, 0xFF);
    if (!tex_) {
      glGenTextures(1, &tex_);
      glGenFramebuffers(1, &fbo_);
    }
    glBindTexture(GL_TEXTURE_2D, tex_);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, static_cast<GLsizei>(tile_), static_cast<GLsizei>(tile_), 0, GL_RGBA,
                 GL_UNSIGNED_BYTE, nullptr);
  }
  const uint32_t cols = (width_ + tile_ - 1) / tile_, rows = (height_ + tile_ - 1) / tile_;
  if (next_tile_ < cols * rows) {
    const uint32_t tx = next_tile_ % cols, ty = next_tile_ / cols;
    const uint32_t x0 = tx * tile_, y0 = ty * tile_;
    const uint32_t tw = std::min(tile_, width_ - x0), th = std::min(tile_, height_ - y0);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, tex_, 0);
    glViewport(0, 0, static_cast<GLsizei>(tw), static_cast<GLsizei>(th));
    glDisable(GL_SCISSOR_TEST);
    glClearColor(1, 1, 1, 1);
    glClear(GL_COLOR_BUFFER_BIT);

    // The tile's scene rectangle, in the light look of the SVG.
    RenderView v;
    v.origin_x = b.x - kMargin / scale_ + x0 / scale_;
    v.origin_y = b.y - kMargin / scale_ + y0 / scale_;
    v.scale = scale_;
    v.width = static_cast<int>(tw);
    v.height = static_cast<int>(th);
    RenderStyle s = RenderStyle::fromPalette(scene::lightPalette());  // exports are always light
    s.detail = 1.0f;
    s.pixel_ratio = 1.0f;
    s.overview = false;  // every box as geometry, at full quality
    s.states = false;    // no selection rings in the picture

    // ImGui draw lists through its renderer, into the same framebuffer: group frames
    // under the boxes, text over them.
    const scene::Rect view{v.origin_x, v.origin_y, tw / scale_, th / scale_};
    TextFrame f;
    f.canvas_pos = ImVec2(0, 0);
    f.camera.origin_x = v.origin_x;
    f.camera.origin_y = v.origin_y;
    f.camera.zoom = scale_;
    f.pixel_ratio = 1.0f;
    auto render = [&](auto&& draw) {
      ImDrawList dl(ImGui::GetDrawListSharedData());
      dl._ResetForNewFrame();
      dl.PushClipRect(ImVec2(0, 0), ImVec2(static_cast<float>(tw), static_cast<float>(th)));
      dl.PushTextureID(ImGui::GetIO().Fonts->TexID);
      f.draw_list = &dl;
      draw();
      dl.PopTextureID();
      dl.PopClipRect();
      ImDrawList* lists[] = {&dl};
      ImDrawData dd;
      dd.Valid = true;
      dd.CmdLists = lists;
      dd.CmdListsCount = 1;
      dd.TotalVtxCount = dl.VtxBuffer.Size;
      dd.TotalIdxCount = dl.IdxBuffer.Size;
      dd.DisplayPos = ImVec2(0, 0);
      dd.DisplaySize = ImVec2(static_cast<float>(tw), static_cast<float>(th));
      dd.FramebufferScale = ImVec2(1, 1);
      if (dd.TotalVtxCount > 0) ImGui_ImplOpenGL3_RenderDrawData(&dd);
    };
    if (pipeline.grouped())
      render([&] {
        drawGroupFrames(f, fonts, pipeline.groupedScene().frames, nullptr, view, false, nullptr,
                        overlay_ ? &overlay_->frame_color : nullptr);
      });
    glViewport(0, 0, static_cast<GLsizei>(tw), static_cast<GLsizei>(th));
    renderer.draw(v, s);
    std::vector<uint32_t> nodes, edges;
    pipeline.index().queryNodes(view, nodes);
    pipeline.index().queryEdges(view, edges);
    render([&] {
      drawGraphText(f, fonts, pipeline.graph(), pipeline.layout(), nodes, edges, TextStyle{},
                    overlay_ ? &overlay_->node_text : nullptr);
    });

    // Read back (GL rows go up) into the image (rows go down).
    std::vector<uint8_t> rgba(static_cast<size_t>(tw) * th * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, static_cast<GLsizei>(tw), static_cast<GLsizei>(th), GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
    for (uint32_t r = 0; r < th; ++r) {
      const uint8_t* src = &rgba[static_cast<size_t>(th - 1 - r) * tw * 4];
      uint8_t* dst = &rgb_[(static_cast<size_t>(y0 + r) * width_ + x0) * 3];
      for (uint32_t c = 0; c < tw; ++c) {
        dst[3 * c] = src[4 * c];
        dst[3 * c + 1] = src[4 * c + 1];
        dst[3 * c + 2] = src[4 * c + 2];
      }
    }
    glBindFramebuffer(GL_FRAMEBUFFER, 0);  // outside ImGui's render pass: the canvas
    ++next_tile_;
    message_ = "Rendering tile " + std::to_string(next_tile_) + " of " + std::to_string(cols * rows) + "...";
    if (next_tile_ < cols * rows) return;
    message_ = "Encoding PNG...";
    return;  // encode on the next frame, after this message was shown
  }
  if (overlay_ && !overlay_->legend.entries.empty()) {
    // The overlay's legend below the graph, as in the SVG and `netforge render`.
    const scene::RasterImage legend = scene::rasterizeLegend(overlay_->legend, std::max(1.0f, scale_));
    const uint32_t w = std::max(width_, legend.width), h = height_ + legend.height;
    std::vector<uint8_t> out(static_cast<size_t>(w) * h * 3, 0xFF);
    for (uint32_t r = 0; r < height_; ++r)
      std::copy_n(&rgb_[static_cast<size_t>(r) * width_ * 3], static_cast<size_t>(width_) * 3, &out[static_cast<size_t>(r) * w * 3]);
    for (uint32_t r = 0; r < legend.height; ++r)
      std::copy_n(&legend.rgb[static_cast<size_t>(r) * legend.width * 3], static_cast<size_t>(legend.width) * 3,
                  &out[(static_cast<size_t>(height_ + r) * w) * 3]);
    rgb_ = std::move(out);
    width_ = w;
    height_ = h;
  }
  const std::vector<uint8_t> png = scene::encodePng(width_, height_, rgb_);
  rgb_.clear();
  rgb_.shrink_to_fit();
  platform::downloadFile(baseName(ctx) + ".png", png.data(), png.size(), "image/png");
  message_ = "Saved " + baseName(ctx) + ".png (" + std::to_string(width_) + " x " + std::to_string(height_) + ", " +
             std::to_string(png.size() / 1024) + " KiB)";
  active_ = false;
  width_ = 0;
}

}  // namespace nf::app
