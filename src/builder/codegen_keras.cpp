// builder/codegen_keras.cpp - the TensorFlow-Keras emitter. planKeras() turns the code
// plan into Keras layer calls (KerasLayer: class, arguments with their Keras keywords,
// inputs); emitKeras() writes them as build_model() with the functional API, and
// kerasConfig() (codegen_keras_json.cpp) as Keras's JSON config. One list, two
// spellings: the Python code and the JSON cannot disagree on a layer or an argument.
//
// Canonical shapes are Keras shapes (channels-last), so no layout moves are needed.
// Where a builder option has no direct Keras keyword the emitter adds a standard layer
// (ZeroPaddingND before 'custom'-padded convolutions, CroppingND after a transposed
// convolution with 'custom' padding, Bidirectional and stacking for recurrent layers),
// named "<layer>_pad", "<layer>_crop", "<layer>_l1"...; transformer layers become the
// standard layers they are made of ("<layer>_attn", "<layer>_ff1"...). Every keyword
// comes from the catalog (ParamSpec::keras or LayerSpec::kerasExtraKwargs); the Python
// tests check it.
#include <algorithm>

#include "builder/codegen_internal.h"
#include "builder/rules.h"
#include "builder/serialize.h"

namespace nf::builder::detail {

namespace {

constexpr Framework kKeras = Framework::Keras;
using nlohmann::json;

KerasArg kv(std::string key, json value) {
  KerasArg a;
  a.key = std::move(key);
  a.value = std::move(value);
  return a;
}

bool anyNonZero(const IntList& v) { return std::any_of(v.begin(), v.end(), [](int64_t x) { return x != 0; }); }


// Keras's (before, after) pairs per axis from one amount per axis: [1, 2] for one
// axis, [[1, 1], [2, 2]] for more (ZeroPadding / Cropping configs).
json pairs(const IntList& per_axis_before, const IntList& per_axis_after) {
  if (per_axis_before.size() == 1) return json::array({per_axis_before[0], per_axis_after[0]});
  json out = json::array();
  for (size_t a = 0; a < per_axis_before.size(); ++a) out.push_back(json::array({per_axis_before[a], per_axis_after[a]}));
  return out;
}
json pairsFromFlat(const IntList& flat) {  // [b0, a0, b1, a1, ...]
  IntList before, after;
  for (size_t a = 0; a + 1 < flat.size(); a += 2) {
    before.push_back(flat[a]);
    after.push_back(flat[a + 1]);
  }
  return pairs(before, after);
}

// The layer names a transformer layer derives from its prefix (all claimed, so none
// collides with a document layer).
const std::vector<std::string>& helperSuffixes(bool decoder) {
  static const std::vector<std::string> encoder = {"_attn", "_drop1", "_ff1", "_act", "_drop2", "_ff2", "_drop3",
                                                   "_norm1", "_norm2", "_add1", "_add2"};
  static const std::vector<std::string> decoderNames = {
      "_self", "_self_drop", "_cross", "_cross_drop", "_ff1", "_act", "_drop2", "_ff2", "_drop3",
      "_norm1", "_norm2", "_norm3", "_add1", "_add2", "_add3"};
  return decoder ? decoderNames : encoder;
}

struct KerasPlanner {
  CodePlan& plan;
  KerasModel model;

  const PlannedNode& node(int i) const { return plan.nodes[i]; }
  const ParamMap& params(int i) const { return plan.nodes[i].node->params; }
  const TensorInfo& in(int i, int port = 0) const { return plan.in(i, port); }
  const TensorInfo& out(int i) const { return plan.out(i); }
  int64_t pi(int i, const char* name) const { return std::get<int64_t>(params(i).at(name)); }
  double pf(int i, const char* name) const { return std::get<double>(params(i).at(name)); }
  bool pb(int i, const char* name) const { return std::get<bool>(params(i).at(name)); }
  const std::string& pe(int i, const char* name) const { return std::get<std::string>(params(i).at(name)); }
  const IntList& pt(int i, const char* name) const { return std::get<IntList>(params(i).at(name)); }
  const LayerSpec& spec(int i) const { return *node(i).spec; }
  const std::string& source(int i, int port = 0) const {
    return node(node(i).inputs[port]).outIdent(node(i).input_outs[port]);
  }
  std::string comment(int i) const { return formatShape(out(i), kKeras, " x "); }
  std::string cls(int i) const {
    const std::string& c = spec(i).kerasClass;
    return c.rfind("layers.", 0) == 0 ? c.substr(7) : c;
  }

