#include "onnxexport/graph_writer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "base/checked.h"
#include "onnx.pb.h"

namespace nf::onnxexport::detail {

uint64_t Rng::next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double Rng::unit() { return static_cast<double>(next() >> 11) / static_cast<double>(1ULL << 53); }

float Rng::uniform(double bound) { return static_cast<float>((unit() * 2.0 - 1.0) * bound); }

float Rng::normal() {
  const double u1 = 1.0 - unit(), u2 = unit();  // u1 in (0, 1]: log is finite
  return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
}

namespace {

::onnx::AttributeProto* attr(::onnx::NodeProto* n, const char* name, ::onnx::AttributeProto::AttributeType type) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(type);
  return a;
}

}  // namespace

OpRef& OpRef::i(const char* name, int64_t v) {
  attr(proto_, name, ::onnx::AttributeProto::INT)->set_i(v);
  return *this;
}
OpRef& OpRef::f(const char* name, double v) {
  attr(proto_, name, ::onnx::AttributeProto::FLOAT)->set_f(static_cast<float>(v));
  return *this;
}
OpRef& OpRef::s(const char* name, const std::string& v) {
  attr(proto_, name, ::onnx::AttributeProto::STRING)->set_s(v);
  return *this;
}
OpRef& OpRef::ints(const char* name, const builder::IntList& v) {
  auto* a = attr(proto_, name, ::onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
  return *this;
}
OpRef& OpRef::strs(const char* name, const std::vector<std::string>& v) {
  auto* a = attr(proto_, name, ::onnx::AttributeProto::STRINGS);
  for (const auto& x : v) a->add_strings(x);
  return *this;
}

OpRef& OpRef::floats(const char* name, const std::vector<double>& v) {
  auto* a = attr(proto_, name, ::onnx::AttributeProto::FLOATS);
  for (double x : v) a->add_floats(static_cast<float>(x));
  return *this;
}

GraphWriter::GraphWriter(::onnx::GraphProto* graph, const ExportOptions& options)
    : graph_(graph), options_(options), rng_(options.seed) {}

std::string GraphWriter::unique(const std::string& base) {
  const std::string b = base.empty() ? "t" : base;
  if (used_.insert(b).second) return b;
  for (int k = 2;; ++k) {
    std::string c = b + "_" + std::to_string(k);
    if (used_.insert(c).second) return c;
  }
}

OpRef& OpRef::omitOutput(size_t k) {
  proto_->set_output(static_cast<int>(k), "");
  outs_[k].clear();
  return *this;
}

OpRef GraphWriter::op(const std::string& type, const std::vector<std::string>& inputs, const std::string& scope,
                      int outputs) {
  auto* n = graph_->add_node();
  n->set_op_type(type);
  n->set_name(unique(scope + "/" + type));
  for (const auto& s : inputs) n->add_input(s);
  std::vector<std::string> outs;
  for (int k = 0; k < outputs; ++k) {
    outs.push_back(unique(scope + "/" + type + (outputs > 1 ? "_out" + std::to_string(k) : "")));
    n->add_output(outs.back());
  }
  return OpRef(n, std::move(outs));
}

std::string GraphWriter::constInts(const std::string& scope, const builder::IntList& values) {
  std::string out;
  auto* t = constantNode(scope, ::onnx::TensorProto::INT64, {static_cast<int64_t>(values.size())}, &out);
  for (int64_t v : values) t->add_int64_data(v);
  return out;
}

::onnx::TensorProto* GraphWriter::constantNode(const std::string& scope, int data_type, const builder::IntList& dims,
                                               std::string* out) {
  auto* n = graph_->add_node();
  n->set_op_type("Constant");
  n->set_name(unique(scope + "/Constant"));
  *out = unique(scope + "/Constant");
  n->add_output(*out);
  auto* t = attr(n, "value", ::onnx::AttributeProto::TENSOR)->mutable_t();
  t->set_data_type(data_type);
  for (int64_t d : dims) t->add_dims(d);
  return t;
}

std::string GraphWriter::constFloats(const std::string& scope, const builder::IntList& dims,
                                     const std::vector<float>& values) {
  std::string out;
  auto* t = constantNode(scope, ::onnx::TensorProto::FLOAT, dims, &out);
  for (float v : values) t->add_float_data(v);
  return out;
}

std::string GraphWriter::constValues(const std::string& scope, int data_type, const builder::IntList& dims,
                                     const std::vector<double>& values) {
  std::string out;
  auto* t = constantNode(scope, data_type, dims, &out);
  using TP = ::onnx::TensorProto;
  for (double v : values) {
    switch (data_type) {
      case TP::FLOAT: t->add_float_data(static_cast<float>(v)); break;
      case TP::DOUBLE: t->add_double_data(v); break;
      case TP::INT64: t->add_int64_data(static_cast<int64_t>(v)); break;
      case TP::INT32: case TP::INT16: case TP::INT8: case TP::UINT8: case TP::UINT16: case TP::BOOL:
        t->add_int32_data(static_cast<int32_t>(v));
        break;
      case TP::UINT32: case TP::UINT64: t->add_uint64_data(static_cast<uint64_t>(v)); break;
      default: fail("a constant of ONNX element type " + std::to_string(data_type) + " with values has no form here"); return out;
    }
  }
  return out;
}

std::string GraphWriter::constScalar(const std::string& scope, float value) { return constFloats(scope, {}, {value}); }

std::string GraphWriter::constFilled(const std::string& scope, const builder::IntList& dims, float value) {
  auto count = checkedProduct(dims);
  if (!count || *count > std::min(int64_t{1} << 24, options_.max_weight_bytes / 4)) {
    fail("a constant of " + builder::formatDims(dims) + " elements is too large");
    return constFloats(scope, {0}, {});
  }
  return constFloats(scope, dims, std::vector<float>(static_cast<size_t>(*count), value));
}

std::string GraphWriter::param(const std::string& name, const builder::IntList& dims, Fill fill) {
  const std::string unique_name = unique(name);
  auto* t = graph_->add_initializer();
  t->set_name(unique_name);
  t->set_data_type(::onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->add_dims(d);
  auto count = checkedProduct(dims);
  std::optional<int64_t> bytes = count ? checkedMul<int64_t>(*count, 4) : std::nullopt;
  std::optional<int64_t> total = bytes ? checkedAdd(weight_bytes_, *bytes) : std::nullopt;
  if (!total || *total > options_.max_weight_bytes) {
    fail("the weights are too large to export (more than " + std::to_string(options_.max_weight_bytes >> 20) +
         " MiB; '" + unique_name + "' has " + builder::formatDims(dims) + " elements)");
    t->clear_dims();
    t->add_dims(0);
    return unique_name;
  }
  weight_bytes_ = *total;
  parameters_ = satAdd(parameters_, *count);
  std::string raw(static_cast<size_t>(*bytes), '\0');
  const bool random = options_.init == Init::Random;
  for (int64_t k = 0; k < *count; ++k) {
    float v = 0;
    switch (fill.kind) {
      case Fill::Kind::Uniform: v = random ? rng_.uniform(fill.value) : 0.0f; break;
      case Fill::Kind::Normal: v = random ? rng_.normal() : 0.0f; break;
      case Fill::Kind::Const: v = static_cast<float>(fill.value); break;
    }
    std::memcpy(&raw[static_cast<size_t>(k) * 4], &v, 4);  // little-endian hosts (x86, wasm)
  }
  t->set_raw_data(std::move(raw));
  return unique_name;
}

void GraphWriter::declare(const std::string& name, builder::DType dtype, const builder::IntList& dims, Where where) {
  ::onnx::ValueInfoProto* vi = where == Where::Input    ? graph_->add_input()
                               : where == Where::Output ? graph_->add_output()
                                                        : graph_->add_value_info();
  vi->set_name(name);
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(dtype == builder::DType::Int64 ? ::onnx::TensorProto::INT64 : ::onnx::TensorProto::FLOAT);
  auto* shape = tt->mutable_shape();
  shape->add_dim()->set_dim_param("N");
  for (int64_t d : dims) shape->add_dim()->set_dim_value(d);
}

void GraphWriter::rename(int first, const std::string& from, const std::string& to) {
  for (int k = first; k < graph_->node_size(); ++k) {
    auto* n = graph_->mutable_node(k);
    for (auto& s : *n->mutable_input())
      if (s == from) s = to;
    for (auto& s : *n->mutable_output())
      if (s == from) s = to;
  }
}

int GraphWriter::nodeCount() const { return graph_->node_size(); }

}  // namespace nf::onnxexport::detail
