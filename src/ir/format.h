// ir/format.h - human-readable text for attribute values and tensors, shared by
// the app's detail views, the CLI and exporters.
#pragma once
#include <string>

#include "ir/model.h"

namespace nf::ir {

// "3", "0.5", "\"NOTSET\"", "[1, 1, 2, 2]", "tensor FLOAT[64]", "graph 'then' (12 nodes)".
// Lists longer than max_items are cut with ", ... (N items)". Strings are escaped
// for display (control characters shown as \xNN).
std::string attributeValueText(const Model& m, const Attribute& a, size_t max_items = 16);

// "FLOAT[64, 3, 7, 7]"
std::string tensorTypeText(const Tensor& t);

}  // namespace nf::ir
