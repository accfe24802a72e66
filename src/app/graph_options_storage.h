// app/graph_options_storage.h - the graph view's options as remembered in page
// storage: a JSON object such as
//   {"direction":"LR","initializers_as_nodes":false,"names":true,"expand_bodies":false,
//    "grouping":"auto","fold":7,"stubs":true}
// Older versions stored "TB|LR initializers names bodies grouping fold stubs" by
// character position ("LR 0 1 0 A 7 1"); that form is still read, so options saved
// before the change survive (the view then saves them again as JSON).
#pragma once
#include <string>
#include <string_view>

#include "app/graph_pipeline.h"

namespace nf::app {

std::string encodeGraphOptions(const GraphViewOptions& options);
// `saved` decoded over `defaults`: what is missing or malformed keeps its default.
GraphViewOptions decodeGraphOptions(std::string_view saved, GraphViewOptions defaults);
// True for the old positional form (to be saved again as JSON).
bool isLegacyGraphOptions(std::string_view saved);

}  // namespace nf::app
