// ModelProto -> ir::Model.
//
// Index of this file
//   [SECTION] Types and tensors
//   [SECTION] Attributes
//   [SECTION] Graphs (value resolution, subgraph scopes)
//   [SECTION] Model and functions
#include "onnx/convert.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <limits>
#include <optional>
#include <set>

#include "base/checked.h"
#include "base/strings.h"
#include "base/timing.h"
#include "onnx.pb.h"
#include "onnx/skeleton.h"

namespace nf::onnx::detail {

namespace {

// [SECTION] Types and tensors -----------------------------------------------------

ir::Shape convertShape(const ::onnx::TensorShapeProto& s) {
  ir::Shape out;
  out.rank_known = true;
  out.dims.reserve(s.dim_size());
  for (const auto& d : s.dim()) {
    if (d.has_dim_value())
      out.dims.push_back(ir::Dim::known(d.dim_value()));
    else if (d.has_dim_param() && !d.dim_param().empty())
      out.dims.push_back(ir::Dim::symbolic(d.dim_param()));
    else
      out.dims.push_back(ir::Dim::unknown());
  }
  return out;
}

ir::Type convertType(const ::onnx::TypeProto& t, int depth = 0) {
  ir::Type out;
  out.denotation = t.denotation();
  if (depth > 32) return out;
  if (t.has_tensor_type()) {
    out.kind = ir::Type::Kind::Tensor;
    out.elem = static_cast<ir::ElemType>(t.tensor_type().elem_type());
    if (t.tensor_type().has_shape()) out.shape = convertShape(t.tensor_type().shape());
  } else if (t.has_sparse_tensor_type()) {
    out.kind = ir::Type::Kind::SparseTensor;
    out.elem = static_cast<ir::ElemType>(t.sparse_tensor_type().elem_type());
    if (t.sparse_tensor_type().has_shape()) out.shape = convertShape(t.sparse_tensor_type().shape());
  } else if (t.has_sequence_type()) {
    out.kind = ir::Type::Kind::Sequence;
    out.inner = std::make_shared<ir::Type>(convertType(t.sequence_type().elem_type(), depth + 1));
  } else if (t.has_optional_type()) {
    out.kind = ir::Type::Kind::Optional;
    out.inner = std::make_shared<ir::Type>(convertType(t.optional_type().elem_type(), depth + 1));
  } else if (t.has_map_type()) {
    out.kind = ir::Type::Kind::Map;
    out.key = static_cast<ir::ElemType>(t.map_type().key_type());
    out.inner = std::make_shared<ir::Type>(convertType(t.map_type().value_type(), depth + 1));
  }
  return out;
}

enum class GraphIo { Input, Output };

// A graph input or output: its value interned, flagged, typed and listed in order.
void addGraphIo(ir::Graph& gr, const ::onnx::ValueInfoProto& vi, GraphIo io) {
  const ir::ValueId v = gr.intern(vi.name());
  (io == GraphIo::Input ? gr.value(v).graph_input : gr.value(v).graph_output) = true;
  if (vi.has_type()) gr.value(v).type = convertType(vi.type());
  (io == GraphIo::Input ? gr.inputs : gr.outputs).push_back(v);
}

template <class T>
void appendLE(std::vector<uint8_t>* out, T v) {
  uint8_t b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));  // wasm and x86 are little-endian, as is ONNX raw_data
  out->insert(out->end(), b, b + sizeof(T));
}

