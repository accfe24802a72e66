// scene/op_summary.h - the short texts inside an op's box.
//
// attributeSummary: the few attributes that tell ops of one type apart, written the
// way people talk about them: Conv "3×3 /2  pads 1  groups 32", MaxPool "2×2 /2",
// Gemm "transB", Transpose "perm 0,2,3,1", Concat "axis 1", Cast "→ FLOAT16".
// inputLabel: the schema name of an input slot ("W", "B", "scale"...) for folded
// initializer rows, like Netron; tensorValueText: "= 0.5" for tiny constants.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "ir/model.h"

namespace nf::scene {

// Key attributes of `node` (a node of `graph` in `model`), "" when none is worth
// showing. Missing kernel shapes are taken from the weight initializer's dims.
std::string attributeSummary(const ir::Model& model, const ir::Graph& graph, const ir::Node& node);

// Schema name of input `slot` of `op_type` from the op registry; "" when the op is
// unknown, the slot is past its names, or its entry keeps tensor names (not labelled).
std::string_view inputLabel(std::string_view op_type, uint32_t slot);

// "= 0.5", "= [1, -1]": the values of a tensor with at most 8 numeric elements whose
// bytes are inline or at most 64 bytes in a present data source; "" otherwise.
std::string tensorValueText(const ir::Model& model, const ir::Tensor& tensor);

}  // namespace nf::scene
