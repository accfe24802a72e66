// builder/codegen_pytorch.cpp - the PyTorch emitter: one nn.Module whose __init__
// creates the layers and whose forward() wires them in topological order.
//
// Storage: feature maps are channels-first (N, C, ...) as torch.nn expects; where a
// layer needs the other storage (Linear/LSTM/LayerNorm after a convolution without
// Flatten, Conv1d after an Embedding...) forward() moves the channel axis with one
// movedim(), so the module computes what the builder shows (see types.h).
//
// Index of this file
//   [SECTION] Helpers
//   [SECTION] Layers in __init__
//   [SECTION] Statements in forward()
//   [SECTION] File: header, class, training loop, main
#include <algorithm>

#include "builder/codegen_internal.h"
#include "builder/onnx_weights.h"
#include "builder/rules.h"

namespace nf::builder::detail {

namespace {

constexpr Framework kTorch = Framework::PyTorch;

// [SECTION] Helpers

std::string shapeComment(const TensorInfo& t) { return formatShape(t, kTorch, " x "); }

struct TorchEmitter {
  CodePlan& plan;
  const CodegenOptions& options;
  std::vector<std::string> onnx_init;     // __init__ lines of the ONNX op layers
  std::vector<std::string> helpers;       // Python helpers they use, each once
  std::vector<std::string> errors;        // ONNX op layers that have no translation
  std::vector<OnnxWeightEntry> onnx_op_weights;  // their parameters that load from the ONNX file

  const PlannedNode& node(int i) const { return plan.nodes[i]; }
  const ParamMap& params(int i) const { return plan.nodes[i].node->params; }
  const TensorInfo& in(int i, int port = 0) const { return plan.in(i, port); }
  const TensorInfo& out(int i) const { return plan.out(i); }
  int64_t pi(int i, const char* name) const { return std::get<int64_t>(params(i).at(name)); }
  double pf(int i, const char* name) const { return std::get<double>(params(i).at(name)); }
  bool pb(int i, const char* name) const { return std::get<bool>(params(i).at(name)); }
  const std::string& pe(int i, const char* name) const { return std::get<std::string>(params(i).at(name)); }
  const IntList& pt(int i, const char* name) const { return std::get<IntList>(params(i).at(name)); }
  std::string kw(int i, const char* name) const { return kwIfNotDefault(*node(i).spec, params(i), name, kTorch); }

  // The storage layer i wants on input `port`: true = channels-first, false =
  // canonical, nullopt = as it comes.
  std::optional<bool> wantedStorage(int i, int port) const {
    const LayerSpec& spec = *node(i).spec;
    if (spec.family == Family::PReLU && pb(i, "per_channel")) return true;
    switch (spec.layout) {
      case TorchLayout::ChannelsFirst: return true;
      case TorchLayout::ChannelsLast: return false;
      case TorchLayout::Keep: return port == 0 ? std::nullopt : std::optional<bool>(in(i, 0).channels_first);
      case TorchLayout::Flatten: return std::nullopt;
      case TorchLayout::AsStored: return std::nullopt;
    }
    return std::nullopt;
  }

  // The expression for input `port` of layer i, moved to the storage the layer wants.
  std::string arg(int i, int port) const {
    const std::string& src = node(node(i).inputs[port]).outIdent(node(i).input_outs[port]);
    const TensorInfo& t = in(i, port);
    std::optional<bool> want = wantedStorage(i, port);
    if (t.rank() < 2 || !want || *want == t.channels_first) return src;
    return src + (*want ? ".movedim(-1, 1)" : ".movedim(1, -1)");
  }

  IntList spatialIn(int i) const {
    const IntList& d = in(i).dims;
    return IntList(d.begin(), d.begin() + node(i).spec->rank);
  }

  // [SECTION] Layers in __init__