// Typed repeated fields -> the raw little-endian layout of the element type.
void typedFieldsToBytes(const ::onnx::TensorProto& t, ir::Tensor* out) {
  using E = ir::ElemType;
  auto& b = out->bytes;
  switch (out->elem) {
    case E::Float:
    case E::Complex64:
      for (float v : t.float_data()) appendLE(&b, v);
      break;
    case E::Double:
    case E::Complex128:
      for (double v : t.double_data()) appendLE(&b, v);
      break;
    case E::Int64:
      for (int64_t v : t.int64_data()) appendLE(&b, v);
      break;
    case E::Uint32:
      for (uint64_t v : t.uint64_data()) appendLE(&b, static_cast<uint32_t>(v));
      break;
    case E::Uint64:
      for (uint64_t v : t.uint64_data()) appendLE(&b, v);
      break;
    case E::Int32:
      for (int32_t v : t.int32_data()) appendLE(&b, v);
      break;
    case E::Int16:
      for (int32_t v : t.int32_data()) appendLE(&b, static_cast<int16_t>(v));
      break;
    case E::Uint16:
    case E::Float16:
    case E::BFloat16:
      for (int32_t v : t.int32_data()) appendLE(&b, static_cast<uint16_t>(v));
      break;
    case E::Int8:
    case E::Uint8:
    case E::Bool:
    case E::Float8E4M3FN:
    case E::Float8E4M3FNUZ:
    case E::Float8E5M2:
    case E::Float8E5M2FNUZ:
      for (int32_t v : t.int32_data()) b.push_back(static_cast<uint8_t>(v));
      break;
    case E::Int4:
    case E::Uint4:
    case E::Float4E2M1:
    case E::Int2:
    case E::Uint2:
      // The ONNX helpers store these already packed: each int32_data entry is one
      // byte of the packed layout (two 4-bit or four 2-bit elements, low bits first).
      for (int32_t v : t.int32_data()) b.push_back(static_cast<uint8_t>(v));
      break;
    default:
      break;
  }
}

bool parseSourceRef(const std::string& v, uint64_t* field, uint64_t* off, uint64_t* len) {
  unsigned long long a, b, c;
  if (std::sscanf(v.c_str(), "%llu:%llu:%llu", &a, &b, &c) != 3) return false;
  *field = a;
  *off = b;
  *len = c;
  return true;
}

// [SECTION] Attributes ------------------------------------------------------------

class GraphBuilder;

}  // namespace

uint32_t SourceTable::external(const std::string& location) {
  auto it = by_location_.find(location);
  if (it != by_location_.end()) return it->second;
  ir::DataSource ds;
  ds.name = location;
  if (resolver_) ds.bytes = resolver_(location);
  auto idx = static_cast<uint32_t>(model_->sources.size());
  model_->sources.push_back(std::move(ds));
  by_location_[location] = idx;
  return idx;
}

ir::Tensor convertTensor(const ::onnx::TensorProto& t, ir::Model* model, SourceTable* sources) {
  ir::Tensor out;
  out.name = t.name();
  out.doc = t.doc_string();
  out.elem = static_cast<ir::ElemType>(t.data_type());
  out.dims.assign(t.dims().begin(), t.dims().end());

  // A payload left in the model file by the skeleton pass.
  for (const auto& e : t.external_data()) {
    uint64_t field, off, len;
    if (e.key() == kSourceRefKey && parseSourceRef(e.value(), &field, &off, &len)) {
      const ir::DataSource& file = model->sources[0];
      if (file.bytes && off <= file.bytes->size() && len <= file.bytes->size() - off) {
        out.storage = ir::Tensor::Storage::Source;
        out.ref = ir::DataRef{0, off, len};
      }
      return out;
    }
  }
  if (t.data_location() == ::onnx::TensorProto::EXTERNAL) {
    std::string location;
    uint64_t off = 0, len = 0;
    bool has_len = false;
    for (const auto& e : t.external_data()) {
      if (e.key() == "location") location = e.value();
      else if (e.key() == "offset") off = std::strtoull(e.value().c_str(), nullptr, 10);
      else if (e.key() == "length") { len = std::strtoull(e.value().c_str(), nullptr, 10); has_len = true; }
    }
    out.external_location = location;
    if (!has_len) {
      // The length follows from the dims, which can claim more than 64 bits hold.
      std::optional<uint64_t> size = out.checkedByteSize();
      if (!size) {
        model->warnings.push_back("tensor '" + displayName(out.name) + "': " + overflowMessage(out.dims));
        out.storage = ir::Tensor::Storage::None;
        return out;
      }
      len = *size;
    }
    uint32_t src = sources ? sources->external(location) : 0;
    const ir::DataSource* ds = sources ? &model->sources[src] : nullptr;
    if (ds && ds->bytes && off <= ds->bytes->size() && len <= ds->bytes->size() - off) {
      out.storage = ir::Tensor::Storage::Source;
      out.ref = ir::DataRef{src, off, len};
    } else {
      out.storage = ir::Tensor::Storage::MissingExternal;
      if (ds && ds->bytes)
        model->warnings.push_back("tensor '" + displayName(out.name) + "' points past the end of '" +
                                  displayName(location) + "'");
    }
    return out;
  }
  if (out.elem == ir::ElemType::String) {
    out.strings.assign(t.string_data().begin(), t.string_data().end());
    out.storage = ir::Tensor::Storage::Inline;
    return out;
  }
  if (t.has_raw_data()) {
    out.bytes.assign(t.raw_data().begin(), t.raw_data().end());
    out.storage = ir::Tensor::Storage::Inline;
    return out;
  }
  typedFieldsToBytes(t, &out);
  out.storage = out.bytes.empty() && out.elementCount() != 0 ? ir::Tensor::Storage::None : ir::Tensor::Storage::Inline;
  return out;
}

