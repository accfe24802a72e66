// tests/fuzz/targets.cpp - the fuzz entry functions (see targets.h).
//
// Caps keep one input from running for seconds: libFuzzer's -max_len bounds the
// bytes, and the model target skips the layout of graphs with more nodes than an
// input of that size plausibly describes. Everything else runs unbounded: a rule or
// a loader that allocates without limit must fail the run (-malloc_limit_mb).
#include "targets.h"

#include <memory>
#include <string>
#include <vector>

#include "builder/analysis.h"
#include "builder/codegen.h"
#include "builder/serialize.h"
#include "builder/share.h"
#include "hierarchy/hierarchy.h"
#include "onnx.pb.h"
#include "onnx/proto_slices.h"
#include "onnx/reader.h"
#include "onnx/skeleton.h"
#include "onnxexport/export_onnx.h"
#include "scene/model_scene.h"
#include "shapes/inference.h"
#include "shapes/metrics.h"
#include "shapes/summary.h"
#include "weights/stats.h"

namespace nf::fuzz {

namespace {

// A broken invariant is a finding: trap so libFuzzer (or the replay test) reports it.
void require(bool ok) {
  if (!ok) __builtin_trap();
}

Result<ir::Model> read(const uint8_t* data, size_t size) {
  auto src = std::make_shared<MemorySource>(std::vector<uint8_t>(data, data + size));
  return onnx::readModel(src, "fuzz.onnx");
}

// Display graph + layout cost grows faster than linearly: skip bigger graphs.
constexpr size_t kMaxLayoutNodes = 500;
// The export builds every weight in memory: a document may ask for gigabytes.
constexpr int64_t kMaxExportWeightBytes = int64_t{16} << 20;

// The reader decodes the protobuf in slices (what the page does); protobuf's one call
// must give the same message, or fail too.
void requireSlicedDecodingAgrees(const uint8_t* data, size_t size) {
  MemorySource src(std::vector<uint8_t>(data, data + size));
  auto skeleton = onnx::detail::buildSkeleton(src, onnx::ReadOptions{});
  if (!skeleton) return;
  const std::string& bytes = skeleton->bytes;
  ::onnx::ModelProto whole, sliced;
  const bool whole_ok = whole.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  onnx::detail::ModelProtoSlices decoder(bytes, &sliced, 1 + size % 97);
  while (!decoder.step(0)) {
  }
  require(whole_ok == !decoder.failed());
  if (whole_ok) require(whole.SerializeAsString() == sliced.SerializeAsString());
}

}  // namespace

int onnxReader(const uint8_t* data, size_t size) {
  requireSlicedDecodingAgrees(data, size);
  auto r = read(data, size);
  if (!r.ok()) {
    require(!r.error().message.empty());
    return 0;
  }
  const ir::Model& m = r.value();
  (void)m.opTypes();
  (void)m.nodeCountIncludingSubgraphs();
  for (const auto& g : m.graphs) {
    for (const auto& n : g.nodes)
      for (auto v : n.inputs) require(!v.valid() || v.index < g.values.size());
    for (const auto& t : g.initializers) (void)weights::computeStats(m, t);
  }
  return 0;
}

int model(const uint8_t* data, size_t size) {
  auto r = read(data, size);
  if (!r.ok()) return 0;
  const ir::Model& m = r.value();
  shapes::InferenceResult inf = shapes::inferShapes(m);
  require(inf.graphs.size() == m.graphs.size());
  shapes::Metrics metrics = shapes::computeMetrics(m, inf);
  shapes::SummaryTable table = shapes::buildSummary(m, inf, metrics);
  (void)shapes::formatText(table);
  (void)shapes::formatJson(table);
  for (size_t g = 0; g < m.graphs.size(); ++g) {
    auto h = hierarchy::buildHierarchy(m, ir::GraphId{static_cast<uint32_t>(g)});
    require(h.ok());
    require(h.value().node_group.size() == m.graphs[g].nodes.size());
  }
  if (m.graphs.empty() || m.graphs[0].nodes.size() > kMaxLayoutNodes) return 0;
  for (bool expand : {false, true}) {
    scene::SceneRequest request;
    request.expand_bodies = expand;
    request.initializers_as_nodes = expand;
    if (expand && m.nodeCountIncludingSubgraphs() > kMaxLayoutNodes) break;
    auto prepared = scene::prepareScene(m, request);
    if (!prepared.ok()) require(!prepared.error().message.empty());
  }
  return 0;
}

int builderJson(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  builder::LoadReport report;
  auto doc = builder::loadDocument(text, &report);
  if (!doc.ok()) {
    require(!doc.error().message.empty());
    return 0;
  }
  for (builder::Framework f : {builder::Framework::PyTorch, builder::Framework::Keras}) {
    (void)builder::analyze(doc.value(), f);
    builder::CodegenOptions options;
    options.framework = f;
    options.training_loop = true;
    auto code = builder::generateCode(doc.value(), options);
    if (!code.ok()) require(!code.error().message.empty());
  }
  // What was loaded saves and reloads, in both forms.
  require(builder::loadJson(builder::saveJson(doc.value())).ok());
  require(builder::loadCompact(builder::saveCompact(doc.value())).ok());
  return 0;
}

int onnxExport(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = builder::loadDocument(text, nullptr);
  if (!doc.ok()) return 0;
  const builder::Analysis analysis = builder::analyze(doc.value(), builder::Framework::PyTorch);
  onnxexport::ExportOptions options;
  options.max_weight_bytes = kMaxExportWeightBytes;
  options.seed = size;
  auto exported = onnxexport::exportOnnx(doc.value(), options);
  if (!exported.ok()) {
    require(!exported.error().message.empty());
    return 0;
  }
  // Only a document that analyses cleanly (and has an output) exports, with the
  // builder's parameter count, as a model our reader opens with one graph output per
  // builder output and the initializers holding every parameter.
  require(analysis.ok() && !analysis.outputs.empty());
  require(exported->parameters == analysis.total.total());
  auto src = std::make_shared<MemorySource>(std::vector<uint8_t>(exported->bytes.begin(), exported->bytes.end()));
  auto m = onnx::readModel(src, "exported.onnx");
  require(m.ok());
  require(m->graphs.size() == 1 && m->main().outputs.size() == analysis.outputs.size());
  int64_t elements = 0;
  for (const ir::Tensor& t : m->main().initializers) elements += t.elementCount();
  require(elements == exported->parameters);
  // What the viewer runs when it opens the file.
  shapes::InferenceResult inf = shapes::inferShapes(m.value());
  require(inf.graphs.size() == 1);
  (void)shapes::computeMetrics(m.value(), inf);
  return 0;
}

int share(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto fragment = builder::decodeShareFragment(text);
  if (fragment.ok()) {
    const builder::ShareFragment& f = fragment.value();
    if (f.encrypted) require(f.payload.size() >= builder::kSaltBytes + builder::kIvBytes + builder::kGcmTagBytes);
    auto again = builder::decodeShareFragment(builder::encodeShareFragment(f));
    require(again.ok() && again.value().payload == f.payload && again.value().encrypted == f.encrypted);
  } else {
    require(!fragment.error().message.empty());
  }
  auto bytes = builder::base64UrlDecode(text);
  if (bytes.ok()) require(builder::base64UrlDecode(builder::base64UrlEncode(bytes.value())).value() == bytes.value());
  auto doc = builder::loadCompact(text);
  if (doc.ok()) require(builder::loadCompact(builder::saveCompact(doc.value())).ok());
  return 0;
}

}  // namespace nf::fuzz
