// importer/torch_blocks.h - repeated blocks of an ONNX graph as one nn.Module class each.
//
// Candidates are the hierarchy's instances of repeated structure (series members such
// as "layer1.0" or "layers.7", and repeat-class members), outermost first. Each
// instance is translated on its own (its scope stripped from the names), and instances
// whose code is the same up to numbers in __init__ (channel counts, strides) share one
// class whose constructor takes those numbers. Equality of the generated text is the
// proof: an instance is folded only when its class, given its arguments, reads exactly
// like its own flat translation. Two such classes merge when one is the other plus an
// optional branch (ResNet's downsample shortcut): the branch runs under a constructor
// flag, and either way the code is the instance's own. Consecutive instances of one series where each feeds
// the next become an nn.Sequential (or an nn.ModuleList loop when they also read values
// shared by all of them).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "importer/torch_context.h"

namespace nf::importer::detail {

struct BlockClass {
  std::string name;                  // Python class name ("Layer")
  std::vector<std::string> params;   // constructor parameters
  std::vector<std::string> args;     // forward() arguments
  std::vector<std::string> init, forward;  // bodies (forward ends with its return)
  int64_t uses = 0;
};

struct BlockInstance {
  std::string ident;                  // the group's scope as an identifier ("layer1_0")
  std::vector<uint32_t> nodes;        // the group's nodes, graph order
  std::vector<ir::ValueId> inputs;    // values read from outside (not weights or constants)
  std::vector<ir::ValueId> outputs;   // values used outside or graph outputs
  int32_t cls = -1;
  std::vector<std::string> ctor_args;  // the constructor call's arguments (literals; keywords for an optional branch)
  std::vector<WeightEntry> weights;    // keys relative to the instance
  TorchImport counts;                  // layers and op calls of one instance
  HelperSet helpers;
  std::vector<std::string> init, forward;  // its own translation (before templating)
  int64_t series = -1;                 // hierarchy group id of its series, -1 if none
  int64_t series_number = -1;
};

// What the main forward() calls in one place: one instance, or a chain of them.
struct BlockUnit {
  std::vector<size_t> instances;  // into BlockPlan::instances
  std::string name;               // attribute base name ("layer1", "layers_3")
  bool chain = false;             // instances feed one another
  size_t chain_input = 0;         // which input carries the chain
  uint32_t last_node = 0;         // the call is written where the graph reaches this node
  bool dropped = false;           // translated flat after all
};

struct BlockPlan {
  std::vector<BlockClass> classes;
  std::vector<BlockInstance> instances;
  std::vector<BlockUnit> units;
  std::vector<int32_t> node_unit;  // per node of the main graph: its unit, -1 if translated flat

  bool empty() const { return units.empty(); }
  void dropUnit(size_t unit);  // its nodes are translated flat again
};

// Finds and translates the repeated blocks of `base`'s graph. `base` is a context with
// the options set (opset, half) whose tables are untouched; it is not modified.
BlockPlan planBlocks(const Ctx& base);

// The classes' Python source.
std::string blockClassesCode(const BlockPlan& plan);

}  // namespace nf::importer::detail
