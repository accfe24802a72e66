// views/builder_picture.h - a builder document as a slide-ready diagram: its boxes at
// the positions the user gave them, coloured by category (or the user's colour), with
// edges, shapes, parameter counts, notes, labels, frames and a legend.
//
//   builderPicture(doc, analysis, options) --> Drawing --> toSvg / rasterize (drawing.h)
//
// The app's "Export picture" and `netforge render DOC.json -o out.svg|png` both call it,
// so the downloaded file and the CLI's are the same picture. Box sizes come from the
// text they hold (DejaVu metrics, as the renderers draw it), never clipped.
#pragma once
#include <optional>
#include <vector>

#include "builder/analysis.h"
#include "builder/document.h"
#include "views/drawing.h"

namespace nf::views {

struct BuilderPictureOptions {
  bool dark = false;    // the dark look (colours and background)
  bool shapes = true;   // output shapes in the boxes and on the edges
  bool params = true;   // parameter counts in the boxes
  bool notes = true;    // node notes, labels and frames
  bool legend = true;   // the colour legend under the picture
  // Non-empty: only these nodes, the edges among them, and the labels and frames that
  // lie within their bounds (the app's "selection" export).
  std::vector<builder::NodeId> only;
};

// Box geometry shared with the canvas: height and minimum width in canvas units.
inline constexpr float kBuilderBoxMinWidth = 170.0f;
inline constexpr float kBuilderBoxHeight = 46.0f;

Drawing builderPicture(const builder::Document& doc, const builder::Analysis& analysis,
                       const BuilderPictureOptions& options = {});

// For a 16:9 slide: a long diagram set in side-by-side columns (builder/columns.h) so
// it fills the slide instead of one tall column; nullopt when one column is best, or
// when the document holds labels or frames (their places are the user's).
std::optional<builder::Document> builderSlideColumns(const builder::Document& doc, const builder::Analysis& analysis,
                                                     const BuilderPictureOptions& options = {});

// The second line of a box: "Conv2d  Nx16x32x32" (type, and the shape when asked).
std::string builderBoxSubtitle(const builder::Node& n, const builder::NodeReport* report, bool shape,
                               builder::Framework framework);

}  // namespace nf::views
