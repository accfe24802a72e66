// builder/onnx_op.h - the generic "ONNX op" layer's data: one ONNX node that matches no
// builder layer, kept as itself so every imported model converts.
//
// The layer (catalog type "OnnxOp") stores the op type and domain, the attributes as a
// JSON object, the constant inputs (initializers) as a JSON list, and the output shape
// that the ONNX model's shape inference gave. Its tensors are in ONNX's storage (what
// the PyTorch code holds), so the PyTorch emitter moves nothing around it. This header
// is the one decoder of those JSON texts: the shape and count rules, the PyTorch
// emitter's request to the importer's per-op translation, and the ONNX exporter read it.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/result.h"
#include "builder/onnx_weights.h"
#include "builder/types.h"

namespace nf::builder {

// One ONNX attribute: the scalar and list kinds a node can carry in a document
// (graph and tensor attributes are not carried: the importer refuses those nodes).
struct OnnxAttr {
  enum class Kind : uint8_t { Int, Float, String, Ints, Floats, Strings };
  std::string name;
  Kind kind = Kind::Int;
  int64_t i = 0;
  double f = 0;
  std::string s;
  std::vector<int64_t> ints;
  std::vector<double> floats;
  std::vector<std::string> strings;
};

// A constant input of the node: its ONNX input position, element type and dims, and
// its values when the document keeps them (small integer tensors such as shapes and
// axes; float weights keep only their dims and are initialised afresh).
struct OnnxConst {
  int input = 0;             // position among the node's ONNX inputs
  bool omitted = false;      // an optional input left empty ("")
  bool literal = false;      // a Constant node's value: written into the code, never a parameter
  std::string dtype = "FLOAT";  // ONNX's element type name: "FLOAT", "INT64", "BOOL", "FLOAT16"...
  IntList dims;
  std::vector<double> values;  // empty: not kept
  std::string source;          // a float weight's ONNX tensor (the PyTorch code loads it from the file)
  bool isFloat() const;
  int onnxDataType() const;    // TensorProto.DataType: 1 for FLOAT, 7 for INT64; 0 if unknown
  int64_t elements() const;    // product of dims (1 for a scalar)
};

// Output 2, 3, ... of the node (output 1 is the layer's output_shape / _layout / _dtype).
// Every output the ONNX node has is listed, used or not, so ops whose output count is
// their meaning (Split) keep it; an unused one may have no shape (it cannot be connected).
struct OnnxOutput {
  bool omitted = false;         // left empty ("") in the ONNX node
  IntList shape;                // as ONNX gives it at batch 1, axis 0 included; empty: unknown
  std::string dtype = "float32";  // "float32" / "int64"
  bool channels_first = false;  // a feature map PyTorch stores (C, H, W)
};

// The attributes / constants / more-outputs JSON texts <-> values. Errors name what is malformed.
std::string formatOnnxAttrs(const std::vector<OnnxAttr>& attrs);
Result<std::vector<OnnxAttr>> parseOnnxAttrs(const std::string& json);
std::string formatOnnxConsts(const std::vector<OnnxConst>& consts);
Result<std::vector<OnnxConst>> parseOnnxConsts(const std::string& json);
std::string formatOnnxOutputs(const std::vector<OnnxOutput>& outputs);
Result<std::vector<OnnxOutput>> parseOnnxOutputs(const std::string& json);
// The ONNX op type an "OnnxOp" layer's parameters hold ("Clip"), or "" when absent.
std::string onnxOpType(const ParamMap& params);

// What the PyTorch emitter asks the importer for one OnnxOp layer: the node as ONNX has
// it, with the Python expressions of its activation inputs (in ONNX input order, the
// constants in between) and the shapes PyTorch holds them in (batch first).
struct OnnxOpRequest {
  std::string op_type, domain;
  std::vector<OnnxAttr> attrs;
  std::vector<OnnxConst> consts;
  std::vector<std::string> input_exprs;  // activation inputs, in port order
  std::vector<IntList> input_shapes;     // their shapes in PyTorch storage, batch included
  std::vector<std::string> input_dtypes; // "float32" / "int64"
  IntList output_shape;                  // batch included
  std::string output_dtype;
  std::vector<OnnxOutput> more_outputs;  // the node's outputs after the first
  std::string layer;                     // the layer's identifier (names its weights and output 1)
  std::vector<std::string> more_names;   // the variables outputs 2, 3... must be, one per more_outputs
  int64_t opset = 17;
};

// The torch code for it: lines for __init__ (parameters for float constants), lines for
// forward() that leave the result in `output`, and Python helper functions the lines use.
struct OnnxOpCode {
  std::vector<std::string> init_lines;
  std::vector<std::string> forward_lines;
  std::string output;                    // the expression holding the result
  std::vector<std::string> more_outputs; // the variables holding outputs 2, 3... (request.more_names)
  std::vector<std::string> helpers;      // helper definitions (each once per file)
  std::vector<OnnxWeightEntry> weights;  // its parameters whose constant names a source tensor
};

// The importer's per-op torch translation, handed to the PyTorch emitter (the builder
// does not depend on the importer; the CLI and the app pass importer::onnxOpTorch).
using OnnxOpTranslator = std::function<Result<OnnxOpCode>(const OnnxOpRequest&)>;

}  // namespace nf::builder
