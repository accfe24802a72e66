#include "views/builder_picture.h"

#include <algorithm>
#include <cstdint>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "base/strings.h"
#include "builder/columns.h"
#include "scene/text_metrics.h"
#include "views/builder_look.h"

namespace nf::views {

namespace b = nf::builder;

namespace {

constexpr float kTitleSize = 13.0f, kSubSize = 11.5f, kNoteSize = 11.0f, kLabelSize = 17.0f, kFrameTitleSize = 13.0f;
constexpr float kPad = 9.0f;

// A rounded rectangle as one convex polygon (the rasterizer fills convex polygons).
std::vector<Point> roundedRect(const Rect& r, float radius) {
  radius = std::min({radius, r.width / 2, r.height / 2});
  std::vector<Point> pts;
  const Point corners[4] = {{r.x + r.width - radius, r.y + radius}, {r.x + r.width - radius, r.y + r.height - radius},
                            {r.x + radius, r.y + r.height - radius}, {r.x + radius, r.y + radius}};
  const float start[4] = {-1.5708f, 0.0f, 1.5708f, 3.14159f};
  for (int c = 0; c < 4; ++c)
    for (int k = 0; k <= 4; ++k) {
      const float a = start[c] + 1.5708f * static_cast<float>(k) / 4.0f;
      pts.push_back({corners[c].x + radius * std::cos(a), corners[c].y + radius * std::sin(a)});
    }
  return pts;
}

// Splits on newlines and wraps lines longer than `max_chars` at spaces.
std::vector<std::string> wrapLines(const std::string& text, size_t max_chars) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    while (line.size() > max_chars) {
      size_t cut = line.rfind(' ', max_chars);
      if (cut == std::string::npos || cut == 0) {
        cut = max_chars;
        while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
        if (cut == 0) break;
      }
      out.push_back(line.substr(0, cut));
      line.erase(0, line[cut] == ' ' ? cut + 1 : cut);
    }
    out.push_back(line);
    start = end + 1;
  }
  while (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

// A box's width from its text: the title (with the parameter count right-aligned on
// its line) or the subtitle, whichever is wider, never under the minimum.
float boxWidth(const std::string& title, const std::string& sub, const std::string& params) {
  const float title_w = textWidth(title, kTitleSize, true) + (params.empty() ? 0.0f : 14.0f + textWidth(params, kSubSize));
  const float text_w = std::max(title_w, textWidth(sub, kSubSize));
  return std::max(kBuilderBoxMinWidth, std::ceil(text_w + 2 * kPad));
}

}  // namespace

std::string builderBoxSubtitle(const b::Node& n, const b::NodeReport* report, bool shape, b::Framework framework) {
  std::string sub = b::typeLabel(n);
  if (shape && report && report->output) sub += "  " + b::formatShape(*report->output, framework);
  return sub;
}

Drawing builderPicture(const b::Document& doc, const b::Analysis& analysis, const BuilderPictureOptions& o) {
  Drawing d;
  d.view = "builder";
  const scene::Palette& palette = o.dark ? scene::darkPalette() : scene::lightPalette();
  d.background = palette.background;
  const auto& nodes = doc.nodes();
  const std::set<b::NodeId> only(o.only.begin(), o.only.end());
  auto shown = [&](const b::Node& n) { return only.empty() || only.count(n.id) > 0; };

  // Boxes: as wide as their text.
  struct Box {
    Rect r;
    std::string title, sub, params;
    std::vector<std::string> note;
    BuilderNodeColors colors;
    int ports = 1;
  };
  std::vector<Box> boxes(nodes.size());
  std::map<b::NodeId, size_t> index;
  Rect sel{1e30f, 1e30f, -1e30f, -1e30f};  // x0, y0, x1, y1 of the shown boxes (notes included)
  for (size_t i = 0; i < nodes.size(); ++i) {
    const b::Node& n = nodes[i];
    index[n.id] = i;
    const b::NodeReport* rep = i < analysis.nodes.size() && analysis.nodes[i].id == n.id ? &analysis.nodes[i]
                                                                                      : analysis.find(n.id);
    Box& box = boxes[i];
    box.title = scene::cleanText(n.name, 200);
    box.sub = scene::cleanText(builderBoxSubtitle(n, rep, o.shapes, analysis.framework), 200);
    if (o.params && rep && rep->params.total() > 0 && !rep->params.overflow())
      box.params = withThousands(rep->params.total()) + " params";
    if (o.notes && !n.note.empty())
      for (const std::string& line : wrapLines(n.note, 48)) box.note.push_back(scene::cleanText(line, 400));
    const b::LayerSpec* spec = rep ? rep->spec : b::catalog().find(n.type);
    box.colors = builderNodeColors(n, spec, o.dark);
    int used = 0;
    for (const b::Edge& e : doc.inputEdges(n.id)) used = std::max(used, e.port + 1);
    box.ports = !spec ? std::max(1, used) : spec->max_inputs >= 0 ? std::max(1, spec->max_inputs) : std::max(spec->min_inputs, used);
    // The parameter count shares the title line (right-aligned), so every box keeps the
    // canvas's height and the picture's edges meet the boxes where the canvas draws them.
    box.r = {static_cast<float>(n.pos.x), static_cast<float>(n.pos.y), boxWidth(box.title, box.sub, box.params),
             kBuilderBoxHeight};
    if (shown(n)) {
      float note_w = 0;
      for (const auto& line : box.note) note_w = std::max(note_w, textWidth(line, kNoteSize) + 12.0f);
      sel.x = std::min(sel.x, box.r.x);
      sel.y = std::min(sel.y, box.r.y);
      sel.width = std::max(sel.width, box.r.x + box.r.width + note_w);
      sel.height = std::max(sel.height, box.r.y + std::max(box.r.height, 15.0f * static_cast<float>(box.note.size())));
    }
  }
  // Boxes that share a left edge (a column, as templates and Arrange v place them) take
  // the widest one's width: their ports line up and the edges between them run straight.
  std::map<float, float> column_width;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (shown(nodes[i])) column_width[boxes[i].r.x] = std::max(column_width[boxes[i].r.x], boxes[i].r.width);
  for (size_t i = 0; i < nodes.size(); ++i)
    if (shown(nodes[i])) {
      boxes[i].r.width = column_width[boxes[i].r.x];
      sel.width = std::max(sel.width, boxes[i].r.x + boxes[i].r.width);
    }
  auto within = [&](const b::Annotation& a) {
    if (only.empty()) return true;
    const float margin = 60.0f;
    const float x = static_cast<float>(a.pos.x), y = static_cast<float>(a.pos.y);
    return x >= sel.x - margin && y >= sel.y - margin && x <= sel.width + margin && y <= sel.height + margin;
  };

  // Frames first (under everything), then edges, frame titles, boxes, notes, labels.
  struct FrameTitle {
    Rect r;
    uint32_t hue;
    std::string text;
  };
  std::vector<FrameTitle> frame_titles;
  auto titlePatch = [](const FrameTitle& t) {
    return Rect{t.r.x + 6.0f, t.r.y + 4.0f, std::min(textWidth(t.text, kFrameTitleSize, true) + 8.0f, t.r.width - 12.0f), 19.0f};
  };
  if (o.notes) {
    for (const b::Annotation& a : doc.annotations()) {
      if (a.kind != b::Annotation::Kind::Frame || !within(a)) continue;
      const uint32_t hue = a.color ? *a.color : (o.dark ? 0x8A96A8u : 0x5B6B82u);
      const Rect r{static_cast<float>(a.pos.x), static_cast<float>(a.pos.y), static_cast<float>(std::max(a.size.x, 40.0)),
                   static_cast<float>(std::max(a.size.y, 30.0))};
      const std::vector<std::string> title = wrapLines(a.text, 80);
      const std::string first = title.empty() ? "" : scene::cleanText(title[0], 400);
      d.beginGroup("frame", {{"text", first}});
      d.polygon(roundedRect(r, 8.0f), hue, hue, 1.5f, o.dark ? 0.16f : 0.10f);
      d.endGroup();
      frame_titles.push_back({r, hue, first});
    }
  }
  // Lines that would pass behind boxes go round them (builderEdgeDetours); only the boxes drawn count.
  std::vector<layout::Rect> drawn_boxes;
  std::vector<size_t> drawn_index(nodes.size(), SIZE_MAX);
  for (size_t i = 0; i < nodes.size(); ++i)
    if (shown(nodes[i])) drawn_index[i] = drawn_boxes.size(), drawn_boxes.push_back(boxes[i].r);
  std::vector<std::pair<size_t, size_t>> edge_ends;
  for (const b::EdgeReport& er : analysis.edges) {
    auto f = index.find(er.edge.from), t = index.find(er.edge.to);
    edge_ends.push_back({f == index.end() ? SIZE_MAX : drawn_index[f->second], t == index.end() ? SIZE_MAX : drawn_index[t->second]});
  }
  const std::vector<float> detours = builderEdgeDetours(drawn_boxes, edge_ends, 24.0f);
  for (size_t ei = 0; ei < analysis.edges.size(); ++ei) {
    const b::EdgeReport& er = analysis.edges[ei];
    auto f = index.find(er.edge.from), t = index.find(er.edge.to);
    if (f == index.end() || t == index.end() || !shown(nodes[f->second]) || !shown(nodes[t->second])) continue;
    const Box& from = boxes[f->second];
    const Box& to = boxes[t->second];
    // Output k of a multi-output layer leaves from its place along the bottom, as on the canvas.
    const int outputs = f->second < analysis.nodes.size() ? std::max(1, analysis.nodes[f->second].output_count) : 1;
    const Point p0{from.r.x + from.r.width * static_cast<float>(er.edge.out + 1) / static_cast<float>(outputs + 1),
                   from.r.y + from.r.height};
    const Point p1{to.r.x + to.r.width * static_cast<float>(er.edge.port + 1) / static_cast<float>(to.ports + 1), to.r.y - 6.0f};
    BuilderEdgeRoute route = builderEdgeRoute(p0, p1, from.r.x, from.r.x + from.r.width, to.r.x, to.r.x + to.r.width, 30.0f, 24, detours[ei]);
    d.beginGroup("edge", {{"from", nodes[f->second].name}, {"to", nodes[t->second].name}});
    d.polyline(route.line, palette.edge, 1.6f);
    d.polygon({{p1.x - 5.0f, p1.y - 2.0f}, {p1.x + 5.0f, p1.y - 2.0f}, {p1.x, p1.y + 6.0f}}, palette.edge);
    if (o.shapes && er.tensor) {
      // At the middle of the edge, or nearer an end where a frame's title would cover it.
      const std::string label = b::formatShape(*er.tensor, analysis.framework);
      const float lw = textWidth(label, 10.5f);
      // With no room above or below the title, it goes right of the title.
      auto cover = [&](Point m) {
        float right = 0;
        for (const FrameTitle& ft : frame_titles) {
          const Rect patch = titlePatch(ft);
          if (m.x + 7.0f < patch.x + patch.width && m.x + 7.0f + lw > patch.x && m.y - 6.0f < patch.y + patch.height &&
              m.y + 6.0f > patch.y)
            right = std::max(right, patch.x + patch.width + 4.0f - (m.x + 7.0f));
        }
        return right;
      };
      Point mid = route.label;
      float shift = cover(mid);
      for (float t : {0.25f, 0.75f, 0.15f, 0.85f}) {
        if (shift <= 0) break;
        const Point m = route.line[static_cast<size_t>(t * static_cast<float>(route.line.size() - 1))];
        if (cover(m) <= 0) mid = m, shift = 0;
      }
      d.text({mid.x + 7.0f + std::max(shift, 0.0f), mid.y + 4.0f}, label, 10.5f, palette.edge_label);
    }
    d.endGroup();
  }
  // A frame's title over the edges that enter the frame, on a patch of the frame's own
  // tint, so an edge or its shape label never runs through the words.
  for (const FrameTitle& t : frame_titles) {
    if (t.text.empty()) continue;
    d.beginGroup("frame-title", {{"text", t.text}});
    d.rect(titlePatch(t), scene::mixColor(palette.background, t.hue, o.dark ? 0.16f : 0.10f));
    d.text({t.r.x + 10.0f, t.r.y + 18.0f}, t.text, kFrameTitleSize,
           o.dark ? scene::mixColor(t.hue, 0xFFFFFF, 0.4f) : scene::shadeColor(t.hue, 0.75f), TextAnchor::Start, true);
    d.endGroup();
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (!shown(nodes[i])) continue;
    const Box& box = boxes[i];
    const b::LayerSpec* spec = b::catalog().find(nodes[i].type);
    d.beginGroup("node", {{"name", box.title},
                          {"type", scene::cleanText(nodes[i].type, 64)},
                          {"category", spec ? b::layerCategoryName(spec->diagram) : "other"}});
    d.polygon(roundedRect(box.r, 6.0f), box.colors.fill, box.colors.border, 1.4f);
    d.text({box.r.x + kPad, box.r.y + 18.0f}, box.title, kTitleSize, box.colors.title, TextAnchor::Start, true);
    d.text({box.r.x + kPad, box.r.y + 36.0f}, box.sub, kSubSize, box.colors.sub);
    if (!box.params.empty())
      d.text({box.r.x + box.r.width - kPad, box.r.y + 18.0f}, box.params, kSubSize, box.colors.sub, TextAnchor::End);
    // Notes sit to the right of the box, clear of the edges that leave its bottom.
    float y = box.r.y + 16.0f;
    for (const std::string& line : box.note) {
      d.text({box.r.x + box.r.width + 12.0f, y}, line, kNoteSize, o.dark ? 0xE8D48Au : 0x7A5F00u);
      y += 15.0f;
    }
    if (!box.note.empty())
      d.line({box.r.x + box.r.width + 6.0f, box.r.y + 6.0f}, {box.r.x + box.r.width + 6.0f, y - 11.0f},
             o.dark ? 0xE8D48Au : 0xC9A227u, 2.0f);
    d.endGroup();
  }
  if (o.notes) {
    for (const b::Annotation& a : doc.annotations()) {
      if (a.kind != b::Annotation::Kind::Label || !within(a)) continue;
      const uint32_t color = a.color ? *a.color : palette.body_text;
      d.beginGroup("label", {{"text", scene::cleanText(a.text, 200)}});
      float y = static_cast<float>(a.pos.y) + kLabelSize;
      for (const std::string& line : wrapLines(a.text, 80)) {
        d.text({static_cast<float>(a.pos.x), y}, scene::cleanText(line, 400), kLabelSize, color, TextAnchor::Start, true);
        y += kLabelSize * 1.3f;
      }
      d.endGroup();
    }
  }
  d.finish();

  // The legend: the categories the shown layers use, in rows under the picture.
  if (o.legend) {
    std::vector<b::LayerCategory> used;
    bool seen[b::kLayerCategoryCount] = {};
    for (const b::Node& n : nodes)
      if (const b::LayerSpec* spec = b::catalog().find(n.type); spec && shown(n) && !n.color) seen[static_cast<int>(spec->diagram)] = true;
    for (int c = 0; c < b::kLayerCategoryCount; ++c)
      if (seen[c]) used.push_back(static_cast<b::LayerCategory>(c));
    if (!used.empty()) {
      const float x0 = d.bounds.x, width = std::max(d.bounds.width, 360.0f);
      float x = x0, y = d.bounds.y + d.bounds.height + 24.0f;
      d.beginGroup("legend");
      for (b::LayerCategory c : used) {
        const char* label = b::layerCategoryLabel(c);
        const float w = 14.0f + 6.0f + textWidth(label, 12.0f) + 18.0f;
        if (x > x0 && x + w > x0 + width) x = x0, y += 22.0f;
        const scene::OpCategory sc = sceneCategory(c);
        d.polygon(roundedRect({x, y - 11.0f, 14.0f, 14.0f}, 3.0f), categoryColor(c, o.dark),
                  o.dark ? scene::mixColor(scene::categoryStyle(sc).header, 0xFFFFFF, 0.35f) : scene::categoryStyle(sc).header, 1.0f);
        d.text({x + 20.0f, y}, label, 12.0f, palette.body_text);
        x += w;
      }
      d.endGroup();
      d.finish();
    }
  }
  return d;
}

std::optional<b::Document> builderSlideColumns(const b::Document& doc, const b::Analysis& analysis,
                                              const BuilderPictureOptions& o) {
  if (!doc.annotations().empty()) return std::nullopt;  // labels and frames stay where the user put them
  std::vector<b::Vec2> sizes;
  for (const b::Node& n : doc.nodes()) {
    const b::NodeReport* rep = analysis.find(n.id);
    const std::string params = o.params && rep && rep->params.total() > 0 && !rep->params.overflow()
                                   ? withThousands(rep->params.total()) + " params"
                                   : std::string();
    sizes.push_back({boxWidth(scene::cleanText(n.name, 200),
                              scene::cleanText(builderBoxSubtitle(n, rep, o.shapes, analysis.framework), 200), params),
                     kBuilderBoxHeight});
  }
  const b::ColumnWrap wrap = b::wrapInColumns(doc, sizes, b::Vec2{1600.0, 900.0});
  if (wrap.columns < 2) return std::nullopt;
  b::Document out = doc;
  for (const auto& [id, pos] : wrap.positions)
    if (b::Node* n = out.mutableNode(id)) n->pos = pos;
  return out;
}

}  // namespace nf::views
