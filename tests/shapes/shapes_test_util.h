// Helpers for the shape tests on hand-built graphs (support/model_builder.h).
#pragma once
#include <gtest/gtest.h>

#include <string>

#include "ir/model.h"
#include "shapes/inference.h"

namespace nf::test {

// The inferred type of value `name` of graph `g`, as text ("FLOAT[2, 3]").
inline std::string typeOf(const shapes::InferenceResult& r, ir::Model& m, const std::string& name,
                          ir::GraphId g = ir::GraphId{0}) {
  ir::ValueId v = m.graph(g).find(name);
  EXPECT_TRUE(v.valid()) << name;
  return ir::typeToString(r.type(g, v));
}

}  // namespace nf::test
