// netforge run MODEL [--inputs DIR] [--input NAME=FILE|random|zeros] [--save DIR]
//   [--keep ALL|NAME,...] [--json] [--time] [--repeat N] [--threads 1] [--no-fuse]
// Runs the model with the core runtime and prints its outputs (type, shape, stats,
// first values). Inputs: DIR/input_N.pb (ONNX backend test layout) or .npy, or
// generated (random: uniform [0,1) / small integers, seed fixed; zeros). Symbolic
// dims of generated inputs are 1.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "base/strings.h"
#include "cli/commands.h"
#include "cli/load_model.h"
#include "onnx/test_data.h"
#include "runtime/executor.h"
#include "runtime/npy.h"

namespace nf::cli {

namespace {

namespace fs = std::filesystem;
using runtime::Tensor;
using runtime::Value;

int fail(const std::string& msg) {
  std::fprintf(stderr, "netforge: %s\n", msg.c_str());
  return kExitBadInput;
}

Result<Value> readValueFile(const std::string& path, const ir::Type& type) {
  if (path.size() > 4 && path.substr(path.size() - 4) == ".npy") {
    std::vector<uint8_t> bytes;
    std::string err;
    if (!readWholeFile(path, &bytes, &err)) return Error{err};
    auto t = runtime::readNpy(bytes);
    if (!t) return Error{displayName(path) + ": " + t.error().message};
    return Value::of(std::move(t.value()));
  }
  auto tv = onnx::readTestValueFile(path, type);
  if (!tv) return tv.error();
  Value v;
  if (tv->kind == onnx::TestValue::Kind::EmptyOptional) return v;
  ir::Model none;
  for (const ir::Tensor& t : tv->tensors) {
    auto rt = runtime::tensorFromIr(none, t);
    if (!rt) return rt.error();
    v.sequence.push_back(std::move(rt.value()));
  }
  if (tv->kind == onnx::TestValue::Kind::Sequence) {
    v.kind = Value::Kind::Sequence;
    return v;
  }
  if (v.sequence.empty()) return Error{displayName(path) + " holds no tensor"};
  return Value::of(std::move(v.sequence[0]));
}

Result<Value> generated(const ir::Value& input, const std::string& how) {
  const ir::Type& t = input.type;
  if (!t.isTensor()) return Error{"cannot generate input '" + input.name + "': it is not a tensor"};
  if (!runtime::isSupportedType(t.elem) || t.elem == ir::ElemType::String)
    return Error{"cannot generate input '" + input.name + "' of type " + std::string(ir::elemTypeName(t.elem))};
  std::vector<int64_t> shape;
  for (const ir::Dim& d : t.shape.dims) shape.push_back(d.isKnown() ? d.value : 1);
  if (runtime::shapeCount(shape) < 0 || runtime::shapeCount(shape) > (int64_t{1} << 31))
    return Error{"input '" + input.name + "' shape " + runtime::shapeString(shape) + " is too large to generate"};
  Tensor x = runtime::makeTensor(t.elem, shape);
  if (how == "random") {
    std::mt19937 rng(1234);
    std::uniform_real_distribution<double> uni(0.0, 1.0);
    const bool is_float = ir::isFloatType(t.elem);
    for (int64_t i = 0; i < x.count(); ++i)
      runtime::setElementFromDouble(x, i, is_float ? uni(rng) : std::floor(uni(rng) * 2));
    runtime::roundToStoredPrecision(x);
  }
  return Value::of(std::move(x));
}

std::string fileSafe(const std::string& name) {
  std::string s;
  for (char c : name) s += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  return s.substr(0, 100);
}

nlohmann::json describe(const std::string& name, const Value& v, bool values) {
  nlohmann::json j;
  j["name"] = name;
  if (v.kind == Value::Kind::None) {
    j["kind"] = "empty optional";
    return j;
  }
  if (v.kind == Value::Kind::Sequence) {
    j["kind"] = "sequence";
    j["length"] = v.sequence.size();
    return j;
  }
  const Tensor& t = v.tensor;
  j["kind"] = "tensor";
  j["elem_type"] = std::string(ir::elemTypeName(t.type));
  j["shape"] = t.shape;
  const int64_t n = t.count();
  if (!t.isString() && n > 0) {
    double mn = INFINITY, mx = -INFINITY, sum = 0;
    int64_t nan = 0;
    for (int64_t i = 0; i < n; ++i) {
      const double x = runtime::elementAsDouble(t, i);
      if (std::isnan(x)) { ++nan; continue; }
      mn = std::min(mn, x);
      mx = std::max(mx, x);
      sum += x;
    }
    if (nan < n) {
      j["min"] = mn;
      j["max"] = mx;
      j["mean"] = sum / static_cast<double>(n - nan);
    }
    j["nan"] = nan;
  }
  if (values) {
    nlohmann::json vals = nlohmann::json::array();
    for (int64_t i = 0; i < std::min<int64_t>(n, 16); ++i) {
      if (t.isString()) vals.push_back((*t.strings)[i]);
      else vals.push_back(runtime::elementAsDouble(t, i));
    }
    j["first_values"] = vals;
  }
  return j;
}

}  // namespace

int runRun(const Args& args) {
  if (args.get("threads", "1") != "1") return fail("only --threads 1 is supported so far");
  const int repeat = args.has("repeat") ? std::atoi(args.get("repeat").c_str()) : 0;
  if (args.has("repeat") && (repeat < 1 || repeat > 10000)) return fail("--repeat needs a count from 1 to 10000");
  ir::Model model;
  if (!loadModelOrExplain(args.positional[0], &model)) return kExitBadInput;
  const ir::Graph& g = model.main();

  // Per-input sources: --input NAME=SPEC (repeatable, or comma-separated); a bare
  // "random" or "zeros" is for every input not named otherwise.
  std::map<std::string, std::string> specs;
  std::string every;
  for (const std::string& item : args.all("input")) {
    for (size_t p = 0; p <= item.size();) {
      size_t q = item.find(',', p);
      if (q == std::string::npos) q = item.size();
      const std::string one = item.substr(p, q - p);
      const size_t eq = one.find('=');
      if (eq == std::string::npos && (one == "random" || one == "zeros")) every = one;
      else if (eq == std::string::npos) return fail("--input expects NAME=FILE|random|zeros, got '" + displayName(one) + "'");
      else specs[one.substr(0, eq)] = one.substr(eq + 1);
      p = q + 1;
    }
  }
  for (const auto& [name, spec] : specs) {
    const ir::ValueId id = g.find(name);
    if (!id.valid() || !g.value(id).graph_input) return fail("the model has no input '" + displayName(name) + "'");
  }
  std::vector<runtime::NamedValue> feeds;
  const std::vector<ir::ValueId> inputs = g.realInputs();
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ir::Value& in = g.value(inputs[i]);
    std::string spec;
    if (auto it = specs.find(in.name); it != specs.end()) spec = it->second;
    else if (!every.empty()) spec = every;
    else if (args.has("inputs")) {
      const fs::path dir = args.get("inputs");
      for (const char* ext : {".pb", ".npy"}) {
        const fs::path p = dir / ("input_" + std::to_string(i) + ext);
        if (fs::exists(p)) {
          spec = p.string();
          break;
        }
      }
      if (spec.empty()) return fail(displayName(dir.string()) + " has no input_" + std::to_string(i) + ".pb or .npy for input '" + displayName(in.name) + "'");
    } else {
      return fail("input '" + displayName(in.name) + "' was not given: use --inputs DIR, --input " + displayName(in.name) + "=FILE|random|zeros or --input random");
    }
    auto v = spec == "random" || spec == "zeros" ? generated(in, spec) : readValueFile(spec, in.type);
    if (!v) return fail("input '" + displayName(in.name) + "': " + v.error().message);
    feeds.emplace_back(in.name, std::move(v.value()));
  }
  // Inputs given by name that also have an initializer (overrides).
  for (const auto& [name, spec] : specs) {
    if (std::any_of(feeds.begin(), feeds.end(), [&](const auto& f) { return f.first == name; })) continue;
    const ir::Value& in = g.value(g.find(name));
    auto v = spec == "random" || spec == "zeros" ? generated(in, spec) : readValueFile(spec, in.type);
    if (!v) return fail("input '" + displayName(name) + "': " + v.error().message);
    feeds.emplace_back(name, std::move(v.value()));
  }