  // The catalog's Keras keyword for a builder parameter, with the value given.
  KerasArg arg(int i, const char* param, json value, bool scalar_ok = true) const {
    KerasArg a = kv(kwName(spec(i), param, kKeras), std::move(value));
    a.scalar_ok = scalar_ok;
    return a;
  }
  // The parameter as a keyword argument when it differs from Keras's default (else none).
  std::vector<KerasArg> kw(int i, const char* param) const {
    const ParamSpec* p = spec(i).param(param);
    if (!p || p->in(kKeras).how != Mapping::Kwarg) return {};
    const ParamValue& v = params(i).at(p->name);
    const ParamValue& def = p->in(kKeras).framework_default ? *p->in(kKeras).framework_default : p->default_value;
    if (sameValue(v, def)) return {};
    return {arg(i, param, paramValueJson(v))};
  }
  std::vector<KerasArg> kwAlways(int i, const char* param) const { return {arg(i, param, paramValueJson(params(i).at(param)))}; }
  static KerasArg positional(std::string key, json value, bool scalar_ok = false) {
    KerasArg a = kv(std::move(key), std::move(value));
    a.positional = true;
    a.scalar_ok = scalar_ok;
    return a;
  }
  static void append(std::vector<KerasArg>& to, std::vector<KerasArg> more) {
    for (KerasArg& a : more) to.push_back(std::move(a));
  }

  KerasLayer& add(std::string cls_name, std::string name, std::vector<KerasArg> args, std::vector<std::string> inputs,
                  std::string shape_comment = "", KerasLayer::Call call = KerasLayer::Call::One) {
    KerasLayer& l = model.layers.emplace_back();
    l.cls = std::move(cls_name);
    l.name = std::move(name);
    l.args = std::move(args);
    l.inputs = std::move(inputs);
    l.call = call;
    l.comment = std::move(shape_comment);
    return l;
  }
  std::string claim(const std::string& name) { return plan.names.claim(name); }

  std::vector<KerasArg> samePadding(int i) const {
    if (pe(i, "padding") != "same") return {};
    return {arg(i, "padding", "same")};
  }

  // ZeroPaddingND before a convolution-like layer with 'custom' padding; returns the
  // layer the convolution should read.
  std::string padBefore(int i, const std::string& from) {
    if (pe(i, "padding") != "custom" || !anyNonZero(pt(i, "padding_size"))) return from;
    const IntList& p = pt(i, "padding_size");
    const std::string padded = claim(node(i).ident + "_pad");
    add("ZeroPadding" + std::to_string(spec(i).rank) + "D", padded, {kv("padding", pairs(p, p))}, {from});
    return padded;
  }

  void conv(int i) {
    const LayerSpec& s = spec(i);
    const std::string from = padBefore(i, source(i));
    std::vector<KerasArg> args;
    if (s.family != Family::DepthwiseConv) args.push_back(positional("filters", pi(i, "out_channels")));
    args.push_back(positional("kernel_size", json(pt(i, "kernel_size")), true));
    append(args, kw(i, "stride"));
    append(args, samePadding(i));
    if (s.param("depth_multiplier")) append(args, kw(i, "depth_multiplier"));
    append(args, kw(i, "dilation"));
    if (s.param("groups")) append(args, kw(i, "groups"));
    append(args, kw(i, "bias"));
    add(cls(i), node(i).ident, std::move(args), {from}, comment(i));
  }

