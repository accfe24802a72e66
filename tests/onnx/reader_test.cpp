// Reader unit tests: every attribute kind, external data, lazily read weights,
// sniffing, and the conversion rules (optional inputs, initializer inputs, scopes).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "onnx.pb.h"
#include "onnx/reader.h"
#include "onnx/sample_model.h"
#include "onnx/tensor_file.h"
#include "support/test_support.h"
#include "weights/stats.h"

namespace nf {
namespace {

std::shared_ptr<const ByteSource> bytesOf(const std::string& s) {
  return std::make_shared<MemorySource>(std::vector<uint8_t>(s.begin(), s.end()));
}

Result<ir::Model> readString(const std::string& s, const onnx::ExternalResolver& r = nullptr) {
  return onnx::readModel(bytesOf(s), "test.onnx", r);
}

::onnx::ModelProto baseModel() {
  ::onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("test");
  auto* op = m.add_opset_import();
  op->set_version(17);
  m.mutable_graph()->set_name("g");
  return m;
}

::onnx::TensorProto floatTensor(const std::string& name, std::vector<float> values) {
  ::onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(::onnx::TensorProto::FLOAT);
  t.add_dims(static_cast<int64_t>(values.size()));
  t.set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * 4));
  return t;
}

TEST(Reader, EveryAttributeKindConverts) {
  auto m = baseModel();
  auto* g = m.mutable_graph();
  auto* n = g->add_node();
  n->set_op_type("Custom");
  n->set_domain("my.domain");
  n->set_name("n0");
  n->add_input("x");
  n->add_output("y");
  auto add = [&](const char* name, ::onnx::AttributeProto::AttributeType type) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(type);
    return a;
  };
  add("f", ::onnx::AttributeProto::FLOAT)->set_f(1.5f);
  add("i", ::onnx::AttributeProto::INT)->set_i(-7);
  add("s", ::onnx::AttributeProto::STRING)->set_s(std::string("a\0b", 3));
  *add("t", ::onnx::AttributeProto::TENSOR)->mutable_t() = floatTensor("w", {1, 2, 3});
  auto* body = add("g", ::onnx::AttributeProto::GRAPH)->mutable_g();
  body->set_name("body");
  auto* bn = body->add_node();
  bn->set_op_type("Identity");
  bn->add_input("x");  // outer-scope reference
  bn->add_output("z");
  body->add_output()->set_name("z");
  auto* fs = add("fs", ::onnx::AttributeProto::FLOATS);
  fs->add_floats(0.5f);
  fs->add_floats(0.25f);
  auto* is = add("is", ::onnx::AttributeProto::INTS);
  is->add_ints(1);
  is->add_ints(2);
  is->add_ints(3);
  add("ss", ::onnx::AttributeProto::STRINGS)->add_strings("hello");
  auto* ts = add("ts", ::onnx::AttributeProto::TENSORS);
  *ts->add_tensors() = floatTensor("a", {1});
  *ts->add_tensors() = floatTensor("b", {2, 3});
  auto* gs = add("gs", ::onnx::AttributeProto::GRAPHS);
  gs->add_graphs()->set_name("g1");
  gs->add_graphs()->set_name("g2");
  auto* sp = add("sp", ::onnx::AttributeProto::SPARSE_TENSOR)->mutable_sparse_tensor();
  *sp->mutable_values() = floatTensor("v", {9});
  sp->add_dims(4);
  add("sps", ::onnx::AttributeProto::SPARSE_TENSORS)->add_sparse_tensors()->add_dims(2);
  add("tp", ::onnx::AttributeProto::TYPE_PROTO)->mutable_tp()->mutable_tensor_type()->set_elem_type(7);
  add("tps", ::onnx::AttributeProto::TYPE_PROTOS)->add_type_protos()->mutable_sequence_type();
  auto* legacy = n->add_attribute();  // no type field: inferred from the value
  legacy->set_name("legacy");
  legacy->set_i(42);
  auto* ref = n->add_attribute();
  ref->set_name("fwd");
  ref->set_type(::onnx::AttributeProto::INT);
  ref->set_ref_attr_name("alpha");
  g->add_input()->set_name("x");
  g->add_output()->set_name("y");

  auto r = readString(m.SerializeAsString());
  ASSERT_TRUE(r.ok()) << r.error().message;
  const ir::Node& node = r->main().nodes.at(0);
  EXPECT_EQ(node.domain, "my.domain");
  EXPECT_FLOAT_EQ(node.attr("f")->f, 1.5f);
  EXPECT_EQ(node.attr("i")->i, -7);
  EXPECT_EQ(node.attr("s")->s, std::string("a\0b", 3));
  EXPECT_EQ(node.attr("t")->type, ir::AttrType::Tensor);
  EXPECT_EQ(node.attr("t")->tensors.at(0).dims, std::vector<int64_t>{3});
  EXPECT_EQ(node.attr("t")->tensors.at(0).bytes.size(), 12u);
  ASSERT_EQ(node.attr("g")->graphs.size(), 1u);
  const ir::Graph& body_ir = r->graph(node.attr("g")->graphs[0]);
  EXPECT_EQ(body_ir.name, "body");
  EXPECT_EQ(body_ir.parent.index, 0u);
  EXPECT_TRUE(body_ir.value(body_ir.find("x")).outer_scope);
  EXPECT_EQ(node.attr("fs")->floats, (std::vector<float>{0.5f, 0.25f}));
  EXPECT_EQ(node.attr("is")->ints, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(node.attr("ss")->strings, std::vector<std::string>{"hello"});
  EXPECT_EQ(node.attr("ts")->tensors.size(), 2u);
  EXPECT_EQ(node.attr("gs")->graphs.size(), 2u);
  EXPECT_EQ(node.attr("sp")->sparse_tensors.at(0).dims, std::vector<int64_t>{4});
  EXPECT_EQ(node.attr("sps")->type, ir::AttrType::SparseTensors);
  EXPECT_EQ(node.attr("tp")->types.at(0).elem, ir::ElemType::Int64);
  EXPECT_EQ(node.attr("tps")->types.at(0).kind, ir::Type::Kind::Sequence);
  EXPECT_EQ(node.attr("legacy")->type, ir::AttrType::Int);
  EXPECT_EQ(node.attr("fwd")->ref_attr_name, "alpha");
  // Subgraph nodes count "including subgraphs", and the op type list covers them.
  EXPECT_EQ(r->nodeCountIncludingSubgraphs(), 2u);
  EXPECT_EQ(r->opTypes(), (std::vector<std::string>{"Identity", "my.domain::Custom"}));
}

