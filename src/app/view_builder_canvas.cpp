// app/view_builder_canvas.cpp - the builder's canvas: nodes, ports, edges, gestures.
//
// Coordinates: document positions (node top-left corners) are canvas units; screen =
// canvas_origin_ + scroll_ + pos * zoom_. Gestures (left button unless said):
//   press on an output port, release on a node/input port   connect
//   press on a node                                          select (Ctrl: add/remove), drag moves the selection
//   Shift+click a node with another selected                 connect selected -> clicked (again: disconnect)
//   press on empty canvas and drag                           box-select (node centres inside)
//   right or middle drag                                     pan
//   wheel (with or without Ctrl: pinch arrives as Ctrl+wheel) zoom about the mouse
// Every edit goes through builder::Editor, so all of it is undoable.
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "app/theme.h"
#include "app/view_builder.h"
#include "base/strings.h"
#include "views/builder_look.h"

namespace nf::app {

namespace b = nf::builder;

namespace {

constexpr float kPortR = 5.0f;
constexpr float kMinZoom = 0.1f, kMaxZoom = 3.0f;

ImVec2 add(ImVec2 a, ImVec2 c) { return ImVec2(a.x + c.x, a.y + c.y); }
ImU32 imColor(uint32_t rgb, int alpha = 255) {
  return IM_COL32((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF, alpha);
}
float dist2(ImVec2 a, ImVec2 c) { return (a.x - c.x) * (a.x - c.x) + (a.y - c.y) * (a.y - c.y); }

}  // namespace

// [SECTION] View transform

ImVec2 BuilderView::toScreen(b::Vec2 p) const {
  return ImVec2(canvas_origin_.x + scroll_.x + static_cast<float>(p.x) * zoom_,
                canvas_origin_.y + scroll_.y + static_cast<float>(p.y) * zoom_);
}

b::Vec2 BuilderView::toCanvas(ImVec2 s) const {
  return b::Vec2{(s.x - canvas_origin_.x - scroll_.x) / zoom_, (s.y - canvas_origin_.y - scroll_.y) / zoom_};
}

void BuilderView::scrollIntoView(b::NodeId id) {
  const b::Node* n = editor_.document().node(id);
  if (!n || canvas_size_.x <= 0 || canvas_size_.y <= 0) return;
  constexpr float kMargin = 24.0f;
  const ImVec2 tl = toScreen(viewPos(static_cast<size_t>(n - editor_.document().nodes().data())));
  const ImVec2 br(tl.x + kNodeW * zoom_, tl.y + kNodeH * zoom_);
  // The legend strip along the bottom is not a place to show the node (as for Fit).
  const float legend = legend_h_ < canvas_size_.y * 0.4f ? legend_h_ : 0.0f;
  const float left = canvas_origin_.x + kMargin, top = canvas_origin_.y + kMargin;
  const float right = canvas_origin_.x + canvas_size_.x - kMargin;
  const float bottom = canvas_origin_.y + canvas_size_.y - legend - kMargin;
  if (br.x > right) scroll_.x -= br.x - right;
  if (tl.x < left) scroll_.x += left - tl.x;
  if (br.y > bottom) scroll_.y -= br.y - bottom;
  if (tl.y < top) scroll_.y += top - tl.y;
}

void BuilderView::zoomAt(float factor, ImVec2 anchor) {
  const float z = std::clamp(zoom_ * factor, kMinZoom, kMaxZoom);
  const b::Vec2 fixed = toCanvas(anchor);  // stays under the anchor
  zoom_ = z;
  scroll_.x = anchor.x - canvas_origin_.x - static_cast<float>(fixed.x) * zoom_;
  scroll_.y = anchor.y - canvas_origin_.y - static_cast<float>(fixed.y) * zoom_;
}

void BuilderView::fitView(bool readable) {
  // An edit earlier in this frame (Arrange from the toolbar) moved layers that refresh()
  // has not seen yet: fit their new positions, not the drawn ones of the last frame.
  if (editor_.revision() != seen_) refold(true);
  const auto& nodes = editor_.document().nodes();
  if (nodes.empty() || canvas_size_.x <= 0) {
    zoom_ = 1.0f;
    scroll_ = ImVec2(40, 40);
    return;
  }
  double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
  const bool measured = looks_.size() == nodes.size();
  // What the canvas draws: layers not in a folded run, and the runs' boxes.
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (i < fold_view_.hidden_by.size() && fold_view_.hidden_by[i] >= 0) continue;
    const b::Vec2 p = viewPos(i);
    const float w = measured && looks_[i].width > 0 ? looks_[i].width : kNodeW;
    x0 = std::min(x0, p.x), y0 = std::min(y0, p.y);
    x1 = std::max(x1, p.x + w), y1 = std::max(y1, p.y + kNodeH);
  }
  for (size_t k = 0; k < fold_view_.boxes.size(); ++k) {
    const b::FoldedView::Box& box = fold_view_.boxes[k];
    if (!box.layers || !box.folded) continue;
    const float w = k < fold_widths_.size() && fold_widths_[k] > 0 ? fold_widths_[k] : kNodeW;
    x0 = std::min(x0, box.pos.x), y0 = std::min(y0, box.pos.y);
    x1 = std::max(x1, box.pos.x + w), y1 = std::max(y1, box.pos.y + kNodeH);
  }
  // Frames and labels are part of the picture too (a label's extent is estimated).
  for (const b::Annotation& a : editor_.document().annotations()) {
    const bool frame = a.kind == b::Annotation::Kind::Frame;
    const double w = frame ? a.size.x : 11.0 * static_cast<double>(std::min<size_t>(a.text.size(), 60));
    const double h = frame ? a.size.y : 26.0;
    x0 = std::min(x0, a.pos.x), y0 = std::min(y0, a.pos.y);
    x1 = std::max(x1, a.pos.x + w), y1 = std::max(y1, a.pos.y + h);
  }
  const float margin = kFitMargin;
  // The legend strip along the bottom is not covered (when it leaves room).
  const float avail_h = canvas_size_.y - (legend_h_ < canvas_size_.y * 0.4f ? legend_h_ : 0.0f);
  const float w = static_cast<float>(x1 - x0), h = static_cast<float>(y1 - y0);
  zoom_ = std::clamp(std::min((canvas_size_.x - 2 * margin) / w, (avail_h - 2 * margin) / h), kMinZoom, 1.5f);
  scroll_.x = (canvas_size_.x - w * zoom_) * 0.5f - static_cast<float>(x0) * zoom_;
  fit_cut_ = readable && zoom_ < readableZoom();
  if (fit_cut_) {  // the top of the model, centred if it is narrow enough
    zoom_ = readableZoom();
    scroll_.x = w * zoom_ < canvas_size_.x - 2 * margin ? (canvas_size_.x - w * zoom_) * 0.5f - static_cast<float>(x0) * zoom_
                                                        : margin - static_cast<float>(x0) * zoom_;
  }
  scroll_.y = margin - static_cast<float>(y0) * zoom_;
  if (h * zoom_ < avail_h - 2 * margin) scroll_.y = (avail_h - h * zoom_) * 0.5f - static_cast<float>(y0) * zoom_;
  if (fit_cut_ && selected_.valid()) scrollIntoView(selected_);  // the layer being worked on stays in sight
  fitted_zoom_ = zoom_;
  fitted_scroll_ = scroll_;
  fitted_legend_h_ = legend_h_;
  fitted_readable_ = readable;
}

float BuilderView::boxWidth(const std::string& name, const std::string& sub) {
  ImFont* font = ImGui::GetFont();
  const float base = ImGui::GetFontSize();
  const float text = std::max(font->CalcTextSizeA(base, FLT_MAX, 0.0f, name.c_str()).x,
                              font->CalcTextSizeA(base, FLT_MAX, 0.0f, sub.c_str()).x);
  return std::max(kNodeW, std::ceil(text + 16.0f));
}

float BuilderView::readableZoom() const { return kReadableTextPx / ImGui::GetFontSize(); }

void BuilderView::fitPressed() {
  const bool same_view = fit_cut_ && zoom_ == fitted_zoom_ && scroll_.x == fitted_scroll_.x && scroll_.y == fitted_scroll_.y;
  fitView(!same_view);
}

// [SECTION] Drawing and gestures

void BuilderView::drawCanvas() {
  const b::Document& doc = editor_.document();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  canvas_origin_ = ImGui::GetCursorScreenPos();
  canvas_size_ = ImGui::GetContentRegionAvail();
  const ImVec2 origin = canvas_origin_, size = canvas_size_;
  if (fit_pending_) {
    fit_pending_ = false;
    fitView(!fit_all_);
    fit_all_ = false;
  }
  ImGui::InvisibleButton("##canvasbg", size,
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight |
                             ImGuiButtonFlags_MouseButtonMiddle);
  note("canvas");
  const bool canvas_hovered = ImGui::IsItemHovered();
  ImGuiIO& io = ImGui::GetIO();
  const ImVec2 mouse = io.MousePos;
  dl->PushClipRect(origin, add(origin, size), true);

  const float z = zoom_;
  const float node_w = kNodeW * z, node_h = kNodeH * z;
  ImFont* font = ImGui::GetFont();
  const float font_size = ImGui::GetFontSize() * z;
  const bool draw_text = font_size >= 5.0f;  // below that, text is noise (and costly)
  const bool draw_sub = font_size >= 8.0f;
  const bool look_ok = looks_.size() == doc.nodes().size();
  // Level of detail: zoomed far out, boxes are small. Square corners, no anti-aliasing,
  // square ports and 4-segment curves cut the vertex count (what SwiftShader pays for)
  // by about four without a visible difference at that size.
  const bool coarse = z < 0.45f;
  // Farther still (boxes a few pixels tall) ports are too small to use: not drawn (they
  // still answer the mouse), borders are a second quad, edges straight lines.
  const bool tiny = z < 0.3f;
  const ImDrawListFlags saved_flags = dl->Flags;
  if (coarse) dl->Flags &= ~(ImDrawListFlags_AntiAliasedLines | ImDrawListFlags_AntiAliasedFill);
  const float rounding = coarse ? 0.0f : 5.0f * z;
  const int curve_segments = coarse ? 4 : 12;
  const size_t vtx_start = static_cast<size_t>(dl->VtxBuffer.Size);
  const size_t node_count = doc.nodes().size();
  auto hidden = [&](size_t i) { return i < fold_view_.hidden_by.size() && fold_view_.hidden_by[i] >= 0; };
  // Boxes are as wide as their text (at least kNodeW): "TransformerEncoderLayer  Nx20x64"
  // must not run out of its box. Measured once per look (looks_ are rebuilt per edit).
  auto widthOf = [&](size_t i) -> float {
    if (!look_ok || looks_[i].id != doc.nodes()[i].id) return node_w;
    NodeLook& l = looks_[i];
    if (l.width < 0) l.width = boxWidth(doc.nodes()[i].name, l.sub);
    return l.width * z;
  };
  // A folded run's box: its title and how many layers it holds.
  auto foldSub = [&](size_t k) {
    return withThousands(static_cast<int64_t>(fold_view_.boxes[k].layers)) + " layers, click to unfold";
  };
  if (fold_widths_.size() < folds_.size()) fold_widths_.resize(folds_.size(), -1.0f);
  auto foldWidth = [&](size_t k) -> float {
    if (fold_widths_[k] < 0) fold_widths_[k] = boxWidth(b::foldTitle(folds_[k]), foldSub(k));
    return fold_widths_[k] * z;
  };
  // Edge ends: a layer (index < node_count) or a folded run's box (node_count + fold).
  const size_t end_count = node_count + std::min(folds_.size(), fold_view_.boxes.size());
  auto endTopLeft = [&](size_t end) {
    return toScreen(end < node_count ? viewPos(end) : fold_view_.boxes[end - node_count].pos);
  };
  auto endWidth = [&](size_t end) { return end < node_count ? widthOf(end) : foldWidth(end - node_count); };
  auto inPort = [&](ImVec2 tl, float w, int port, int count) { return ImVec2(tl.x + w * (port + 1) / (count + 1), tl.y); };
  // Output k of `count` along the bottom edge (one output: the middle).
  auto outPort = [&](ImVec2 tl, float w, int k, int count) { return ImVec2(tl.x + w * (k + 1) / (count + 1), tl.y + node_h); };
  auto visible = [&](ImVec2 a, ImVec2 c) {
    return c.x >= origin.x && c.y >= origin.y && a.x <= origin.x + size.x && a.y <= origin.y + size.y;
  };
  const bool publishing = !(io.MouseDown[0] || io.MouseDown[1] || io.MouseDown[2]);
  const ImU32 text_col = ImGui::GetColorU32(ImGuiCol_Text);
  // Node colours follow the theme: dark boxes on the dark theme, light on the light one.
  const ImVec4 win_bg = ImGui::GetStyleColorVec4(ImGuiCol_WindowBg);
  const bool light = 0.2126f * win_bg.x + 0.7152f * win_bg.y + 0.0722f * win_bg.z > 0.5f;
  const ImU32 fill_error = light ? IM_COL32(250, 214, 210, 255) : IM_COL32(120, 35, 35, 240);
  const ImU32 fill_blocked = light ? IM_COL32(226, 227, 230, 255) : IM_COL32(60, 60, 60, 240);
  const ImU32 note_col = light ? IM_COL32(107, 90, 16, 255) : IM_COL32(232, 212, 138, 255);
  const ImU32 edge_col = light ? IM_COL32(120, 135, 160, 255) : IM_COL32(150, 170, 200, 255);
  const ImU32 label_col = light ? IM_COL32(30, 120, 55, 255) : IM_COL32(120, 190, 120, 255);

  // Frames under everything: a tinted box with its title; the title band moves it, the
  // bottom-right corner resizes it.
  uint32_t hover_annotation = 0;
  bool hover_resize = false;
  for (const b::Annotation& a : doc.annotations()) {
    if (a.kind != b::Annotation::Kind::Frame) continue;
    const ImVec2 tl = toScreen(a.pos);
    const ImVec2 br = toScreen(b::Vec2{a.pos.x + std::max(a.size.x, 40.0), a.pos.y + std::max(a.size.y, 30.0)});
    if (!visible(tl, br)) continue;
    const uint32_t hue = a.color ? *a.color : (light ? 0x5B6B82u : 0x8A96A8u);
    const bool sel = a.id == selected_annotation_;
    dl->AddRectFilled(tl, br, imColor(hue, light ? 26 : 40), 8.0f * z);
    dl->AddRect(tl, br, sel ? ImGui::GetColorU32(ImGuiCol_CheckMark) : imColor(hue, 220), 8.0f * z, 0, sel ? 2.5f : 1.5f);
    const ImVec2 band_br(br.x, tl.y + 26.0f * z);
    if (draw_text)
      dl->AddText(font, font_size, ImVec2(tl.x + 10 * z, tl.y + 6 * z), imColor(light ? scene::shadeColor(hue, 0.75f) : scene::mixColor(hue, 0xFFFFFF, 0.4f)),
                  a.text.c_str(), a.text.c_str() + std::min(a.text.find('\n'), a.text.size()));
    const ImVec2 grip(br.x - 12.0f, br.y - 12.0f);
    dl->AddTriangleFilled(ImVec2(br.x - 2, grip.y), br, ImVec2(grip.x, br.y - 2), imColor(hue, 200));
    if (mouse.x >= tl.x && mouse.x <= band_br.x && mouse.y >= tl.y && mouse.y <= band_br.y) hover_annotation = a.id;
    if (mouse.x >= grip.x && mouse.x <= br.x && mouse.y >= grip.y && mouse.y <= br.y) hover_annotation = a.id, hover_resize = true;
    if (publishing) {
      noteRect("frame:" + a.text.substr(0, a.text.find('\n')), tl, band_br);
      noteRect("frame_grip:" + a.text.substr(0, a.text.find('\n')), grip, br);
    }
  }

  // Edges, under the nodes, labelled with the shape they carry.
  const float thick = std::max(1.0f, 2.0f * z);
  std::vector<ImVec2> route_points;
  if (look_ok && detours_for_ != seen_) {  // once per edit: the lines that go round boxes
    std::vector<layout::Rect> boxes;  // per edge end; what is not drawn lies far above everything
    for (size_t end = 0; end < end_count; ++end) {
      const bool drawn = end < node_count ? !hidden(end) : fold_view_.boxes[end - node_count].folded &&
                                                               fold_view_.boxes[end - node_count].layers > 0;
      const b::Vec2 p = end < node_count ? viewPos(end) : fold_view_.boxes[end - node_count].pos;
      boxes.push_back(drawn ? layout::Rect{static_cast<float>(p.x), static_cast<float>(p.y), endWidth(end) / z, kNodeH}
                            : layout::Rect{0, -1e9f, 0, 0});
    }
    std::vector<std::pair<size_t, size_t>> ends;
    for (const EdgeLook& el : edge_looks_) ends.push_back({el.from, el.to});
    edge_detours_ = views::builderEdgeDetours(boxes, ends, 24.0f);
    detours_for_ = seen_;
  }
  for (size_t ei = 0; ei < edge_looks_.size(); ++ei) {
    const EdgeLook& el = edge_looks_[ei];
    if (el.from >= end_count || el.to >= end_count) continue;
    const int ports = look_ok && el.to < node_count ? looks_[el.to].ports : 1;
    const int outputs = look_ok && el.from < node_count ? looks_[el.from].outputs : 1;
    const ImVec2 from_tl = endTopLeft(el.from), to_tl = endTopLeft(el.to);
    ImVec2 p0 = outPort(from_tl, endWidth(el.from), el.out, outputs);
    ImVec2 p1 = inPort(to_tl, endWidth(el.to), el.port, ports);
    if (!visible(ImVec2(std::min(p0.x, p1.x) - 60 * z, std::min(p0.y, p1.y) - 60 * z),
                 ImVec2(std::max(p0.x, p1.x) + 60 * z, std::max(p0.y, p1.y) + 60 * z)))
      continue;
    // A fixed, small segment count: adaptive tessellation of 500 curves is a frame's budget.
    const float from_x = from_tl.x, to_x = to_tl.x;
    const views::BuilderEdgeRoute route =
        views::builderEdgeRoute({p0.x, p0.y}, {p1.x, p1.y}, from_x, from_x + endWidth(el.from), to_x,
                                to_x + endWidth(el.to), 30.0f * z, tiny ? 1 : curve_segments,
                                ei < edge_detours_.size() && std::isfinite(edge_detours_[ei]) ? toScreen({edge_detours_[ei], 0}).x : NAN);
    route_points.clear();
    for (const auto& p : route.line) route_points.push_back(ImVec2(p.x, p.y));
    dl->AddPolyline(route_points.data(), static_cast<int>(route_points.size()), edge_col, ImDrawFlags_None, thick);
    if (draw_sub && !el.label.empty())
      dl->AddText(font, font_size, ImVec2(route.label.x + 6 * z, route.label.y - 7 * z), label_col, el.label.c_str());
  }
  if (link_from_.valid()) {
    if (const b::Node* from = doc.node(link_from_)) {
      const size_t from_index = static_cast<size_t>(from - doc.nodes().data());
      ImVec2 p0 = outPort(toScreen(viewPos(from_index)), widthOf(from_index), link_out_, look_ok ? looks_[from_index].outputs : 1);
      dl->AddBezierCubic(p0, ImVec2(p0.x, p0.y + 40), ImVec2(mouse.x, mouse.y - 40), mouse,
                         IM_COL32(230, 200, 90, 255), 2.0f, 16);
    }
  }

  // Nodes; find what the mouse is over on the way.
  b::NodeId hover_node, hover_out, hover_in;
  int hover_port = -1, hover_out_k = 0;
  const float port_r = std::max(2.5f, kPortR * std::min(z, 1.5f));
  // Zoomed far out a port's reach must not cover the middle of its (small) box, or a
  // click meant to select the box starts a connection instead.
  const float hit2 = std::min(std::max(64.0f, port_r * port_r * 2.5f), std::max(4.0f, node_h * node_h * 0.16f));
  auto drawPort = [&](ImVec2 c, ImU32 col, bool hot) {
    if (tiny && !hot) return;  // only the one under the mouse
    if (coarse) dl->AddRectFilled(ImVec2(c.x - port_r, c.y - port_r), ImVec2(c.x + port_r, c.y + port_r), col);
    else dl->AddCircleFilled(c, port_r, col, 8);
  };
  for (size_t i = 0; i < doc.nodes().size(); ++i) {
    const b::Node& n = doc.nodes()[i];
    if (hidden(i)) continue;  // in a folded run: its box stands for it
    const NodeLook* look = look_ok && looks_[i].id == n.id ? &looks_[i] : nullptr;
    const float nw = widthOf(i);
    ImVec2 tl = toScreen(viewPos(i)), br = add(tl, ImVec2(nw, node_h));
    if (!visible(ImVec2(tl.x - 8, tl.y - 8), ImVec2(br.x + 8, br.y + 8))) continue;
    const bool error = look && look->error;
    const bool sel = isSelected(n.id);
    // Category colour (or the user's); errors and blocked layers keep their warning looks.
    const views::BuilderNodeColors colors = views::builderNodeColors(n, b::catalog().find(n.type), !light);
    ImU32 fill = error ? fill_error : imColor(colors.fill);
    if (look && look->blocked && !error && !n.color) fill = fill_blocked;
    const ImU32 border = sel ? ImGui::GetColorU32(ImGuiCol_CheckMark) : imColor(colors.border);
    const ImU32 title_col = error || fill == fill_blocked ? text_col : imColor(colors.title);
    const ImU32 sub_text_col = error || fill == fill_blocked ? text_col : imColor(colors.sub);
    if (tiny) {
      const float w = sel ? 2.0f : 1.0f;
      dl->AddRectFilled(tl, br, border);
      dl->AddRectFilled(ImVec2(tl.x + w, tl.y + w), ImVec2(br.x - w, br.y - w), fill | IM_COL32_A_MASK);
    } else {
      dl->AddRectFilled(tl, br, fill, rounding);
      dl->AddRect(tl, br, border, rounding, 0, sel ? 2.5f : 1.0f);
    }
    if (draw_text) dl->AddText(font, font_size, ImVec2(tl.x + 8 * z, tl.y + 6 * z), title_col, n.name.c_str());
    if (draw_sub && look) dl->AddText(font, font_size, ImVec2(tl.x + 8 * z, tl.y + 24 * z), sub_text_col, look->sub.c_str());
    if (draw_sub && !n.note.empty()) {  // to the right of the box, as in the exported picture
      const ImVec2 at(br.x + 12 * z, tl.y + 4 * z);
      const ImVec2 ext = font->CalcTextSizeA(font_size * 0.92f, FLT_MAX, 320.0f * z, n.note.c_str());
      dl->AddLine(ImVec2(br.x + 6 * z, tl.y + 6 * z), ImVec2(br.x + 6 * z, at.y + ext.y), note_col, std::max(1.0f, 2.0f * z));
      dl->AddText(font, font_size * 0.92f, at, note_col, n.note.c_str(), nullptr, 320.0f * z);
      if (publishing) noteRect("note:" + n.name, at, ImVec2(at.x + ext.x, at.y + ext.y));
    }
    // One port: drawn (highlighted under the mouse), published as name() for the tests.
    auto port = [&](ImVec2 c, ImU32 idle, auto name) {
      const bool over = dist2(c, mouse) < hit2;
      drawPort(c, over ? IM_COL32(255, 220, 120, 255) : idle, over);
      if (publishing) noteRect(name(), ImVec2(c.x - port_r, c.y - port_r), ImVec2(c.x + port_r, c.y + port_r));
      return over;
    };
    const int ports = look ? look->ports : 1;
    for (int p = 0; p < ports; ++p)
      if (port(inPort(tl, nw, p, ports), IM_COL32(140, 190, 255, 255), [&] { return "in:" + n.name + ":" + std::to_string(p); }))
        hover_in = n.id, hover_port = p;
    // Output 1 keeps the name it had before layers had several ("out:NAME"), then "out:NAME:1"...
    const int outputs = look ? look->outputs : 1;
    for (int k = 0; k < outputs; ++k)
      if (port(outPort(tl, nw, k, outputs), IM_COL32(140, 255, 170, 255),
               [&] { return "out:" + n.name + (k ? ":" + std::to_string(k) : std::string()); }))
        hover_out = n.id, hover_out_k = k;
    if (mouse.x >= tl.x && mouse.x <= br.x && mouse.y >= tl.y && mouse.y <= br.y) hover_node = n.id;
    if (publishing) noteRect("node:" + n.name, tl, br);
  }

  // Folded runs: a box (a small stack of cards) that unfolds on a click; an unfolded
  // run has a tab above its first layer that folds it again.
  int hover_fold = -1;
  const ImU32 fold_fill = light ? IM_COL32(232, 236, 246, 255) : IM_COL32(46, 54, 70, 255);
  const ImU32 fold_border = light ? IM_COL32(88, 108, 150, 255) : IM_COL32(140, 162, 205, 255);
  for (size_t k = 0; k + node_count < end_count; ++k) {
    const b::FoldedView::Box& box = fold_view_.boxes[k];
    if (!box.layers) continue;
    const std::string title = b::foldTitle(folds_[k]);
    const ImVec2 at = toScreen(box.pos);
    ImVec2 tl = at, br;
    if (box.folded) {
      br = add(tl, ImVec2(foldWidth(k), node_h));
      if (!visible(ImVec2(tl.x - 8, tl.y - 8), ImVec2(br.x + 16 * z, br.y + 16 * z))) continue;
      for (int card = 2; card >= 1; --card) {
        const ImVec2 o(5.0f * z * card, 5.0f * z * card);
        dl->AddRectFilled(add(tl, o), add(br, o), fold_fill, rounding);
        dl->AddRect(add(tl, o), add(br, o), fold_border, rounding, 0, 1.0f);
      }
      dl->AddRectFilled(tl, br, fold_fill, rounding);
      dl->AddRect(tl, br, fold_border, rounding, 0, 2.0f);
      if (draw_text) dl->AddText(font, font_size, ImVec2(tl.x + 8 * z, tl.y + 6 * z), text_col, title.c_str());
      if (draw_sub) dl->AddText(font, font_size, ImVec2(tl.x + 8 * z, tl.y + 24 * z), fold_border, foldSub(k).c_str());
    } else {
      const std::string tab = "[-] " + title;
      const ImVec2 ext = font->CalcTextSizeA(font_size, FLT_MAX, 0.0f, tab.c_str());
      tl = ImVec2(at.x, at.y - ext.y - 10 * z);
      br = ImVec2(at.x + ext.x + 12 * z, at.y - 3 * z);
      if (!visible(tl, br)) continue;
      dl->AddRectFilled(tl, br, fold_fill, 4.0f * z);
      dl->AddRect(tl, br, fold_border, 4.0f * z);
      if (draw_text) dl->AddText(font, font_size, ImVec2(tl.x + 6 * z, tl.y + 3.5f * z), text_col, tab.c_str());
    }
    if (mouse.x >= tl.x && mouse.x <= br.x && mouse.y >= tl.y && mouse.y <= br.y) hover_fold = static_cast<int>(k);
    if (publishing) noteRect("fold:" + folds_[k].name, tl, br);
  }

  // Labels on top: free text, dragged by the text itself.
  for (const b::Annotation& a : doc.annotations()) {
    if (a.kind != b::Annotation::Kind::Label) continue;
    const ImVec2 tl = toScreen(a.pos);
    const float size_px = font_size * 1.3f;
    const ImVec2 ext = font->CalcTextSizeA(size_px, FLT_MAX, 0.0f, a.text.c_str());
    const ImVec2 br(tl.x + std::max(ext.x, 20.0f), tl.y + std::max(ext.y, size_px));
    if (!visible(tl, br)) continue;
    if (draw_text) dl->AddText(font, size_px, tl, a.color ? imColor(*a.color) : text_col, a.text.c_str());
    if (a.id == selected_annotation_)
      dl->AddRect(ImVec2(tl.x - 3, tl.y - 2), ImVec2(br.x + 3, br.y + 2), ImGui::GetColorU32(ImGuiCol_CheckMark), 3.0f);
    if (mouse.x >= tl.x && mouse.x <= br.x && mouse.y >= tl.y && mouse.y <= br.y && !hover_node.valid())
      hover_annotation = a.id, hover_resize = false;
    if (publishing) noteRect("label:" + a.text.substr(0, a.text.find('\n')), tl, br);
  }
  drawLegend(dl, origin, size, light);
  // A fit made before the legend of a new document was measured (it is drawn last) may
  // run under it: fit again while the view is still that fit's.
  if (legend_h_ != fitted_legend_h_ && zoom_ == fitted_zoom_ && scroll_.x == fitted_scroll_.x &&
      scroll_.y == fitted_scroll_.y) {
    fit_pending_ = true;
    fit_all_ = !fitted_readable_;
    frames_wanted_ = std::max(frames_wanted_, 2);
  }

  // Box selection in progress.
  if (box_selecting_) {
    ImVec2 a = toScreen(box_start_);
    ImVec2 lo(std::min(a.x, mouse.x), std::min(a.y, mouse.y)), hi(std::max(a.x, mouse.x), std::max(a.y, mouse.y));
    ImVec4 accent = ImGui::GetStyleColorVec4(ImGuiCol_CheckMark);
    dl->AddRectFilled(lo, hi, ImGui::GetColorU32(ImVec4(accent.x, accent.y, accent.z, 0.15f)));
    dl->AddRect(lo, hi, ImGui::GetColorU32(ImVec4(accent.x, accent.y, accent.z, 0.8f)));
  }
  dl->PopClipRect();
  dl->Flags = saved_flags;
  canvas_vertices_ = static_cast<size_t>(dl->VtxBuffer.Size) - vtx_start;

  // Gestures.
  // True when the left button went further than `px` since it was pressed (also on the
  // release frame; ImGui 1.86 keeps IsMouseDragPastThreshold internal).
  auto draggedPast = [&](float px) { return io.MouseDragMaxDistanceSqr[ImGuiMouseButton_Left] >= px * px; };
  if (canvas_hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    const bool ctrl = io.KeyCtrl || io.KeySuper;
    if (hover_fold >= 0 && !hover_node.valid()) {
      const size_t k = static_cast<size_t>(hover_fold);
      setFolded(k, !fold_view_.boxes[k].folded);
    } else if (!hover_node.valid() && !hover_out.valid() && hover_annotation) {
      selectMany({});
      selected_annotation_ = hover_annotation;
      resizing_frame_ = hover_resize;
      dragging_annotation_ = !hover_resize;
      const b::Annotation* a = doc.annotation(hover_annotation);
      annotation_start_ = hover_resize ? a->size : a->pos;
      annotation_total_ = {};
    } else if (hover_out.valid() && !io.KeyShift) {
      link_from_ = hover_out;
      link_out_ = hover_out_k;
    } else if (hover_node.valid()) {
      selected_annotation_ = 0;
      if (io.KeyShift && selected_.valid() && selected_ != hover_node) {
        // Flowpoints: Shift+click connects the selected node to the clicked one.
        auto st = editor_.toggleConnection(selected_, hover_node);
        status_ = st.ok() ? "" : st.message();
      } else if (ctrl) {
        std::vector<b::NodeId> ids = selection_;
        if (isSelected(hover_node)) ids.erase(std::find(ids.begin(), ids.end(), hover_node));
        else ids.push_back(hover_node);
        selectMany(std::move(ids));
        if (isSelected(hover_node)) selected_ = hover_node;
      } else {
        if (!isSelected(hover_node)) select(hover_node);
        selected_ = hover_node;
        dragging_ = true;
        drag_anchor_ = hover_node;
        drag_start_pos_ = doc.node(hover_node)->pos;
        drag_total_ = {};
      }
    } else {
      selected_annotation_ = 0;
      box_selecting_ = true;
      box_start_ = toCanvas(mouse);
    }
  }
  // Drags follow the mouse's whole travel from where they began (snapped to the grid when
  // snapping is on), so rounding never accumulates.
  if (dragging_ && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2.0f) && !selection_.empty()) {
    drag_total_ = {drag_total_.x + io.MouseDelta.x / zoom_, drag_total_.y + io.MouseDelta.y / zoom_};
    if (const b::Node* anchor = doc.node(drag_anchor_)) {
      const b::Vec2 target = snapped({drag_start_pos_.x + drag_total_.x, drag_start_pos_.y + drag_total_.y});
      const b::Vec2 delta{std::round(target.x) - anchor->pos.x, std::round(target.y) - anchor->pos.y};
      if (delta.x != 0 || delta.y != 0) editor_.moveNodes(selection_, delta, true);
    }
  }
  if ((dragging_annotation_ || resizing_frame_) && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2.0f)) {
    annotation_total_ = {annotation_total_.x + io.MouseDelta.x / zoom_, annotation_total_.y + io.MouseDelta.y / zoom_};
    if (const b::Annotation* a = doc.annotation(selected_annotation_)) {
      const b::Vec2 target = snapped({annotation_start_.x + annotation_total_.x, annotation_start_.y + annotation_total_.y});
      if (dragging_annotation_) {
        const b::Vec2 delta{std::round(target.x) - a->pos.x, std::round(target.y) - a->pos.y};
        if (delta.x != 0 || delta.y != 0) editor_.moveAnnotations({a->id}, delta, true);
      } else {
        b::Annotation resized = *a;
        resized.size = {std::max(60.0, target.x), std::max(40.0, target.y)};
        if (!(resized.size == a->size)) (void)editor_.updateAnnotation(resized, true);
      }
    }
  }
  if (ImGui::IsMouseReleased(ImGuiMouseButton_Left)) {
    if (link_from_.valid()) {
      b::NodeId target = hover_in.valid() ? hover_in : hover_node;
      if (target.valid() && target != link_from_) {
        auto st = editor_.connect(link_from_, target, hover_in.valid() ? hover_port : -1, link_out_);
        status_ = st.ok() ? "" : st.message();
      }
    }
    if (dragging_ && !draggedPast(2.0f) && hover_node.valid() &&
        !io.KeyShift && !(io.KeyCtrl || io.KeySuper)) {
      select(hover_node);  // a plain click on a node of a multi-selection keeps only it
    }
    if (box_selecting_) {
      const b::Vec2 end = toCanvas(mouse);
      if (draggedPast(3.0f)) {
        // Box centres where the canvas draws them (a folded run's layers are not drawn).
        std::vector<b::NodeId> ids;
        const double lx = std::min(box_start_.x, end.x), hx = std::max(box_start_.x, end.x);
        const double ly = std::min(box_start_.y, end.y), hy = std::max(box_start_.y, end.y);
        for (size_t i = 0; i < node_count; ++i) {
          if (hidden(i)) continue;
          const b::Vec2 c{viewPos(i).x + kNodeW / 2, viewPos(i).y + kNodeH / 2};
          if (c.x >= lx && c.x <= hx && c.y >= ly && c.y <= hy) ids.push_back(doc.nodes()[i].id);
        }
        if (io.KeyCtrl || io.KeyShift) ids.insert(ids.end(), selection_.begin(), selection_.end());
        selectMany(std::move(ids));
      } else {
        selectMany({});
      }
    }
    link_from_ = {};
    dragging_ = false;
    dragging_annotation_ = resizing_frame_ = false;
    box_selecting_ = false;
  }
  if (canvas_hovered && (ImGui::IsMouseDragging(ImGuiMouseButton_Right, 0.0f) ||
                        ImGui::IsMouseDragging(ImGuiMouseButton_Middle, 0.0f)))
    scroll_ = add(scroll_, io.MouseDelta);
  if (canvas_hovered && io.MouseWheel != 0.0f) zoomAt(std::pow(1.15f, io.MouseWheel), mouse);
  if (hover_fold >= 0 && !hover_node.valid()) {
    const b::FoldedView::Box& box = fold_view_.boxes[static_cast<size_t>(hover_fold)];
    ImGui::SetTooltip("%s: %s", b::foldTitle(folds_[static_cast<size_t>(hover_fold)]).c_str(),
                      box.folded ? "click to show its layers" : "click to fold its layers into one box");
  }
  if (hover_node.valid() && !link_from_.valid() && !dragging_) {
    if (const b::NodeReport* rep = analysis_.find(hover_node); rep && !rep->issues.empty()) {
      ImGui::BeginTooltip();
      for (const auto& is : rep->issues)
        ImGui::TextColored(is.level == b::Issue::Level::Error ? errorTextColor() : warningTextColor(),
                           "%s", is.message.c_str());
      ImGui::EndTooltip();
    }
  }
  if (doc.nodes().empty())
    dl->AddText(add(origin, ImVec2(20, 20)), text_col,
                "Empty model: type a layer name in the picker (start with Input) and press Enter.");
}

}  // namespace nf::app
