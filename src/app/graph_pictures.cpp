#include "app/graph_pictures.h"

#include <SDL_scancode.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <vector>

#include "app/graph_platform.h"
#include "document/model_document.h"
#include "app/platform.h"
#include "views/builder_layers.h"
#include "views/layered_view.h"
#include "scene/png.h"
#include "views/neuron_view.h"

namespace nf::app {

namespace {
ImU32 color(uint32_t rgb, float opacity) {
  const int a = static_cast<int>(std::clamp(opacity, 0.0f, 1.0f) * 255.0f + 0.5f);
  return IM_COL32((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF, a);
}
}  // namespace

const char* pictureViewName(PictureView v) {
  switch (v) {
    case PictureView::Layered: return "layered";
    case PictureView::Space: return "3d";
    case PictureView::Neurons: return "neurons";
    default: return "graph";
  }
}

PictureView parsePictureView(std::string_view s) {
  if (s == "layered") return PictureView::Layered;
  if (s == "3d") return PictureView::Space;
  if (s == "neurons") return PictureView::Neurons;
  return PictureView::Graph;
}

GraphPictures::GraphPictures() = default;
GraphPictures::~GraphPictures() = default;

bool GraphPictures::busy() const { return job_ && !job_->finished(); }

bool GraphPictures::prepare(const ir::Model* model, uint64_t generation, const document::ModelAnalysis* analysis,
                            PictureView view) {
  if (!for_builder_ && model == model_ && generation == generation_ && view == view_) return error_.empty();
  reset(model, generation, view, false);
  if (!model || !analysis || view == PictureView::Graph || view == PictureView::Space) return false;
  if (!analysis->error.empty()) {
    error_ = "the model's analysis failed: " + analysis->error;
    return false;
  }
  const double t0 = platform::nowMs();
  views::LayerGraphOptions go;
  go.fold_repeats = view == PictureView::Layered;  // neurons: count every layer left out
  if (view == PictureView::Layered) go.modules_above = kModulesAbove;
  auto layers = views::buildLayerGraph(*model, analysis->inference, analysis->metrics, go);
  if (layers && view == PictureView::Layered && layers->layers.size() > kMaxOpBoxes) {
    go.modules = true;  // no name scopes, still too many boxes to read or lay out quickly
    layers = views::buildLayerGraph(*model, analysis->inference, analysis->metrics, go);
  }
  if (!layers) {
    error_ = layers.error().message;
    return false;
  }
  layers_ = std::move(*layers);
  if (view == PictureView::Layered) {
    startLayered();
  } else {
    const views::DensePart part = views::findDensePart(*model, layers_, {}, &analysis->inference);
    drawing_ = views::drawNeurons(part);
    caption_ = part.caption;
  }
  build_ms_ = platform::nowMs() - t0;
  return true;
}

bool GraphPictures::prepareBuilder(const builder::Document& doc, const builder::Analysis& analysis,
                                   uint64_t revision) {
  if (for_builder_ && revision == generation_) return error_.empty();
  reset(nullptr, revision, PictureView::Layered, true);
  const double t0 = platform::nowMs();
  layers_ = views::layersFromBuilder(doc, analysis);
  if (layers_.layers.empty()) {
    error_ = "the model has no layers yet";
    return false;
  }
  startLayered();
  build_ms_ = platform::nowMs() - t0;
  return true;
}

void GraphPictures::reset(const ir::Model* model, uint64_t generation, PictureView view, bool for_builder) {
  model_ = model;
  generation_ = generation;
  view_ = view;
  for_builder_ = for_builder;
  drawing_ = views::Drawing{};
  layers_ = views::LayerGraph{};
  job_.reset();
  error_.clear();
  caption_.clear();
  fit_pending_ = true;
}

void GraphPictures::startLayered() {
  job_ = std::make_unique<layout::LayoutJob>(views::layeredLayoutInput(layers_, layered_),
                                             views::layeredLayoutOptions(layered_));
  caption_ = std::to_string(layers_.layers.size()) + (layers_.modules ? " boxes, one per module" : " boxes");
}

void GraphPictures::step(double budget_ms) {
  if (!busy()) return;
  const double t0 = platform::nowMs();
  job_->step(budget_ms);
  if (job_->finished()) {
    if (job_->succeeded()) {
      drawing_ = views::drawLayered(layers_, views::placeLayered(layers_, layered_, job_->takeLayout()), layered_);
      fit_pending_ = true;
    } else {
      error_ = job_->status().message();
    }
  }
  build_ms_ += platform::nowMs() - t0;
}

std::string GraphPictures::exportSvg(const std::string& base) const {
  const std::string svg = views::toSvg(drawing_);
  const std::string name = base + "-" + pictureViewName(view_) + ".svg";
  platform::downloadFile(name, reinterpret_cast<const uint8_t*>(svg.data()), svg.size(), "image/svg+xml");
  return "Saved " + name + " (" + std::to_string(svg.size() / 1024) + " KiB)";
}

std::string GraphPictures::exportPng(const std::string& base, float scale) const {
  views::ExportOptions eo;
  eo.scale = scale;
  const views::RgbaImage img = views::rasterize(drawing_, eo);
  const std::vector<uint8_t> png = scene::encodePngRgba(img.width, img.height, img.rgba);
  const std::string name = base + "-" + pictureViewName(view_) + ".png";
  platform::downloadFile(name, png.data(), png.size(), "image/png");
  return "Saved " + name + " (" + std::to_string(img.width) + " x " + std::to_string(img.height) + " px)";
}

void GraphPictures::fit(ImVec2 size, float toolbar_height) {
  const views::ExportOptions eo;
  const views::Rect r = views::canvasRect(drawing_, eo);
  const float top = toolbar_height + 8.0f;
  camera_ = fitRect(scene::Rect{r.x, r.y, r.width, r.height}, size.x, std::max(1.0f, size.y - top), 16.0f, 2.5f);
  camera_.origin_y -= top / camera_.zoom;
}

void GraphPictures::draw(ImDrawList* dl, ImVec2 pos, ImVec2 size, float toolbar_height) {
  if (fit_pending_ && size.x > 1 && size.y > 1) {
    fit(size, toolbar_height);
    fit_pending_ = false;
  }
  // Input on the canvas item: wheel zooms at the cursor, a drag pans, 0 fits.
  const ImGuiIO& io = ImGui::GetIO();
  const views::Rect bounds = views::canvasRect(drawing_, {});
  const scene::Rect sb{bounds.x, bounds.y, bounds.width, bounds.height};
  if (ImGui::IsItemHovered() && io.MouseWheel != 0.0f) {
    const scene::Point at{io.MousePos.x - pos.x, io.MousePos.y - pos.y};
    camera_ = zoomAt(camera_, at, std::pow(1.2f, io.MouseWheel), minZoom(sb, size.x, size.y));
  }
  if (ImGui::IsItemActive() && (io.MouseDelta.x != 0.0f || io.MouseDelta.y != 0.0f))
    camera_ = clampToBounds(panBy(camera_, io.MouseDelta.x, io.MouseDelta.y), sb, size.x, size.y);
  if (ImGui::IsWindowFocused() && !io.WantTextInput && ImGui::IsKeyPressed(SDL_SCANCODE_0, false)) fit(size, toolbar_height);

  if (busy()) {
    const std::string text = "Laying out " + std::to_string(layers_.layers.size()) + " boxes... " +
                             std::to_string(static_cast<int>(job_->progress() * 100.0f)) + "%";
    const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
    dl->AddText(ImVec2(pos.x + (size.x - ts.x) * 0.5f, pos.y + size.y * 0.5f), ImGui::GetColorU32(ImGuiCol_Text),
                text.c_str());
    return;
  }
  // The picture is drawn on its own (light) paper, as in the exports.
  dl->PushClipRect(pos, ImVec2(pos.x + size.x, pos.y + size.y), true);
  dl->AddRectFilled(pos, ImVec2(pos.x + size.x, pos.y + size.y), color(drawing_.background, 1.0f));
  const float z = camera_.zoom;
  auto P = [&](views::Point p) {
    const scene::Point c = camera_.toCanvas(scene::Point{p.x, p.y});
    return ImVec2(pos.x + c.x, pos.y + c.y);
  };
  ImFont* font = ImGui::GetFont();
  std::vector<ImVec2> pts;
  for (const views::Shape& s : drawing_.shapes) {
    switch (s.kind) {
      case views::ShapeKind::Polygon:
        pts.clear();
        for (const auto& p : s.points) pts.push_back(P(p));
        if (s.fill_opacity > 0)
          dl->AddConvexPolyFilled(pts.data(), static_cast<int>(pts.size()), color(s.fill, s.fill_opacity));
        if (s.stroke_width > 0)
          dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), color(s.stroke, s.stroke_opacity),
                          ImDrawFlags_Closed, std::max(1.0f, s.stroke_width * z));
        break;
      case views::ShapeKind::Polyline:
        pts.clear();
        for (const auto& p : s.points) pts.push_back(P(p));
        dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), color(s.stroke, s.stroke_opacity), ImDrawFlags_None,
                        std::max(1.0f, s.stroke_width * z));
        break;
      case views::ShapeKind::Circle:
        if (s.fill_opacity > 0) dl->AddCircleFilled(P(s.points[0]), s.radius * z, color(s.fill, s.fill_opacity), 24);
        if (s.stroke_width > 0)
          dl->AddCircle(P(s.points[0]), s.radius * z, color(s.stroke, s.stroke_opacity), 24, std::max(1.0f, s.stroke_width * z));
        break;
      case views::ShapeKind::Text: {
        const float px = s.font_size * z;
        if (px < 5.0f) break;  // unreadable: the shapes still show the structure
        const ImVec2 ts = font->CalcTextSizeA(px, FLT_MAX, 0.0f, s.text.c_str());
        ImVec2 p = P(s.points[0]);
        if (s.anchor == views::TextAnchor::Middle) p.x -= ts.x * 0.5f;
        if (s.anchor == views::TextAnchor::End) p.x -= ts.x;
        p.y -= px * 0.8f;  // baseline to the top of the line
        dl->AddText(font, px, p, color(s.fill, 1.0f), s.text.c_str());
        break;
      }
      default: break;
    }
  }
  dl->PopClipRect();
}

}  // namespace nf::app