  runtime::PlanOptions opts;
  opts.fuse = !args.has("no-fuse");
  const std::string keep = args.get("keep");
  if (keep == "ALL" || keep == "all") opts.keep_all = true;
  else
    for (size_t p = 0; !keep.empty() && p <= keep.size();) {
      size_t q = keep.find(',', p);
      if (q == std::string::npos) q = keep.size();
      opts.keep.push_back(keep.substr(p, q - p));
      p = q + 1;
    }
  for (const std::string& name : opts.keep)
    if (!g.find(name).valid()) return fail("--keep: the model has no value '" + displayName(name) + "'");
  runtime::Executor ex(model, opts);
  std::vector<double> runs_ms;
  const int total_runs = repeat > 0 ? repeat + 1 : 1;  // one warm-up before timed repeats
  runtime::MemoryStats first_run_memory;  // heap sampled on the first run only (it costs a little)
  for (int r = 0; r < total_runs; ++r) {
    ex.setMeasureHeap(r == 0);
    const auto t0 = std::chrono::steady_clock::now();
    if (Status s = ex.runAll(feeds); !s) return fail(displayName(args.positional[0]) + ": " + s.message());
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (r == 0) first_run_memory = ex.memory();
    if (repeat == 0 || r > 0) runs_ms.push_back(ms);
  }
  std::vector<double> sorted = runs_ms;
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted[sorted.size() / 2];

