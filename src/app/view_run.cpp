// RunView: choose inputs, run the open model in slices (progress, Cancel), then
// inspect the results: top-k with labels, any kept tensor's statistics, histogram,
// values and feature maps. The selection in the graph view picks the tensor shown.
//
// The executor runs between frames: update() calls step() with a small budget, so
// the page stays responsive; one node cannot be split, so a single big node can
// still take longer than the budget (the longest slice is measured and published).
#include "app/view_run.h"

#include <GLES3/gl3.h>
#include <SDL_scancode.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/platform.h"
#include "app/session.h"
#include "base/color_map.h"
#include "base/strings.h"
#include "onnx/tensor_file.h"
#include "runtime/executor.h"
#include "runtime/input_prep.h"
#include "runtime/npy.h"
#include "runtime/tensor_view.h"
#include "weights/stats.h"

namespace nf::app {

namespace {

constexpr double kSliceBudgetMs = 8;                       // executor time per frame
constexpr uint64_t kKeepAllLimitBytes = uint64_t{1} << 30;  // keep every value below this estimate
constexpr int64_t kMaxTiles = 64;                           // feature maps drawn (textures)
constexpr int kTopK = 5;

enum class Source : int { Image, RandomNormal, Zeros, TensorFile, TokenIds };
const char* kSourceNames[] = {"Image", "Random normal", "Zeros", "Tensor file (.npy/.pb)", "Token ids"};

struct InputSlot {
  std::string name;
  ir::ElemType elem = ir::ElemType::Float;
  std::vector<int64_t> dims;  // -1 = unknown
  Source source = Source::RandomNormal;
  std::string tokens = "101 2023 2003 1037 3231 102";
  std::optional<runtime::Tensor> file;
  std::string file_name;
};

struct Tile {
  GLuint texture = 0;
};

std::vector<int64_t> declaredDims(const ir::Type& t) {
  std::vector<int64_t> d;
  for (const ir::Dim& dim : t.shape.dims) d.push_back(dim.kind == ir::Dim::Kind::Known ? dim.value : -1);
  return d;
}

bool isFloat(ir::ElemType e) {
  return e == ir::ElemType::Float || e == ir::ElemType::Double || e == ir::ElemType::Float16 ||
         e == ir::ElemType::BFloat16;
}

std::string number(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.6g", std::isfinite(v) ? v : 0.0);
  return buf;
}

uint64_t tensorBytes(const runtime::Tensor& t) { return t.buffer ? t.buffer->bytes.size() : 0; }

}  // namespace

struct RunView::State {
  const OpenedModel* model = nullptr;  // the model the slots and results belong to
  uint64_t generation = 0;             // its document generation
  document::ModelDocument* doc = nullptr;
  std::vector<InputSlot> slots;
  std::optional<runtime::RgbaImage> image;
  std::string image_name;
  runtime::ImagePrep prep;
  std::vector<std::string> labels;
  std::string labels_name;
  bool labels_default = false;  // the site's ImageNet list, not a user's file
  bool labels_requested = false;

  std::unique_ptr<runtime::Executor> executor;
  std::vector<runtime::NamedValue> fed;  // the inputs of the last run (for the 3D view's input layer)
  std::string state = "idle";  // idle | running | done | cancelled | error
  std::string error;
  runtime::Progress progress;
  double run_started_ms = 0, run_ms = 0, longest_slice_ms = 0;
  bool keep_all = false;
  std::vector<std::string> keep;  // names kept when not keep_all
  uint64_t run_id = 0;
  uint64_t estimate_for = 0;  // the generation estimated_bytes belongs to
  uint64_t estimated_bytes = 0;  // all intermediate values of the model

  // What is inspected.
  std::string inspect;  // value name
  bool inspect_from_user = false;
  uint64_t seen_selection = 0;
  std::string shown_for;  // "<run_id>/<name>/<scale>/<map>": textures and stats are for this
  std::optional<Result<weights::TensorStats>> stats;
  std::vector<Tile> tiles;
  runtime::ChannelImages maps;
  std::string maps_error;
  runtime::MapScale scale = runtime::MapScale::PerChannel;
  ColorMap color_map = ColorMap::Viridis;
  int enlarged = -1;
  ImVec2 grid_min{0, 0}, grid_max{0, 0};  // where the tiles were drawn (for tests)
  ImVec2 tile_size{0, 0}, tile_pitch{0, 0};
  int columns = 0;
  float visible_bottom = 0;  // the window's clip rect: tiles below it are scrolled away
  std::string published;

  // NetForgeRun.bench: an executor of its own (nothing kept), one run per frame.
  struct Bench {
    std::unique_ptr<runtime::Executor> executor;
    std::vector<runtime::NamedValue> feeds;
    uint64_t id = 0;  // one per NetForgeRun.bench call
    int left = 0;  // runs still to do, the warm-up included
    std::string state = "idle";  // idle | running | done | error
    std::string error;
    std::vector<double> runs_ms;
    double warmup_ms = 0;
    runtime::MemoryStats memory;  // of the warm-up run (weights loaded, heap sampled)
    std::map<std::string, double> op_ms;  // per op type, summed over the timed runs
  } bench;

