// builder/types.h - the plain values every part of the model builder shares.
//
// THE SHAPE CONVENTION (read this first)
//   A builder tensor shape never includes the batch dimension, and it is written in
//   the *canonical* order, which is channels-last: an image is H x W x C (CIFAR-10:
//   32x32x3), a sequence is T x F, a feature vector is F. This is the order the user
//   types on the input node and the order Keras uses, so Keras code needs no change.
//   PyTorch keeps feature maps channels-first (N, C, H, W): every tensor therefore also
//   records how the PyTorch code stores it (TensorInfo::channels_first). The PyTorch
//   emitter inserts the one movedim() needed where a layer wants the other storage
//   (e.g. Linear or LSTM after a convolution without Flatten), so both frameworks
//   compute the same function with the same shapes and parameter counts
//   (TensorInfo::dimsFor gives the shape each framework's code actually sees).
//   Axis parameters (Concatenate, Softmax, Squeeze, ...) count like Keras: 0 is the
//   batch, 1 the first canonical axis, -1 the last (the channels of a feature map).
#pragma once
#include <compare>
#include <map>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/checked.h"
#include "base/id.h"

namespace nf::builder {

// [SECTION] Frameworks

enum class Framework : uint8_t {
  PyTorch = 0,  // torch.nn modules in an nn.Module
  Keras = 1,    // tf.keras functional API
};
constexpr int kFrameworkCount = 2;
constexpr uint8_t frameworkBit(Framework f) { return uint8_t(1u << static_cast<unsigned>(f)); }
constexpr uint8_t kAllFrameworks = frameworkBit(Framework::PyTorch) | frameworkBit(Framework::Keras);

const char* frameworkName(Framework f);  // "PyTorch", "Keras" (for messages and badges)
const char* frameworkKey(Framework f);   // "pytorch", "keras" (for files, CLI, JSON)
// Accepts "pytorch"/"torch"/"pt" and "keras"/"tensorflow"/"tf" (any case).
std::optional<Framework> parseFramework(std::string_view s);

// [SECTION] Ids and geometry

// A node's identity inside one document: a number assigned once (from 1), never reused
// by that document (undo restores the same id). The default is base/id.h's none value.
using NodeId = Id<struct BuilderNodeTag>;

// A canvas position in editor units (the editor keeps them whole numbers).
struct Vec2 {
  double x = 0, y = 0;
  bool operator==(const Vec2&) const = default;
};

// [SECTION] Parameter values

using IntList = std::vector<int64_t>;

enum class ParamKind : uint8_t {
  Int,       // int64_t
  Float,     // double
  Bool,      // bool
  Enum,      // std::string, one of ParamSpec::choices
  IntTuple,  // IntList (kernel sizes, strides, shapes, permutations)
};
const char* paramKindName(ParamKind k);  // "int", "float", "bool", "enum", "tuple"

// The variant alternative order equals ParamKind's order.
using ParamValue = std::variant<int64_t, double, bool, std::string, IntList>;
// A node's parameter values by builder name (ordered, so output is deterministic).
using ParamMap = std::map<std::string, ParamValue>;

inline ParamKind kindOf(const ParamValue& v) { return static_cast<ParamKind>(v.index()); }

// "3", "0.5", "true", "same", "3x3" - for UI labels and error messages.
std::string formatParamValue(const ParamValue& v);

// [SECTION] Tensors

enum class DType : uint8_t {
  Float32,  // activations
  Int64,    // token ids (Embedding input)
};
const char* dtypeName(DType t);  // "float32", "int64"

struct TensorInfo {
  IntList dims;                // canonical order (see the top of this file), batch excluded
  DType dtype = DType::Float32;
  bool channels_first = false;  // PyTorch stores it as (C, spatial...); only set when rank >= 2

  int rank() const { return static_cast<int>(dims.size()); }
  // The shape the generated code of framework f sees (batch excluded).
  IntList dimsFor(Framework f) const;
  bool operator==(const TensorInfo&) const = default;
};

// "32x32x3"; "scalar" for rank 0. Separator is ASCII so the CLI output stays plain.
std::string formatDims(const IntList& dims, std::string_view separator = "x");
// Shape as framework f sees it with the batch first: "N x 3 x 32 x 32" -> "Nx3x32x32".
std::string formatShape(const TensorInfo& t, Framework f, std::string_view separator = "x");

// Parameter counts as the framework reports them: PyTorch's sum over
// model.parameters() is `trainable`; buffers such as BatchNorm running statistics are
// `non_trainable` (Keras counts them in count_params(), PyTorch does not).
struct ParamCount {
  int64_t trainable = 0;
  int64_t non_trainable = 0;
  // Saturating (base/checked.h): a sum past INT64_MAX stays kOverflow, never wraps.
  int64_t total() const { return satAdd(trainable, non_trainable); }
  bool overflow() const { return isOverflow(trainable) || isOverflow(non_trainable) || isOverflow(total()); }
  ParamCount& operator+=(const ParamCount& o) {
    trainable = satAdd(trainable, o.trainable);
    non_trainable = satAdd(non_trainable, o.non_trainable);
    return *this;
  }
  bool operator==(const ParamCount&) const = default;
};

}  // namespace nf::builder
