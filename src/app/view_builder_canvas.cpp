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

namespace nf::app {

namespace b = nf::builder;

namespace {

constexpr float kPortR = 5.0f;
constexpr float kMinZoom = 0.1f, kMaxZoom = 3.0f;

ImVec2 add(ImVec2 a, ImVec2 c) { return ImVec2(a.x + c.x, a.y + c.y); }
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

void BuilderView::zoomAt(float factor, ImVec2 anchor) {
  const float z = std::clamp(zoom_ * factor, kMinZoom, kMaxZoom);
  const b::Vec2 fixed = toCanvas(anchor);  // stays under the anchor
  zoom_ = z;
  scroll_.x = anchor.x - canvas_origin_.x - static_cast<float>(fixed.x) * zoom_;
  scroll_.y = anchor.y - canvas_origin_.y - static_cast<float>(fixed.y) * zoom_;
}

void BuilderView::fitView(bool readable) {
  const auto& nodes = editor_.document().nodes();
  if (nodes.empty() || canvas_size_.x <= 0) {
    zoom_ = 1.0f;
    scroll_ = ImVec2(40, 40);
    return;
  }
  double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
  const bool measured = looks_.size() == nodes.size();
  for (size_t i = 0; i < nodes.size(); ++i) {
    const auto& n = nodes[i];
    const float w = measured && looks_[i].width > 0 ? looks_[i].width : kNodeW;
    x0 = std::min(x0, n.pos.x), y0 = std::min(y0, n.pos.y);
    x1 = std::max(x1, n.pos.x + w), y1 = std::max(y1, n.pos.y + kNodeH);
  }
  const float margin = 30.0f;
  const float w = static_cast<float>(x1 - x0), h = static_cast<float>(y1 - y0);
  zoom_ = std::clamp(std::min((canvas_size_.x - 2 * margin) / w, (canvas_size_.y - 2 * margin) / h), kMinZoom, 1.5f);
  scroll_.x = (canvas_size_.x - w * zoom_) * 0.5f - static_cast<float>(x0) * zoom_;
  if (readable && zoom_ < kReadableZoom) {  // the top of the model, centred if it is narrow enough
    zoom_ = kReadableZoom;
    scroll_.x = w * zoom_ < canvas_size_.x - 2 * margin ? (canvas_size_.x - w * zoom_) * 0.5f - static_cast<float>(x0) * zoom_
                                                        : margin - static_cast<float>(x0) * zoom_;
  }
  scroll_.y = margin - static_cast<float>(y0) * zoom_;
  if (h * zoom_ < canvas_size_.y - 2 * margin) scroll_.y = (canvas_size_.y - h * zoom_) * 0.5f - static_cast<float>(y0) * zoom_;
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
    fitView(fit_readable_);
    fit_readable_ = false;
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
  auto topLeft = [&](const b::Node& n) { return toScreen(n.pos); };
  // Boxes are as wide as their text (at least kNodeW): "TransformerEncoderLayer  Nx20x64"
  // must not run out of its box. Measured once per look (looks_ are rebuilt per edit).
  auto widthOf = [&](size_t i) -> float {
    if (!look_ok || looks_[i].id != doc.nodes()[i].id) return node_w;
    NodeLook& l = looks_[i];
    if (l.width < 0) {
      const float base = ImGui::GetFontSize();
      const float text = std::max(font->CalcTextSizeA(base, FLT_MAX, 0.0f, doc.nodes()[i].name.c_str()).x,
                                  font->CalcTextSizeA(base, FLT_MAX, 0.0f, l.sub.c_str()).x);
      l.width = std::max(kNodeW, std::ceil(text + 16.0f));
    }
    return l.width * z;
  };
  auto inPort = [&](ImVec2 tl, float w, int port, int count) { return ImVec2(tl.x + w * (port + 1) / (count + 1), tl.y); };
  auto outPort = [&](ImVec2 tl, float w) { return ImVec2(tl.x + w * 0.5f, tl.y + node_h); };
  auto visible = [&](ImVec2 a, ImVec2 c) {
    return c.x >= origin.x && c.y >= origin.y && a.x <= origin.x + size.x && a.y <= origin.y + size.y;
  };
  const bool publishing = !(io.MouseDown[0] || io.MouseDown[1] || io.MouseDown[2]);
  const ImU32 text_col = ImGui::GetColorU32(ImGuiCol_Text);
  // Node colours follow the theme: dark boxes on the dark theme, light on the light one.
  const ImVec4 win_bg = ImGui::GetStyleColorVec4(ImGuiCol_WindowBg);
  const bool light = 0.2126f * win_bg.x + 0.7152f * win_bg.y + 0.0722f * win_bg.z > 0.5f;
  const ImU32 fill_plain = light ? IM_COL32(252, 252, 254, 255) : IM_COL32(45, 55, 75, 240);
  const ImU32 fill_error = light ? IM_COL32(250, 214, 210, 255) : IM_COL32(120, 35, 35, 240);
  const ImU32 fill_blocked = light ? IM_COL32(226, 227, 230, 255) : IM_COL32(60, 60, 60, 240);
  const ImU32 border_col = light ? IM_COL32(140, 148, 162, 255) : IM_COL32(110, 120, 140, 255);
  const ImU32 title_col = light ? IM_COL32(25, 28, 34, 255) : IM_COL32(235, 238, 245, 255);
  const ImU32 sub_text_col = light ? IM_COL32(90, 98, 112, 255) : IM_COL32(170, 180, 195, 255);
  const ImU32 edge_col = light ? IM_COL32(120, 135, 160, 255) : IM_COL32(150, 170, 200, 255);
  const ImU32 label_col = light ? IM_COL32(30, 120, 55, 255) : IM_COL32(120, 190, 120, 255);

  // Edges first, under the nodes, labelled with the shape they carry.
  const float thick = std::max(1.0f, 2.0f * z);
  for (const EdgeLook& el : edge_looks_) {
    if (el.from >= doc.nodes().size() || el.to >= doc.nodes().size()) continue;
    const b::Node& from = doc.nodes()[el.from];
    const b::Node& to = doc.nodes()[el.to];
    const int ports = look_ok ? looks_[el.to].ports : 1;
    ImVec2 p0 = outPort(topLeft(from), widthOf(el.from));
    ImVec2 p1 = inPort(topLeft(to), widthOf(el.to), el.port, ports);
    if (!visible(ImVec2(std::min(p0.x, p1.x) - 60 * z, std::min(p0.y, p1.y) - 60 * z),
                 ImVec2(std::max(p0.x, p1.x) + 60 * z, std::max(p0.y, p1.y) + 60 * z)))
      continue;
    float dy = std::max(30.0f * z, std::fabs(p1.y - p0.y) * 0.5f);
    // A fixed, small segment count: adaptive tessellation of 500 curves is a frame's budget.
    if (tiny) dl->AddLine(p0, p1, edge_col, thick);
    else dl->AddBezierCubic(p0, ImVec2(p0.x, p0.y + dy), ImVec2(p1.x, p1.y - dy), p1, edge_col, thick, curve_segments);
    if (draw_sub && !el.label.empty())
      dl->AddText(font, font_size, ImVec2((p0.x + p1.x) * 0.5f + 6 * z, (p0.y + p1.y) * 0.5f - 7 * z),
                  label_col, el.label.c_str());
  }
  if (link_from_.valid()) {
    if (const b::Node* from = doc.node(link_from_)) {
      ImVec2 p0 = outPort(topLeft(*from), widthOf(static_cast<size_t>(from - doc.nodes().data())));
      dl->AddBezierCubic(p0, ImVec2(p0.x, p0.y + 40), ImVec2(mouse.x, mouse.y - 40), mouse,
                         IM_COL32(230, 200, 90, 255), 2.0f, 16);
    }
  }

  // Nodes; find what the mouse is over on the way.
  b::NodeId hover_node, hover_out, hover_in;
  int hover_port = -1;
  const float port_r = std::max(2.5f, kPortR * std::min(z, 1.5f));
  const float hit2 = std::max(64.0f, port_r * port_r * 2.5f);
  auto drawPort = [&](ImVec2 c, ImU32 col, bool hot) {
    if (tiny && !hot) return;  // only the one under the mouse
    if (coarse) dl->AddRectFilled(ImVec2(c.x - port_r, c.y - port_r), ImVec2(c.x + port_r, c.y + port_r), col);
    else dl->AddCircleFilled(c, port_r, col, 8);
  };
  for (size_t i = 0; i < doc.nodes().size(); ++i) {
    const b::Node& n = doc.nodes()[i];
    const NodeLook* look = look_ok && looks_[i].id == n.id ? &looks_[i] : nullptr;
    const float nw = widthOf(i);
    ImVec2 tl = topLeft(n), br = add(tl, ImVec2(nw, node_h));
    if (!visible(ImVec2(tl.x - 8, tl.y - 8), ImVec2(br.x + 8, br.y + 8))) continue;
    const bool error = look && look->error;
    const bool sel = isSelected(n.id);
    ImU32 fill = error ? fill_error : fill_plain;
    if (look && look->blocked && !error) fill = fill_blocked;
    const ImU32 border = sel ? ImGui::GetColorU32(ImGuiCol_CheckMark) : border_col;
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
    const int ports = look ? look->ports : 1;
    for (int p = 0; p < ports; ++p) {
      ImVec2 c = inPort(tl, nw, p, ports);
      bool over = dist2(c, mouse) < hit2;
      const ImU32 pc = over ? IM_COL32(255, 220, 120, 255) : IM_COL32(140, 190, 255, 255);
      drawPort(c, pc, over);
      if (over) hover_in = n.id, hover_port = p;
      if (publishing) noteRect("in:" + n.name + ":" + std::to_string(p), ImVec2(c.x - port_r, c.y - port_r), ImVec2(c.x + port_r, c.y + port_r));
    }
    ImVec2 o = outPort(tl, nw);
    bool over_out = dist2(o, mouse) < hit2;
    const ImU32 oc = over_out ? IM_COL32(255, 220, 120, 255) : IM_COL32(140, 255, 170, 255);
    drawPort(o, oc, over_out);
    if (over_out) hover_out = n.id;
    if (mouse.x >= tl.x && mouse.x <= br.x && mouse.y >= tl.y && mouse.y <= br.y) hover_node = n.id;
    if (publishing) {
      noteRect("node:" + n.name, tl, br);
      noteRect("out:" + n.name, ImVec2(o.x - port_r, o.y - port_r), ImVec2(o.x + port_r, o.y + port_r));
    }
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
    if (hover_out.valid() && !io.KeyShift) {
      link_from_ = hover_out;
    } else if (hover_node.valid()) {
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
      }
    } else {
      box_selecting_ = true;
      box_start_ = toCanvas(mouse);
    }
  }
  if (dragging_ && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2.0f) && !selection_.empty()) {
    ImVec2 d = io.MouseDelta;
    if (d.x != 0 || d.y != 0) editor_.moveNodes(selection_, b::Vec2{d.x / zoom_, d.y / zoom_}, true);
  }
  if (ImGui::IsMouseReleased(ImGuiMouseButton_Left)) {
    if (link_from_.valid()) {
      b::NodeId target = hover_in.valid() ? hover_in : hover_node;
      if (target.valid() && target != link_from_) {
        auto st = editor_.connect(link_from_, target, hover_in.valid() ? hover_port : -1);
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
        auto ids = editor_.nodesCenteredIn(box_start_, end, b::Vec2{kNodeW, kNodeH});
        if (io.KeyCtrl || io.KeyShift) ids.insert(ids.end(), selection_.begin(), selection_.end());
        selectMany(std::move(ids));
      } else {
        selectMany({});
      }
    }
    link_from_ = {};
    dragging_ = false;
    box_selecting_ = false;
  }
  if (canvas_hovered && (ImGui::IsMouseDragging(ImGuiMouseButton_Right, 0.0f) ||
                        ImGui::IsMouseDragging(ImGuiMouseButton_Middle, 0.0f)))
    scroll_ = add(scroll_, io.MouseDelta);
  if (canvas_hovered && io.MouseWheel != 0.0f) zoomAt(std::pow(1.15f, io.MouseWheel), mouse);
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