  // Padding of a convolution-like layer: a `padding=` keyword, or (for a 'same' that
  // needs more zeros on one side, which PyTorch's symmetric padding cannot say) an
  // explicit nn.ConstantPadNd placed before the layer.
  struct ConvPad {
    std::string kwarg;
    std::string pad_module;
  };
  ConvPad convPadding(int i) const {
    const int r = node(i).spec->rank;
    const std::string& mode = pe(i, "padding");
    ConvPad cp;
    if (mode == "custom") {
      const IntList& p = pt(i, "padding_size");
      if (std::any_of(p.begin(), p.end(), [](int64_t v) { return v != 0; })) cp.kwarg = "padding=" + pyTupleOrScalar(p);
    } else if (mode == "same") {
      const IntList spatial = spatialIn(i);
      const IntList& k = pt(i, "kernel_size");
      const IntList& s = pt(i, "stride");
      const IntList& d = pt(i, "dilation");
      IntList before(r), after(r);
      for (int a = 0; a < r; ++a) {
        rules::AxisPad ap = rules::samePadding(spatial[a], k[a], s[a], d[a]);
        before[a] = ap.before;
        after[a] = ap.after;
      }
      if (before == after) {
        if (std::any_of(before.begin(), before.end(), [](int64_t v) { return v != 0; }))
          cp.kwarg = "padding=" + pyTupleOrScalar(before);
      } else {
        IntList torch_order;  // last spatial axis first
        for (int a = r - 1; a >= 0; --a) {
          torch_order.push_back(before[a]);
          torch_order.push_back(after[a]);
        }
        cp.pad_module = "nn.ConstantPad" + std::to_string(r) + "d(" + pyTuple(torch_order) + ", 0.0)";
      }
    }
    return cp;
  }

  std::string wrapPad(const ConvPad& cp, const std::string& layer) const {
    return cp.pad_module.empty() ? layer : "nn.Sequential(" + cp.pad_module + ", " + layer + ")";
  }

  std::string conv(int i) const {
    const LayerSpec& spec = *node(i).spec;
    const int r = spec.rank;
    const int64_t in_c = in(i).dims[r];
    const ConvPad cp = convPadding(i);
    const std::string cls = "nn.Conv" + std::to_string(r) + "d";
    const std::string k = "kernel_size=" + pyTupleOrScalar(pt(i, "kernel_size"));
    const std::string stride = kw(i, "stride"), dilation = kw(i, "dilation");
    switch (spec.family) {
      case Family::Conv:
        return wrapPad(cp, cls + "(" + join({pyInt(in_c), pyInt(pi(i, "out_channels")), k, stride, cp.kwarg, dilation,
                                             kw(i, "groups"), kw(i, "bias")}) + ")");
      case Family::DepthwiseConv:
        return wrapPad(cp, cls + "(" + join({pyInt(in_c), pyInt(in_c * pi(i, "depth_multiplier")), k, stride, cp.kwarg,
                                             dilation, "groups=" + pyInt(in_c), kw(i, "bias")}) + ")");
      case Family::SeparableConv: {
        const int64_t mid = in_c * pi(i, "depth_multiplier");
        std::string depthwise = cls + "(" + join({pyInt(in_c), pyInt(mid), k, stride, cp.kwarg, dilation,
                                                  "groups=" + pyInt(in_c), "bias=False"}) + ")";
        std::string pointwise = cls + "(" + join({pyInt(mid), pyInt(pi(i, "out_channels")), "kernel_size=1", kw(i, "bias")}) + ")";
        std::string inner = (cp.pad_module.empty() ? "" : cp.pad_module + ", ") + depthwise + ", " + pointwise;
        return "nn.Sequential(" + inner + ")";
      }
      default: return "";
    }
  }

  std::string convTranspose(int i) const {
    const int r = node(i).spec->rank;
    const IntList& k = pt(i, "kernel_size");
    const IntList& s = pt(i, "stride");
    const IntList& d = pt(i, "dilation");
    const std::string& mode = pe(i, "padding");
    IntList pad(r, 0), out_pad = pt(i, "output_padding");
    if (mode == "custom") pad = pt(i, "padding_size");
    if (mode == "same") {
      for (int a = 0; a < r; ++a) {
        auto tp = rules::torchSameTranspose(k[a], s[a], d[a]);  // the shape rule checked it exists
        pad[a] = tp ? tp->padding : 0;
        out_pad[a] = tp ? tp->output_padding : 0;
      }
    }
    auto nonZero = [](const IntList& v) { return std::any_of(v.begin(), v.end(), [](int64_t x) { return x != 0; }); };
    return "nn.ConvTranspose" + std::to_string(r) + "d(" +
           join({pyInt(in(i).dims[r]), pyInt(pi(i, "out_channels")), "kernel_size=" + pyTupleOrScalar(k), kw(i, "stride"),
                 nonZero(pad) ? "padding=" + pyTupleOrScalar(pad) : "",
                 nonZero(out_pad) ? "output_padding=" + pyTupleOrScalar(out_pad) : "", kw(i, "dilation"), kw(i, "bias")}) +
           ")";
  }

