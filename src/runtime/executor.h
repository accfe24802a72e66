// runtime/executor.h - runs an ONNX graph from the IR, in slices under a time budget.
//
// Call flow
//   Executor ex(model, options);
//   ex.start(inputs)         checks kernels (error names every missing op), plans,
//                            validates the inputs against the declared types
//   while (!p.finished) p = ex.step(budget_ms)   runs nodes until the budget is spent
//   ex.outputs(), ex.kept(), ex.nodeTimes()
// or ex.runAll(inputs) for the whole run at once. cancel() stops at the next node.
// Weights are read from the model's ByteSources on first use (one copy, float16 /
// bfloat16 decoded to float32) and cached for later runs of the same Executor. A
// weight read only as the W/B of Conv, Gemm or MatMul is kept in one form: once its
// kernel has packed it, the decoded copy is dropped (the kernels read the pack).

#pragma once
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "ir/model.h"
#include "runtime/buffer_pool.h"
#include "runtime/kernel_context.h"
#include "runtime/plan.h"
#include "runtime/tensor.h"

namespace nf::runtime {

using NamedValue = std::pair<std::string, Value>;

struct Progress {
  size_t done = 0, total = 0;
  bool finished = false;  // success, failure or cancel
  bool failed = false;
  std::string error;      // one line, set when failed
};

struct NodeTime {
  uint32_t node = 0;  // index in the main graph
  double ms = 0;
};

// Memory of the last run (main graph), for benchmarks and the Run panel.
struct MemoryStats {
  uint64_t weight_bytes = 0;       // the initializers the runs read, as float32/native elements
  uint64_t held_weight_bytes = 0;  // of those, decoded copies still held (the rest live packed only)
  uint64_t packed_bytes = 0;       // weights re-laid out for the GEMM kernels (cached too)
  uint64_t peak_live_bytes = 0;  // the largest set of intermediate values alive at once
  // malloc'ed bytes, sampled after every node when measure_heap is set: the most in
  // use during the run minus what was in use when it started (0 when not measured).
  uint64_t heap_start_bytes = 0, heap_peak_bytes = 0;
};

// Bytes malloc has handed out and not got back (mallinfo; 0 where unknown).
uint64_t heapInUseBytes();

class Executor {
 public:
  Executor(const ir::Model& model, PlanOptions options = {});
  ~Executor();

  Status start(std::vector<NamedValue> inputs);
  Progress step(double budget_ms);
  void cancel() { cancelled_ = true; }
  // start + step until finished.
  Status runAll(std::vector<NamedValue> inputs);

  // Graph outputs in graph order (valid after a successful run).
  const std::vector<NamedValue>& outputs() const { return outputs_; }
  // Kept intermediate values (PlanOptions::keep / keep_all), in execution order.
  const std::vector<NamedValue>& kept() const { return kept_; }
  const std::vector<NodeTime>& nodeTimes() const { return node_times_; }
  const BufferPool& pool() const { return pool_; }
  const MemoryStats& memory() const { return memory_; }
  // Samples the heap after every node of the next runs (a mallinfo call per node).
  void setMeasureHeap(bool on) { measure_heap_ = on; }
  const Plan* plan() const { return plan_.get(); }

  struct Frame;  // one graph's values while it runs (main graph or a subgraph call)

 private:
  bool runNode(Frame& frame, const Plan& plan, size_t step, std::string* error);  // kernel + releases
  bool runKernel(Frame& frame, const Plan& plan, size_t step, std::string* error);
  bool runGraph(ir::GraphId g, const Frame* parent, const std::vector<Value>& inputs, std::vector<Value>* outputs,
                std::string* error, const std::vector<ir::Attribute>* function_attrs = nullptr, int depth = 0);
  const Plan* planFor(ir::GraphId g, std::string* error);
  const Value* lookup(const Frame& frame, ir::ValueId id, std::string* error);
  void planWeightDrops();
  void dropPackedWeights(size_t step);
  void finish(Progress* p);

  const ir::Model& model_;
  PlanOptions options_;
  std::unique_ptr<Plan> plan_;
  std::map<uint32_t, std::unique_ptr<Plan>> sub_plans_;
  std::map<const ir::Tensor*, Value> weights_;  // lazily loaded initializers (no buffer: packed only)
  // Per main-graph step: initializers read only as Conv/Gemm/MatMul weights whose last
  // reader it is; their decoded copy goes once packed.
  std::vector<std::vector<const ir::Tensor*>> drop_after_;
  std::unique_ptr<Frame> frame_;
  size_t next_step_ = 0;
  bool cancelled_ = false, running_ = false;
  std::vector<NamedValue> outputs_, kept_;
  std::vector<NodeTime> node_times_;
  MemoryStats memory_;
  bool measure_heap_ = false;
  uint64_t live_bytes_ = 0;
  uint64_t pool_keep_bytes_ = 0;  // most bytes the pool keeps: the largest live set of any run
  std::map<const Buffer*, uint32_t> live_buffers_;  // main-graph values holding each buffer
  BufferPool pool_;
  kernels::Scratch scratch_;
  WeightPackCache packs_;
};

// Converts an IR tensor (initializer, attribute, test data) to a runtime tensor:
// reads Source data through its ByteSource once, decodes float16/bfloat16.
Result<Tensor> tensorFromIr(const ir::Model& model, const ir::Tensor& t);
// The reverse, with Inline storage (for writing .pb files); float16/bfloat16 re-encoded.
ir::Tensor tensorToIr(const Tensor& t, const std::string& name);

}  // namespace nf::runtime
