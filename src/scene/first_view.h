// scene/first_view.h - what the first picture of a graph shows, and moving the
// selection along edges: decisions that depend only on the laid-out scene, kept out
// of the app so they are tested natively.
//
//   readableZoom        the zoom at which box titles reach a given on-screen size
//   firstSightItemBudget how many items a canvas shows readably (hierarchy::firstSight)
//   firstView           the first camera: the whole graph if it is readable that way,
//                       else a readable zoom at the graph's start (its inputs), as
//                       Netron opens
//   neighbourAlong      the box an arrow key moves the selection to: producer,
//                       consumer, or the next sibling among the consumers' row
#pragma once
#include <cstdint>
#include <vector>

#include "scene/display_graph.h"
#include "scene/scene_layout.h"

namespace nf::scene {

// Box titles smaller than this (CSS pixels on screen) are not readable.
inline constexpr float kReadableTitlePx = 11.0f;

// The zoom at which a box title (BoxStyle::header_font) is `title_px` on screen.
float readableZoom(float title_px = kReadableTitlePx);
// On-screen size of a box title at `zoom`.
float titlePxAt(float zoom);

// Items (boxes) a canvas of this size (CSS pixels) shows with readable titles, for
// choosing which groups open first: at least 8, at most 200.
uint32_t firstSightItemBudget(float canvas_w, float canvas_h);

// A camera in scene terms: canvas = (scene - origin) * zoom.
struct ViewPlacement {
  float origin_x = 0, origin_y = 0, zoom = 1;
  bool whole = true;  // the whole graph is on screen (false: it opens at its start)
};

// The first camera for `layout` on a canvas of canvas_w x canvas_h, keeping `top_pad`
// pixels clear at the top (the toolbar). Fits the whole graph if its titles are then
// at least kReadableTitlePx (at most zoom max_zoom); otherwise zoom 1 (or the readable
// zoom if the canvas is that small), at the start of the graph along the layout's
// direction (top for top-to-bottom, left for left-to-right), centred across on the
// boxes that are on screen there.
ViewPlacement firstView(const SceneLayout& layout, float canvas_w, float canvas_h, float top_pad = 0,
                        float max_zoom = 2.0f);

// Where an arrow key moves the selection from box `from`.
enum class Along : uint8_t {
  Back,      // to a producer (an edge into `from`): up in top-to-bottom layouts
  Forward,   // to a consumer (an edge out of `from`): down
  Previous,  // to the previous box among the consumers of `from`'s producers, by position
  Next,      // to the next one
};
// The box reached, or kNoIndex when there is none. Among several producers or
// consumers the one closest to `from` across the layout direction wins (then the
// lower index), so repeated presses follow the visible line of the graph.
uint32_t neighbourAlong(const DisplayGraph& g, const SceneLayout& layout, uint32_t from, Along along);

}  // namespace nf::scene
