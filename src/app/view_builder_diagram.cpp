// app/view_builder_diagram.cpp - the builder as a diagram tool: node colours and notes,
// labels and frames, align/distribute, snap, auto-arrange, the legend and the picture
// export. Colours come from views/builder_look.h and the exported picture from
// views/builder_picture.h, the same code `netforge render DOC.json` runs.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/builder_platform.h"
#include "app/graph_platform.h"
#include "app/theme.h"
#include "app/view_builder.h"
#include "scene/png.h"
#include "views/builder_look.h"
#include "views/builder_picture.h"

namespace nf::app {

namespace b = nf::builder;

namespace {

// Slide-friendly box colours (the first row of most presentation palettes).
constexpr uint32_t kSwatches[] = {0xF4CCCC, 0xFCE5CD, 0xFFF2CC, 0xD9EAD3, 0xD0E0E3, 0xCFE2F3, 0xD9D2E9, 0xEAD1DC,
                                  0xE06666, 0xF6B26B, 0xFFD966, 0x93C47D, 0x76A5AF, 0x6FA8DC, 0x8E7CC3, 0x3D3D3D};

ImU32 imColor(uint32_t rgb, int alpha = 255) {
  return IM_COL32((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF, alpha);
}

std::string hexText(uint32_t rgb) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%06x", rgb & 0xFFFFFF);
  return buf;
}

std::optional<uint32_t> parseHex(std::string t) {
  while (!t.empty() && t.back() == ' ') t.pop_back();
  while (!t.empty() && t.front() == ' ') t.erase(t.begin());
  if (!t.empty() && t[0] == '#') t.erase(t.begin());
  if (t.size() != 6) return std::nullopt;
  uint32_t v = 0;
  for (char c : t) {
    const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return std::nullopt;
    v = v << 4 | static_cast<uint32_t>(d);
  }
  return v;
}

}  // namespace

b::Vec2 BuilderView::nodeSize(size_t i) const {
  const float w = i < looks_.size() && looks_[i].width > 0 ? looks_[i].width : kNodeW;
  return b::Vec2{w, kNodeH};
}

b::Vec2 BuilderView::snapped(b::Vec2 p) const {
  if (!snap_) return p;
  return b::Vec2{std::round(p.x / kGrid) * kGrid, std::round(p.y / kGrid) * kGrid};
}

void BuilderView::alignSelection(b::AlignMode mode) {
  const b::Document& doc = editor_.document();
  std::vector<std::pair<b::Vec2, b::Vec2>> rects;
  std::vector<b::NodeId> ids;
  for (size_t i = 0; i < doc.nodes().size(); ++i)
    if (isSelected(doc.nodes()[i].id)) {
      rects.push_back({doc.nodes()[i].pos, nodeSize(i)});
      ids.push_back(doc.nodes()[i].id);
    }
  const std::vector<b::Vec2> at = b::alignedPositions(rects, mode);
  std::vector<std::pair<b::NodeId, b::Vec2>> moves;
  for (size_t k = 0; k < ids.size(); ++k) moves.push_back({ids[k], at[k]});
  static const char* kLabels[] = {"Align left", "Align centres", "Align right", "Align top", "Align middles",
                                  "Align bottom", "Distribute horizontally", "Distribute vertically"};
  auto st = editor_.placeNodes(moves, kLabels[static_cast<int>(mode)]);
  status_ = st.ok() ? "" : st.message();
}

void BuilderView::arrange(b::ArrangeDirection direction) {
  std::vector<b::Vec2> sizes;
  for (size_t i = 0; i < editor_.document().nodes().size(); ++i) sizes.push_back(nodeSize(i));
  auto st = editor_.autoArrange(direction, sizes);
  status_ = st.ok() ? "" : st.message();
  fit_pending_ = true;
  fit_all_ = true;  // the new arrangement as a whole, as asked for
}

void BuilderView::addAnnotation(b::Annotation::Kind kind) {
  b::Annotation a;
  a.kind = kind;
  const b::Document& doc = editor_.document();
  const bool frame = kind == b::Annotation::Kind::Frame;
  // A frame goes round the selection when there is one; otherwise both land in view.
  if (frame && !selection_.empty()) {
    double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
    for (size_t i = 0; i < doc.nodes().size(); ++i)
      if (isSelected(doc.nodes()[i].id)) {
        const b::Vec2 p = doc.nodes()[i].pos, s = nodeSize(i);
        x0 = std::min(x0, p.x), y0 = std::min(y0, p.y), x1 = std::max(x1, p.x + s.x), y1 = std::max(y1, p.y + s.y);
      }
    a.pos = {x0 - 24, y0 - 40};
    a.size = {x1 - x0 + 48, y1 - y0 + 64};
  } else if (!frame && !doc.nodes().empty()) {
    // A label goes above the selected nodes (or the whole diagram, as its title) rather
    // than on top of a box; one more label there stacks above the last.
    double x0 = 1e300, y0 = 1e300;
    for (size_t i = 0; i < doc.nodes().size(); ++i)
      if (selection_.empty() || isSelected(doc.nodes()[i].id))
        x0 = std::min(x0, doc.nodes()[i].pos.x), y0 = std::min(y0, doc.nodes()[i].pos.y);
    if (selection_.empty())
      for (const b::Annotation& o : doc.annotations()) y0 = std::min(y0, o.pos.y);
    a.pos = {x0, y0 - 48};
    for (bool moved = true; moved;) {
      moved = false;
      for (const b::Annotation& o : doc.annotations())
        if (std::abs(o.pos.x - a.pos.x) < 1 && std::abs(o.pos.y - a.pos.y) < 1) a.pos.y -= 40, moved = true;
    }
  } else {
    a.pos = snapped(toCanvas(ImVec2(canvas_origin_.x + canvas_size_.x * 0.35f, canvas_origin_.y + canvas_size_.y * 0.3f)));
    a.size = frame ? b::Vec2{280, 180} : b::Vec2{};
  }
  a.text = frame ? "Block" : "Label";
  auto id = editor_.addAnnotation(a);
  if (!id) {
    status_ = id.error().message;
    return;
  }
  selectMany({});
  selected_annotation_ = *id;
  note_key_.clear();
  // Placed out of view (above the diagram): show the whole picture.
  const ImVec2 at = toScreen(a.pos);
  if (at.x < canvas_origin_.x || at.y < canvas_origin_.y || at.x > canvas_origin_.x + canvas_size_.x ||
      at.y > canvas_origin_.y + canvas_size_.y) {
    fit_pending_ = true;
    fit_all_ = true;
  }
}

void BuilderView::drawDiagramToolbar() {
  if (ImGui::Button("+ Label")) addAnnotation(b::Annotation::Kind::Label);
  note("btn:Add label");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Free text anywhere on the canvas (drag to move)");
  ImGui::SameLine();
  if (ImGui::Button("+ Frame")) addAnnotation(b::Annotation::Kind::Frame);
  note("btn:Add frame");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("A titled group box (round the selection, if any); drag its title, resize at its corner");
  ImGui::SameLine();
  if (ImGui::Button("Align...")) ImGui::OpenPopup("builder_align");
  note("btn:Align");
  if (ImGui::BeginPopup("builder_align")) {
    static const char* kItems[] = {"Left edges", "Centres (vertical line)", "Right edges", "Top edges",
                                   "Middles (horizontal line)", "Bottom edges", "Distribute horizontally",
                                   "Distribute vertically"};
    const bool enough = selection_.size() >= 2;
    for (int k = 0; k < 8; ++k) {
      if (k == 6) ImGui::Separator();
      if (ImGui::MenuItem(kItems[k], nullptr, false, enough && (k < 6 || selection_.size() >= 3)))
        alignSelection(static_cast<b::AlignMode>(k));
      note(std::string("align:") + std::to_string(k));
    }
    if (!enough) ImGui::TextDisabled("Select two or more nodes (Ctrl+click or drag a box).");
    ImGui::EndPopup();
  }
  ImGui::SameLine();
  ImGui::Checkbox("Snap", &snap_);
  note("snap");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Snap moved nodes to a %.0f-unit grid", kGrid);
  ImGui::SameLine();
  if (ImGui::Button("Arrange v")) arrange(b::ArrangeDirection::TopToBottom);
  note("btn:Arrange TB");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Auto-arrange top to bottom (layered layout)");
  ImGui::SameLine();
  if (ImGui::Button("Arrange >")) arrange(b::ArrangeDirection::LeftToRight);
  note("btn:Arrange LR");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Auto-arrange left to right (layered layout)");
  ImGui::SameLine();
  ImGui::Checkbox("Legend", &show_legend_);
  note("legend_toggle");
  ImGui::SameLine();
  // Diagram | Layered | Neurons: the editable diagram, or one of the model's pictures.
  static constexpr PictureView kViews[] = {PictureView::Graph, PictureView::Layered, PictureView::Neurons};
  static constexpr const char* kLabels[] = {"Diagram", "Layered", "Neurons"};
  static constexpr const char* kTips[] = {
      "The editable diagram",
      "The model as layered boxes (visualkeras-style), sized by each layer's output; wheel zooms, drag pans, click selects",
      "The dense layers as neurons (ANN Visualizer-style), layers before them as boxes; wheel zooms, drag pans, click selects"};
  for (int k = 0; k < 3; ++k) {
    if (k > 0) ImGui::SameLine(0, 2.0f);
    const bool on = picture_view_ == kViews[k];
    if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    const bool clicked = ImGui::Button(kLabels[k]);
    if (on) ImGui::PopStyleColor();
    note(std::string("picture:") + kLabels[k]);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", kTips[k]);
    if (clicked && !on) {
      picture_view_ = kViews[k];
      picture_message_.clear();
      picture_.requestFit();
    }
  }
  ImGui::SameLine();
  if (ImGui::Button("Export picture...")) {
    export_message_.clear();
    export_selection_ = selection_.size() > 1;
    ImGui::OpenPopup("Export picture");
  }
  note("btn:Export picture");
  drawExportPopup();
}

void BuilderView::exportPicture(bool png) {
  views::BuilderPictureOptions po;
  po.dark = export_background_ == 1;
  po.shapes = export_shapes_;
  po.params = export_params_;
  po.notes = export_notes_;
  po.legend = export_legend_;
  if (export_selection_) po.only = selection_;
  // A 16:9 slide of the whole model sets a long diagram in columns (the canvas keeps its own).
  const std::optional<b::Document> columns =
      export_fit_ && !export_selection_ ? views::builderSlideColumns(editor_.document(), analysis_, po) : std::nullopt;
  const views::Drawing drawing = columns ? views::builderPicture(*columns, b::analyze(*columns, framework_), po)
                                         : views::builderPicture(editor_.document(), analysis_, po);
  views::ExportOptions eo;
  eo.scale = std::clamp(export_scale_, 0.25f, 8.0f);
  eo.transparent = export_background_ == 2;
  eo.fit_16_9 = export_fit_;
  eo.margin = 24.0f;
  std::string base = editor_.document().name.empty() ? "model" : editor_.document().name;
  for (char& c : base)
    if (c == '/' || c == '\\' || c == ':' || static_cast<unsigned char>(c) < 32) c = '_';
  if (png) {
    const views::RgbaImage img = views::rasterize(drawing, eo);
    const std::vector<uint8_t> bytes = scene::encodePngRgba(img.width, img.height, img.rgba);
    platform::downloadFile(base + "-diagram.png", bytes.data(), bytes.size(), "image/png");
    export_message_ = "PNG " + std::to_string(img.width) + " x " + std::to_string(img.height) + " px";
  } else {
    const std::string svg = views::toSvg(drawing, eo);
    platform::downloadFile(base + "-diagram.svg", reinterpret_cast<const uint8_t*>(svg.data()), svg.size(),
                           "image/svg+xml");
    export_message_ = "SVG, " + std::to_string(drawing.groupCount("node")) + " boxes";
  }
}

void BuilderView::drawExportPopup() {
  if (!ImGui::BeginPopupModal("Export picture", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  ImGui::TextUnformatted("A picture for slides: the boxes as placed on the canvas.");
  ImGui::RadioButton("Light", &export_background_, 0);
  note("export_bg:light");
  ImGui::SameLine();
  ImGui::RadioButton("Dark", &export_background_, 1);
  note("export_bg:dark");
  ImGui::SameLine();
  ImGui::RadioButton("Transparent", &export_background_, 2);
  note("export_bg:transparent");
  ImGui::SetNextItemWidth(160);
  ImGui::SliderFloat("Scale (PNG)", &export_scale_, 0.5f, 4.0f, "%.1fx");
  note("export_scale");
  ImGui::Checkbox("Fit a 16:9 slide", &export_fit_);
  note("export_fit");
  ImGui::Checkbox("Shapes", &export_shapes_);
  note("export_shapes");
  ImGui::SameLine();
  ImGui::Checkbox("Parameter counts", &export_params_);
  note("export_params");
  ImGui::SameLine();
  ImGui::Checkbox("Notes, labels, frames", &export_notes_);
  note("export_notes");
  ImGui::Checkbox("Legend", &export_legend_);
  note("export_legend");
  ImGui::SameLine();
  ImGui::BeginDisabled(selection_.empty());
  ImGui::Checkbox("Selection only", &export_selection_);
  ImGui::EndDisabled();
  note("export_selection");
  if (ImGui::Button("Download SVG")) exportPicture(false);
  note("btn:Download SVG");
  ImGui::SameLine();
  if (ImGui::Button("Download PNG")) exportPicture(true);
  note("btn:Download PNG");
  ImGui::SameLine();
  if (ImGui::Button("Close")) ImGui::CloseCurrentPopup();
  note("btn:Close export");
  if (!export_message_.empty()) ImGui::TextDisabled("%s", export_message_.c_str());
  ImGui::EndPopup();
}

void BuilderView::drawLegend(ImDrawList* dl, ImVec2 origin, ImVec2 size, bool light) {
  legend_h_ = 0;
  if (!show_legend_) return;
  const std::vector<b::LayerCategory> used = views::categoriesUsed(editor_.document());
  if (used.empty()) return;
  // A strip along the bottom of the canvas, its entries in rows (wrapping at the
  // canvas width), so that Fit can keep the diagram above it.
  const float line = ImGui::GetTextLineHeight(), pad = 6, gap = 14;
  const float max_w = std::max(size.x - 16 - 2 * pad, line * 6);
  std::vector<ImVec2> at;  // each entry's offset in the box
  float x = 0, y = 0, box_w = 0;
  for (b::LayerCategory c : used) {
    const float w = line + 2 + ImGui::CalcTextSize(b::layerCategoryLabel(c)).x;
    if (x > 0 && x + w > max_w) x = 0, y += line + 4;
    at.push_back(ImVec2(x, y));
    box_w = std::max(box_w, x + w);
    x += w + gap;
  }
  const ImVec2 box(box_w + 2 * pad, y + line + 2 * pad);
  const ImVec2 tl(origin.x + 8, origin.y + size.y - box.y - 8);
  legend_h_ = box.y + 16;
  dl->AddRectFilled(tl, ImVec2(tl.x + box.x, tl.y + box.y), light ? IM_COL32(255, 255, 255, 225) : IM_COL32(24, 27, 32, 225), 4.0f);
  dl->AddRect(tl, ImVec2(tl.x + box.x, tl.y + box.y), light ? IM_COL32(190, 195, 205, 255) : IM_COL32(80, 86, 98, 255), 4.0f);
  // Swatch outlines in the text colour: the darkest fills (input/output) stay visible.
  const ImU32 outline = light ? IM_COL32(90, 96, 108, 255) : IM_COL32(150, 156, 168, 255);
  for (size_t k = 0; k < used.size(); ++k) {
    const ImVec2 p(tl.x + pad + at[k].x, tl.y + pad + at[k].y);
    const uint32_t fill = views::categoryColor(used[k], !light);
    dl->AddRectFilled(ImVec2(p.x, p.y + 2), ImVec2(p.x + line - 4, p.y + line - 2), imColor(fill), 2.0f);
    dl->AddRect(ImVec2(p.x, p.y + 2), ImVec2(p.x + line - 4, p.y + line - 2), outline, 2.0f);
    dl->AddText(ImVec2(p.x + line + 2, p.y), ImGui::GetColorU32(ImGuiCol_Text), b::layerCategoryLabel(used[k]));
  }
  noteRect("legend", tl, ImVec2(tl.x + box.x, tl.y + box.y));
}

void BuilderView::drawNodeLook(const b::Node& n) {
  ImGui::PushID("look");
  ImGui::TextUnformatted("Colour");
  ImGui::SameLine();
  const float sw = ImGui::GetFrameHeight() * 0.8f;
  for (size_t k = 0; k < std::size(kSwatches); ++k) {
    if (k % 8 != 0) ImGui::SameLine(0, 3);
    else if (k) ImGui::Dummy(ImVec2(ImGui::CalcTextSize("Colour").x, 0)), ImGui::SameLine();
    ImGui::PushID(static_cast<int>(k));
    const uint32_t c = kSwatches[k];
    if (ImGui::ColorButton("##sw", ImVec4(((c >> 16) & 0xFF) / 255.0f, ((c >> 8) & 0xFF) / 255.0f, (c & 0xFF) / 255.0f, 1.0f),
                           ImGuiColorEditFlags_NoTooltip, ImVec2(sw, sw))) {
      auto st = editor_.setNodeColor(n.id, c);
      status_ = st.ok() ? "" : st.message();
    }
    note("swatch:" + std::to_string(k));
    ImGui::PopID();
  }
  const std::string key = "n" + std::to_string(n.id.index);
  if (note_key_ != key) {
    note_key_ = key;
    note_buffer_ = n.note;
  }
  if (!hex_editing_) color_buffer_ = n.color ? hexText(*n.color) : "";  // follows swatches, undo, redo
  ImGui::SetNextItemWidth(110);
  const bool entered = inputString("##hex", "#rrggbb", &color_buffer_, ImGuiInputTextFlags_EnterReturnsTrue);
  hex_editing_ = ImGui::IsItemActive();
  if (entered || ImGui::IsItemDeactivatedAfterEdit()) {
    if (auto c = parseHex(color_buffer_)) {
      auto st = editor_.setNodeColor(n.id, *c);
      status_ = st.ok() ? "" : st.message();
    } else if (color_buffer_.empty()) {
      (void)editor_.setNodeColor(n.id, std::nullopt);
    } else {
      status_ = "A colour is #rrggbb, e.g. #ffd966";
    }
  }
  note("node_color");
  ImGui::SameLine();
  ImGui::BeginDisabled(!n.color);
  if (ImGui::Button("Category colour")) {
    (void)editor_.setNodeColor(n.id, std::nullopt);
    color_buffer_.clear();
  }
  ImGui::EndDisabled();
  note("btn:Category colour");
  ImGui::TextUnformatted("Note (drawn beside the box)");
  // Every keystroke is committed (merged into one undo step), so nothing typed is lost
  // when the selection changes before the field is left.
  if (inputStringMultiline("##note", &note_buffer_, ImVec2(-1, ImGui::GetTextLineHeight() * 3.5f))) {
    auto st = editor_.setNote(n.id, note_buffer_, true);
    status_ = st.ok() ? "" : st.message();
  }
  note("node_note");
  if (!ImGui::IsItemActive() && note_buffer_ != n.note) note_buffer_ = n.note;  // undo, redo
  ImGui::PopID();
}

void BuilderView::drawAnnotationProperties() {
  const b::Annotation* a = editor_.document().annotation(selected_annotation_);
  if (!a) return;
  const bool frame = a->kind == b::Annotation::Kind::Frame;
  ImGui::Text(frame ? "Frame" : "Label");
  const std::string key = "a" + std::to_string(a->id);
  if (note_key_ != key) {
    note_key_ = key;
    note_buffer_ = a->text;
  }
  ImGui::TextUnformatted(frame ? "Title" : "Text");
  if (inputStringMultiline("##atext", &note_buffer_, ImVec2(-1, ImGui::GetTextLineHeight() * 3.5f))) {
    b::Annotation edited = *a;
    edited.text = note_buffer_;
    auto st = editor_.updateAnnotation(edited, true);  // keystrokes merge into one step
    status_ = st.ok() ? "" : st.message();
    a = editor_.document().annotation(selected_annotation_);
    if (!a) return;
  }
  note("annotation_text");
  if (!ImGui::IsItemActive() && note_buffer_ != a->text) note_buffer_ = a->text;
  ImGui::TextUnformatted("Colour");
  const float sw = ImGui::GetFrameHeight() * 0.8f;
  for (size_t k = 8; k < std::size(kSwatches); ++k) {
    ImGui::SameLine(0, 3);
    ImGui::PushID(static_cast<int>(k));
    const uint32_t c = kSwatches[k];
    if (ImGui::ColorButton("##asw", ImVec4(((c >> 16) & 0xFF) / 255.0f, ((c >> 8) & 0xFF) / 255.0f, (c & 0xFF) / 255.0f, 1.0f),
                           ImGuiColorEditFlags_NoTooltip, ImVec2(sw, sw))) {
      b::Annotation edited = *a;
      edited.color = c;
      (void)editor_.updateAnnotation(edited);
    }
    ImGui::PopID();
  }
  if (ImGui::Button(frame ? "Delete frame" : "Delete label")) {
    (void)editor_.removeAnnotations({selected_annotation_});
    selected_annotation_ = 0;
  }
  note("btn:Delete annotation");
}

void BuilderView::drawPicture(bool dark) {
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImVec2 size = ImGui::GetContentRegionAvail();
  const float bar = ImGui::GetFrameHeightWithSpacing();
  // A row for the picture's own exports (and the legend's dims), then the picture.
  const std::string base = editor_.document().name.empty() ? "model" : editor_.document().name;
  if (ImGui::SmallButton("SVG")) picture_message_ = picture_.exportSvg(base);
  note("picture_svg");
  ImGui::SameLine();
  if (ImGui::SmallButton("PNG")) picture_message_ = picture_.exportPng(base, 2.0f);
  note("picture_png");
  bool dims = picture_.legendDims();
  if (picture_view_ == PictureView::Layered) {
    ImGui::SameLine();
    ImGui::Checkbox("Legend dims", &dims);
    note("legend_dims");
  }
  ImGui::SameLine();
  ImGui::TextDisabled("%s", picture_message_.empty() ? picture_.caption().c_str() : picture_message_.c_str());
  size.y = std::max(40.0f, size.y - bar);
  const ImVec2 at(pos.x, pos.y + bar);
  ImGui::SetCursorScreenPos(at);
  ImGui::InvisibleButton("##picture", size, ImGuiButtonFlags_MouseButtonLeft);
  note("picture_canvas");
  picture_.setLook(dark, dims);
  // Keyed by the revision analysis_ describes (seen_): an edit made earlier in this frame
  // (the picker's "+") is drawn on the next one, once refresh() has analysed it.
  if (picture_message_seen_ != seen_) picture_message_.clear();  // "Saved ..." was of the previous model
  picture_message_seen_ = seen_;
  picture_.prepareBuilder(editor_.document(), analysis_, seen_, picture_view_);
  if (picture_.busy()) picture_.step(8.0);
  if (!picture_.error().empty()) {
    ImGui::GetWindowDrawList()->AddText(ImVec2(at.x + 12, at.y + 12), ImGui::GetColorU32(ImGuiCol_TextDisabled),
                                        picture_.error().c_str());
    return;
  }
  // The builder's selection outlined; a click on a box or neuron layer selects its node.
  const auto& nodes = editor_.document().nodes();
  int32_t selected = -1;
  for (size_t i = 0; i < picture_.layers().layers.size() && selected < 0; ++i)
    for (uint32_t s : picture_.layers().layers[i].sources)
      if (s < nodes.size() && nodes[s].id == selected_) selected = static_cast<int32_t>(i);
  picture_.setSelectedLayer(selected);
  picture_.draw(ImGui::GetWindowDrawList(), at, size, 0.0f);
  if (const int32_t clicked = picture_.takeClick(); clicked >= 0) {
    const auto& sources = picture_.layers().layers[static_cast<size_t>(clicked)].sources;
    if (!sources.empty() && sources[0] < nodes.size()) select(nodes[sources[0]].id);
  }
}

}  // namespace nf::app