TEST(Reader, OptionalInputsAndInitializerInputs) {
  auto m = baseModel();
  auto* g = m.mutable_graph();
  *g->add_initializer() = floatTensor("w", {1, 2});
  g->add_input()->set_name("x");
  g->add_input()->set_name("w");  // IR < 4 style: the initializer is also an input
  auto* n = g->add_node();
  n->set_op_type("Clip");
  n->add_input("x");
  n->add_input("");
  n->add_input("w");
  n->add_output("y");
  g->add_output()->set_name("y");
  auto r = readString(m.SerializeAsString());
  ASSERT_TRUE(r.ok()) << r.error().message;
  const ir::Graph& gr = r->main();
  ASSERT_EQ(gr.nodes[0].inputs.size(), 3u);
  EXPECT_FALSE(gr.nodes[0].inputs[1].valid());
  EXPECT_EQ(gr.inputs.size(), 2u);
  ASSERT_EQ(gr.realInputs().size(), 1u);
  EXPECT_EQ(gr.value(gr.realInputs()[0]).name, "x");
  EXPECT_EQ(gr.value(gr.find("w")).initializer, 0);
}

TEST(Reader, LargeWeightsStayInTheFileAndAreReadOnDemand) {
  auto m = baseModel();
  std::vector<float> big(100000);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<float>(i % 7) - 3.0f;
  *m.mutable_graph()->add_initializer() = floatTensor("big", big);
  auto r = readString(m.SerializeAsString());
  ASSERT_TRUE(r.ok()) << r.error().message;
  const ir::Tensor& t = r->main().initializers.at(0);
  EXPECT_EQ(t.storage, ir::Tensor::Storage::Source);
  EXPECT_TRUE(t.bytes.empty());
  EXPECT_EQ(t.ref.length, 400000u);
  auto s = weights::computeStats(r.value(), t);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->count, 100000);
  EXPECT_DOUBLE_EQ(s->min, -3.0);
  EXPECT_DOUBLE_EQ(s->max, 3.0);
  EXPECT_NEAR(s->zero_fraction, 1.0 / 7.0, 1e-3);
  EXPECT_EQ(s->first.at(4), 1.0);
}

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() / ("nf_test_" + std::to_string(::getpid()) + "_" +
                                                      std::to_string(counter_++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
  static inline int counter_ = 0;
};

void writeFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

::onnx::TensorProto externalTensor(const std::string& name, const std::string& location, int64_t offset,
                                   int64_t count) {
  ::onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(::onnx::TensorProto::FLOAT);
  t.add_dims(count);
  t.set_data_location(::onnx::TensorProto::EXTERNAL);
  auto kv = [&](const char* k, const std::string& v) {
    auto* e = t.add_external_data();
    e->set_key(k);
    e->set_value(v);
  };
  kv("location", location);
  kv("offset", std::to_string(offset));
  kv("length", std::to_string(count * 4));
  return t;
}

TEST(Reader, ExternalDataResolvesToFileOffsetLength) {
  TempDir dir;
  std::vector<float> data = {10, 20, 30, 40, 50, 60};
  writeFile(dir.file("weights.bin"), std::string(reinterpret_cast<const char*>(data.data()), data.size() * 4));
  auto m = baseModel();
  *m.mutable_graph()->add_initializer() = externalTensor("a", "weights.bin", 0, 2);
  *m.mutable_graph()->add_initializer() = externalTensor("b", "weights.bin", 8, 4);
  *m.mutable_graph()->add_initializer() = externalTensor("c", "missing.bin", 0, 4);
  *m.mutable_graph()->add_initializer() = externalTensor("d", "../../etc/passwd", 0, 1);
  writeFile(dir.file("model.onnx"), m.SerializeAsString());

  auto r = onnx::readModelFile(dir.file("model.onnx"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& inits = r->main().initializers;
  EXPECT_EQ(inits[0].storage, ir::Tensor::Storage::Source);
  EXPECT_EQ(inits[1].ref.offset, 8u);
  EXPECT_EQ(inits[1].ref.length, 16u);
  EXPECT_EQ(r->sources.at(inits[1].ref.source).name, "weights.bin");
  auto s = weights::computeStats(r.value(), inits[1]);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->first, (std::vector<double>{30, 40, 50, 60}));
  // A missing file still opens the model; the tensor view names the file.
  EXPECT_EQ(inits[2].storage, ir::Tensor::Storage::MissingExternal);
  auto missing = weights::computeStats(r.value(), inits[2]);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("missing.bin"), std::string::npos);
  // A location escaping the model's folder is never opened.
  EXPECT_EQ(inits[3].storage, ir::Tensor::Storage::MissingExternal);
}

TEST(Reader, ExternalDataFromDroppedFilesUsesTheResolver) {
  std::vector<float> data = {1, 2, 3};
  auto m = baseModel();
  *m.mutable_graph()->add_initializer() = externalTensor("a", "model.onnx.data", 0, 3);
  auto blob = std::make_shared<MemorySource>(
      std::vector<uint8_t>(reinterpret_cast<uint8_t*>(data.data()), reinterpret_cast<uint8_t*>(data.data()) + 12));
  int asked = 0;
  auto r = readString(m.SerializeAsString(), [&](const std::string& loc) -> std::shared_ptr<const ByteSource> {
    ++asked;
    return loc == "model.onnx.data" ? blob : nullptr;
  });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(asked, 1);
  auto s = weights::computeStats(r.value(), r->main().initializers[0]);
  ASSERT_TRUE(s.ok());
  EXPECT_DOUBLE_EQ(s->mean, 2.0);
}

TEST(Reader, SampleModelOpens) {
  auto r = readString(onnx::makeSampleModel());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->main().nodes.size(), 8u);
  EXPECT_EQ(r->opTypes(), (std::vector<std::string>{"Conv", "Flatten", "Gemm", "MaxPool", "Relu"}));
  EXPECT_EQ(r->main().realInputs().size(), 1u);
}

