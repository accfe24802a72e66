// shapes/inference.h - shape and type inference over an ir::Model.
//
// Call flow
//   inferShapes(model, options)
//     for the main graph: seed inputs (overrides or declared), initializers (type
//     and, when small, their values), then visit nodes in dependency order:
//       rule table (op type -> rule, shapes/rules_*.cpp) computes output types and,
//       where all that is needed is known, folds the output value (ConstValue);
//       If/Loop/Scan/SequenceMap rules infer their bodies recursively;
//       model-local functions are inferred through their bodies;
//       the result is checked against the declared type (value_info / outputs).
//
// Guarantees
//   - The model is never modified.
//   - An op without a rule, or a rule that cannot decide, leaves its outputs with
//     what is declared for them (if use_declared) or unknown; the rest goes on.
//   - A declared type that contradicts the inferred one is reported in
//     `conflicts` and the inferred type is kept; it is never silently replaced.
//     A declared type only ever fills in what inference left unknown.
//   - Deterministic: same model and options, same result.
//
// Symbolic dims: dim_params stay symbolic ("batch"); arithmetic on them follows
// shapes/symbolic.h (sums/products/exact quotients become expressions such as
// "batch*seq", anything else becomes an unknown dim).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ir/model.h"
#include "ir/types.h"

namespace nf::shapes {

// The values of a small tensor known at inference time: an initializer, a
// Constant, or a folded shape computation (Shape -> Gather -> Concat -> ...).
// Integer and bool elements are Dims so that symbolic entries survive
// (Shape of a [batch, 3] tensor is {batch, 3}) and unknown entries can be partial
// (Shape of [?, 3] is {?, 3}); floating-point elements are doubles.
struct ConstValue {
  ir::ElemType elem = ir::ElemType::Undefined;
  std::vector<int64_t> dims;  // the tensor's shape (always fully known)
  std::vector<ir::Dim> ints;  // integral/bool elements, row-major (when !isReal())
  std::vector<double> reals;  // floating-point elements, row-major (when isReal())

  bool isReal() const { return ir::isFloatType(elem); }
  int64_t count() const;  // number of elements (1 for a scalar); -1 if dims are negative or overflow
  // Every element Known (always true for reals).
  bool fullyKnown() const;
  // Element i as an integer (reals are truncated); false if unknown/symbolic.
  bool intAt(size_t i, int64_t* out) const;
  // All elements as integers; false if any is not Known.
  bool toInts(std::vector<int64_t>* out) const;
};

struct InferenceOptions {
  // Shapes for main-graph inputs by name, replacing the declared shape (the
  // declared element type is kept). Names that match no input are ignored.
  std::map<std::string, ir::Shape> input_overrides;
  // Fill in what inference could not decide from the types the file declares
  // (value_info, graph outputs). Off = report purely inferred types (coverage
  // measurements); declared types are then only checked, never used.
  bool use_declared = true;
  // Largest tensor (elements) whose values are tracked for constant folding.
  int64_t max_fold_elements = 1 << 16;
  // Known values for main-graph inputs by name (e.g. a shape or axes input a user
  // pins); they fold like initializers. Most callers leave this empty.
  std::map<std::string, ConstValue> input_values;
};

// What is known about one value.
struct ValueResult {
  enum class Origin : uint8_t {
    None,         // nothing known
    Input,        // graph input (declared or overridden type)
    Initializer,  // initializer tensor
    Inferred,     // computed by an op rule
    Declared,     // no rule could decide; taken from the file's declaration
  };
  ir::Type type;                               // kind None when nothing is known
  // Known contents: folded results, Constant outputs, pinned input values, and
  // those initializers a rule needed (decoded on demand). Null otherwise.
  std::shared_ptr<const ConstValue> constant;
  // For a sequence whose length is known (SequenceConstruct, SplitToSequence...):
  // the type of each element, in order. Null otherwise.
  std::shared_ptr<const std::vector<ir::Type>> elements;
  Origin origin = Origin::None;
  int32_t conflict = -1;  // index into InferenceResult::conflicts, or -1
};

struct GraphResult {
  std::vector<ValueResult> values;  // indexed by ir::ValueId
  bool visited = false;             // false for bodies never reached (e.g. unused functions)
};

// A declared type that contradicts the inferred one.
struct Conflict {
  ir::GraphId graph;
  ir::ValueId value;
  ir::Type declared;
  ir::Type inferred;
  std::string message;  // "dim 1: declared 64, inferred 32"
};

// An op type no rule covers (one entry per op type, in first-seen order).
struct MissingRule {
  std::string domain;
  std::string op_type;
  int count = 0;  // nodes of this type
  ir::GraphId graph;
  ir::NodeId first;
};

// A node whose inputs contradict its op (e.g. MatMul of [2,3] and [4,5]).
struct NodeIssue {
  ir::GraphId graph;
  ir::NodeId node;
  std::string message;
};

struct InferenceResult {
  std::vector<GraphResult> graphs;  // indexed by ir::GraphId, one per model graph
  std::vector<Conflict> conflicts;
  std::vector<MissingRule> missing;
  std::vector<NodeIssue> issues;

  // The result for a value (a static empty result for out-of-range ids).
  const ValueResult& value(ir::GraphId g, ir::ValueId v) const;
  const ir::Type& type(ir::GraphId g, ir::ValueId v) const { return value(g, v).type; }
  // Main-graph shorthand.
  const ValueResult& value(ir::ValueId v) const { return value(ir::GraphId{0}, v); }
};

InferenceResult inferShapes(const ir::Model& model, const InferenceOptions& options = {});

// inferShapes in slices, for a caller that must not block for long (the app's model
// comparison runs it between frames): step(budget_ms) processes main-graph nodes until
// about that long has passed (<= 0: to the end) and resumes there; a node's bodies and
// functions go with it. Same result as inferShapes. The model must outlive the job.
class InferenceJob {
 public:
  explicit InferenceJob(const ir::Model& model, InferenceOptions options = {});
  ~InferenceJob();
  InferenceJob(const InferenceJob&) = delete;
  InferenceJob& operator=(const InferenceJob&) = delete;
  bool step(double budget_ms);  // true once done
  bool done() const;
  float progress() const;       // 0..1, by main-graph nodes
  InferenceResult take();       // once done()

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True when an op type has an inference rule ("" or "ai.onnx" = default domain).
bool hasRule(std::string_view domain, std::string_view op_type);
// "Add", "ai.onnx.ml::LabelEncoder", ... sorted; for docs and coverage reports.
std::vector<std::string> supportedOps();

// Decodes a tensor's values when it is numeric/bool and has at most max_elements
// elements (data read from the model's sources when not inline); null otherwise.
std::shared_ptr<const ConstValue> decodeTensor(const ir::Model& model, const ir::Tensor& t,
                                               int64_t max_elements);

}  // namespace nf::shapes