  std::string pool(int i) const {
    const LayerSpec& spec = *node(i).spec;
    const int r = spec.rank;
    const IntList& k = pt(i, "kernel_size");
    const IntList s = rules::poolStride(k, pt(i, "stride"));
    std::vector<std::string> args = {"kernel_size=" + pyTupleOrScalar(k)};
    if (s != k) args.push_back("stride=" + pyTupleOrScalar(s));
    if (pb(i, "ceil_mode")) args.push_back("ceil_mode=True");
    if (pe(i, "padding") == "same") {
      const IntList& o = out(i).dims;
      auto tp = rules::torchSamePool(spatialIn(i), k, s, IntList(o.begin(), o.begin() + r));
      if (tp) {
        const bool padded = std::any_of(tp->padding.begin(), tp->padding.end(), [](int64_t v) { return v != 0; });
        if (padded) args.push_back("padding=" + pyTupleOrScalar(tp->padding));
        if (tp->ceil_mode) args.push_back("ceil_mode=True");
        if (padded && spec.op == "avg") args.push_back("count_include_pad=False");
      }
    }
    return spec.torch_class + "(" + join(args) + ")";
  }

  // The constructor expression of layer i, or "" when forward() alone expresses it.
  std::string moduleExpr(int i) const {
    const LayerSpec& spec = *node(i).spec;
    const int r = spec.rank;
    switch (spec.family) {
      case Family::Input:
      case Family::Reshape:
      case Family::Permute:
      case Family::Squeeze:
      case Family::Unsqueeze:
      case Family::Merge:
      case Family::Concatenate:
      case Family::Cropping:
      case Family::OnnxOp: return "";
      case Family::Identity: return "nn.Identity()";
      case Family::Flatten: return "nn.Flatten()";
      case Family::Linear:
        return "nn.Linear(" + join({pyInt(in(i).dims.back()), pyInt(pi(i, "out_features")), kw(i, "bias")}) + ")";
      case Family::Embedding:
        return "nn.Embedding(" + join({pyInt(pi(i, "num_embeddings")), pyInt(pi(i, "embedding_dim"))}) + ")";
      case Family::Conv:
      case Family::DepthwiseConv:
      case Family::SeparableConv: return conv(i);
      case Family::ConvTranspose: return convTranspose(i);
      case Family::Pool: return pool(i);
      case Family::AdaptivePool: return spec.torch_class + "(" + pyTupleOrScalar(pt(i, "output_size")) + ")";
      case Family::GlobalPool:
        return "nn.Sequential(nn.Adaptive" + std::string(spec.op == "max" ? "Max" : "Avg") + "Pool" +
               std::to_string(r) + "d(1), nn.Flatten())";
      case Family::BatchNorm:
      case Family::InstanceNorm:
        return spec.torch_class + "(" + join({pyInt(in(i).dims.back()), kw(i, "eps"), spec.param("momentum") ? kw(i, "momentum") : "",
                                             kw(i, "affine")}) + ")";
      case Family::LayerNorm:
        return "nn.LayerNorm(" + join({pyInt(in(i).dims.back()), kw(i, "eps"), kw(i, "affine")}) + ")";
      case Family::GroupNorm:
        return "nn.GroupNorm(" + join({pyInt(pi(i, "num_groups")), pyInt(in(i).dims.back()), kw(i, "eps"), kw(i, "affine")}) + ")";
      case Family::Dropout:
      case Family::SpatialDropout: return spec.torch_class + "(p=" + pyFloat(pf(i, "p")) + ")";
      case Family::Activation: {
        std::vector<std::string> args;
        for (const ParamSpec& p : spec.params) args.push_back(kw(i, p.name.c_str()));
        return spec.torch_class + "(" + join(args) + ")";
      }
      case Family::PReLU:
        return pb(i, "per_channel") ? "nn.PReLU(num_parameters=" + pyInt(in(i).dims.back()) + ")" : "nn.PReLU()";
      case Family::Softmax: {
        const int axis = *rules::normalizeAxis(pi(i, "axis"), in(i).rank());
        return spec.torch_class + "(dim=" + pyInt(rules::torchAxis(in(i), axis)) + ")";
      }
      case Family::Recurrent: {
        std::vector<std::string> args = {pyInt(in(i).dims[1]), pyInt(pi(i, "hidden_size")), kw(i, "num_layers")};
        if (spec.param("nonlinearity")) args.push_back(kw(i, "nonlinearity"));
        args.push_back(kw(i, "bias"));
        args.push_back(kw(i, "bidirectional"));
        args.push_back("batch_first=True");
        return spec.torch_class + "(" + join(args) + ")";
      }
      case Family::MultiHeadAttention: {
        const int n = static_cast<int>(node(i).inputs.size());
        const int64_t e = in(i, 0).dims[1];
        const int64_t kd = in(i, n > 1 ? 1 : 0).dims[1];
        const int64_t vd = in(i, n > 2 ? 2 : (n > 1 ? 1 : 0)).dims[1];
        return "nn.MultiheadAttention(" +
               join({pyInt(e), pyInt(pi(i, "num_heads")), kw(i, "dropout"), kw(i, "bias"), kd != e ? "kdim=" + pyInt(kd) : "",
                     vd != e ? "vdim=" + pyInt(vd) : "", "batch_first=True"}) + ")";
      }
      case Family::TransformerEncoder:
      case Family::TransformerDecoder:
        return spec.torch_class + "(" +
               join({pyInt(in(i).dims[1]), pyInt(pi(i, "nhead")), kw(i, "dim_feedforward"), kw(i, "dropout"),
                     kw(i, "activation"), kw(i, "layer_norm_eps"), kw(i, "norm_first"), "batch_first=True"}) + ")";
      case Family::Upsample: {
        std::string mode = spec.param("mode") ? pe(i, "mode") : "nearest";
        return "nn.Upsample(" + join({"scale_factor=" + pyTupleOrScalar(pt(i, "scale_factor")), "mode=" + pyString(mode),
                                      mode == "nearest" ? "" : "align_corners=False"}) + ")";
      }
      case Family::ZeroPad: {
        const IntList& p = pt(i, "padding");
        IntList torch_order;
        for (int a = r - 1; a >= 0; --a) {
          torch_order.push_back(p[2 * a]);
          torch_order.push_back(p[2 * a + 1]);
        }
        return r == 2 ? "nn.ZeroPad2d(" + pyTuple(torch_order) + ")"
                      : "nn.ConstantPad" + std::to_string(r) + "d(" + pyTuple(torch_order) + ", 0.0)";
      }
    }
    return "";
  }