TEST(Reader, TensorFilesOfTheCorpusDecode) {
  if (!test::corpusAvailable()) GTEST_SKIP();
  auto t = onnx::readTensorFile(test::corpusPath("node/test_acos/test_data_set_0/input_0.pb"));
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->dims, (std::vector<int64_t>{3, 4, 5}));
  EXPECT_EQ(t->elem, ir::ElemType::Float);
  EXPECT_EQ(t->bytes.size(), 240u);
}

TEST(Sniff, SaysWhatAWrongFileIs) {
  auto describe = [](const std::string& s) {
    auto r = readString(s);
    return r.ok() ? std::string("OPENED") : r.error().message;
  };
  EXPECT_NE(describe("").find("empty"), std::string::npos);
  EXPECT_NE(describe("\x89PNG\r\n\x1a\n\0\0\0\rIHDR").find("PNG"), std::string::npos);
  EXPECT_NE(describe("PK\x03\x04 rest of a zip").find("ZIP"), std::string::npos);
  EXPECT_NE(describe("{\"hello\": 1}\n").find("JSON"), std::string::npos);
  EXPECT_NE(describe("ir_version: 8\nproducer_name: \"x\"\n").find("text format"), std::string::npos);
  EXPECT_NE(describe(std::string("\0asm\1\0\0\0", 8)).find("WebAssembly"), std::string::npos);
}

}  // namespace
}  // namespace nf
