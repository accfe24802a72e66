#include "onnx/sample_model.h"

#include <cstdint>
#include <cstring>
#include <vector>

#include "onnx.pb.h"

namespace nf::onnx {

namespace {

// Deterministic weights: uniform in [-bound, bound] from a fixed-seed LCG.
class Lcg {
 public:
  float next(float bound) {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    double u = static_cast<double>(state_ >> 11) / static_cast<double>(1ULL << 53);
    return static_cast<float>((u * 2.0 - 1.0) * bound);
  }

 private:
  uint64_t state_ = 0x5eed;
};

void addInitializer(::onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& dims, float bound,
                    Lcg* rng) {
  auto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(::onnx::TensorProto::FLOAT);
  int64_t n = 1;
  for (int64_t d : dims) {
    t->add_dims(d);
    n *= d;
  }
  std::string raw(static_cast<size_t>(n) * 4, '\0');
  for (int64_t i = 0; i < n; ++i) {
    float v = rng->next(bound);
    std::memcpy(&raw[static_cast<size_t>(i) * 4], &v, 4);
  }
  t->set_raw_data(raw);
}

::onnx::NodeProto* addNode(::onnx::GraphProto* g, const std::string& name, const std::string& op,
                           const std::vector<std::string>& in, const std::vector<std::string>& out) {
  auto* n = g->add_node();
  n->set_name(name);
  n->set_op_type(op);
  for (const auto& s : in) n->add_input(s);
  for (const auto& s : out) n->add_output(s);
  return n;
}

void addInts(::onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(::onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

void addInt(::onnx::NodeProto* n, const std::string& name, int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(::onnx::AttributeProto::INT);
  a->set_i(v);
}

void setTensorType(::onnx::ValueInfoProto* vi, const std::string& name, const std::vector<std::string>& dims) {
  vi->set_name(name);
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(::onnx::TensorProto::FLOAT);
  for (const auto& d : dims) {
    auto* dim = tt->mutable_shape()->add_dim();
    if (!d.empty() && d[0] >= '0' && d[0] <= '9')
      dim->set_dim_value(std::stoll(d));
    else
      dim->set_dim_param(d);
  }
}

}  // namespace

std::string makeSampleModel() {
  ::onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("netforge");
  m.set_producer_version("sample");
  m.set_doc_string("CIFAR-10 CNN from the Flowpoints tutorial: conv-relu-pool x2, flatten, dense.");
  auto* op = m.add_opset_import();
  op->set_domain("");
  op->set_version(17);
  auto* meta = m.add_metadata_props();
  meta->set_key("dataset");
  meta->set_value("CIFAR-10 (32x32 RGB, 10 classes)");

  auto* g = m.mutable_graph();
  g->set_name("cifar10_cnn");
  Lcg rng;
  addInitializer(g, "features.conv1.weight", {32, 3, 3, 3}, 0.19f, &rng);
  addInitializer(g, "features.conv1.bias", {32}, 0.19f, &rng);
  addInitializer(g, "features.conv2.weight", {64, 32, 3, 3}, 0.059f, &rng);
  addInitializer(g, "features.conv2.bias", {64}, 0.059f, &rng);
  addInitializer(g, "classifier.fc.weight", {10, 4096}, 0.0156f, &rng);
  addInitializer(g, "classifier.fc.bias", {10}, 0.0156f, &rng);

  auto conv = [&](const std::string& scope, const std::string& in, const std::string& out) {
    auto* n = addNode(g, "/features/" + scope + "/Conv", "Conv",
                      {in, "features." + scope + ".weight", "features." + scope + ".bias"}, {out});
    addInts(n, "kernel_shape", {3, 3});
    addInts(n, "pads", {1, 1, 1, 1});
    addInts(n, "strides", {1, 1});
  };
  auto pool = [&](const std::string& name, const std::string& in, const std::string& out) {
    auto* n = addNode(g, name, "MaxPool", {in}, {out});
    addInts(n, "kernel_shape", {2, 2});
    addInts(n, "strides", {2, 2});
  };
  conv("conv1", "image", "/features/conv1/Conv_output_0");
  addNode(g, "/features/relu1/Relu", "Relu", {"/features/conv1/Conv_output_0"}, {"/features/relu1/Relu_output_0"});
  pool("/features/pool1/MaxPool", "/features/relu1/Relu_output_0", "/features/pool1/MaxPool_output_0");
  conv("conv2", "/features/pool1/MaxPool_output_0", "/features/conv2/Conv_output_0");
  addNode(g, "/features/relu2/Relu", "Relu", {"/features/conv2/Conv_output_0"}, {"/features/relu2/Relu_output_0"});
  pool("/features/pool2/MaxPool", "/features/relu2/Relu_output_0", "/features/pool2/MaxPool_output_0");
  auto* flat = addNode(g, "/classifier/Flatten", "Flatten", {"/features/pool2/MaxPool_output_0"},
                       {"/classifier/Flatten_output_0"});
  addInt(flat, "axis", 1);
  auto* fc = addNode(g, "/classifier/fc/Gemm", "Gemm",
                     {"/classifier/Flatten_output_0", "classifier.fc.weight", "classifier.fc.bias"}, {"logits"});
  addInt(fc, "transB", 1);

  setTensorType(g->add_input(), "image", {"N", "3", "32", "32"});
  setTensorType(g->add_output(), "logits", {"N", "10"});
  return m.SerializeAsString();
}

}  // namespace nf::onnx
