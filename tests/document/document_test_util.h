// Helpers for the document tests: small ONNX files as bytes, dropped-file batches.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "document/file_routing.h"
#include "document/open_model.h"
#include "onnx.pb.h"

namespace nf::document::test {

inline std::shared_ptr<const ByteSource> bytesOf(const std::string& s) {
  return std::make_shared<MemorySource>(std::vector<uint8_t>(s.begin(), s.end()));
}

inline IncomingFile file(const std::string& name, const std::string& bytes, const std::string& type = {}) {
  return IncomingFile{name, bytesOf(bytes), type};
}

inline FileProbe probe(const std::string& name, const std::string& bytes, const std::string& type = {}) {
  return probeOf(name, *bytesOf(bytes), type);
}

// y = Relu(x) on float[1,4]; with `external`, one initializer w[3] (added to x by Add is not
// needed: an unused initializer is enough) stored in `external` at offset 0.
inline std::string reluModel(const std::string& external = {}, const std::string& graph_name = "g") {
  ::onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("document-test");
  m.add_opset_import()->set_version(13);
  auto* g = m.mutable_graph();
  g->set_name(graph_name);
  auto value = [](::onnx::ValueInfoProto* v, const char* name) {
    v->set_name(name);
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(::onnx::TensorProto::FLOAT);
    t->mutable_shape()->add_dim()->set_dim_value(1);
    t->mutable_shape()->add_dim()->set_dim_value(4);
  };
  value(g->add_input(), "x");
  auto* n = g->add_node();
  n->set_op_type("Relu");
  n->set_name("relu");
  n->add_input("x");
  n->add_output("y");
  value(g->add_output(), "y");
  if (!external.empty()) {
    auto* t = g->add_initializer();
    t->set_name("w");
    t->set_data_type(::onnx::TensorProto::FLOAT);
    t->add_dims(3);
    t->set_data_location(::onnx::TensorProto::EXTERNAL);
    auto kv = [&](const char* k, const std::string& v) {
      auto* e = t->add_external_data();
      e->set_key(k);
      e->set_value(v);
    };
    kv("location", external);
    kv("offset", "0");
    kv("length", "12");
  }
  return m.SerializeAsString();
}

inline std::string twelveBytes() { return std::string(12, '\0'); }

}  // namespace nf::document::test