namespace {

// [SECTION] Graphs ----------------------------------------------------------------

class ModelBuilder {
 public:
  ModelBuilder(ir::Model* model, SourceTable* sources, const ReadOptions& opt)
      : model_(model), sources_(sources), opt_(opt) {}

  // Converts a graph (subgraph or function body) into model->graphs, in one go.
  Result<ir::GraphId> graph(const ::onnx::GraphProto& g, ir::GraphId parent, ir::NodeId parent_node, int depth);

  Result<ir::Attribute> attribute(const ::onnx::AttributeProto& a, ir::GraphId owner, ir::NodeId node, int depth) {
    ir::Attribute out;
    out.name = a.name();
    out.ref_attr_name = a.ref_attr_name();
    out.doc = a.doc_string();
    out.type = static_cast<ir::AttrType>(a.type());
    // Files written before the type field existed: infer it from what is set.
    if (out.type == ir::AttrType::Undefined) {
      if (a.has_f()) out.type = ir::AttrType::Float;
      else if (a.has_i()) out.type = ir::AttrType::Int;
      else if (a.has_s()) out.type = ir::AttrType::String;
      else if (a.has_t()) out.type = ir::AttrType::Tensor;
      else if (a.has_g()) out.type = ir::AttrType::Graph;
      else if (a.floats_size()) out.type = ir::AttrType::Floats;
      else if (a.ints_size()) out.type = ir::AttrType::Ints;
      else if (a.strings_size()) out.type = ir::AttrType::Strings;
      else if (a.tensors_size()) out.type = ir::AttrType::Tensors;
      else if (a.graphs_size()) out.type = ir::AttrType::Graphs;
    }
    out.f = a.f();
    out.i = a.i();
    out.s = a.s();
    out.floats.assign(a.floats().begin(), a.floats().end());
    out.ints.assign(a.ints().begin(), a.ints().end());
    out.strings.assign(a.strings().begin(), a.strings().end());
    if (a.has_t()) out.tensors.push_back(convertTensor(a.t(), model_, sources_));
    for (const auto& t : a.tensors()) out.tensors.push_back(convertTensor(t, model_, sources_));
    auto sparse = [&](const ::onnx::SparseTensorProto& st) {
      ir::SparseTensor s;
      s.values = convertTensor(st.values(), model_, sources_);
      s.indices = convertTensor(st.indices(), model_, sources_);
      s.dims.assign(st.dims().begin(), st.dims().end());
      return s;
    };
    if (a.has_sparse_tensor()) out.sparse_tensors.push_back(sparse(a.sparse_tensor()));
    for (const auto& st : a.sparse_tensors()) out.sparse_tensors.push_back(sparse(st));
    if (a.has_tp()) out.types.push_back(convertType(a.tp()));
    for (const auto& tp : a.type_protos()) out.types.push_back(convertType(tp));
    if (a.has_g()) {
      auto r = graph(a.g(), owner, node, depth + 1);
      if (!r) return r.error();
      out.graphs.push_back(r.value());
    }
    for (const auto& g : a.graphs()) {
      auto r = graph(g, owner, node, depth + 1);
      if (!r) return r.error();
      out.graphs.push_back(r.value());
    }
    return out;
  }

  // [SECTION] Model and functions -------------------------------------------------

