// GraphView, grouped scenes (graph_view.h): open groups drawn as frames, closed ones
// as boxes; a click on a box opens it, a click on a frame's title band closes it;
// Enter/Backspace do the same for the selection; the Groups menu opens and closes
// everything, to a depth, or back to the first sight, and toggles decluttering.
//
// Every change of expansion goes through applyExpansion: the pipeline lays out again
// only the groups that changed (scene/grouped_scene.h), the clicked group stays where
// it was on screen, and the boxes glide from their old places to the new ones
// (220 ms, edges hidden meanwhile: their routes do not interpolate).
#include <SDL_scancode.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "app/comparison.h"
#include "app/graph_view.h"
#include "app/platform.h"
#include "app/session.h"
#include "base/strings.h"
#include "diff/group_pairs.h"

namespace nf::app {

namespace {


uint64_t groupItemKey(hierarchy::GroupId g) {
  return hierarchy::VisibleItem{hierarchy::ItemKind::Group, g.index, {}}.key();
}

}  // namespace

// [SECTION] Drawing ------------------------------------------------------------------

// Frames go into the canvas draw list before the GL callback, so boxes draw over them.
void GraphView::drawFrames(AppContext& ctx, ImDrawList* dl, ImVec2 canvas_pos, ImVec2 canvas_size) {
  visible_frames_.clear();
  if (!pipeline_.grouped()) return;
  const auto& frames = pipeline_.groupedScene().frames;
  const std::vector<scene::Rect> moving = group_transition_.frames(frames, platform::nowMs());
  TextFrame f;
  f.draw_list = dl;
  f.canvas_pos = canvas_pos;
  f.camera = camera_;
  f.pixel_ratio = pixel_ratio_;
  dl->PushClipRect(canvas_pos, ImVec2(canvas_pos.x + canvas_size.x, canvas_pos.y + canvas_size.y), true);
  const scene::Overlay* overlay = color_.overlay();
  drawGroupFrames(f, fonts_, frames, moving.empty() ? nullptr : &moving, camera_.visible(canvas_size.x, canvas_size.y),
                  ctx.settings.theme == Theme::Dark, &visible_frames_, overlay ? &overlay->frame_color : nullptr);
  dl->PopClipRect();
}

// Hovering a group box or a frame title: what it holds.
void GraphView::groupTooltip(uint32_t node) const {
  if (!pipeline_.grouped() || node >= pipeline_.graph().nodes.size()) return;
  const scene::DisplayNode& n = pipeline_.graph().nodes[node];
  if (n.kind != scene::NodeKind::Group || n.group == kNoIndex) return;
  const hierarchy::Hierarchy& h = pipeline_.hierarchy();
  const hierarchy::Group& g = h.group(hierarchy::GroupId{n.group});
  ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  ImGui::BeginTooltip();
  ImGui::TextUnformatted(n.title.c_str());
  ImGui::TextDisabled("%s, %s nodes", hierarchy::groupKindName(g.kind), withThousands(g.node_count).c_str());
  if (g.repeat_class >= 0) {
    const hierarchy::RepeatClass& rc = h.repeats[static_cast<size_t>(g.repeat_class)];
    ImGui::TextDisabled("one of %zu identical groups (same colour)", rc.members.size());
  }
  ImGui::TextDisabled("Click to open");
  ImGui::EndTooltip();
}

void GraphView::frameTooltip(uint32_t frame) const {
  const auto& frames = pipeline_.groupedScene().frames;
  if (frame >= frames.size()) return;
  const hierarchy::Group& g = pipeline_.hierarchy().group(frames[frame].group);
  ImGui::BeginTooltip();
  ImGui::TextUnformatted(frames[frame].title.c_str());
  ImGui::TextDisabled("%s, %s nodes", hierarchy::groupKindName(g.kind), withThousands(g.node_count).c_str());
  ImGui::TextDisabled("Click the title to close (Backspace closes the group around the selection)");
  ImGui::EndTooltip();
}

// [SECTION] Input --------------------------------------------------------------------

uint32_t GraphView::frameTitleAt(scene::Point p) const {
  if (!pipeline_.grouped()) return kNoIndex;
  const auto& frames = pipeline_.groupedScene().frames;
  // Pre-order: the last hit is the innermost.
  uint32_t hit = kNoIndex;
  for (uint32_t i = 0; i < frames.size(); ++i) {
    const scene::Rect& r = frames[i].rect;
    if (p.x >= r.x && p.x <= r.x + r.width && p.y >= r.y && p.y <= r.y + frames[i].title_height) hit = i;
  }
  return hit;
}

bool GraphView::clickGroups(AppContext& ctx, scene::Point p) {
  if (!pipeline_.grouped() || group_transition_.active()) return false;
  const uint32_t n = pipeline_.index().nodeAt(p);
  if (n != kNoIndex) {
    const scene::GroupedScene& gs = pipeline_.groupedScene();
    const hierarchy::VisibleItem& item = gs.visible.items[n];
    if (item.kind != hierarchy::ItemKind::Group && item.kind != hierarchy::ItemKind::SeriesRest) return false;
    hierarchy::Expansion e = pipeline_.expansion();
    const hierarchy::GroupId g{item.index};
    const bool opens = item.kind == hierarchy::ItemKind::Group;  // item is gone once regrouped
    if (!opens) hierarchy::setFolded(&e, g, false);
    else hierarchy::setOpen(&e, g, true);
    applyExpansion(ctx, e, item.key());
    mirrorGroup(ctx, g, opens ? GroupChange::Open : GroupChange::Unfold);
    return true;
  }
  const uint32_t f = frameTitleAt(p);
  if (f == kNoIndex) return false;
  hierarchy::Expansion e = pipeline_.expansion();
  const hierarchy::GroupId g = pipeline_.groupedScene().frames[f].group;
  hierarchy::setOpen(&e, g, false);
  applyExpansion(ctx, e, groupItemKey(g));
  mirrorGroup(ctx, g, GroupChange::Close);
  return true;
}

bool GraphView::groupKeys(AppContext& ctx) {
  if (!pipeline_.grouped() || selected_ == kNoIndex || group_transition_.active()) return false;
  const scene::GroupedScene& gs = pipeline_.groupedScene();
  if (selected_ >= gs.visible.items.size()) return false;
  if (ImGui::IsKeyPressed(SDL_SCANCODE_RETURN, false) || ImGui::IsKeyPressed(SDL_SCANCODE_KP_ENTER, false)) {
    const hierarchy::VisibleItem& item = gs.visible.items[selected_];
    if (item.kind != hierarchy::ItemKind::Group && item.kind != hierarchy::ItemKind::SeriesRest) return false;
    hierarchy::Expansion e = pipeline_.expansion();
    const hierarchy::GroupId g{item.index};
    const bool opens = item.kind == hierarchy::ItemKind::Group;  // item is gone once regrouped
    if (!opens) hierarchy::setFolded(&e, g, false);
    else hierarchy::setOpen(&e, g, true);
    applyExpansion(ctx, e, item.key());
    mirrorGroup(ctx, g, opens ? GroupChange::Open : GroupChange::Unfold);
    return true;
  }
  if (ImGui::IsKeyPressed(SDL_SCANCODE_BACKSPACE, false)) {
    const uint32_t f = gs.frame_of_node[selected_];
    if (f == kNoIndex) return false;
    const hierarchy::GroupId g = gs.frames[f].group;
    hierarchy::Expansion e = pipeline_.expansion();
    hierarchy::setOpen(&e, g, false);
    applyExpansion(ctx, e, groupItemKey(g));
    mirrorGroup(ctx, g, GroupChange::Close);
    // The closed group is the new selection, so Backspace again closes its parent.
    const auto& keys = pipeline_.groupedScene().keys;
    const auto it = std::find(keys.begin(), keys.end(), groupItemKey(g));
    if (it != keys.end()) selectDisplayNode(ctx, static_cast<uint32_t>(it - keys.begin()), false);
    return true;
  }
  return false;
}

bool GraphView::revealNode(AppContext& ctx, ir::NodeId node) {
  if (!pipeline_.grouped() || !node.valid()) return false;
  const hierarchy::Hierarchy& h = pipeline_.hierarchy();
  if (node.index >= h.node_group.size()) return false;
  hierarchy::Expansion e = pipeline_.expansion();
  // The node's own group opens too (reveal makes the group shown, as a closed box).
  const hierarchy::GroupId g = h.node_group[node.index];
  hierarchy::reveal(h, &e, g);
  hierarchy::setOpen(&e, g, true);
  if (e.open == pipeline_.expansion().open && e.folded == pipeline_.expansion().folded) return false;
  applyExpansion(ctx, e, 0);
  return true;
}

GraphView* GraphView::groupedPartnerPane(AppContext& ctx) {
  const diff::Report* report = comparison_ ? comparison_->report() : nullptr;
  GraphView* other = report ? otherPane(ctx) : nullptr;
  if (!other || !pipeline_.grouped() || !other->pipeline_.grouped()) return nullptr;
  if (pipeline_.graphId().index != 0 || other->pipeline_.graphId().index != 0) return nullptr;  // the matching is of main graphs
  return other;
}

uint32_t GraphView::partnerGroupIn(const GraphView& other, hierarchy::GroupId g) const {
  const diff::Matching& m = comparison_->report()->matching;
  return diff::partnerGroup(pipeline_.hierarchy(), other.pipeline_.hierarchy(), pane_ == GraphPane::A ? m.a_to_b : m.b_to_a,
                            g.index);
}

void GraphView::mirrorGroup(AppContext& ctx, hierarchy::GroupId g, GroupChange change) {
  GraphView* other = groupedPartnerPane(ctx);
  if (!other) return;
  const hierarchy::Hierarchy& theirs = other->pipeline_.hierarchy();
  const uint32_t partner = partnerGroupIn(*other, g);
  if (partner == kNoIndex || partner == 0) return;
  const hierarchy::GroupId pg{partner};
  hierarchy::Expansion e = other->pipeline_.expansion();
  if (change != GroupChange::Close) hierarchy::reveal(theirs, &e, pg);
  hierarchy::setOpen(&e, pg, change != GroupChange::Close);
  // A series whose rest was unfolded here: its partner's rest unfolds too ("layers ×24"
  // next to "layers ×25": the series pair through their members like any group).
  if (change == GroupChange::Unfold) hierarchy::setFolded(&e, pg, false);
  if (e.open == other->pipeline_.expansion().open && e.folded == other->pipeline_.expansion().folded) return;
  other->applyExpansion(ctx, e, groupItemKey(pg));
}

void GraphView::mirrorFolding(AppContext& ctx, const std::vector<hierarchy::GroupId>& series, bool fold) {
  GraphView* other = groupedPartnerPane(ctx);
  if (!other) return;
  const hierarchy::Hierarchy& theirs = other->pipeline_.hierarchy();
  hierarchy::Expansion e = other->pipeline_.expansion();
  for (hierarchy::GroupId g : series) {
    const uint32_t partner = partnerGroupIn(*other, g);
    // Only a series folds: a series may pair with a plain group (a stack of 2 layers).
    if (partner == kNoIndex || theirs.groups[partner].kind != hierarchy::GroupKind::Series) continue;
    hierarchy::setFolded(&e, hierarchy::GroupId{partner}, fold);
  }
  if (e.folded == other->pipeline_.expansion().folded) return;
  other->applyExpansion(ctx, e, 0);
  other->fit_pending_ = true;  // as the menu does here: the folded graph is much shorter
}


// [SECTION] Changing the expansion --------------------------------------------------

void GraphView::applyExpansion(AppContext& ctx, const hierarchy::Expansion& e, uint64_t anchor) {
  if (!pipeline_.grouped()) return;
  const double t0 = platform::nowMs();
  // What is on screen now, by key, so the new boxes can start from there.
  const scene::GroupedScene& before = pipeline_.groupedScene();
  std::unordered_map<uint64_t, scene::Rect> old_items, old_frames;
  for (size_t i = 0; i < before.keys.size(); ++i) old_items.emplace(before.keys[i], pipeline_.layout().nodes[i]);
  for (const scene::GroupFrame& f : before.frames) old_frames.emplace(groupItemKey(f.group), f.rect);
  const uint64_t selected_key = selected_ != kNoIndex && selected_ < before.keys.size() ? before.keys[selected_] : 0;
  // Where the anchor is drawn (a box, or the frame of the same group once opened).
  auto find = [](const std::unordered_map<uint64_t, scene::Rect>& m, uint64_t key, scene::Rect* out) {
    const auto it = m.find(key);
    if (it == m.end()) return false;
    *out = it->second;
    return true;
  };
  scene::Rect anchor_before{};
  const bool has_anchor =
      anchor != 0 && (find(old_items, anchor, &anchor_before) || find(old_frames, anchor, &anchor_before));

  if (Status s = pipeline_.regroup(e); !s) {
    ctx.session.logProblem("graph view: " + s.message());
    return;
  }
  toggle_started_ = t0;
  toggle_frame_ = frames_drawn_;
  const scene::GroupedScene& after = pipeline_.groupedScene();
  const scene::SceneLayout& layout = pipeline_.layout();
  const hierarchy::Hierarchy& h = pipeline_.hierarchy();

  // Keep the anchor's top-left corner where it was on screen.
  const uint64_t anchor_group = anchor;  // a box key or the key of the group whose frame it became
  scene::Rect anchor_after{};
  bool anchored = false;
  if (has_anchor) {
    for (size_t i = 0; i < after.keys.size() && !anchored; ++i)
      if (after.keys[i] == anchor_group) anchor_after = layout.nodes[i], anchored = true;
    for (const scene::GroupFrame& f : after.frames)
      if (!anchored && groupItemKey(f.group) == anchor_group) anchor_after = f.rect, anchored = true;
    if (anchored) {
      camera_anim_.stop();
      camera_.origin_x += anchor_after.x - anchor_before.x;
      camera_.origin_y += anchor_after.y - anchor_before.y;
    }
  }

  // Start rectangles: the same thing before; else the group box/frame it came out of
  // (nearest ancestor drawn before); else where it ends (no motion).
  auto origin = [&](hierarchy::GroupId parent, uint64_t own_key, const scene::Rect& to) {
    scene::Rect r;
    if (find(old_items, own_key, &r) || find(old_frames, own_key, &r)) return r;
    for (hierarchy::GroupId g = parent; g.valid() && g.index != 0; g = h.group(g).parent) {
      if (find(old_items, groupItemKey(g), &r) || find(old_frames, groupItemKey(g), &r)) {
        // Grow out of the middle of where the group was.
        const float w = std::min(to.width, r.width), hh = std::min(to.height, r.height);
        return scene::Rect{r.x + (r.width - w) * 0.5f, r.y + (r.height - hh) * 0.5f, w, hh};
      }
    }
    return to;
  };
  // A big scene jumps: re-sending thousands of boxes every frame would make the
  // motion itself stutter.
  if (after.keys.size() <= kMaxAnimatedBoxes) {
    std::vector<scene::Rect> from_nodes(after.keys.size()), from_frames(after.frames.size());
    for (size_t i = 0; i < after.keys.size(); ++i)
      from_nodes[i] = origin(after.visible.items[i].parent, after.keys[i], layout.nodes[i]);
    for (size_t i = 0; i < after.frames.size(); ++i) {
      const hierarchy::GroupId g = after.frames[i].group;
      from_frames[i] = origin(h.group(g).parent, groupItemKey(g), after.frames[i].rect);
    }
    group_transition_.start(std::move(from_nodes), std::move(from_frames), platform::nowMs());
  }

  // Selection and search refer to display node indices: carry the selection by key.
  selected_ = kNoIndex;
  for (size_t i = 0; i < after.keys.size() && selected_key; ++i)
    if (after.keys[i] == selected_key) selected_ = static_cast<uint32_t>(i);
  hovered_ = hover_edge_ = kNoIndex;  // search matches are graph nodes: they stay
  uploadScene();
  stepGroupAnimation(platform::nowMs());
}

void GraphView::stepGroupAnimation(double now) {
  if (!group_transition_.active()) return;
  if (!group_transition_.step(pipeline_.layout(), now)) {
    uploadScene();  // the motion is over: the final boxes, with their edges
    return;
  }
  const scene::Overlay* overlay = color_.overlay();
  renderer_.setScene(pipeline_.graph(), group_transition_.layout(),
                     canvas_size_.x * canvas_size_.y * pixel_ratio_ * pixel_ratio_,
                     overlay ? &overlay->node_header : nullptr);
  states_dirty_ = true;
}

// [SECTION] The Groups menu ---------------------------------------------------------

void GraphView::drawGroupsMenu(AppContext& ctx) {
  if (!ImGui::BeginPopup("##graph_groups")) return;
  GraphViewOptions next = options_;
  int mode = static_cast<int>(options_.grouping);
  ImGui::TextDisabled("Draw the graph");
  ImGui::RadioButton("as groups when big (auto)", &mode, static_cast<int>(Grouping::Auto));
  probe_.note("grouping_auto");
  ImGui::RadioButton("as groups", &mode, static_cast<int>(Grouping::Groups));
  probe_.note("grouping_groups");
  ImGui::RadioButton("flat: every node", &mode, static_cast<int>(Grouping::Flat));
  probe_.note("grouping_flat");
  next.grouping = static_cast<Grouping>(mode);

  if (pipeline_.grouped() && uploaded_) {
    const hierarchy::Hierarchy& h = pipeline_.hierarchy();
    ImGui::Separator();
    ImGui::TextDisabled("%s groups, %zu kinds of repeated group", withThousands(h.groupCount() - 1).c_str(),
                        h.repeats.size());
    hierarchy::Expansion e = pipeline_.expansion();
    bool apply = false;
    if (ImGui::Button("Expand all")) e = hierarchy::expandAll(h), apply = true;
    probe_.note("expand_all");
    ImGui::SameLine();
    if (ImGui::Button("Collapse all")) e = hierarchy::collapseAll(h), apply = true;
    probe_.note("collapse_all");
    ImGui::SameLine();
    if (ImGui::Button("First sight")) e = hierarchy::firstSight(h, pipeline_.visibleOptions(), pipeline_.firstSightOptions()), apply = true;
    probe_.note("first_sight");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("At most ~200 boxes, the biggest groups opened first");
    uint32_t max_depth = 1;
    for (const hierarchy::Group& g : h.groups) max_depth = std::max(max_depth, g.depth);
    ImGui::SetNextItemWidth(120);
    ImGui::SliderInt("##depth", &expand_depth_, 1, static_cast<int>(max_depth) + 1);
    ImGui::SameLine();
    if (ImGui::Button("Expand to depth")) e = hierarchy::expandToDepth(h, static_cast<uint32_t>(expand_depth_)), apply = true;
    probe_.note("expand_depth");
    bool any_series = false, all_folded = true;
    std::vector<hierarchy::GroupId> series;  // folded or unfolded by the checkbox
    for (uint32_t g = 0; g < h.groupCount(); ++g)
      if (h.groups[g].kind == hierarchy::GroupKind::Series) {
        any_series = true;
        all_folded = all_folded && e.isFolded(hierarchy::GroupId{g});
      }
    if (any_series) {
      bool fold = all_folded;
      if (ImGui::Checkbox("Fold repeated layers (one shown, the rest as one box)", &fold)) {
        for (uint32_t g = 0; g < h.groupCount(); ++g)
          if (h.groups[g].kind == hierarchy::GroupKind::Series) {
            hierarchy::setFolded(&e, hierarchy::GroupId{g}, fold);
            series.push_back(hierarchy::GroupId{g});
          }
        apply = true;
      }
      probe_.note("fold_series");
    }
    if (apply) applyExpansion(ctx, e, 0);
    if (apply) fit_pending_ = true;
    if (!series.empty()) mirrorFolding(ctx, series, e.isFolded(series.front()));

    ImGui::Separator();
    ImGui::TextDisabled("Fold into the nodes they feed");
    auto bit = [&](const char* label, const char* id, uint8_t mask) {
      bool on = (next.fold & mask) != 0;
      if (ImGui::Checkbox(label, &on)) next.fold = static_cast<uint8_t>(on ? (next.fold | mask) : (next.fold & ~mask));
      probe_.note(id);
    };
    bit("Constants", "fold_constants", hierarchy::kCategoryConstant);
    bit("Shape computations (Shape, Gather, Concat...)", "fold_shape", hierarchy::kCategoryShape);
    bit("Identity and Cast", "fold_pass", hierarchy::kCategoryPassThrough);
    ImGui::Checkbox("High fan-out inputs as short stubs", &next.stubs);
    probe_.note("stubs");
  }
  ImGui::EndPopup();

  if (next != options_) {
    const bool only_visible = next.grouping == options_.grouping && pipeline_.grouped() && uploaded_ &&
                              next.direction == options_.direction;
    options_ = next;
    saveOptions();
    if (only_visible && pipeline_.reconfigure(options_)) {
      hovered_ = hover_edge_ = selected_ = kNoIndex;
      search_.dropMatches();
      group_transition_.stop();
      uploadScene();
    } else {
      fit_pending_ = true;
      restart(ctx, platform::nowMs());
    }
  }
}

}  // namespace nf::app