  if (args.has("save")) {
    const fs::path dir = args.get("save");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return fail("cannot create " + displayName(dir.string()) + ": " + ec.message());
    auto save = [&](const std::string& file, const std::string& name, const Value& v) -> Status {
      if (!v.isTensor()) return Error{"'" + displayName(name) + "' is not a tensor; only tensors can be saved"};
      return onnx::writeTensorFile((dir / file).string(), runtime::tensorToIr(v.tensor, name));
    };
    for (size_t i = 0; i < ex.outputs().size(); ++i)
      if (Status s = save("output_" + std::to_string(i) + ".pb", ex.outputs()[i].first, ex.outputs()[i].second); !s)
        return fail(s.message());
    for (size_t i = 0; i < ex.kept().size(); ++i)
      if (ex.kept()[i].second.isTensor())
        if (Status s = save("kept_" + std::to_string(i) + "_" + fileSafe(ex.kept()[i].first) + ".pb", ex.kept()[i].first, ex.kept()[i].second); !s)
          return fail(s.message());
  }

  // Time per node and per op type (last run).
  std::map<std::string, std::pair<double, int>> by_op;
  for (const auto& nt : ex.nodeTimes()) {
    auto& e = by_op[g.nodes[nt.node].op_type];
    e.first += nt.ms;
    ++e.second;
  }

  if (args.has("json")) {
    nlohmann::json j;
    j["model"] = displayName(args.positional[0]);
    j["outputs"] = nlohmann::json::array();
    for (const auto& [name, v] : ex.outputs()) j["outputs"].push_back(describe(name, v, true));
    if (!ex.kept().empty()) {
      j["kept"] = nlohmann::json::array();
      for (const auto& [name, v] : ex.kept()) j["kept"].push_back(describe(name, v, false));
    }
    j["timing"] = {{"median_ms", median}, {"runs_ms", runs_ms}};
    if (args.has("time")) {
      nlohmann::json nodes = nlohmann::json::array(), ops = nlohmann::json::object();
      for (const auto& nt : ex.nodeTimes())
        nodes.push_back({{"node", g.nodes[nt.node].name}, {"op_type", g.nodes[nt.node].op_type}, {"ms", nt.ms}});
      for (const auto& [op, e] : by_op) ops[op] = {{"ms", e.first}, {"count", e.second}};
      j["nodes"] = nodes;
      j["op_types"] = ops;
    }
    j["buffers"] = {{"allocated", ex.pool().allocated()}, {"reused", ex.pool().reused()}};
    const runtime::MemoryStats& m = first_run_memory;
    j["memory"] = {{"weight_bytes", m.weight_bytes},       {"held_weight_bytes", m.held_weight_bytes},
                   {"packed_weight_bytes", m.packed_bytes},
                   {"peak_live_bytes", m.peak_live_bytes}, {"heap_peak_bytes", m.heap_peak_bytes},
                   {"bound_bytes", m.weight_bytes + 2 * m.peak_live_bytes}};
    std::printf("%s\n", j.dump(2).c_str());
    return kExitOk;
  }
  for (const auto& [name, v] : ex.outputs()) {
    nlohmann::json d = describe(name, v, true);
    std::printf("%s: %s\n", displayName(name).c_str(), d.contains("elem_type")
                                                          ? (d["elem_type"].get<std::string>() + runtime::shapeString(v.tensor.shape)).c_str()
                                                          : d["kind"].get<std::string>().c_str());
    if (d.contains("min"))
      std::printf("  min %.6g  max %.6g  mean %.6g%s\n", d["min"].get<double>(), d["max"].get<double>(),
                  d["mean"].get<double>(), d["nan"].get<int64_t>() ? "  (has NaN)" : "");
    if (d.contains("first_values")) {
      std::string vals;
      for (const auto& x : d["first_values"]) vals += (vals.empty() ? "" : " ") + (x.is_string() ? x.get<std::string>() : [&] {
        char b[32];
        std::snprintf(b, sizeof b, "%.6g", x.get<double>());
        return std::string(b);
      }());
      std::printf("  values: %s%s\n", vals.c_str(), v.tensor.count() > 16 ? " ..." : "");
    }
  }
  for (const auto& [name, v] : ex.kept())
    std::printf("kept %s: %s\n", displayName(name).c_str(),
                v.isTensor() ? (std::string(ir::elemTypeName(v.tensor.type)) + runtime::shapeString(v.tensor.shape)).c_str() : "not a tensor");
  if (args.has("time")) {
    std::printf("time per node (ms):\n");
    for (const auto& nt : ex.nodeTimes())
      std::printf("  %10.3f  %-20s %s\n", nt.ms, g.nodes[nt.node].op_type.c_str(), displayName(g.nodes[nt.node].name, 60).c_str());
    std::vector<std::pair<std::string, std::pair<double, int>>> ops(by_op.begin(), by_op.end());
    std::sort(ops.begin(), ops.end(), [](auto& a, auto& b) { return a.second.first > b.second.first; });
    std::printf("time per op type (ms):\n");
    for (const auto& [op, e] : ops) std::printf("  %10.3f  %-20s x%d\n", e.first, op.c_str(), e.second);
  }
  if (repeat > 0 || args.has("time")) std::printf("run: median %.3f ms over %zu run(s)\n", median, runs_ms.size());
  return kExitOk;
}

}  // namespace nf::cli
