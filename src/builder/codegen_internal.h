// builder/codegen_internal.h - the emitters behind generateCode() (not for callers).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "builder/codegen.h"

namespace nf::builder::detail {

Result<std::string> emitPyTorch(CodePlan& plan, const CodegenOptions& options);

// [SECTION] Keras: one list of layer calls, written as Python or as Keras JSON

struct KerasLayer;

// One constructor argument of a Keras layer: its Keras keyword and value (as Keras's
// get_config() holds it: tuples are full-length lists), and how the Python code writes it.
struct KerasArg {
  std::string key;
  nlohmann::json value;
  bool positional = false;  // Python: `16` rather than `filters=16`
  bool scalar_ok = false;   // Python: an all-equal tuple written as one number (3 for (3, 3))
  bool as_list = false;     // Python: [1, 2] rather than (1, 2)
  std::shared_ptr<KerasLayer> layer;  // a wrapped layer (Bidirectional's `layer`), instead of value
};

// One Keras layer applied once. Its name is also the Python variable holding its output.
struct KerasLayer {
  enum class Call : uint8_t { Input, One, List, Attention };
  std::string cls;  // Keras class name: "Conv2D", "InputLayer"
  std::string name;
  std::vector<KerasArg> args;       // without `name`
  std::vector<std::string> inputs;  // producers by layer name (Attention: query, value[, key])
  Call call = Call::One;
  std::string comment;              // shape comment on the Python line ("" for none)
};

struct KerasModel {
  std::vector<KerasLayer> layers;  // topological order
  std::vector<std::string> inputs, outputs;
};

// The layers of the Keras model for `plan` (claims helper names in plan.names).
KerasModel planKeras(CodePlan& plan);
std::string emitKeras(CodePlan& plan, const CodegenOptions& options);
// Keras 2 `model.to_json()` config (class_name "Functional").
nlohmann::json kerasConfig(const CodePlan& plan, const KerasModel& model);

// The keyword a builder parameter has in framework f (the catalog's spelling).
const std::string& kwName(const LayerSpec& spec, const char* param, Framework f);
// `kw=value` when the value differs from the framework's default, else "".
std::string kwIfNotDefault(const LayerSpec& spec, const ParamMap& params, const char* param, Framework f);

// Summary line for the header comment: "output N x 10; 62,006 parameters".
// "a, b, c": the non-empty parts, comma-separated (Python argument lists).
std::string join(const std::vector<std::string>& parts);

std::string outputSummary(const CodePlan& plan, Framework f);

}  // namespace nf::builder::detail