  // [SECTION] Statements in forward()

  std::vector<std::string> forwardLines(int i) {
    const PlannedNode& p = node(i);
    const LayerSpec& spec = *p.spec;
    const std::string& id = p.ident;
    const int n = static_cast<int>(p.inputs.size());
    std::vector<std::string> args;
    for (int k = 0; k < n; ++k) args.push_back(arg(i, k));
    auto chain = [&](const char* op) {
      std::string s;
      for (int k = 0; k < n; ++k) s += (k ? std::string(" ") + op + " " : "") + args[k];
      return s;
    };
    switch (spec.family) {
      case Family::Input: return {};
      case Family::Reshape: {
        IntList dims = out(i).dims;
        dims.insert(dims.begin(), -1);
        std::string list;
        for (size_t k = 0; k < dims.size(); ++k) list += (k ? ", " : "") + pyInt(dims[k]);
        return {id + " = " + args[0] + ".reshape(" + list + ")"};
      }
      case Family::Permute: {
        std::string list = "0";
        for (int64_t d : pt(i, "dims")) list += ", " + pyInt(d);
        return {id + " = " + args[0] + ".permute(" + list + ")"};
      }
      case Family::Squeeze:
        return {id + " = " + args[0] + ".squeeze(" + pyInt(*rules::normalizeAxis(pi(i, "dim"), in(i).rank())) + ")"};
      case Family::Unsqueeze:
        return {id + " = " + args[0] + ".unsqueeze(" + pyInt(*rules::normalizeAxis(pi(i, "dim"), in(i).rank() + 1)) + ")"};
      case Family::Cropping: {
        const int r = spec.rank;
        const IntList& c = pt(i, "cropping");
        std::string slice = ":, :";
        for (int a = 0; a < r; ++a) {
          slice += ", " + pyInt(c[2 * a]) + ":" + pyInt(in(i).dims[a] - c[2 * a + 1]);
        }
        return {id + " = " + args[0] + "[" + slice + "]"};
      }
      case Family::Merge: {
        const std::string& op = spec.op;
        if (op == "add") return {id + " = " + chain("+")};
        if (op == "subtract") return {id + " = " + chain("-")};
        if (op == "multiply") return {id + " = " + chain("*")};
        if (op == "average") return {id + " = (" + chain("+") + ") / " + pyInt(n)};
        std::string fn = op == "maximum" ? "torch.maximum" : "torch.minimum";
        std::string s = args[0];
        for (int k = 1; k < n; ++k) s = fn + "(" + s + ", " + args[k] + ")";
        return {id + " = " + s};
      }
      case Family::Concatenate: {
        const int axis = *rules::normalizeAxis(pi(i, "axis"), in(i).rank());
        std::string list;
        for (int k = 0; k < n; ++k) list += (k ? ", " : "") + args[k];
        return {id + " = torch.cat([" + list + "], dim=" + pyInt(rules::torchAxis(in(i), axis)) + ")"};
      }
      case Family::Recurrent: {
        if (pb(i, "return_sequences")) return {id + ", _ = self." + id + "(" + args[0] + ")"};
        // The last step of each direction is the final hidden state of the top layer
        // (for the backward direction that is the state after reading step 0, as Keras).
        const std::string h = plan.names.claim(id + "_h");
        std::vector<std::string> lines;
        lines.push_back((spec.op == "lstm" ? "_, (" + h + ", _)" : "_, " + h) + " = self." + id + "(" + args[0] + ")");
        if (pb(i, "bidirectional")) lines.push_back(id + " = torch.cat([" + h + "[-2], " + h + "[-1]], dim=1)");
        else lines.push_back(id + " = " + h + "[-1]");
        return lines;
      }
      case Family::MultiHeadAttention: {
        const std::string q = args[0], k = n > 1 ? args[1] : q, v = n > 2 ? args[2] : k;
        return {id + ", _ = self." + id + "(" + q + ", " + k + ", " + v + ", need_weights=False)"};
      }
      case Family::TransformerDecoder: return {id + " = self." + id + "(" + args[0] + ", " + args[1] + ")"};
      case Family::OnnxOp: return onnxOpLines(i, args);
      default: return {id + " = self." + id + "(" + args[0] + ")"};
    }
  }