  Status function(const ::onnx::FunctionProto& f) {
    ir::Function fn;
    fn.name = f.name();
    fn.domain = f.domain();
    fn.doc = f.doc_string();
    fn.attributes.assign(f.attribute().begin(), f.attribute().end());
    for (const auto& o : f.opset_import()) fn.opsets.push_back({o.domain(), o.version()});
    // A function body is converted like a graph whose inputs/outputs are names only.
    ::onnx::GraphProto body;
    body.set_name(f.name());
    for (const auto& n : f.node()) *body.add_node() = n;
    for (const auto& in : f.input()) body.add_input()->set_name(in);
    for (const auto& out : f.output()) body.add_output()->set_name(out);
    auto r = graph(body, ir::GraphId{}, ir::NodeId{}, 1);
    if (!r) return r.error();
    fn.body = r.value();
    model_->graph(fn.body).function = static_cast<int32_t>(model_->functions.size());
    model_->functions.push_back(std::move(fn));
    return {};
  }

 private:
  friend class GraphConversion;
  ir::Model* model_;
  SourceTable* sources_;
  const ReadOptions& opt_;
};

// Says when a slice of conversion is over; checks the clock every kCheckEvery items.
class Deadline {
 public:
  static Deadline never() { return Deadline(); }
  explicit Deadline(double budget_ms) {
    if (!(budget_ms < kUnlimitedMs)) return;  // infinity: run to the end
    limited_ = true;
    end_ = SteadyClock::now() + std::chrono::duration_cast<SteadyClock::duration>(
                                    std::chrono::duration<double, std::milli>(std::max(budget_ms, 0.0)));
  }
  bool passed() {
    if (!limited_ || ++count_ % kCheckEvery) return false;
    return SteadyClock::now() >= end_;
  }
  bool passedNow() const { return limited_ && SteadyClock::now() >= end_; }

 private:
  Deadline() = default;
  static constexpr int kCheckEvery = 64;
  static constexpr double kUnlimitedMs = 1e9;
  SteadyClock::time_point end_{};
  bool limited_ = false;
  int count_ = 0;
};

// One graph converted item by item, resumable between items: the main graph of a big
// model is nearly all of the conversion (0.2 s for 100k nodes natively, more in the
// page), so ModelConversion steps it in slices. Subgraphs run to the end inside the
// node that holds them. The items come in the order of the one-call conversion, so
// ids come out the same.
class GraphConversion {
 public:
  GraphConversion(ModelBuilder* builder, const ::onnx::GraphProto& g, ir::GraphId parent, ir::NodeId parent_node,
                  int depth)
      : b_(*builder), g_(g), parent_(parent), parent_node_(parent_node), depth_(depth) {}

  // Converts items until the deadline passes; done() once the graph is complete.
  Status step(Deadline& deadline) {
    while (phase_ != Phase::Done) {
      if (Status s = item(); !s) return s;
      if (deadline.passed()) break;
    }
    return {};
  }
  bool done() const { return phase_ == Phase::Done; }
  ir::GraphId id() const { return id_; }

 private:
  enum class Phase { Start, Initializers, Sparse, Inputs, ValueInfo, NodeOutputs, NodeInputs, Outputs, OuterScope, Done };

