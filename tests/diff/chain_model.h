// tests/diff/chain_model.h - the residual chain the diff tests compare: a known
// answer for inserted, removed and replaced layers.
#pragma once
#include <string>
#include <vector>

#include "support/model_builder.h"

namespace nf::test {

// A residual chain: per layer MatMul(W_l) -> Add(b_l) -> Relu -> Add(residual).
// Weights hold distinct values per layer unless `alike` (then only structure and
// position can tell the layers apart).
inline ir::Model chain(int layers, bool named, int insert_at = -1, const char* act = "Relu", int act_at = -1,
                       bool alike = false) {
  ir::Model m = model(17);
  GraphBuilder g(m);
  std::string x = g.input("x", F32, shape({1, 4}));
  int seed = 0;
  for (int l = 0; l < layers + (insert_at >= 0 ? 1 : 0); ++l) {
    bool fresh = l == insert_at;
    int k = fresh ? 1000 : alike ? 0 : seed++;
    std::string s = "/layers." + std::to_string(l) + "/";
    auto nm = [&](const char* op) { return named ? s + op : std::string(); };
    std::vector<float> w(16), b(4);
    for (int i = 0; i < 16; ++i) w[i] = static_cast<float>(k * 16 + i) * 0.01f;
    for (int i = 0; i < 4; ++i) b[i] = static_cast<float>(k * 4 + i) * 0.1f;
    std::string wn = g.initFloats("w" + std::to_string(l), {4, 4}, w);
    std::string bn = g.initFloats("b" + std::to_string(l), {4}, b);
    std::string y = g.op("MatMul", nm("MatMul"), {x, wn});
    y = g.op("Add", nm("Add"), {y, bn});
    y = g.op(l == act_at ? "Sigmoid" : act, nm("Act"), {y});
    x = g.op("Add", nm("Add_1"), {x, y});
  }
  g.output(x);
  return m;
}

}  // namespace nf::test