  // One generic ONNX op: the importer's translation of the node (onnx_op.h). Its
  // inputs stay in the storage they have, which is ONNX's.
  std::vector<std::string> onnxOpLines(int i, const std::vector<std::string>& args) {
    const PlannedNode& p = node(i);
    // Shapes as ONNX has them at batch 1: an ONNX op layer's own output shapes hold their
    // axis 0 (attention moves the batch away from it); other layers keep the batch first.
    auto onnxShape = [&](int producer, int k) {
      const PlannedNode& src = node(producer);
      if (src.spec->family == Family::OnnxOp && k > 0) {
        const auto it = src.node->params.find("more_outputs");
        auto more = parseOnnxOutputs(it != src.node->params.end() ? std::get<std::string>(it->second) : "[]");
        if (more && static_cast<size_t>(k) <= more->size()) return (*more)[static_cast<size_t>(k - 1)].shape;
      }
      if (src.spec->family == Family::OnnxOp) {
        const auto it = src.node->params.find("output_shape");
        if (it != src.node->params.end() && !std::get<IntList>(it->second).empty()) return std::get<IntList>(it->second);
      }
      IntList d = out(producer).dimsFor(kTorch);
      d.insert(d.begin(), 1);
      return d;
    };
    auto onnxType = [](DType d) { return std::string(d == DType::Int64 ? "INT64" : "FLOAT"); };
    OnnxOpRequest r;
    for (size_t k = 0; k < args.size(); ++k) {
      r.input_exprs.push_back(args[k]);
      r.input_shapes.push_back(onnxShape(p.inputs[k], p.input_outs[k]));
      r.input_dtypes.push_back(onnxType(in(i, static_cast<int>(k)).dtype));
    }
    r.output_shape = onnxShape(i, 0);
    r.output_dtype = onnxType(out(i).dtype);
    r.layer = p.ident;
    r.more_names = p.more_idents;
    if (!options.onnx_ops) {
      errors.push_back(p.ident + ": ONNX op layers need the importer's translation (netforge codegen, or the web app)");
      return {};
    }
    // The translation depends on the layer's parameters and on r's fields: an edit that
    // left those alone finds it in the cache. The analysis cache's stamp stands for the
    // parameters (no string of them built per layer and generation).
    std::string key;
    if (options.cache) {
      key = cacheKey(p.node->id, options.cache->analysis.stamp(p.node->id), p.node->params, r);
      if (auto hit = options.cache->onnx_ops.find(key); hit != options.cache->onnx_ops.end())
        return useTranslation(p, OnnxOpCode(hit->second));
    }
    const ParamMap values = resolveParams(*p.spec, p.node->params).values;
    auto text = [&](const char* name) { return std::get<std::string>(values.at(name)); };
    r.op_type = text("op_type");
    r.domain = text("domain");
    r.opset = std::get<int64_t>(values.at("opset"));
    auto attrs = parseOnnxAttrs(text("attributes"));
    auto consts = parseOnnxConsts(text("constants"));
    if (!attrs || !consts) {
      errors.push_back(p.ident + ": " + (attrs ? consts.error().message : attrs.error().message));
      return {};
    }
    r.attrs = std::move(*attrs);
    r.consts = std::move(*consts);
    auto more = parseOnnxOutputs(text("more_outputs"));
    if (!more) {
      errors.push_back(p.ident + ": " + more.error().message);
      return {};
    }
    r.more_outputs = std::move(*more);
    auto code = options.onnx_ops(r);
    if (!code) {
      errors.push_back(p.ident + ": " + code.error().message);
      return {};
    }
    if (options.cache) options.cache->onnx_ops.emplace(std::move(key), *code);
    return useTranslation(p, std::move(*code));
  }

