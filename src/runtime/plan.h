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

// What follows a float32 Conv folded into its step (the Conv's output, and the Add's,
// read by nothing else and not kept): an Add of a same-shaped tensor (a residual)
// and/or an activation. The Conv's kernel runs, then these are applied in place and
// the result stored as the last folded node's output; the folded nodes' own steps do
// nothing (their time counts in the Conv's).
enum class Epilogue : uint8_t { None, Relu, Clip, HardSigmoid, HardSwish };
struct FusedActivation {
  Epilogue act = Epilogue::None;
  float alpha = 0, beta = 0;  // Clip: min, max; HardSigmoid: alpha, beta
  ir::ValueId residual;       // the Add's other input (invalid: no Add)
  ir::ValueId output;         // the last folded node's output value
  bool any() const { return act != Epilogue::None || residual.valid(); }
};
// x = act(x + residual) on n floats in place (residual may be null).
void applyEpilogue(const FusedActivation& f, float* x, size_t n, const float* residual = nullptr);

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