  // The next item of the current phase (or moves to the next phase).
  Status item() {
    ir::Model* model = b_.model_;
    switch (phase_) {
      case Phase::Start: {
        if (depth_ > b_.opt_.max_depth)
          return Error{"subgraphs are nested more than " + std::to_string(b_.opt_.max_depth) + " levels deep"};
        id_ = ir::GraphId{static_cast<uint32_t>(model->graphs.size())};
        ir::Graph& gr = model->graphs.emplace_back();
        gr.name = g_.name();
        gr.doc = g_.doc_string();
        gr.parent = parent_;
        gr.parent_node = parent_node_;
        // Most values are initializers, inputs or one output of a node.
        gr.reserveValues(static_cast<size_t>(g_.initializer_size()) + g_.input_size() + g_.node_size() +
                         g_.output_size());
        next(Phase::Initializers);
        return {};
      }
      // Initializers first, then inputs, outputs and value_info declarations.
      case Phase::Initializers: {
        if (at_ == g_.initializer_size()) return next(Phase::Sparse);
        ir::Tensor tensor = convertTensor(g_.initializer(at_++), model, b_.sources_);
        ir::Graph& gr = model->graph(id_);
        ir::ValueId v = gr.intern(tensor.name);
        gr.value(v).initializer = static_cast<int32_t>(gr.initializers.size());
        if (!gr.value(v).type.known()) gr.value(v).type = ir::Type::tensor(tensor.elem, ir::Shape::ofKnown(tensor.dims));
        gr.initializers.push_back(std::move(tensor));
        return {};
      }
      case Phase::Sparse: {
        if (at_ == g_.sparse_initializer_size()) return next(Phase::Inputs);
        const auto& st = g_.sparse_initializer(at_++);
        ir::SparseTensor sparse;
        sparse.values = convertTensor(st.values(), model, b_.sources_);
        sparse.indices = convertTensor(st.indices(), model, b_.sources_);
        sparse.dims.assign(st.dims().begin(), st.dims().end());
        model->graph(id_).sparse_initializers.push_back(std::move(sparse));
        return {};
      }
      case Phase::Inputs: {
        if (at_ == g_.input_size()) return next(Phase::ValueInfo);
        addGraphIo(model->graph(id_), g_.input(at_++), GraphIo::Input);
        return {};
      }
      case Phase::ValueInfo: {
        if (at_ == g_.value_info_size()) {
          model->graph(id_).nodes.reserve(g_.node_size());  // filled node by node: no 60 MB at once
          return next(Phase::NodeOutputs);
        }
        const auto& vi = g_.value_info(at_++);
        ir::Graph& gr = model->graph(id_);
        ir::ValueId v = gr.intern(vi.name());
        gr.value(v).has_value_info = true;
        if (vi.has_type()) gr.value(v).type = convertType(vi.type());
        return {};
      }
      // Nodes: outputs first, so producers are known however the file orders nodes.
      case Phase::NodeOutputs: {
        if (at_ == g_.node_size()) return next(Phase::NodeInputs);
        const int i = at_++;
        const auto& np = g_.node(i);
        ir::Graph& gr = model->graph(id_);
        ir::Node& n = gr.nodes.emplace_back();
        n.name = np.name();
        n.op_type = np.op_type();
        n.domain = np.domain();
        n.doc = np.doc_string();
        for (const auto& o : np.output()) {
          if (o.empty()) {
            n.outputs.push_back(ir::ValueId{});
            continue;
          }
          ir::ValueId v = gr.intern(o);
          n.outputs.push_back(v);
          ir::Value& val = gr.value(v);
          if (val.producer.valid() || val.initializer >= 0 || val.graph_input) {
            if (model->warnings.size() < 100)
              model->warnings.push_back("value '" + displayName(o) + "' is produced more than once");
          } else {
            val.producer = ir::NodeId{static_cast<uint32_t>(i)};
          }
        }
        return {};
      }
      case Phase::NodeInputs: {
        if (at_ == g_.node_size()) return next(Phase::Outputs);
        const int i = at_++;
        const auto& np = g_.node(i);
        for (const auto& in : np.input()) {
          ir::Graph& gr = model->graph(id_);
          if (in.empty()) {
            gr.nodes[i].inputs.push_back(ir::ValueId{});
            continue;
          }
          ir::ValueId v = gr.intern(in);
          gr.nodes[i].inputs.push_back(v);
          gr.value(v).consumers.push_back(ir::NodeId{static_cast<uint32_t>(i)});
        }
        // Attributes (may recurse into subgraphs, which appends to model->graphs).
        std::vector<ir::Attribute> attrs;
        attrs.reserve(np.attribute_size());
        for (const auto& a : np.attribute()) {
          auto r = b_.attribute(a, id_, ir::NodeId{static_cast<uint32_t>(i)}, depth_);
          if (!r) return r.error();
          attrs.push_back(std::move(r.value()));
        }
        model->graph(id_).nodes[i].attributes = std::move(attrs);
        return {};
      }
      case Phase::Outputs: {
        if (at_ == g_.output_size()) return next(Phase::OuterScope);
        addGraphIo(model->graph(id_), g_.output(at_++), GraphIo::Output);
        return {};
      }
      case Phase::OuterScope: {
        // Values used but defined nowhere in this graph come from an enclosing scope.
        if (parent_.valid()) {
          for (auto& val : model->graph(id_).values)
            if (!val.producer.valid() && val.initializer < 0 && !val.graph_input) val.outer_scope = true;
        }
        return next(Phase::Done);
      }
      case Phase::Done: break;
    }
    return {};
  }
  Status next(Phase phase) {
    phase_ = phase;
    at_ = 0;
    return {};
  }