  // Everything an ONNX op layer's translation depends on, each part length-prefixed.
  static std::string cacheKey(NodeId id, uint64_t stamp, const ParamMap& params, const OnnxOpRequest& r) {
    std::string key;
    auto part = [&](std::string_view s) {
      key += std::to_string(s.size());
      key += ':';
      key += s;
    };
    if (stamp) {  // layer id and stamp: its parameters as the analysis cache last checked them
      part("#" + std::to_string(id.index) + "@" + std::to_string(stamp));
    } else {
      for (const auto& [name, value] : params) {
        part(name);
        part(std::holds_alternative<std::string>(value) ? std::get<std::string>(value) : formatParamValue(value));
      }
    }
    part(r.layer);
    part(std::to_string(r.more_names.size()));
    for (const std::string& name : r.more_names) part(name);
    for (size_t k = 0; k < r.input_exprs.size(); ++k) {
      part(r.input_exprs[k]);
      part(formatDims(r.input_shapes[k]));
      part(r.input_dtypes[k]);
    }
    part(formatDims(r.output_shape));
    part(r.output_dtype);
    return key;
  }

  // The translation's lines into __init__, forward() and the helpers; the results end up
  // in the layer's identifiers.
  std::vector<std::string> useTranslation(const PlannedNode& p, OnnxOpCode code) {
    for (std::string& line : code.init_lines) onnx_init.push_back(std::move(line));
    onnx_op_weights.insert(onnx_op_weights.end(), code.weights.begin(), code.weights.end());
    for (std::string& h : code.helpers)
      if (std::find(helpers.begin(), helpers.end(), h) == helpers.end()) helpers.push_back(std::move(h));
    std::vector<std::string> lines = std::move(code.forward_lines);
    if (code.output != p.ident) lines.push_back(p.ident + " = " + code.output);
    for (size_t k = 0; k < code.more_outputs.size() && k < p.more_idents.size(); ++k)
      if (code.more_outputs[k] != p.more_idents[k]) lines.push_back(p.more_idents[k] + " = " + code.more_outputs[k]);
    return lines;
  }

  // The state_dict key of parameter `param` of layer i: a convolution that needs
  // asymmetric 'same' padding sits in nn.Sequential(pad, conv).
  std::string stateKey(int i, const std::string& param) const {
    const Family f = node(i).spec->family;
    const bool wrapped = (f == Family::Conv || f == Family::DepthwiseConv) && !convPadding(i).pad_module.empty();
    return node(i).ident + (wrapped ? ".1." : ".") + param;
  }

  // The ONNX tensors of the layers imported from an ONNX file (Node::onnx_weights).
  std::vector<OnnxWeightEntry> onnxWeights() const {
    std::vector<OnnxWeightEntry> entries;
    for (int i = 0; i < static_cast<int>(plan.nodes.size()); ++i)
      for (const auto& [param, src] : node(i).node->onnx_weights)
        entries.push_back({stateKey(i, param), src.tensor, src.transposed});
    entries.insert(entries.end(), onnx_op_weights.begin(), onnx_op_weights.end());
    return entries;
  }

  bool hasOnnxOps() const {
    return std::any_of(plan.nodes.begin(), plan.nodes.end(),
                       [](const PlannedNode& p) { return p.spec->family == Family::OnnxOp; });
  }

  // [SECTION] File: header, class, training loop, main

  // Example inputs for a batch of `batch`: randn for float inputs, randint below the
  // smallest vocabulary that reads them for token ids.
  std::string exampleInput(int i, const std::string& batch) const {
    const TensorInfo& t = out(i);
    std::string dims = batch;
    for (int64_t d : t.dimsFor(kTorch)) dims += ", " + pyInt(d);
    if (t.dtype == DType::Float32) return "torch.randn(" + dims + ")";
    int64_t vocab = 0;
    for (const PlannedNode& c : plan.nodes) {
      if (c.spec->family != Family::Embedding) continue;
      for (int src : c.inputs)
        if (src == i) {
          const int64_t v = std::get<int64_t>(c.node->params.at("num_embeddings"));
          vocab = vocab ? std::min(vocab, v) : v;
        }
    }
    return "torch.randint(0, " + pyInt(vocab ? vocab : 2) + ", (" + dims + "))";
  }

