// app/selection.h - what the user has selected, shared by every view that shows
// or changes it (node list, node details, tensor view, graph view, summary).
#pragma once
#include <cstdint>

#include "ir/model.h"

namespace nf::app {

struct Selection {
  ir::GraphId graph{0};  // the graph on screen (0 = main graph; bodies when opened)
  ir::NodeId node;       // the selected node, or invalid
  ir::ValueId value;     // the selected tensor (an initializer or an edge), or invalid
  bool focus_requested = false;  // the graph view should bring the node into view
  uint64_t version = 0;          // bumps on every change; views compare to follow it

  void selectNode(ir::GraphId g, ir::NodeId n, bool focus) {
    graph = g;
    node = n;
    value = {};
    focus_requested = focus;
    ++version;
  }
  void selectValue(ir::GraphId g, ir::ValueId v) {
    graph = g;
    value = v;
    ++version;
  }
  void clear() {
    node = {};
    value = {};
    ++version;
  }
};

}  // namespace nf::app
