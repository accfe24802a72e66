#include "app/graph_pictures.h"

#include <SDL_scancode.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <vector>

#include "app/graph_platform.h"
#include "document/model_document.h"
#include "app/platform.h"
#include "base/strings.h"
#include "scene/categories.h"
#include "scene/display_graph.h"
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
  if (!stale_ && !for_builder_ && model == model_ && generation == generation_ && view == view_) return error_.empty();
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
  for (const views::Layer& l : layers_.layers) {
    std::string type = l.op_type;
    for (ir::NodeId f : l.folded) type += " · " + model->main().node(f).op_type;
    layer_types_.push_back(std::move(type));
  }
  if (view == PictureView::Layered) {
    startLayered();
  } else {
    const views::DensePart part = views::findDensePart(*model, layers_, {}, &analysis->inference);
    setDrawing(views::drawNeurons(part, layered_.dark));
    caption_ = part.caption;
  }
  build_ms_ = platform::nowMs() - t0;
  return true;
}

bool GraphPictures::prepareBuilder(const builder::Document& doc, const builder::Analysis& analysis,
                                   uint64_t revision, PictureView view) {
  if (!stale_ && for_builder_ && revision == generation_ && view == view_) return error_.empty();
  reset(nullptr, revision, view, true);
  const double t0 = platform::nowMs();
  layers_ = views::layersFromBuilder(doc, analysis);
  if (layers_.layers.empty()) {
    error_ = "the model has no layers yet";
    return false;
  }
  for (const views::Layer& l : layers_.layers) {
    std::string type;
    for (uint32_t s : l.sources)
      if (s < doc.nodes().size()) type += (type.empty() ? "" : " · ") + doc.nodes()[s].type;
    layer_types_.push_back(type.empty() ? l.op_type : type);
  }
  if (view == PictureView::Neurons) {
    const views::DensePart part = views::builderDensePart(doc, analysis, layers_);
    setDrawing(views::drawNeurons(part, layered_.dark));
    caption_ = part.caption;
  } else {
    startLayered();
  }
  build_ms_ = platform::nowMs() - t0;
  return true;
}

void GraphPictures::setLook(bool dark, bool legend_dims) {
  if (dark == layered_.dark && legend_dims == layered_.legend_dims) return;
  layered_.dark = dark;
  layered_.legend_dims = legend_dims;
  stale_ = true;
}

void GraphPictures::setDrawing(views::Drawing d) {
  drawing_ = std::move(d);
  hotspots_ = views::layerHotspots(drawing_);
  hover_layer_ = -1;
}

std::string GraphPictures::layerType(uint32_t layer) const {
  return layer < layer_types_.size() ? layer_types_[layer] : std::string();
}

std::vector<std::vector<float>> GraphPictures::screenHotspots(size_t max) const {
  std::vector<std::vector<float>> out;
  for (const views::Hotspot& h : hotspots_) {
    if (out.size() >= max) break;
    const scene::Point a = camera_.toCanvas(scene::Point{h.rect.x, h.rect.y});
    out.push_back({static_cast<float>(h.layer), std::round(canvas_pos_.x + a.x), std::round(canvas_pos_.y + a.y),
                   std::round(h.rect.width * camera_.zoom), std::round(h.rect.height * camera_.zoom)});
  }
  return out;
}

void GraphPictures::tooltip(uint32_t layer) const {
  if (layer >= layers_.layers.size()) return;
  const views::Layer& l = layers_.layers[layer];
  ImGui::BeginTooltip();
  ImGui::TextUnformatted(l.name.empty() ? "(unnamed)" : l.name.c_str());
  ImGui::TextDisabled("type");
  ImGui::SameLine(70);
  ImGui::TextUnformatted(layerType(layer).c_str());
  ImGui::TextDisabled("output");
  ImGui::SameLine(70);
  ImGui::TextUnformatted(l.shape.rank_known ? scene::shapeLabel(l.shape).c_str() : "unknown");
  ImGui::TextDisabled("params");
  ImGui::SameLine(70);
  ImGui::TextUnformatted(withThousands(l.params).c_str());
  ImGui::TextDisabled("Click to select it.");
  ImGui::EndTooltip();
}

void GraphPictures::reset(const ir::Model* model, uint64_t generation, PictureView view, bool for_builder) {
  model_ = model;
  generation_ = generation;
  view_ = view;
  for_builder_ = for_builder;
  drawing_ = views::Drawing{};
  layers_ = views::LayerGraph{};
  layer_types_.clear();
  hotspots_.clear();
  hover_layer_ = clicked_layer_ = selected_layer_ = -1;
  stale_ = false;
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
      setDrawing(views::drawLayered(layers_, views::placeLayered(layers_, layered_, job_->takeLayout()), layered_));
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
  canvas_pos_ = pos;
  // Hover and click: the layer under the pointer; a press released where it started
  // (a click, not a pan) selects it.
  hover_layer_ = -1;
  if (ImGui::IsItemHovered() && !busy()) {
    const scene::Point at = camera_.toScene(scene::Point{io.MousePos.x - pos.x, io.MousePos.y - pos.y});
    if (const views::Hotspot* h = views::hotspotAt(hotspots_, views::Point{at.x, at.y}))
      hover_layer_ = static_cast<int32_t>(h->layer);
  }
  if (ImGui::IsItemActivated()) press_at_ = io.MousePos;
  if (ImGui::IsItemDeactivated() && hover_layer_ >= 0 && std::abs(io.MousePos.x - press_at_.x) < 4.0f &&
      std::abs(io.MousePos.y - press_at_.y) < 4.0f) {
    clicked_layer_ = selected_layer_ = hover_layer_;
  }

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
  // The selected and hovered layers outlined in the highlight colour.
  const uint32_t highlight = scene::lightPalette().highlight;
  for (const views::Hotspot& h : hotspots_) {
    const bool hovered = static_cast<int32_t>(h.layer) == hover_layer_;
    if (!hovered && static_cast<int32_t>(h.layer) != selected_layer_) continue;
    const ImVec2 a = P(views::Point{h.rect.x - 3, h.rect.y - 3});
    const ImVec2 b = P(views::Point{h.rect.x + h.rect.width + 3, h.rect.y + h.rect.height + 3});
    dl->AddRect(a, b, color(highlight, hovered ? 0.75f : 1.0f), 4.0f, 0, hovered ? 1.5f : 2.5f);
  }
  dl->PopClipRect();
  if (hover_layer_ >= 0 && !ImGui::IsItemActive()) tooltip(static_cast<uint32_t>(hover_layer_));
}

}  // namespace nf::app