  Result<std::string> emit() {
    std::string init, fwd;
    // Claimed before the layers' translations so no layer variable takes these names.
    if (hasOnnxOps())
      for (const char* reserved : {"F", "math", "np"}) plan.names.claim(reserved);
    for (int i = 0; i < static_cast<int>(plan.nodes.size()); ++i) {
      const std::string m = moduleExpr(i);
      if (!m.empty()) init += "        self." + node(i).ident + " = " + m + "\n";
      const std::vector<std::string> lines = forwardLines(i);
      for (size_t k = 0; k < lines.size(); ++k) {
        fwd += "        " + lines[k];
        if (k + 1 == lines.size()) fwd += "  # " + shapeComment(out(i));
        fwd += "\n";
      }
    }
    if (!errors.empty()) {
      std::string list;
      for (const std::string& e : errors) list += (list.empty() ? "" : "; ") + e;
      return Error{std::to_string(errors.size()) + (errors.size() == 1 ? " ONNX op has" : " ONNX ops have") +
                   " no PyTorch code: " + list};
    }
    for (const std::string& line : onnx_init) init += "        " + line + "\n";
    std::string inputsSig, inputs_doc;
    for (int i : plan.input_nodes) {
      inputsSig += ", " + node(i).ident;
      inputs_doc += "        # " + node(i).ident + ": " + shapeComment(out(i)) + " " + dtypeName(out(i).dtype) + "\n";
    }
    std::string ret;
    for (size_t k = 0; k < plan.output_nodes.size(); ++k) ret += (k ? ", " : "") + node(plan.output_nodes[k]).ident;

    const std::vector<OnnxWeightEntry> weights = onnxWeights();
    std::string s;
    s += "# Generated by NetForge from the builder model \"" + plan.title + "\".\n";
    s += "# PyTorch (torch.nn): inputs are batch-first; feature maps are channels-first (N, C, H, W).\n";
    s += "# " + outputSummary(plan, kTorch) + ".\n";
    if (!weights.empty())
      s += "# Imported from ONNX: python3 this.py --onnx MODEL.onnx [--input x.npy ...] [--output y.npy]\n"
           "# loads that model's weights (layers edited since so they no longer fit are named).\n";
    if (!weights.empty() && !hasOnnxOps()) {
      s += "import numpy as np\nimport torch\nimport torch.nn as nn\n\n\n";
    } else if (hasOnnxOps()) {
      // ONNX op layers are written for the ONNX model's shapes, batch 1 included.
      s += "import math\n\nimport numpy as np\nimport torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n";
      for (const std::string& h : helpers) s += "\n\n" + h;
      s += "\n\n";
    } else {
      s += "import torch\nimport torch.nn as nn\n\n\n";
    }
    s += "class " + plan.class_name + "(nn.Module):\n";
    s += "    def __init__(self):\n        super().__init__()\n";
    s += init.empty() ? "        pass\n" : init;
    s += "\n    def forward(self" + inputsSig + "):\n" + inputs_doc + fwd;
    s += "        return " + ret + "\n";

    s += "\n\ndef count_parameters(model):\n    return sum(p.numel() for p in model.parameters())\n";
    if (!weights.empty()) s += "\n\n" + onnxWeightsTableCode(weights) + onnxWeightsLoaderCode();
    if (options.training_loop) s += trainingLoopCode();
    if (options.main_block && !weights.empty()) {
      s += mainWithWeightsCode();
    } else if (options.main_block) {
      s += "\n\nif __name__ == \"__main__\":\n    torch.manual_seed(0)\n";
      s += "    model = " + plan.class_name + "()\n";
      std::string call;
      for (int i : plan.input_nodes) {
        s += "    " + node(i).ident + " = " + exampleInput(i, hasOnnxOps() ? "1" : "2") + "\n";
        call += (call.empty() ? "" : ", ") + node(i).ident;
      }
      s += "    model.eval()\n    with torch.no_grad():\n        outputs = model(" + call + ")\n";
      s += "    if not isinstance(outputs, tuple):\n        outputs = (outputs,)\n";
      s += "    for out in outputs:\n        print(\"output\", tuple(out.shape))\n";
      s += "    print(\"parameters\", count_parameters(model))\n";
      if (options.training_loop) s += "    train(model)\n";
    }
    return s;
  }

