// cli/render_views.h - `netforge render --view layered|neurons` (render_views.cpp).
#pragma once
#include "cli/args.h"

namespace nf::cli {

// Renders the layered or neurons view; an unknown --view or a bad option value exits
// with kExitUsage.
int runRenderView(const Args& args);
// A builder document (DOC.json) as drawn in the builder (views/builder_picture.h):
// --background light|dark|transparent, --fit 16:9, --labels shape,params,notes|none,
// --legend on|off, --scale.
int runRenderBuilder(const Args& args);
// For --view graph: kExitUsage (after a message) when an option of the other views was
// given, else -1.
int checkGraphViewOptions(const Args& args);

}  // namespace nf::cli