  ~State() { freeTiles(); }
  void freeTiles() {
    for (Tile& t : tiles)
      if (t.texture) glDeleteTextures(1, &t.texture);
    tiles.clear();
  }
  void resetResults() {
    executor.reset();
    state = "idle";
    error.clear();
    progress = {};
    freeTiles();
    shown_for.clear();
    stats.reset();
    enlarged = -1;
  }
  const runtime::Value* find(const std::string& name) const {
    if (!executor) return nullptr;
    for (const auto& [n, v] : executor->outputs())
      if (n == name) return &v;
    for (const auto& [n, v] : executor->kept())
      if (n == name) return &v;
    return nullptr;
  }
};

RunView::RunView() : View("Run", false), s_(std::make_unique<State>()) {}
RunView::~RunView() = default;

bool RunView::wantsFrames() const {
  return s_->state == "running" || s_->state == "reading" || s_->bench.left > 0 || platform::runBenchRequested();
}

void RunView::placeWindow(const WorkArea& area) {
  float w = std::min(520.0f, area.size.x * 0.45f);
  ImGui::SetNextWindowPos(ImVec2(area.pos.x + 10, area.pos.y + 40), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(w, std::max(300.0f, area.size.y - 60)), ImGuiCond_FirstUseEver);
}

namespace {

// Default source for an input: images for rank-4 float inputs with 1 or 3 channels,
// token ids for integer inputs, random normal otherwise.
Source defaultSource(const InputSlot& s, bool have_image) {
  if (isFloat(s.elem) && runtime::imageLayoutFor(s.dims).ok() && have_image) return Source::Image;
  if (!isFloat(s.elem) && s.elem != ir::ElemType::Bool) return Source::TokenIds;
  return Source::RandomNormal;
}

std::string statusJson(const RunView::State& st);
void startRun(RunView::State& st);
void startBench(RunView::State& st, int runs);
void stepBench(RunView::State& st);
void publishNodeTimes(RunView::State& st);
void publishRunResults(const RunView::State& st, RunResults& out);
void publishIfChanged(RunView::State& st) {
  std::string json = statusJson(st);
  if (json == st.published) return;
  st.published = std::move(json);
  platform::publishRunStatus(st.published);
}

Result<runtime::Tensor> makeInput(const RunView::State& st, const InputSlot& s) {
  switch (s.source) {
    case Source::Image: {
      if (!st.image) return Error{"no image yet: drop a PNG or JPEG on the page, or use 'Load input file'"};
      auto layout = runtime::imageLayoutFor(s.dims);
      if (!layout.ok()) return layout.error();
      return runtime::imageToTensor(*st.image, layout.value(), st.prep);
    }
    case Source::RandomNormal: return runtime::randomNormalTensor(s.elem, runtime::concreteShape(s.dims), 1);
    case Source::Zeros: return runtime::zeroTensor(s.elem, runtime::concreteShape(s.dims));
    case Source::TensorFile:
      if (!s.file) return Error{"no tensor file loaded: drop a .npy or .pb file"};
      return *s.file;
    case Source::TokenIds: return runtime::tokenIdsTensor(s.tokens, s.elem, s.dims);
  }
  return Error{"unknown input source"};
}

// Bytes of every value a node of the main graph produces, from the model's inferred
// shapes (computed once per model and shared with the other views; unknown and
// symbolic dims count as 1, so this is a lower bound).
uint64_t estimateIntermediates(const OpenedModel* opened, const shapes::InferenceResult& inferred) {
  const ir::Graph& g = opened->model.graphs[0];
  uint64_t total = 0;
  for (uint32_t i = 0; i < g.values.size(); ++i) {
    if (!g.values[i].producer.valid()) continue;
    const ir::Type& t = inferred.type(ir::GraphId{0}, ir::ValueId{i});
    if (t.kind != ir::Type::Kind::Tensor) continue;
    int64_t n = 1;
    for (const ir::Dim& d : t.shape.dims)
      if (d.kind == ir::Dim::Kind::Known && !checkedSizeMul(n, std::max<int64_t>(d.value, 0), &n)) return UINT64_MAX;
    total = satAdd<uint64_t>(total, satMul<uint64_t>(static_cast<uint64_t>(n), std::max<size_t>(1, runtime::storedSize(t.elem))));
  }
  return total;
}

}  // namespace

void RunView::update(AppContext& ctx) {
  // Opening the panel collapses the others in its column to their bars (a click opens
  // them again): the results and feature maps need the height.
  if (isOpen() && !was_open_)
    for (const auto& v : ctx.views.all())
      if (v.get() != this && v->dock() == dock() && v->docked(ctx)) v->setCollapsed(true);
  was_open_ = isOpen();
  State& st = *s_;
  st.doc = &ctx.session.document();
  const OpenedModel* opened = st.doc->current();
  if (st.doc->generation() != st.generation) {  // another model: new slots, old results gone
    st.resetResults();
    st.model = opened;
    st.generation = st.doc->generation();
    st.slots.clear();
    st.inspect.clear();
    st.inspect_from_user = false;
    st.keep.clear();
    if (opened && !opened->model.graphs.empty()) {
      const ir::Graph& g = opened->model.graphs[0];
      for (ir::ValueId id : g.inputs) {
        const ir::Value& v = g.value(id);
        if (v.initializer >= 0) continue;
        InputSlot s;
        s.name = v.name;
        s.elem = v.type.kind == ir::Type::Kind::Tensor ? v.type.elem : ir::ElemType::Float;
        s.dims = declaredDims(v.type);
        s.source = defaultSource(s, st.image.has_value());
        st.slots.push_back(std::move(s));
      }
    }
  }
  if (isOpen() && !st.labels_requested) {
    st.labels_requested = true;
    platform::requestDefaultLabels();
  }

  for (platform::RunInputFile& f : platform::takeRunInputs()) {
    using K = platform::RunInputFile::Kind;
    if (f.kind == K::Labels) {
      if (f.default_labels && !st.labels.empty() && !st.labels_default) continue;  // a user's list wins
      st.labels.clear();
      std::string line;
      for (char c : f.bytes) {
        if (c == '\n') st.labels.push_back(line), line.clear();
        else if (c != '\r') line += c;
      }
      if (!line.empty()) st.labels.push_back(line);
      st.labels_name = f.default_labels ? "ImageNet (torchvision)" : displayName(f.name, 60);
      st.labels_default = f.default_labels;
    } else if (f.kind == K::Image) {
      if (f.width <= 0 || f.height <= 0 || f.bytes.size() != static_cast<size_t>(f.width * f.height * 4)) {
        ctx.session.reportError(displayName(f.name) + ": the image could not be decoded");
        continue;
      }
      st.image = runtime::RgbaImage{f.width, f.height, std::move(f.bytes)};
      st.image_name = displayName(f.name, 60);
      for (InputSlot& s : st.slots)
        if (isFloat(s.elem) && runtime::imageLayoutFor(s.dims).ok()) s.source = Source::Image;
      setOpen(true);
    } else {
      const bool npy = f.name.size() >= 4 && f.name.compare(f.name.size() - 4, 4, ".npy") == 0;
      Result<runtime::Tensor> t = Error{""};
      if (npy) {
        t = runtime::readNpy(f.bytes);
      } else {
        auto irt = onnx::readTensorBytes(f.bytes, displayName(f.name));
        ir::Model scratch;
        t = irt.ok() ? runtime::tensorFromIr(scratch, irt.value()) : Result<runtime::Tensor>(irt.error());
      }
      if (!t.ok()) {
        ctx.session.reportError(displayName(f.name) + ": " + t.error().message);
        continue;
      }
      // Goes to the first input of the same element type (else the first input).
      InputSlot* target = nullptr;
      for (InputSlot& s : st.slots)
        if (!target && s.elem == t.value().type) target = &s;
      if (!target && !st.slots.empty()) target = &st.slots[0];
      if (!target) {
        ctx.session.reportError(displayName(f.name) + ": open a model first; this tensor is a model input");
        continue;
      }
      target->file = std::move(t.value());
      target->file_name = displayName(f.name, 60);
      target->source = Source::TensorFile;
      setOpen(true);
    }
  }

  // The 3D view colours its maps as this panel does: new settings, new textures there.
  if (RunResults& rr = ctx.session.runResults();
      rr.generation == st.generation && rr.generation != 0 && (rr.color_map != st.color_map || rr.scale != st.scale)) {
    rr.color_map = st.color_map;
    rr.scale = st.scale;
    ++rr.version;
  }
  if (int runs = platform::takeRunBenchRequest(); runs > 0) startBench(st, runs);
  if (st.bench.left > 0) stepBench(st);

  if (st.state == "reading" && st.model) startRun(st);  // external weights on their way
  if (st.state == "running" && st.executor) {
    const double t0 = platform::nowMs();
    st.progress = st.executor->step(kSliceBudgetMs);
    st.longest_slice_ms = std::max(st.longest_slice_ms, platform::nowMs() - t0);
    if (st.progress.finished) {
      st.run_ms = platform::nowMs() - st.run_started_ms;
      st.state = st.progress.failed ? (st.progress.error == "cancelled" ? "cancelled" : "error") : "done";
      if (st.progress.failed) st.error = st.progress.error;
      ++st.run_id;
      if (st.state == "done") {
        publishNodeTimes(st);
        publishRunResults(st, ctx.session.runResults());
      }
      // Show the first feature-map-like value until the user picks one.
      if (st.state == "done" && !st.inspect_from_user) {
        st.inspect.clear();
        for (const auto& [n, v] : st.executor->kept())
          if (v.isTensor() && v.tensor.rank() == 4 && !v.tensor.isString()) {
            st.inspect = n;
            break;
          }
        if (st.inspect.empty() && !st.executor->outputs().empty()) st.inspect = st.executor->outputs()[0].first;
      }
    }
  }

  // F9 runs (opening the panel if it is closed), or cancels a run (listed in the shortcuts
  // window), unless a text field has the keys.
  const ImGuiIO& io = ImGui::GetIO();
  if (st.model && !io.WantTextInput && !io.KeyCtrl && !io.KeyShift &&
      ImGui::IsKeyPressed(SDL_SCANCODE_F9, false)) {
    setOpen(true);
    if (st.state != "running") startRun(st);
    else if (st.executor) st.executor->cancel();  // F9 again cancels
  }
  publishIfChanged(st);

  // The graph selection picks the tensor to inspect (a node: its first output).
  if (ctx.selection.version != st.seen_selection) {
    st.seen_selection = ctx.selection.version;
    if (opened && ctx.selection.graph.index == 0 && !opened->model.graphs.empty()) {
      const ir::Graph& g = opened->model.graphs[0];
      std::string name;
      if (ctx.selection.value.valid() && ctx.selection.value.index < g.values.size())
        name = g.value(ctx.selection.value).name;
      else if (ctx.selection.node.valid() && ctx.selection.node.index < g.nodes.size())
        for (ir::ValueId o : g.node(ctx.selection.node).outputs)
          if (o.valid()) {
            name = g.value(o).name;
            break;
          }
      if (!name.empty()) {
        st.inspect = name;
        st.inspect_from_user = true;
      }
    }
  }
}

namespace {

// The executor's per-node times, indexed by node, on the document for the viewer's overlays.
void publishNodeTimes(RunView::State& st) {
  if (!st.doc || !st.model || !st.executor || st.model->model.graphs.empty()) return;
  std::vector<double> node_ms(st.model->model.graphs[0].nodes.size(), -1.0);
  for (const runtime::NodeTime& nt : st.executor->nodeTimes())
    if (nt.node < node_ms.size()) node_ms[nt.node] = nt.ms;
  st.doc->setNodeTimes(st.generation, std::move(node_ms));
}

// The run's inputs, kept values and outputs (shared buffers) for the 3D view.
void publishRunResults(const RunView::State& st, RunResults& out) {
  if (!st.executor) return;
  out.generation = st.generation;
  ++out.version;
  out.values = st.fed;
  out.outputs.clear();
  for (const auto& nv : st.executor->kept()) out.values.push_back(nv);
  for (const auto& nv : st.executor->outputs()) {
    out.values.push_back(nv);
    out.outputs.push_back(nv.first);
  }
  out.labels = st.labels;
  out.labels_default = st.labels_default;
  out.color_map = st.color_map;
  out.scale = st.scale;
}

Result<std::vector<runtime::NamedValue>> makeFeeds(const RunView::State& st) {
  std::vector<runtime::NamedValue> feeds;
  for (const InputSlot& s : st.slots) {
    Result<runtime::Tensor> t = makeInput(st, s);
    if (!t.ok()) return Error{"input '" + displayName(s.name, 80) + "': " + t.error().message};
    feeds.emplace_back(s.name, runtime::Value::of(std::move(t.value())));
  }
  return feeds;
}

void startBench(RunView::State& st, int runs) {
  RunView::State::Bench& b = st.bench;
  const uint64_t id = b.id + 1;
  b = {};
  b.id = id;
  if (!st.model || st.state == "running") {
    b.state = "error";
    b.error = st.model ? "a run is in progress" : "no model open";
    return;
  }
  auto feeds = makeFeeds(st);
  if (!feeds.ok()) {
    b.state = "error";
    b.error = feeds.error().message;
    return;
  }
  b.feeds = std::move(feeds.value());
  b.executor = std::make_unique<runtime::Executor>(st.model->model, runtime::PlanOptions{});
  b.left = runs + 1;
  b.state = "running";
}

void stepBench(RunView::State& st) {
  RunView::State::Bench& b = st.bench;
  const bool warmup = b.runs_ms.empty() && b.warmup_ms == 0;
  b.executor->setMeasureHeap(warmup);
  const double t0 = platform::nowMs();
  Status s = b.executor->runAll(b.feeds);
  const double ms = platform::nowMs() - t0;
  if (!s) {
    b.state = "error";
    b.error = s.message();
    b.left = 0;
  } else if (warmup) {
    b.warmup_ms = ms;
    b.memory = b.executor->memory();
  } else {
    b.runs_ms.push_back(ms);
    const ir::Graph& g = st.model->model.main();
    for (const runtime::NodeTime& nt : b.executor->nodeTimes())
      if (nt.node < g.nodes.size()) b.op_ms[g.nodes[nt.node].op_type] += nt.ms;
  }
  if (b.left > 0 && --b.left == 0) {
    if (b.state == "running") b.state = "done";
    b.executor.reset();  // its weights and buffers go back
    b.feeds.clear();
  }
}

// Weights in external data files the page reads asynchronously (base/byte_source.h)
// must all be there before a run, which reads them synchronously: each such file is
// fetched whole (at most kKeepAllLimitBytes together). Ready when all have arrived;
// Pending while the page reads; Failed with *error.
FetchState fetchExternalWeights(const ir::Model& model, std::string* error) {
  uint64_t total = 0;
  FetchState state = FetchState::Ready;
  for (const ir::DataSource& src : model.sources) {
    if (!src.bytes || src.bytes->synchronous()) continue;
    total += src.bytes->size();
    if (total > kKeepAllLimitBytes) {
      *error = "the weights in '" + displayName(src.name, 80) + "' are read from the file on request; a run needs " +
               "them in memory, which this page allows up to " + humanBytes(kKeepAllLimitBytes);
      return FetchState::Failed;
    }
    std::string why;
    const FetchState s = src.bytes->fetch(0, src.bytes->size(), &why);
    if (s == FetchState::Failed) {
      *error = why;
      return s;
    }
    if (s == FetchState::Pending) state = FetchState::Pending;
  }
  return state;
}

void startRun(RunView::State& st) {
  const ir::Model& model = st.model->model;
  std::string fetch_error;
  switch (fetchExternalWeights(model, &fetch_error)) {
    case FetchState::Pending: st.state = "reading"; return;  // update() asks again next frame
    case FetchState::Failed:
      st.state = "error";
      st.error = fetch_error;
      return;
    case FetchState::Ready: break;
  }
  auto made = makeFeeds(st);
  if (!made.ok()) {
    st.state = "error";
    st.error = made.error().message;
    return;
  }
  std::vector<runtime::NamedValue> feeds = std::move(made.value());
  st.fed = feeds;
  runtime::PlanOptions options;
  if (st.estimate_for != st.generation) {  // once per model
    st.estimate_for = st.generation;
    const shapes::InferenceResult* inferred = st.doc->inference();
    st.estimated_bytes = inferred ? estimateIntermediates(st.model, *inferred) : UINT64_MAX;
  }
  st.keep_all = st.estimated_bytes <= kKeepAllLimitBytes;
  options.keep_all = st.keep_all;
  options.keep = st.keep;
  if (!st.keep_all && !st.inspect.empty()) options.keep.push_back(st.inspect);
  st.freeTiles();
  st.shown_for.clear();
  st.stats.reset();
  st.enlarged = -1;
  st.executor = std::make_unique<runtime::Executor>(model, options);
  if (Status s = st.executor->start(std::move(feeds)); !s) {
    st.state = "error";
    st.error = s.message();
    st.executor.reset();
    return;
  }
  st.state = "running";
  st.error.clear();
  st.progress = {};
  st.longest_slice_ms = 0;
  st.run_started_ms = platform::nowMs();
}

void drawInputs(RunView::State& st) {
  if (ImGui::Button("Load input file...")) platform::pickRunInputFile();
  ImGui::SameLine();
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Drop or choose a PNG/JPEG image, a .npy or .pb tensor, or a labels.txt (one class per line).");
  ImGui::Text("Image: %s", st.image ? (st.image_name + " (" + std::to_string(st.image->width) + "x" +
                                       std::to_string(st.image->height) + ")").c_str()
                                    : "none");
  int scale = static_cast<int>(st.prep.scale);
  const char* scales[] = {runtime::pixelScaleName(runtime::PixelScale::ImageNet),
                          runtime::pixelScaleName(runtime::PixelScale::Unit),
                          runtime::pixelScaleName(runtime::PixelScale::Symmetric),
                          runtime::pixelScaleName(runtime::PixelScale::Raw)};
  ImGui::SetNextItemWidth(180);
  if (ImGui::Combo("Normalise", &scale, scales, 4)) st.prep.scale = static_cast<runtime::PixelScale>(scale);
  ImGui::SameLine();
  ImGui::Checkbox("BGR", &st.prep.bgr);
  for (size_t i = 0; i < st.slots.size(); ++i) {
    InputSlot& s = st.slots[i];
    ImGui::PushID(static_cast<int>(i));
    ImGui::Text("%s  %s %s", displayName(s.name, 60).c_str(), std::string(ir::elemTypeName(s.elem)).c_str(),
                runtime::shapeString(s.dims).c_str());
    int src = static_cast<int>(s.source);
    ImGui::SetNextItemWidth(200);
    if (ImGui::Combo("Source", &src, kSourceNames, 5)) s.source = static_cast<Source>(src);
    if (s.source == Source::TokenIds) {
      char buf[1024];
      std::snprintf(buf, sizeof buf, "%s", s.tokens.c_str());
      if (ImGui::InputText("Ids", buf, sizeof buf)) s.tokens = buf;
    } else if (s.source == Source::TensorFile) {
      ImGui::SameLine();
      ImGui::TextUnformatted(s.file ? (s.file_name + " " + runtime::shapeString(s.file->shape)).c_str() : "none");
    }
    ImGui::PopID();
  }
}

// The class name of `index`; the site's ImageNet names only for 1000-class outputs
// (a user's labels.txt applies to any output). "" when there is none.
std::string labelFor(const RunView::State& st, int64_t index, int64_t classes) {
  if (st.labels_default && classes != static_cast<int64_t>(st.labels.size())) return "";
  return index >= 0 && index < static_cast<int64_t>(st.labels.size()) ? st.labels[static_cast<size_t>(index)] : "";
}

void drawTop(const RunView::State& st) {
  for (const auto& [name, v] : st.executor->outputs()) {
    if (!v.isTensor()) continue;
    const runtime::Tensor& t = v.tensor;
    ImGui::Text("%s  %s", displayName(name, 60).c_str(), runtime::shapeString(t.shape).c_str());
    if (t.rank() == 0 || t.shape.back() < 2 || t.count() != t.shape.back() || t.isString()) continue;
    for (const runtime::TopEntry& e : runtime::topK(t, kTopK)) {
      std::string label = labelFor(st, e.index, t.shape.back());
      if (label.empty()) label = "class " + std::to_string(e.index);
      ImGui::ProgressBar(static_cast<float>(e.probability), ImVec2(80, 0));
      ImGui::SameLine();
      ImGui::Text("%5lld  %s  (%.4g)", static_cast<long long>(e.index), displayName(label, 60).c_str(), e.score);
    }
  }
}

void refreshInspected(RunView::State& st, const runtime::Tensor& t) {
  const std::string key = std::to_string(st.run_id) + "/" + st.inspect + "/" + std::to_string(int(st.scale)) + "/" +
                          std::to_string(int(st.color_map));
  if (key == st.shown_for) return;
  st.shown_for = key;
  st.freeTiles();
  st.enlarged = -1;
  ir::Model scratch;
  st.stats = weights::computeStats(scratch, runtime::tensorToIr(t, st.inspect));
  st.maps_error.clear();
  st.maps = {};
  if (t.rank() < 2) return;
  auto maps = runtime::channelImages(t, st.color_map, st.scale, kMaxTiles);
  if (!maps.ok()) {
    st.maps_error = maps.error().message;
    return;
  }
  st.maps = std::move(maps.value());
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  for (const auto& rgba : st.maps.rgba) {
    Tile tile;
    glGenTextures(1, &tile.texture);
    glBindTexture(GL_TEXTURE_2D, tile.texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, static_cast<GLsizei>(st.maps.width), static_cast<GLsizei>(st.maps.height),
                 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
    st.tiles.push_back(tile);
  }
  glBindTexture(GL_TEXTURE_2D, 0);
}

ImTextureID textureId(GLuint t) { return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(t)); }

void drawStats(const RunView::State& st) {
  if (st.stats && st.stats->ok()) {
    const weights::TensorStats& s = st.stats->value();
    ImGui::Text("min %.6g  max %.6g  mean %.6g  std %.6g", s.min, s.max, s.mean, s.stddev);
    if (s.nan_count || s.inf_count)
      ImGui::Text("NaN %lld  Inf %lld", static_cast<long long>(s.nan_count), static_cast<long long>(s.inf_count));
    std::vector<float> hist(s.histogram.begin(), s.histogram.end());
    ImGui::PlotHistogram("##hist", hist.data(), static_cast<int>(hist.size()), 0, "histogram", 0.0f, FLT_MAX,
                         ImVec2(-1, 60));
    std::string first;
    for (double x : s.first) first += (first.empty() ? "" : ", ") + number(x);
    ImGui::TextWrapped("values: %s%s", first.c_str(), s.count > static_cast<int64_t>(s.first.size()) ? ", ..." : "");
  } else if (st.stats) {
    ImGui::TextWrapped("%s", st.stats->error().message.c_str());
  }
}

// Feature maps of a rank 2-4 tensor: a grid of channel tiles, one enlarged on click.
void drawMaps(RunView::State& st, const runtime::Tensor& t) {
  if (t.rank() < 2) return;
  if (!st.maps_error.empty()) {
    ImGui::TextWrapped("%s", st.maps_error.c_str());
    return;
  }
  if (st.tiles.empty()) return;
  int map = static_cast<int>(st.color_map);
  ImGui::SetNextItemWidth(110);
  if (ImGui::Combo("Colours", &map, "viridis\0grey\0")) st.color_map = static_cast<ColorMap>(map);
  ImGui::SameLine();
  bool per = st.scale == runtime::MapScale::PerChannel;
  if (ImGui::Checkbox("Scale per channel", &per))
    st.scale = per ? runtime::MapScale::PerChannel : runtime::MapScale::Shared;
  if (st.maps.channels_total > static_cast<int64_t>(st.tiles.size()))
    ImGui::TextDisabled("first %zu of %lld channels", st.tiles.size(), static_cast<long long>(st.maps.channels_total));
  if (st.enlarged >= 0 && st.enlarged < static_cast<int>(st.tiles.size())) {
    const float side = std::min(ImGui::GetContentRegionAvail().x, 360.0f);
    const float aspect = static_cast<float>(st.maps.height) / static_cast<float>(st.maps.width);
    ImGui::Text("channel %d: %.4g .. %.4g (click to close)", st.enlarged, st.maps.lo[st.enlarged],
                st.maps.hi[st.enlarged]);
    if (ImGui::ImageButton(textureId(st.tiles[st.enlarged].texture), ImVec2(side, side * aspect), ImVec2(0, 0),
                           ImVec2(1, 1), 0))
      st.enlarged = -1;
    return;
  }
  const float tile = 64;
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const int columns = std::max(1, static_cast<int>((ImGui::GetContentRegionAvail().x + spacing) / (tile + spacing)));
  const float aspect = std::clamp(static_cast<float>(st.maps.height) / static_cast<float>(st.maps.width), 0.1f, 10.0f);
  st.columns = columns;
  st.visible_bottom = ImGui::GetWindowDrawList()->GetClipRectMax().y;
  st.tile_size = ImVec2(tile, tile * aspect);
  st.tile_pitch = ImVec2(tile + spacing, tile * aspect + ImGui::GetStyle().ItemSpacing.y);
  for (size_t i = 0; i < st.tiles.size(); ++i) {
    if (i % columns) ImGui::SameLine();
    ImGui::PushID(static_cast<int>(i));
    if (ImGui::ImageButton(textureId(st.tiles[i].texture), ImVec2(tile, tile * aspect), ImVec2(0, 0), ImVec2(1, 1), 0))
      st.enlarged = static_cast<int>(i);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("channel %zu: %.4g .. %.4g", i, st.maps.lo[i], st.maps.hi[i]);
    if (i == 0) st.grid_min = ImGui::GetItemRectMin();
    st.grid_max = ImVec2(std::max(st.grid_max.x, ImGui::GetItemRectMax().x), ImGui::GetItemRectMax().y);
    ImGui::PopID();
  }
}

void drawInspected(RunView::State& st) {
  st.grid_min = st.grid_max = ImVec2(0, 0);
  if (st.inspect.empty()) {
    ImGui::TextWrapped("Select a node or an edge in the graph to see its tensor.");
    return;
  }
  const runtime::Value* v = st.find(st.inspect);
  if (!v) {
    ImGui::Text("Tensor: %s", displayName(st.inspect, 80).c_str());
    ImGui::TextWrapped("This value was not kept by the last run.");
    if (!st.keep_all && ImGui::Button("Keep it and run again")) {
      st.keep.push_back(st.inspect);
      startRun(st);
    }
    return;
  }
  if (!v->isTensor()) {
    ImGui::TextWrapped("A sequence or empty optional; only tensors are shown.");
    return;
  }
  const runtime::Tensor& t = v->tensor;
  refreshInspected(st, t);
  ImGui::TextWrapped("%s  %s %s", displayName(st.inspect, 80).c_str(), std::string(ir::elemTypeName(t.type)).c_str(),
                     runtime::shapeString(t.shape).c_str());
  drawMaps(st, t);
  drawStats(st);
  if (t.rank() == 1 && !t.isString()) {  // bars
    std::vector<float> bars;
    for (int64_t i = 0; i < std::min<int64_t>(t.count(), 2048); ++i)
      bars.push_back(static_cast<float>(runtime::elementAsDouble(t, i)));
    ImGui::PlotHistogram("##bars", bars.data(), static_cast<int>(bars.size()), 0, nullptr, FLT_MAX, FLT_MAX,
                         ImVec2(-1, 100));
  }
}

std::string statusJson(const RunView::State& st) {
  std::string j = "{\"state\":\"" + st.state + "\"";
  j += ",\"done\":" + std::to_string(st.progress.done) + ",\"total\":" + std::to_string(st.progress.total);
  j += ",\"error\":" + (st.error.empty() ? std::string("null") : "\"" + escapeJson(st.error) + "\"");
  j += ",\"longest_slice_ms\":" + number(st.longest_slice_ms) + ",\"run_ms\":" + number(st.run_ms);
  j += ",\"image\":" + (st.image ? "\"" + escapeJson(st.image_name) + "\"" : std::string("null"));
  j += ",\"preset\":\"" + escapeJson(runtime::pixelScaleName(st.prep.scale)) + "\"";
  j += ",\"labels\":" + std::to_string(st.labels.size());
  j += ",\"keep_all\":" + std::string(st.keep_all ? "true" : "false");
  j += ",\"estimated_bytes\":" + std::to_string(st.estimated_bytes);
  uint64_t kept_bytes = 0;
  size_t kept = 0, node_times = 0;
  std::string top = "[";
  if (st.executor && st.state == "done") {
    for (const auto& [n, v] : st.executor->kept())
      if (v.isTensor()) kept_bytes += tensorBytes(v.tensor), ++kept;
    node_times = st.executor->nodeTimes().size();
    const runtime::NodeTime* slowest = nullptr;
    for (const runtime::NodeTime& nt : st.executor->nodeTimes())
      if (!slowest || nt.ms > slowest->ms) slowest = &nt;
    if (slowest && slowest->node < st.model->model.graphs[0].nodes.size()) {
      const ir::Node& n = st.model->model.graphs[0].nodes[slowest->node];
      j += ",\"slowest_node\":{\"name\":\"" + escapeJson(n.name) + "\",\"op\":\"" + escapeJson(n.op_type) +
           "\",\"ms\":" + number(slowest->ms) + "}";
    }
    for (const auto& [name, v] : st.executor->outputs()) {
      if (!v.isTensor() || v.tensor.rank() == 0 || v.tensor.isString() || v.tensor.count() != v.tensor.shape.back())
        continue;
      for (const runtime::TopEntry& e : runtime::topK(v.tensor, kTopK)) {
        const std::string label = labelFor(st, e.index, v.tensor.shape.back());
        top += (top.size() > 1 ? "," : "") + std::string("{\"index\":") + std::to_string(e.index) + ",\"label\":\"" +
               escapeJson(label) + "\",\"score\":" + number(e.score) + ",\"probability\":" + number(e.probability) + "}";
      }
      break;  // the first classifier-like output
    }
  }
  j += ",\"top\":" + top + "]";
  j += ",\"kept_values\":" + std::to_string(kept) + ",\"kept_bytes\":" + std::to_string(kept_bytes);
  j += ",\"node_times\":" + std::to_string(node_times);
  {
    const RunView::State::Bench& b = st.bench;
    std::vector<double> sorted = b.runs_ms;
    std::sort(sorted.begin(), sorted.end());
    std::string runs;
    for (double ms : b.runs_ms) runs += (runs.empty() ? "" : ",") + number(ms);
    const runtime::MemoryStats& m = b.memory;
    j += ",\"bench\":{\"id\":" + std::to_string(b.id) + ",\"state\":\"" + b.state + "\",\"error\":" +
         (b.error.empty() ? std::string("null") : "\"" + escapeJson(b.error) + "\"") +
         ",\"warmup_ms\":" + number(b.warmup_ms) + ",\"median_ms\":" + number(sorted.empty() ? 0 : sorted[sorted.size() / 2]) +
         ",\"runs_ms\":[" + runs + "],\"weight_bytes\":" + std::to_string(m.weight_bytes) +
         ",\"held_weight_bytes\":" + std::to_string(m.held_weight_bytes) +
         ",\"packed_weight_bytes\":" + std::to_string(m.packed_bytes) +
         ",\"peak_live_bytes\":" + std::to_string(m.peak_live_bytes) +
         ",\"heap_peak_bytes\":" + std::to_string(m.heap_peak_bytes) +
         ",\"heap_start_bytes\":" + std::to_string(m.heap_start_bytes) + ",\"op_ms\":{";
    bool first_op = true;
    for (const auto& [op, ms] : b.op_ms) {
      j += (first_op ? "\"" : ",\"") + escapeJson(op) + "\":" + number(ms);
      first_op = false;
    }
    j += "}}";
  }
  j += ",\"inspect\":{\"value\":" + (st.inspect.empty() ? std::string("null") : "\"" + escapeJson(st.inspect) + "\"");
  j += ",\"tiles\":" + std::to_string(st.tiles.size()) + ",\"channels\":" + std::to_string(st.maps.channels_total);
  j += ",\"enlarged\":" + std::to_string(st.enlarged);
  j += ",\"grid\":[" + number(st.grid_min.x) + "," + number(st.grid_min.y) + "," + number(st.grid_max.x) + "," +
       number(st.grid_max.y) + "],\"tile\":[" + number(st.tile_size.x) + "," + number(st.tile_size.y) +
       "],\"pitch\":[" + number(st.tile_pitch.x) + "," + number(st.tile_pitch.y) +
       "],\"columns\":" + std::to_string(st.columns) + ",\"visible_bottom\":" + number(st.visible_bottom) + "}";
  return j + "}";
}

}  // namespace

void RunView::drawContent(AppContext& ctx) {
  State& st = *s_;
  if (!st.model) {
    ImGui::TextWrapped("Open a model to run it.");
  } else {
    drawInputs(st);
    ImGui::Separator();
    if (st.state == "running") {
      const float frac = st.progress.total ? static_cast<float>(st.progress.done) / st.progress.total : 0.0f;
      char text[64];
      std::snprintf(text, sizeof text, "%zu / %zu nodes", st.progress.done, st.progress.total);
      ImGui::ProgressBar(frac, ImVec2(-90, 0), text);
      ImGui::SameLine();
      if (ImGui::Button("Cancel (F9)")) st.executor->cancel();
    } else if (st.state == "reading") {
      ImGui::TextDisabled("reading the weights from the external data files...");
    } else if (ImGui::Button("Run (F9)")) {
      startRun(st);
    }
    if (!st.error.empty()) ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", st.error.c_str());
    if (st.state == "cancelled") ImGui::TextDisabled("cancelled");
    if (st.state == "done" && st.executor) {
      uint64_t kept_bytes = 0;
      for (const auto& [n, v] : st.executor->kept())
        if (v.isTensor()) kept_bytes += tensorBytes(v.tensor);
      ImGui::Text("ran %zu nodes in %.0f ms; longest slice %.1f ms; kept %s%s", st.executor->nodeTimes().size(),
                  st.run_ms, st.longest_slice_ms, humanBytes(kept_bytes).c_str(),
                  st.keep_all ? " (every value)" : "");
      ImGui::TextDisabled("labels: %s (%zu)", st.labels_name.empty() ? "none" : st.labels_name.c_str(),
                          st.labels.size());
      drawTop(st);
      if (ImGui::CollapsingHeader("Slowest nodes")) {
        std::vector<runtime::NodeTime> times = st.executor->nodeTimes();
        std::sort(times.begin(), times.end(), [](auto& a, auto& b) { return a.ms > b.ms; });
        const ir::Graph& g = st.model->model.graphs[0];
        for (size_t i = 0; i < std::min<size_t>(times.size(), 10); ++i) {
          const ir::Node& n = g.nodes[times[i].node];
          ImGui::Text("%8.2f ms  %s (%s)", times[i].ms, displayName(n.name, 50).c_str(), n.op_type.c_str());
        }
      }
      ImGui::Separator();
      drawInspected(st);
    }
  }
  // Also here: what was just drawn (tile positions) is published without another frame.
  publishIfChanged(st);
  (void)ctx;
}

}  // namespace nf::app