  // The script of an imported model: --onnx loads the weights, --input feeds .npy files
  // (in the model's input order; random when left out), --output saves the outputs.
  std::string mainWithWeightsCode() const {
    std::string s = "\n\nif __name__ == \"__main__\":\n    import argparse\n\n";
    s += "    parser = argparse.ArgumentParser(description=\"Runs the model once and saves its outputs.\")\n";
    s += "    parser.add_argument(\"--onnx\", help=\"ONNX file to load the weights from\")\n";
    s += "    parser.add_argument(\"--input\", action=\"append\", default=[], help=\".npy per model input, in order\")\n";
    s += "    parser.add_argument(\"--output\", help=\"outputs as NAME.npy, NAME_1.npy, ...\")\n";
    s += "    args = parser.parse_args()\n    torch.manual_seed(0)\n";
    s += "    model = " + plan.class_name + "()\n";
    s += "    if args.onnx:\n        try:\n            load_onnx_weights(model, args.onnx)\n";
    s += "        except (ValueError, OSError) as e:\n            parser.exit(1, f\"error: {e}\\n\")\n";
    // Layers added in the builder (and ONNX op layers' constants) keep fresh weights: say how much was loaded.
    s += "        params = dict(model.named_parameters())\n";
    s += "        loaded = sum(params[key].numel() for key in ONNX_WEIGHTS if key in params)\n";
    s += "        print(f\"weights: {loaded} of {count_parameters(model)} parameters loaded from {args.onnx}\")\n";
    std::string call;
    int k = 0;
    for (int i : plan.input_nodes) {
      const std::string& id = node(i).ident;
      s += "    " + id + " = torch.from_numpy(np.load(args.input[" + pyInt(k) + "])) if len(args.input) > " + pyInt(k) +
           " else " + exampleInput(i, "1") + "\n";
      call += (call.empty() ? "" : ", ") + id;
      ++k;
    }
    s += "    model.eval()\n    with torch.no_grad():\n        outputs = model(" + call + ")\n";
    s += "    if not isinstance(outputs, tuple):\n        outputs = (outputs,)\n";
    s += "    base = args.output[:-4] if args.output and args.output.endswith(\".npy\") else args.output\n";
    s += "    for k, out in enumerate(outputs):\n        print(\"output\", tuple(out.shape))\n";
    s += "        if base:\n            np.save(base + (f\"_{k}\" if k else \"\") + \".npy\", out.numpy())\n";
    s += "    print(\"parameters\", count_parameters(model))\n";
    if (options.training_loop) s += "    train(model)\n";
    return s;
  }

  std::string trainingLoopCode() const {
    std::string s = "\n\ndef make_batch(batch_size):\n";
    s += "    \"\"\"Random inputs and targets of the model's shapes: replace with your data.\"\"\"\n";
    std::string ins, targets, losses;
    for (int i : plan.input_nodes) {
      s += "    " + node(i).ident + " = " + exampleInput(i, "batch_size") + "\n";
      ins += node(i).ident + ", ";
    }
    int k = 0;
    for (int o : plan.output_nodes) {
      const TensorInfo& t = out(o);
      const std::string name = trainingTargetName(++k);
      if (t.rank() == 1 && t.dims[0] >= 2) {
        s += "    " + name + " = torch.randint(0, " + pyInt(t.dims[0]) + ", (batch_size,))\n";
        losses += "nn.CrossEntropyLoss(), ";
      } else {
        std::string dims = "batch_size";
        for (int64_t d : t.dimsFor(kTorch)) dims += ", " + pyInt(d);
        s += "    " + name + " = torch.randn(" + dims + ")\n";
        losses += "nn.MSELoss(), ";
      }
      targets += name + ", ";
    }
    s += "    return (" + ins + "), (" + targets + ")\n";
    s += "\n\ndef train(model, steps=10, batch_size=8, lr=1e-3):\n";
    s += "    \"\"\"A minimal training loop (Adam; cross-entropy for class scores, else MSE).\"\"\"\n";
    s += "    optimizer = torch.optim.Adam(model.parameters(), lr=lr)\n";
    s += "    loss_fns = (" + losses + ")\n";
    s += "    model.train()\n";
    s += "    for step in range(steps):\n";
    s += "        inputs, targets = make_batch(batch_size)\n";
    s += "        optimizer.zero_grad()\n";
    s += "        outputs = model(*inputs)\n";
    s += "        if not isinstance(outputs, tuple):\n            outputs = (outputs,)\n";
    s += "        loss = sum(fn(out, t) for fn, out, t in zip(loss_fns, outputs, targets))\n";
    s += "        loss.backward()\n";
    s += "        optimizer.step()\n";
    s += "        print(f\"step {step + 1}/{steps}: loss {loss.item():.4f}\")\n";
    s += "    return loss.item()\n";
    return s;
  }
};

}  // namespace

Result<std::string> emitPyTorch(CodePlan& plan, const CodegenOptions& options) {
  TorchEmitter e{plan, options, {}, {}, {}, {}};
  return e.emit();
}

}  // namespace nf::builder::detail
