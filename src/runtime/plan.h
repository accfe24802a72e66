// runtime/plan.h - how one graph will be executed, decided once before running.
//
// The plan fixes the node order (shapes::executionOrder), the kernel of every
// node, and each value's lifetime: after step s, the values whose last consumer
// is s are released (their buffers go back to the pool) unless they are graph
// outputs or kept for inspection. Values read by a node's subgraphs (outer scope)
// count as read by that node.
#pragma once
#include <string>
#include <vector>

#include "base/result.h"
#include "ir/model.h"
#include "runtime/kernel_context.h"

namespace nf::runtime {

struct PlanOptions {
  bool keep_all = false;          // keep every intermediate value
  std::vector<std::string> keep;  // names of values to keep
  bool fuse = true;               // fold activations into the Conv before them
};

// An activation folded into the step that produces its input (a float32 Conv whose
// only reader it is, its output not kept): that step's kernel runs, then the
// activation is applied in place and the result stored as the activation's output;
// the activation's own step does nothing (its time counts in the Conv's).
enum class Epilogue : uint8_t { None, Relu, Clip, HardSigmoid, HardSwish };
struct FusedActivation {
  Epilogue act = Epilogue::None;
  float alpha = 0, beta = 0;  // Clip: min, max; HardSigmoid: alpha, beta
  ir::ValueId output;         // the activation's output value
};
// Applies `f` to n floats in place.
void applyEpilogue(const FusedActivation& f, float* x, size_t n);

struct Plan {
  ir::GraphId graph;
  std::vector<uint32_t> order;                     // node indices, execution order
  std::vector<KernelFn> kernels;                   // per step
  std::vector<std::vector<uint32_t>> release_after;  // per step: value indices dead after it
  std::vector<uint8_t> kept;                       // per value: never released
  std::vector<int32_t> last_use;                   // per value: last step reading it (-1: none)
  std::vector<FusedActivation> fused;              // per step: an activation applied after it
  std::vector<uint8_t> folded;                     // per step: done by the step before it
};

// Every op in graph `g` and its nested subgraphs that has no kernel, as one error:
// "no kernel for: Foo (domain ai.onnx, opset 17), ...". OK when all are covered.
Status checkKernels(const ir::Model& model, ir::GraphId g);

// Plans graph `g` (kernels must exist: call checkKernels first for a good message).
Result<Plan> makePlan(const ir::Model& model, ir::GraphId g, const PlanOptions& options = {});

// Names of the outer-scope values that the subgraphs of `node` read (recursively).
std::vector<std::string> outerScopeReads(const ir::Model& model, const ir::Node& node);

}  // namespace nf::runtime