  ModelBuilder& b_;
  const ::onnx::GraphProto& g_;
  ir::GraphId parent_;
  ir::NodeId parent_node_;
  int depth_;
  Phase phase_ = Phase::Start;
  int at_ = 0;
  ir::GraphId id_{};
};

Result<ir::GraphId> ModelBuilder::graph(const ::onnx::GraphProto& g, ir::GraphId parent, ir::NodeId parent_node,
                                        int depth) {
  GraphConversion conversion(this, g, parent, parent_node, depth);
  Deadline never = Deadline::never();
  if (Status s = conversion.step(never); !s) return Error{s.message()};
  return conversion.id();
}

}  // namespace

struct ModelConversion::State {
  State(const ::onnx::ModelProto& p, const ExternalResolver& resolver, const ReadOptions& options)
      : proto(p), sources(&model, resolver), builder(&model, &sources, options) {}
  const ::onnx::ModelProto& proto;
  ir::Model model;
  SourceTable sources;
  ModelBuilder builder;
  std::optional<GraphConversion> main_graph;
  int functions_done = 0;
};

ModelConversion::ModelConversion(const ::onnx::ModelProto& proto, std::shared_ptr<const ByteSource> file,
                                 const std::string& file_name, const ExternalResolver& resolver,
                                 const ReadOptions& options)
    : state_(std::make_unique<State>(proto, resolver, options)) {
  ir::Model& m = state_->model;
  m.ir_version = proto.ir_version();
  m.producer_name = proto.producer_name();
  m.producer_version = proto.producer_version();
  m.domain = proto.domain();
  m.model_version = proto.model_version();
  m.doc = proto.doc_string();
  for (const auto& o : proto.opset_import()) m.opsets.push_back({o.domain(), o.version()});
  for (const auto& kv : proto.metadata_props()) m.metadata.emplace_back(kv.key(), kv.value());
  m.sources.push_back(ir::DataSource{file_name, std::move(file)});
  if (!proto.has_graph()) {
    finish(Error{"the file is a protobuf message but holds no ONNX graph"});
    return;
  }
  state_->main_graph.emplace(&state_->builder, proto.graph(), ir::GraphId{}, ir::NodeId{}, 0);
}

ModelConversion::~ModelConversion() = default;

void ModelConversion::finish(Result<ir::Model> result) {
  result_ = std::move(result);
  state_.reset();
}

bool ModelConversion::step(double budget_ms) {
  if (!state_) return true;
  Deadline deadline(budget_ms);
  State& st = *state_;
  if (!st.main_graph->done()) {
    if (Status s = st.main_graph->step(deadline); !s) {
      finish(Error{s.message()});
      return true;
    }
    if (!st.main_graph->done()) return false;
  }
  // Functions are few and small: one unit each.
  while (st.functions_done < st.proto.functions_size()) {
    if (deadline.passedNow()) return false;
    if (Status s = st.builder.function(st.proto.functions(st.functions_done++)); !s) {
      finish(Error{s.message()});
      return true;
    }
  }
  finish(std::move(st.model));
  return true;
}

Result<ir::Model> ModelConversion::take() {
  Result<ir::Model> out = std::move(result_);
  result_ = Error{"the model was already taken"};
  return out;
}

Result<ir::Model> convertModel(const ::onnx::ModelProto& proto, std::shared_ptr<const ByteSource> file,
                               const std::string& file_name, const ExternalResolver& resolver,
                               const ReadOptions& options) {
  ModelConversion conversion(proto, std::move(file), file_name, resolver, options);
  while (!conversion.step(std::numeric_limits<double>::infinity())) {
  }
  return conversion.take();
}

}  // namespace nf::onnx::detail