  void convTranspose(int i) {
    const int r = spec(i).rank;
    const std::string& mode = pe(i, "padding");
    const IntList& k = pt(i, "kernel_size");
    const IntList& st = pt(i, "stride");
    const IntList& d = pt(i, "dilation");
    const IntList& op = pt(i, "output_padding");
    // Keras only honours (in - 1) * s + k + output_padding when output_padding is given;
    // without it, 'valid' yields in * s + max(k - s, 0), which differs when k < s.
    bool need_out_pad = anyNonZero(op);
    for (int a = 0; a < r; ++a)
      if (d[a] * (k[a] - 1) + 1 < st[a]) need_out_pad = true;
    const bool crop = mode == "custom" && anyNonZero(pt(i, "padding_size"));
    const std::string layer_name = crop ? claim(node(i).ident + "_deconv") : node(i).ident;
    std::vector<KerasArg> args = {positional("filters", pi(i, "out_channels")), positional("kernel_size", json(k), true)};
    append(args, kw(i, "stride"));
    append(args, samePadding(i));
    if (mode != "same" && need_out_pad) args.push_back(arg(i, "output_padding", json(op)));
    append(args, kw(i, "dilation"));
    append(args, kw(i, "bias"));
    add(cls(i), layer_name, std::move(args), {source(i)}, crop ? "" : comment(i));
    if (!crop) return;
    const IntList& p = pt(i, "padding_size");
    add("Cropping" + std::to_string(r) + "D", node(i).ident, {kv("cropping", pairs(p, p))}, {layer_name}, comment(i));
  }

  void recurrent(int i) {
    const int64_t layers_count = pi(i, "num_layers");
    std::string from = source(i);
    for (int64_t l = 1; l <= layers_count; ++l) {
      const bool last = l == layers_count;
      std::vector<KerasArg> args = {positional("units", pi(i, "hidden_size"))};
      if (!last) args.push_back(arg(i, "return_sequences", true));
      else append(args, kw(i, "return_sequences"));
      if (spec(i).param("nonlinearity")) append(args, kw(i, "nonlinearity"));
      append(args, kw(i, "bias"));
      const std::string target = last ? node(i).ident : claim(node(i).ident + "_l" + std::to_string(l));
      if (pb(i, "bidirectional")) {
        auto inner = std::make_shared<KerasLayer>();
        inner->cls = cls(i);
        inner->name = target + "_cell";
        inner->args = std::move(args);
        KerasArg wrapped = positional("layer", nullptr);
        wrapped.layer = std::move(inner);
        add("Bidirectional", target, {std::move(wrapped)}, {from}, last ? comment(i) : "");
      } else {
        add(cls(i), target, std::move(args), {from}, last ? comment(i) : "");
      }
      from = target;
    }
  }

  // torch.nn.TransformerEncoderLayer / TransformerDecoderLayer (batch_first=True) as
  // the standard Keras layers that compute the same (same parameter count). The last
  // layer takes the node's own name.
  void transformer(int i) {
    const bool decoder = spec(i).family == Family::TransformerDecoder;
    const std::string& id = node(i).ident;
    // A prefix whose derived layer names are all free (Keras layer names must be unique).
    std::string prefix = id;
    for (int k = 1;; ++k) {
      const bool free = std::none_of(helperSuffixes(decoder).begin(), helperSuffixes(decoder).end(),
                                     [&](const std::string& s) { return plan.names.taken(prefix + s); });
      if (free) break;
      prefix = id + "_block" + (k > 1 ? std::to_string(k) : "");
    }
    for (const std::string& s : helperSuffixes(decoder)) plan.names.claim(prefix + s);
    const int64_t d_model = in(i).dims.back();
    const int64_t heads = pi(i, "nhead");
    const double dropout = pf(i, "dropout");
    const bool norm_first = pb(i, "norm_first");
    const std::string x = source(i);
    const std::string final_suffix = decoder ? (norm_first ? "_add3" : "_norm3") : (norm_first ? "_add2" : "_norm2");
    auto name = [&](const std::string& suffix) { return suffix == final_suffix ? id : prefix + suffix; };
    auto shape = [&](const std::string& suffix) { return suffix == final_suffix ? comment(i) : std::string(); };
    auto norm = [&](const std::string& suffix, const std::string& from) {
      add("LayerNormalization", name(suffix), {kv("epsilon", pf(i, "layer_norm_eps"))}, {from}, shape(suffix));
      return name(suffix);
    };
    auto addLayer = [&](const std::string& suffix, const std::string& a, const std::string& b) {
      add("Add", name(suffix), {}, {a, b}, shape(suffix), KerasLayer::Call::List);
      return name(suffix);
    };
    auto dropoutLayer = [&](const std::string& suffix, const std::string& from) {
      add("Dropout", name(suffix), {positional("rate", dropout)}, {from});
      return name(suffix);
    };
    auto attention = [&](const std::string& tag, const std::string& query, const std::string& value) {
      add("MultiHeadAttention", name(tag),
          {kv("num_heads", heads), kv("key_dim", d_model / heads), kv("dropout", dropout)},
          {query, value}, "", KerasLayer::Call::Attention);
      return dropoutLayer(tag == "_attn" ? "_drop1" : tag + "_drop", name(tag));
    };
    auto feedForward = [&](const std::string& from) {
      add("Dense", name("_ff1"), {positional("units", pi(i, "dim_feedforward"))}, {from});
      add("Activation", name("_act"), {positional("activation", pe(i, "activation"))}, {name("_ff1")});
      dropoutLayer("_drop2", name("_act"));
      add("Dense", name("_ff2"), {positional("units", d_model)}, {name("_drop2")});
      return dropoutLayer("_drop3", name("_ff2"));
    };
    if (!decoder) {
      if (norm_first) {
        const std::string n1 = norm("_norm1", x);
        const std::string a1 = addLayer("_add1", x, attention("_attn", n1, n1));
        addLayer("_add2", a1, feedForward(norm("_norm2", a1)));
      } else {
        const std::string n1 = norm("_norm1", addLayer("_add1", x, attention("_attn", x, x)));
        norm("_norm2", addLayer("_add2", n1, feedForward(n1)));
      }
      return;
    }
    const std::string memory = source(i, 1);
    if (norm_first) {
      const std::string n1 = norm("_norm1", x);
      const std::string a1 = addLayer("_add1", x, attention("_self", n1, n1));
      const std::string a2 = addLayer("_add2", a1, attention("_cross", norm("_norm2", a1), memory));
      addLayer("_add3", a2, feedForward(norm("_norm3", a2)));
    } else {
      const std::string n1 = norm("_norm1", addLayer("_add1", x, attention("_self", x, x)));
      const std::string n2 = norm("_norm2", addLayer("_add2", n1, attention("_cross", n1, memory)));
      norm("_norm3", addLayer("_add3", n2, feedForward(n2)));
    }
  }

