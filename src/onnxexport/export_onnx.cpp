// onnxexport/export_onnx.cpp - the driver: analyse the document, declare inputs, lower
// each layer in topological order (lower_layers.cpp, lower_sequence.cpp), name every
// layer's output after the layer, declare shapes, serialize.
#include "onnxexport/export_onnx.h"

#include <map>

#include "builder/analysis.h"
#include "onnx.pb.h"
#include "onnxexport/lower.h"

namespace nf::onnxexport {

std::optional<Init> parseInit(std::string_view s) {
  if (s == "random") return Init::Random;
  if (s == "zeros") return Init::Zeros;
  return std::nullopt;
}

Result<ExportResult> exportOnnx(const builder::Document& doc, const ExportOptions& options) {
  using builder::Framework;
  const builder::Analysis analysis = builder::analyze(doc, Framework::PyTorch);
  if (!analysis.ok()) {
    std::string lines;
    for (const std::string& l : builder::errorLines(doc, analysis)) lines += (lines.empty() ? "" : "; ") + l;
    return Error{"the document has " + std::to_string(analysis.errors) + " error" + (analysis.errors == 1 ? "" : "s") +
                 " (ONNX follows its PyTorch code): " + lines};
  }
  if (analysis.outputs.empty()) return Error{"the document has no layer after its inputs, so the model has no output"};

  ::onnx::ModelProto model;
  model.set_ir_version(kIrVersion);
  model.set_producer_name("NetForge");
  model.set_doc_string("exported from the builder document \"" + doc.name + "\"");
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOpset);
  ::onnx::GraphProto* graph = model.mutable_graph();
  graph->set_name(doc.name.empty() ? "Model" : doc.name);
  detail::GraphWriter w(graph, options);

  // Layer names first, so no internal tensor takes a name a layer's output will need.
  std::map<builder::NodeId, std::string> name;
  for (builder::NodeId id : analysis.order) {
    const builder::Node& n = *doc.node(id);
    const builder::NodeReport& r = *analysis.find(id);
    name[id] = w.unique(n.name.empty() ? r.spec->baseName() : n.name);
  }
  auto outputOf = [&](builder::NodeId id) {
    for (builder::NodeId o : analysis.outputs)
      if (o == id) return true;
    return false;
  };

  // Outputs 2, 3... of multi-output layers, named <layer>_<k> as in the PyTorch code.
  std::map<builder::NodeId, std::vector<std::string>> more_names;
  auto tensorOf = [&](const builder::Edge& e) -> const std::string& {
    return e.out == 0 ? name[e.from] : more_names[e.from][static_cast<size_t>(e.out - 1)];
  };

  for (builder::NodeId id : analysis.order) {
    const builder::NodeReport& r = *analysis.find(id);
    const builder::LayerSpec& spec = *r.spec;
    const builder::TensorInfo& out = *r.output;
    const std::string& layer = name[id];
    if (spec.family == builder::Family::Input) {
      w.declare(layer, out.dtype, out.dimsFor(Framework::PyTorch), detail::GraphWriter::Where::Input);
      continue;
    }
    builder::Node node = *doc.node(id);
    node.params = builder::resolveParams(spec, node.params).values;
    detail::LayerCtx ctx{w, node, spec, {}, {}, out, layer};
    for (const builder::Edge& e : doc.inputEdges(id)) {
      ctx.inputs.push_back(tensorOf(e));
      ctx.in_info.push_back(*analysis.find(e.from)->outputAt(e.out));
    }
    const int first = w.nodeCount();
    const std::string result = detail::lowerLayer(ctx);
    if (!w.error().empty()) return Error{layer + ": " + w.error()};
    w.rename(first, result, layer);
    std::vector<std::string>& more = more_names[id];
    for (size_t k = 0; k < ctx.more_outputs.size(); ++k) {
      const builder::TensorInfo* t = r.outputAt(static_cast<int>(k + 1));
      if (ctx.more_outputs[k].empty() || !t) {  // omitted, or unused without a shape: keeps its own name
        more.push_back(ctx.more_outputs[k]);
        continue;
      }
      more.push_back(w.unique(layer + "_" + std::to_string(k + 1)));
      w.rename(first, ctx.more_outputs[k], more.back());
      w.declare(more.back(), t->dtype, t->dimsFor(Framework::PyTorch), detail::GraphWriter::Where::ValueInfo);
    }
    w.declare(layer, out.dtype, out.dimsFor(Framework::PyTorch),
              outputOf(id) ? detail::GraphWriter::Where::Output : detail::GraphWriter::Where::ValueInfo);
  }
  // Graph outputs in the analysis' order (the order of the PyTorch forward()'s return).
  std::vector<::onnx::ValueInfoProto> outputs(graph->output().begin(), graph->output().end());
  graph->clear_output();
  for (builder::NodeId o : analysis.outputs)
    for (const auto& vi : outputs)
      if (vi.name() == name[o]) *graph->add_output() = vi;

  ExportResult result;
  result.parameters = w.parameters();
  result.nodes = graph->node_size();
  if (!model.SerializeToString(&result.bytes)) return Error{"the model could not be serialized (too large?)"};
  return result;
}

}  // namespace nf::onnxexport
