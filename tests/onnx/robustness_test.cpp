// Hostile and broken input: every case gives a clear error or opens safely, with no
// crash, hang or unbounded allocation (the fuzzer target explores further).
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "onnx.pb.h"
#include "onnx/reader.h"
#include "onnx/sample_model.h"
#include "support/test_support.h"

namespace nf {
namespace {

Result<ir::Model> readBytes(const std::string& s) {
  return onnx::readModel(std::make_shared<MemorySource>(std::vector<uint8_t>(s.begin(), s.end())), "x.onnx");
}

std::string corpusBytes(const std::string& rel) {
  std::vector<uint8_t> b;
  std::string err;
  readWholeFile(test::corpusPath(rel), &b, &err);
  return std::string(b.begin(), b.end());
}

TEST(Robustness, TruncationAtManyOffsetsNeverCrashes) {
  std::string model = onnx::makeSampleModel();
  int errors = 0;
  for (size_t cut = 0; cut < model.size(); cut += std::max<size_t>(1, model.size() / 997)) {
    auto r = readBytes(model.substr(0, cut));
    if (!r.ok()) {
      ++errors;
      EXPECT_FALSE(r.error().message.empty());
    }
  }
  EXPECT_GT(errors, 900);  // nearly every cut is detected as truncation
  auto r = readBytes(model.substr(0, model.size() / 2));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("truncated"), std::string::npos) << r.error().message;
}

TEST(Robustness, BitFlipsAndRandomBytes) {
  std::string model = corpusBytes("light/light_squeezenet.onnx");
  if (model.empty()) model = onnx::makeSampleModel();
  std::mt19937 rng(1234);
  for (int i = 0; i < 300; ++i) {
    std::string bad = model;
    for (int k = 0; k < 4; ++k) bad[rng() % bad.size()] ^= static_cast<char>(1u << (rng() % 8));
    auto r = readBytes(bad);
    if (r.ok()) {
      // If it opened, the IR must be internally consistent.
      for (const auto& g : r->graphs)
        for (const auto& n : g.nodes)
          for (auto v : n.inputs)
            if (v.valid()) ASSERT_LT(v.index, g.values.size());
    }
  }
  for (int i = 0; i < 300; ++i) {
    std::string junk(1 + rng() % 4096, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    auto r = readBytes(junk);
    if (!r.ok()) EXPECT_FALSE(r.error().message.empty());
  }
}

TEST(Robustness, HugeDeclaredLengthIsRejectedWithoutAllocating) {
  // ModelProto.graph (field 7) claiming 2^62 bytes.
  std::string s = "\x08\x08";  // ir_version = 8
  s += "\x3a";
  s += "\xff\xff\xff\xff\xff\xff\xff\xff\x3f";
  s += "abc";
  auto r = readBytes(s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("claims"), std::string::npos) << r.error().message;
}

TEST(Robustness, DeeplyNestedSubgraphsAreRefused) {
  ::onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(17);
  ::onnx::GraphProto* g = m.mutable_graph();
  for (int depth = 0; depth < 200; ++depth) {
    auto* n = g->add_node();
    n->set_op_type("If");
    auto* a = n->add_attribute();
    a->set_name("then_branch");
    a->set_type(::onnx::AttributeProto::GRAPH);
    g = a->mutable_g();
  }
  std::string bytes = m.SerializeAsString();
  auto r = readBytes(bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(r.error().message.empty());
}

TEST(Robustness, CyclesDuplicatesAndHostileNamesOpenSafely) {
  ::onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(17);
  auto* g = m.mutable_graph();
  std::string hostile = std::string("evil\x01\x1b[31m\n", 12) + std::string(10000, 'N');
  auto node = [&](const std::string& name, const std::string& in, const std::string& out) {
    auto* n = g->add_node();
    n->set_name(name);
    n->set_op_type("Relu");
    n->add_input(in);
    n->add_output(out);
  };
  node("a", "c_out", "a_out");  // a -> b -> c -> a: a cycle
  node("b", "a_out", "b_out");
  node("c", "b_out", "c_out");
  node("dup", "a_out", "b_out");  // b_out produced twice
  node(hostile, hostile, hostile + "_y");
  g->add_output()->set_name("c_out");
  auto r = readBytes(m.SerializeAsString());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->main().nodes.size(), 5u);
  ASSERT_FALSE(r->warnings.empty());
  EXPECT_NE(r->warnings[0].find("more than once"), std::string::npos);
  EXPECT_EQ(r->main().nodes[4].name.size(), hostile.size());  // kept intact; escaped only for display
}

// Fuzz findings are replayed by tests/fuzz/replay_test.cpp (fuzz.Targets/FuzzReplay.*).

}  // namespace
}  // namespace nf