  void planNode(int i) {
    const LayerSpec& s = spec(i);
    const std::string& id = node(i).ident;
    auto simple = [&](std::vector<KerasArg> args) { add(cls(i), id, std::move(args), {source(i)}, comment(i)); };
    switch (s.family) {
      case Family::Input: {
        std::vector<KerasArg> args = {kv("shape", json(out(i).dims))};
        if (out(i).dtype != DType::Float32) args.push_back(kv("dtype", dtypeName(out(i).dtype)));
        add("InputLayer", id, std::move(args), {}, comment(i), KerasLayer::Call::Input);
        return;
      }
      case Family::Linear: {
        std::vector<KerasArg> args = {positional("units", pi(i, "out_features"))};
        append(args, kw(i, "bias"));
        return simple(std::move(args));
      }
      case Family::Identity: return simple({positional("activation", "linear")});
      case Family::Flatten: return simple({});
      case Family::Reshape: return simple({positional("target_shape", json(out(i).dims))});
      case Family::Permute: return simple({positional("dims", json(pt(i, "dims")))});
      case Family::Embedding:
        return simple({positional("input_dim", pi(i, "num_embeddings")), positional("output_dim", pi(i, "embedding_dim"))});
      case Family::Conv:
      case Family::DepthwiseConv:
      case Family::SeparableConv: return conv(i);
      case Family::ConvTranspose: return convTranspose(i);
      case Family::Pool: {
        const IntList& k = pt(i, "kernel_size");
        const IntList stride = rules::poolStride(k, pt(i, "stride"));
        std::vector<KerasArg> args = kwAlways(i, "kernel_size");
        if (stride != k) args.push_back(arg(i, "stride", json(stride)));
        append(args, samePadding(i));
        return simple(std::move(args));
      }
      case Family::GlobalPool: return simple({});
      case Family::BatchNorm: {
        std::vector<KerasArg> args = kw(i, "eps");
        const double m = pf(i, "momentum");
        if (m != 0.01) args.push_back(kv("momentum", 1.0 - m));  // Keras counts the kept fraction
        if (!pb(i, "affine")) args.insert(args.end(), {kv("center", false), kv("scale", false)});
        return simple(std::move(args));
      }
      case Family::LayerNorm:
      case Family::GroupNorm: {
        std::vector<KerasArg> args;
        if (s.family == Family::GroupNorm) append(args, kwAlways(i, "num_groups"));
        append(args, kw(i, "eps"));
        if (!pb(i, "affine")) args.insert(args.end(), {kv("center", false), kv("scale", false)});
        return simple(std::move(args));
      }
      case Family::Dropout:
      case Family::SpatialDropout: {
        const char* p = s.param("p") ? "p" : s.param("stddev") ? "stddev" : "rate";
        return simple(kwAlways(i, p));
      }
      case Family::Activation: {
        if (s.kerasClass == "layers.Activation") return simple({positional("activation", s.op)});
        std::vector<KerasArg> args;
        if (s.op == "relu6") args.push_back(kv("max_value", 6.0));
        for (const ParamSpec& p : s.params) append(args, kw(i, p.name.c_str()));
        return simple(std::move(args));
      }
      case Family::PReLU: {
        // One slope in all (PyTorch's default) or one per channel: share the other axes.
        const int rank = in(i).rank();
        IntList shared;
        for (int a = 1; a <= rank; ++a)
          if (!(pb(i, "per_channel") && a == rank)) shared.push_back(a);
        std::vector<KerasArg> args;
        if (!shared.empty()) {
          args.push_back(kv("shared_axes", json(shared)));
          args.back().as_list = true;
        }
        return simple(std::move(args));
      }
      case Family::Softmax: return simple(kwAlways(i, "axis"));
      case Family::Recurrent: return recurrent(i);
      case Family::MultiHeadAttention: {
        const int n = static_cast<int>(node(i).inputs.size());
        std::vector<std::string> ins = {source(i)};
        if (n == 1) ins.push_back(source(i));     // self-attention
        if (n >= 2) ins.push_back(source(i, n == 3 ? 2 : 1));  // value
        if (n == 3) ins.push_back(source(i, 1));  // key
        std::vector<KerasArg> args = kwAlways(i, "num_heads");
        args.push_back(kv("key_dim", in(i).dims[1] / pi(i, "num_heads")));
        append(args, kw(i, "dropout"));
        append(args, kw(i, "bias"));
        add(cls(i), id, std::move(args), std::move(ins), comment(i), KerasLayer::Call::Attention);
        return;
      }
      case Family::Merge:
      case Family::Concatenate: {
        std::vector<std::string> ins;
        for (size_t k = 0; k < node(i).inputs.size(); ++k) ins.push_back(source(i, static_cast<int>(k)));
        add(cls(i), id, s.family == Family::Concatenate ? kwAlways(i, "axis") : std::vector<KerasArg>{}, std::move(ins),
            comment(i), KerasLayer::Call::List);
        return;
      }
      case Family::Upsample: {
        std::vector<KerasArg> args = {arg(i, "scale_factor", json(pt(i, "scale_factor")))};
        if (s.param("mode")) append(args, kw(i, "mode"));
        return simple(std::move(args));
      }
      case Family::ZeroPad: return simple({arg(i, "padding", pairsFromFlat(pt(i, "padding")), false)});
      case Family::Cropping: return simple({arg(i, "cropping", pairsFromFlat(pt(i, "cropping")), false)});
      case Family::TransformerEncoder:
      case Family::TransformerDecoder: return transformer(i);
      case Family::Squeeze:
      case Family::Unsqueeze:
      case Family::OnnxOp:
      case Family::AdaptivePool:
      case Family::InstanceNorm:
        // The analysis reports these as missing from Keras, so the plan never gets here.
        return;
    }
  }
};

// [SECTION] Python

std::string pyJson(const json& v, bool scalar_ok, bool as_list) {
  if (v.is_null()) return "None";
  if (v.is_boolean()) return pyBool(v.get<bool>());
  if (v.is_number_integer()) return pyInt(v.get<int64_t>());
  if (v.is_number()) return pyFloat(v.get<double>());
  if (v.is_string()) return pyString(v.get<std::string>());
  if (scalar_ok && !v.empty() && std::all_of(v.begin(), v.end(), [&](const json& e) { return e == v[0]; }) &&
      v[0].is_number_integer())
    return pyInt(v[0].get<int64_t>());
  std::string s = as_list ? "[" : "(";
  for (size_t k = 0; k < v.size(); ++k) s += (k ? ", " : "") + pyJson(v[k], false, false);
  if (!as_list && v.size() == 1) s += ",";
  return s + (as_list ? "]" : ")");
}

std::string pyConstructor(const KerasLayer& l, bool with_name) {
  std::vector<std::string> parts;
  for (const KerasArg& a : l.args) {
    const std::string value = a.layer ? pyConstructor(*a.layer, false) : pyJson(a.value, a.scalar_ok, a.as_list);
    parts.push_back(a.positional ? value : a.key + "=" + value);
  }
  if (with_name) parts.push_back("name=" + pyString(l.name));
  return (l.cls == "InputLayer" ? "keras.Input(" : "layers." + l.cls + "(") + join(parts) + ")";
}

std::string pyLine(const KerasLayer& l) {
  std::string call;
  switch (l.call) {
    case KerasLayer::Call::Input: break;
    case KerasLayer::Call::One: call = "(" + l.inputs[0] + ")"; break;
    case KerasLayer::Call::List: call = "([" + join(l.inputs) + "])"; break;
    case KerasLayer::Call::Attention:
      call = "(" + l.inputs[0] + ", " + l.inputs[1] + (l.inputs.size() > 2 ? ", key=" + l.inputs[2] : "") + ")";
      break;
  }
  return "    " + l.name + " = " + pyConstructor(l, true) + call + (l.comment.empty() ? "" : "  # " + l.comment) + "\n";
}

std::string exampleInput(const TensorInfo& t, const std::string& batch) {
  std::string dims = "(" + batch;
  for (int64_t d : t.dims) dims += ", " + pyInt(d);
  dims += ")";
  if (t.dtype == DType::Float32) return "np.random.randn(*" + dims + ").astype(\"float32\")";
  return "np.random.randint(0, 2, size=" + dims + ")";
}

}  // namespace

KerasModel planKeras(CodePlan& plan) {
  KerasPlanner p{plan, {}};
  for (int i = 0; i < static_cast<int>(plan.nodes.size()); ++i) p.planNode(i);
  for (int i : plan.input_nodes) p.model.inputs.push_back(plan.nodes[i].ident);
  for (int o : plan.output_nodes) p.model.outputs.push_back(plan.nodes[o].ident);
  return std::move(p.model);
}

std::string emitKeras(CodePlan& plan, const CodegenOptions& options) {
  const KerasModel model = planKeras(plan);
  auto list = [&](const std::vector<std::string>& names) {
    return names.size() == 1 ? names[0] : "[" + join(names) + "]";
  };
  std::string s;
  s += "# Generated by NetForge from the builder model \"" + plan.title + "\".\n";
  s += "# TensorFlow-Keras (functional API): inputs are batch-first and channels-last (N, H, W, C).\n";
  s += "# " + outputSummary(plan, kKeras) + ".\n";
  s += "import numpy as np\nimport tensorflow as tf\nfrom tensorflow import keras\nfrom tensorflow.keras import layers\n\n\n";
  s += "def build_model():\n";
  for (const KerasLayer& l : model.layers) s += pyLine(l);
  s += "    return keras.Model(inputs=" + list(model.inputs) + ", outputs=" + list(model.outputs) +
       ", name=" + pyString(plan.modelName) + ")\n";
  if (options.training_loop) {
    s += "\n\ndef train(model, steps=10, batch_size=8):\n";
    s += "    \"\"\"A minimal training run on random data of the model's shapes: replace with your data.\"\"\"\n";
    std::string xs, ys, losses;
    for (int i : plan.input_nodes) xs += exampleInput(plan.out(i), "steps * batch_size") + ", ";
    for (int o : plan.output_nodes) {
      const TensorInfo& t = plan.out(o);
      if (t.rank() == 1 && t.dims[0] >= 2) {
        ys += "np.random.randint(0, " + pyInt(t.dims[0]) + ", size=(steps * batch_size,)), ";
        losses += "keras.losses.SparseCategoricalCrossentropy(from_logits=True), ";
      } else {
        ys += exampleInput(t, "steps * batch_size") + ", ";
        losses += "\"mse\", ";
      }
    }
    s += "    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=[" + losses + "])\n";
    s += "    history = model.fit([" + xs + "], [" + ys + "], batch_size=batch_size, epochs=1)\n";
    s += "    return history.history[\"loss\"][-1]\n";
  }
  if (options.main_block) {
    s += "\n\nif __name__ == \"__main__\":\n    model = build_model()\n    model.summary()\n";
    if (options.training_loop) s += "    train(model)\n";
  }
  return s;
}

}  // namespace nf::builder::detail
