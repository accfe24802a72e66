// builder/codegen.h - Python code for a builder document: one plan, one emitter per
// framework (PyTorch nn.Module; TensorFlow-Keras functional API).
//
// The plan (codegen_plan.cpp) runs the analysis for the framework, refuses documents
// with errors (listing them: a layer the framework lacks is an error, never silently
// dropped), orders the nodes topologically and gives every node a sanitised Python
// identifier (pyident.h). Each emitter then writes the layers from the catalog's
// per-framework names. Output is deterministic: same document, same bytes.
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "builder/analysis.h"
#include "builder/document.h"
#include "builder/onnx_op.h"
#include "builder/pyident.h"

namespace nf::builder {

// What generateCode keeps between calls on an edited document (the app keeps one per
// builder): the analysis cache, and each ONNX op layer's translation by everything it
// depends on (its parameters, identifier, input expressions, shapes and types), so an
// edit re-translates only the layers it changed. The code is the same as without it.
struct CodegenCache {
  AnalysisCache analysis;
  std::unordered_map<std::string, OnnxOpCode> onnx_ops;
};

struct CodegenOptions {
  Framework framework = Framework::PyTorch;
  bool training_loop = false;  // add train(): an optimiser loop on random data of the right shapes
  bool main_block = true;      // add `if __name__ == "__main__":` that builds the model and runs it once
  // Torch code for the generic ONNX op layers (importer::onnxOpTorch); a document with
  // such a layer is refused without it.
  OnnxOpTranslator onnx_ops;
  CodegenCache* cache = nullptr;  // optional: makes the code of an edited document cheap
};

// The code, or an error whose message lists the problems ("3 problems: conv2d_1: ...").
Result<std::string> generateCode(const Document& doc, const CodegenOptions& options);

// A file name for the download: "<model>_pytorch.py" / "<model>_keras.py".
std::string codeFileName(const Document& doc, Framework f);

// The Keras model as JSON, from the same layer list as the Keras code: Keras 2's
// `model.to_json()` config (keras.models.model_from_json builds it), or TensorFlow.js's
// `model.json` around it (tf.loadLayersModel; no weights, so initialisers apply).
enum class KerasJsonForm { ModelConfig, TfjsModel };
Result<std::string> generateKerasJson(const Document& doc, KerasJsonForm form);
// "model.json" (TF.js) / "<model>_keras.json".
std::string kerasJsonFileName(const Document& doc, KerasJsonForm form);

// [SECTION] The plan both emitters work from

struct PlannedNode {
  const Node* node = nullptr;
  const LayerSpec* spec = nullptr;
  const NodeReport* report = nullptr;
  std::string ident;          // sanitised, unique Python identifier (also the Keras layer name)
  std::vector<int> inputs;    // plan indices of the producers, by port
  std::vector<int> input_outs;  // which output of each producer (Edge::out), by port
  std::vector<std::string> more_idents;  // identifiers of outputs 2, 3... (multi-output layers)

  // The identifier holding output k.
  const std::string& outIdent(int k) const { return k == 0 ? ident : more_idents[static_cast<size_t>(k - 1)]; }
};

// Move-only: PlannedNode::report points into `analysis`.
struct CodePlan {
  CodePlan() = default;
  CodePlan(CodePlan&&) = default;
  CodePlan& operator=(CodePlan&&) = default;
  CodePlan(const CodePlan&) = delete;
  CodePlan& operator=(const CodePlan&) = delete;

  Analysis analysis;
  std::vector<PlannedNode> nodes;  // topological order
  std::vector<int> input_nodes;     // plan indices of Input nodes, by id
  std::vector<int> output_nodes;    // plan indices of output nodes, by id
  std::string class_name;           // PyTorch class name
  std::string modelName;           // sanitised identifier of the model (Keras model name)
  std::string title;               // the document name, safe for a comment line
  NameTable names;                 // every identifier in use; emitters claim helper names here

  const TensorInfo& out(int planIndex) const { return *nodes[planIndex].report->output; }
  // The tensor input `port` of node planIndex reads (its producer's output Edge::out).
  const TensorInfo& in(int planIndex, int port) const {
    const PlannedNode& p = nodes[planIndex];
    return *nodes[p.inputs[port]].report->outputAt(p.input_outs[port]);
  }
};

Result<CodePlan> makeCodePlan(const Document& doc, Framework f, AnalysisCache* cache = nullptr);

// Python literal helpers shared by the emitters.
std::string pyInt(int64_t v);
std::string pyFloat(double v);                      // always has a '.' or exponent: 1.0, 1e-05
std::string pyBool(bool v);                         // True / False
std::string pyString(std::string_view s);           // "..." with escapes
std::string pyTuple(const IntList& v);              // (1,) / (2, 3)
std::string pyTupleOrScalar(const IntList& v);      // 3 when all equal, else (3, 5)
std::string pyValue(const ParamValue& v);           // by kind (tuples as pyTupleOrScalar)

}  // namespace nf::builder
