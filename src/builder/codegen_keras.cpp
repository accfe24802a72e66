// builder/codegen_keras.cpp - the TensorFlow-Keras emitter: build_model() with the
// functional API, one `layers.X(...)(inputs)` line per builder node.
//
// Canonical shapes are Keras shapes (channels-last), so no layout moves are needed.
// Where a builder option has no direct Keras keyword the emitter adds a standard layer
// (ZeroPaddingND before 'custom'-padded convolutions, CroppingND after a transposed
// convolution with 'custom' padding, Bidirectional and stacking for recurrent layers),
// named "<layer>_pad", "<layer>_crop", "<layer>_l1"...; transformer layers become a
// helper function of standard layers. Every keyword comes from the
// catalog (ParamSpec::keras or LayerSpec::kerasExtraKwargs); the Python tests check it.
#include <algorithm>

#include "builder/codegen_internal.h"
#include "builder/rules.h"

namespace nf::builder::detail {

namespace {

constexpr Framework kKeras = Framework::Keras;

// ((1, 1), (2, 2)) from before/after pairs; (1, 2) for one spatial axis.
std::string pairs(const IntList& flat) {
  if (flat.size() == 2) return pyTuple(flat);
  std::string s = "(";
  for (size_t a = 0; a + 1 < flat.size(); a += 2) s += (a ? ", " : "") + pyTuple({flat[a], flat[a + 1]});
  return s + ")";
}

bool anyNonZero(const IntList& v) { return std::any_of(v.begin(), v.end(), [](int64_t x) { return x != 0; }); }

// torch.nn.TransformerEncoderLayer / TransformerDecoderLayer (batch_first=True) from
// standard Keras layers: same computation, same parameter count. `prefix` names the
// layers (the emitter picks one whose derived names are all free).
constexpr const char* kEncoderHelper = R"(def transformer_encoder_layer(x, nhead, dim_feedforward, dropout, activation, layer_norm_eps,
                              norm_first, prefix):
    """torch.nn.TransformerEncoderLayer(batch_first=True) from Keras layers."""
    d_model = x.shape[-1]

    def self_attention(t):
        t = layers.MultiHeadAttention(nhead, d_model // nhead, dropout=dropout, name=prefix + "_attn")(t, t)
        return layers.Dropout(dropout, name=prefix + "_drop1")(t)

    def feed_forward(t):
        t = layers.Dense(dim_feedforward, name=prefix + "_ff1")(t)
        t = layers.Activation(activation, name=prefix + "_act")(t)
        t = layers.Dropout(dropout, name=prefix + "_drop2")(t)
        t = layers.Dense(d_model, name=prefix + "_ff2")(t)
        return layers.Dropout(dropout, name=prefix + "_drop3")(t)

    norm1 = layers.LayerNormalization(epsilon=layer_norm_eps, name=prefix + "_norm1")
    norm2 = layers.LayerNormalization(epsilon=layer_norm_eps, name=prefix + "_norm2")
    if norm_first:
        x = layers.Add(name=prefix + "_add1")([x, self_attention(norm1(x))])
        return layers.Add(name=prefix + "_add2")([x, feed_forward(norm2(x))])
    x = norm1(layers.Add(name=prefix + "_add1")([x, self_attention(x)]))
    return norm2(layers.Add(name=prefix + "_add2")([x, feed_forward(x)]))
)";

constexpr const char* kDecoderHelper = R"(def transformer_decoder_layer(x, memory, nhead, dim_feedforward, dropout, activation, layer_norm_eps,
                              norm_first, prefix):
    """torch.nn.TransformerDecoderLayer(batch_first=True) from Keras layers."""
    d_model = x.shape[-1]

    def attention(t, source, tag):
        t = layers.MultiHeadAttention(nhead, d_model // nhead, dropout=dropout, name=prefix + "_" + tag)(t, source)
        return layers.Dropout(dropout, name=prefix + "_" + tag + "_drop")(t)

    def feed_forward(t):
        t = layers.Dense(dim_feedforward, name=prefix + "_ff1")(t)
        t = layers.Activation(activation, name=prefix + "_act")(t)
        t = layers.Dropout(dropout, name=prefix + "_drop2")(t)
        t = layers.Dense(d_model, name=prefix + "_ff2")(t)
        return layers.Dropout(dropout, name=prefix + "_drop3")(t)

    norm1 = layers.LayerNormalization(epsilon=layer_norm_eps, name=prefix + "_norm1")
    norm2 = layers.LayerNormalization(epsilon=layer_norm_eps, name=prefix + "_norm2")
    norm3 = layers.LayerNormalization(epsilon=layer_norm_eps, name=prefix + "_norm3")
    if norm_first:
        x = layers.Add(name=prefix + "_add1")([x, attention(norm1(x), norm1(x), "self")])
        x = layers.Add(name=prefix + "_add2")([x, attention(norm2(x), memory, "cross")])
        return layers.Add(name=prefix + "_add3")([x, feed_forward(norm3(x))])
    x = norm1(layers.Add(name=prefix + "_add1")([x, attention(x, x, "self")]))
    x = norm2(layers.Add(name=prefix + "_add2")([x, attention(x, memory, "cross")]))
    return norm3(layers.Add(name=prefix + "_add3")([x, feed_forward(x)]))
)";

// The layer names each helper derives from its prefix.
const std::vector<std::string>& helperSuffixes(bool decoder) {
  static const std::vector<std::string> encoder = {"_attn", "_drop1", "_ff1", "_act", "_drop2", "_ff2", "_drop3",
                                                   "_norm1", "_norm2", "_add1", "_add2"};
  static const std::vector<std::string> decoderNames = {
      "_self", "_self_drop", "_cross", "_cross_drop", "_ff1", "_act", "_drop2", "_ff2", "_drop3",
      "_norm1", "_norm2", "_norm3", "_add1", "_add2", "_add3"};
  return decoder ? decoderNames : encoder;
}

struct KerasEmitter {
  CodePlan& plan;
  const CodegenOptions& options;
  std::string body;
  bool need_encoder = false, need_decoder = false;

  const PlannedNode& node(int i) const { return plan.nodes[i]; }
  const ParamMap& params(int i) const { return plan.nodes[i].node->params; }
  const TensorInfo& in(int i, int port = 0) const { return plan.out(plan.nodes[i].inputs[port]); }
  const TensorInfo& out(int i) const { return plan.out(i); }
  int64_t pi(int i, const char* name) const { return std::get<int64_t>(params(i).at(name)); }
  double pf(int i, const char* name) const { return std::get<double>(params(i).at(name)); }
  bool pb(int i, const char* name) const { return std::get<bool>(params(i).at(name)); }
  const std::string& pe(int i, const char* name) const { return std::get<std::string>(params(i).at(name)); }
  const IntList& pt(int i, const char* name) const { return std::get<IntList>(params(i).at(name)); }
  const LayerSpec& spec(int i) const { return *node(i).spec; }
  std::string kw(int i, const char* name) const { return kwIfNotDefault(spec(i), params(i), name, kKeras); }
  // `kw=value` always (values the reader should see even at their default).
  std::string kwAlways(int i, const char* name) const {
    return kwName(spec(i), name, kKeras) + "=" + pyValue(params(i).at(name));
  }
  std::string nameKw(const std::string& ident) const { return "name=" + pyString(ident); }

  void line(const std::string& s) { body += "    " + s + "\n"; }

  // Writes `target = expr(source)` with a shape comment.
  void assign(int i, const std::string& target, const std::string& expr) {
    line(target + " = " + expr + "  # " + formatShape(out(i), kKeras, " x "));
  }

  std::string argList(int i) const {
    std::string s;
    for (size_t k = 0; k < node(i).inputs.size(); ++k) s += (k ? ", " : "") + node(node(i).inputs[k]).ident;
    return s;
  }

  // ZeroPaddingND before a convolution-like layer with 'custom' padding; returns the
  // name of the tensor the layer should read.
  std::string padBefore(int i, const std::string& source) {
    if (pe(i, "padding") != "custom" || !anyNonZero(pt(i, "padding_size"))) return source;
    const int r = spec(i).rank;
    IntList flat;
    for (int64_t p : pt(i, "padding_size")) {
      flat.push_back(p);
      flat.push_back(p);
    }
    const std::string padded = plan.names.claim(node(i).ident + "_pad");
    line(padded + " = layers.ZeroPadding" + std::to_string(r) + "D(padding=" + pairs(flat) + ", " + nameKw(padded) +
         ")(" + source + ")");
    return padded;
  }

  std::string kerasPadding(int i) const {
    return pe(i, "padding") == "same" ? "padding=" + pyString("same") : "";
  }

  void conv(int i) {
    const LayerSpec& s = spec(i);
    const std::string source = padBefore(i, node(node(i).inputs[0]).ident);
    std::vector<std::string> args;
    if (s.family != Family::DepthwiseConv) args.push_back(pyInt(pi(i, "out_channels")));
    args.push_back(pyTupleOrScalar(pt(i, "kernel_size")));
    args.push_back(kw(i, "stride"));
    args.push_back(kerasPadding(i));
    if (s.param("depth_multiplier")) args.push_back(kw(i, "depth_multiplier"));
    args.push_back(kw(i, "dilation"));
    if (s.param("groups")) args.push_back(kw(i, "groups"));
    args.push_back(kw(i, "bias"));
    args.push_back(nameKw(node(i).ident));
    assign(i, node(i).ident, s.kerasClass + "(" + join(args) + ")(" + source + ")");
  }

  void convTranspose(int i) {
    const LayerSpec& s = spec(i);
    const int r = s.rank;
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
    const std::string layer_name = crop ? plan.names.claim(node(i).ident + "_deconv") : node(i).ident;
    std::vector<std::string> args = {pyInt(pi(i, "out_channels")), pyTupleOrScalar(k), kw(i, "stride"), kerasPadding(i)};
    if (mode != "same" && need_out_pad) args.push_back(kwName(s, "output_padding", kKeras) + "=" + pyTupleOrScalar(op));
    args.push_back(kw(i, "dilation"));
    args.push_back(kw(i, "bias"));
    args.push_back(nameKw(layer_name));
    const std::string call = s.kerasClass + "(" + join(args) + ")(" + node(node(i).inputs[0]).ident + ")";
    if (!crop) {
      assign(i, node(i).ident, call);
      return;
    }
    line(layer_name + " = " + call);
    IntList flat;
    for (int64_t p : pt(i, "padding_size")) {
      flat.push_back(p);
      flat.push_back(p);
    }
    assign(i, node(i).ident,
           "layers.Cropping" + std::to_string(r) + "D(cropping=" + pairs(flat) + ", " + nameKw(node(i).ident) + ")(" +
               layer_name + ")");
  }

  void recurrent(int i) {
    const LayerSpec& s = spec(i);
    const int64_t layers_count = pi(i, "num_layers");
    std::string source = node(node(i).inputs[0]).ident;
    for (int64_t l = 1; l <= layers_count; ++l) {
      const bool last = l == layers_count;
      std::vector<std::string> args = {pyInt(pi(i, "hidden_size"))};
      if (!last) args.push_back(kwName(s, "return_sequences", kKeras) + "=True");
      else args.push_back(kw(i, "return_sequences"));
      if (s.param("nonlinearity")) args.push_back(kw(i, "nonlinearity"));
      args.push_back(kw(i, "bias"));
      const std::string target = last ? node(i).ident : plan.names.claim(node(i).ident + "_l" + std::to_string(l));
      std::string layer;
      if (pb(i, "bidirectional")) {
        layer = "layers.Bidirectional(" + s.kerasClass + "(" + join(args) + "), " + nameKw(target) + ")";
      } else {
        args.push_back(nameKw(target));
        layer = s.kerasClass + "(" + join(args) + ")";
      }
      if (last) assign(i, target, layer + "(" + source + ")");
      else line(target + " = " + layer + "(" + source + ")");
      source = target;
    }
  }

  void transformer(int i) {
    const bool decoder = spec(i).family == Family::TransformerDecoder;
    (decoder ? need_decoder : need_encoder) = true;
    // A prefix whose derived layer names are all free (Keras layer names must be unique).
    std::string prefix = node(i).ident;
    for (int k = 1;; ++k) {
      const bool free = std::none_of(helperSuffixes(decoder).begin(), helperSuffixes(decoder).end(),
                                     [&](const std::string& s) { return plan.names.taken(prefix + s); });
      if (free) break;
      prefix = node(i).ident + "_block" + (k > 1 ? std::to_string(k) : "");
    }
    for (const std::string& s : helperSuffixes(decoder)) plan.names.claim(prefix + s);
    std::string args = node(node(i).inputs[0]).ident;
    if (decoder) args += ", " + node(node(i).inputs[1]).ident;
    args += ", nhead=" + pyInt(pi(i, "nhead")) + ", dim_feedforward=" + pyInt(pi(i, "dim_feedforward")) +
            ", dropout=" + pyFloat(pf(i, "dropout")) + ", activation=" + pyString(pe(i, "activation")) +
            ", layer_norm_eps=" + pyFloat(pf(i, "layer_norm_eps")) + ", norm_first=" + pyBool(pb(i, "norm_first")) +
            ", prefix=" + pyString(prefix);
    assign(i, node(i).ident, std::string(decoder ? "transformer_decoder_layer(" : "transformer_encoder_layer(") + args + ")");
  }

  void emitNode(int i) {
    const LayerSpec& s = spec(i);
    const std::string& id = node(i).ident;
    const std::string src = node(i).inputs.empty() ? "" : node(node(i).inputs[0]).ident;
    auto simple = [&](std::vector<std::string> args) {
      args.push_back(nameKw(id));
      assign(i, id, s.kerasClass + "(" + join(args) + ")(" + src + ")");
    };
    switch (s.family) {
      case Family::Input: {
        std::vector<std::string> args = {"shape=" + pyTuple(out(i).dims)};
        if (out(i).dtype != DType::Float32) args.push_back("dtype=" + pyString(dtypeName(out(i).dtype)));
        args.push_back(nameKw(id));
        assign(i, id, "keras.Input(" + join(args) + ")");
        return;
      }
      case Family::Linear: return simple({pyInt(pi(i, "out_features")), kw(i, "bias")});
      case Family::Identity: return simple({pyString("linear")});
      case Family::Flatten: return simple({});
      case Family::Reshape: return simple({pyTuple(out(i).dims)});
      case Family::Permute: return simple({pyTuple(pt(i, "dims"))});
      case Family::Embedding: return simple({pyInt(pi(i, "num_embeddings")), pyInt(pi(i, "embedding_dim"))});
      case Family::Conv:
      case Family::DepthwiseConv:
      case Family::SeparableConv: return conv(i);
      case Family::ConvTranspose: return convTranspose(i);
      case Family::Pool: {
        const IntList& k = pt(i, "kernel_size");
        const IntList stride = rules::poolStride(k, pt(i, "stride"));
        return simple({kwAlways(i, "kernel_size"),
                       stride != k ? kwName(s, "stride", kKeras) + "=" + pyTupleOrScalar(stride) : "", kerasPadding(i)});
      }
      case Family::GlobalPool: return simple({});
      case Family::BatchNorm: {
        std::vector<std::string> args = {kw(i, "eps")};
        const double m = pf(i, "momentum");
        if (m != 0.01) args.push_back("momentum=" + pyFloat(1.0 - m));  // Keras counts the kept fraction
        if (!pb(i, "affine")) args.insert(args.end(), {"center=False", "scale=False"});
        return simple(args);
      }
      case Family::LayerNorm:
      case Family::GroupNorm: {
        std::vector<std::string> args;
        if (s.family == Family::GroupNorm) args.push_back(kwAlways(i, "num_groups"));
        args.push_back(kw(i, "eps"));
        if (!pb(i, "affine")) args.insert(args.end(), {"center=False", "scale=False"});
        return simple(args);
      }
      case Family::Dropout:
      case Family::SpatialDropout: {
        const char* p = s.param("p") ? "p" : s.param("stddev") ? "stddev" : "rate";
        return simple({kwAlways(i, p)});
      }
      case Family::Activation: {
        if (s.kerasClass == "layers.Activation") return simple({pyString(s.op)});
        std::vector<std::string> args;
        if (s.op == "relu6") args.push_back("max_value=6.0");
        for (const ParamSpec& p : s.params) args.push_back(kw(i, p.name.c_str()));
        return simple(args);
      }
      case Family::PReLU: {
        // One slope in all (PyTorch's default) or one per channel: share the other axes.
        const int rank = in(i).rank();
        IntList shared;
        for (int a = 1; a <= rank; ++a)
          if (!(pb(i, "per_channel") && a == rank)) shared.push_back(a);
        std::string list = "[";
        for (size_t k = 0; k < shared.size(); ++k) list += (k ? ", " : "") + pyInt(shared[k]);
        return simple({shared.empty() ? "" : "shared_axes=" + list + "]"});
      }
      case Family::Softmax: return simple({kwAlways(i, "axis")});
      case Family::Recurrent: return recurrent(i);
      case Family::MultiHeadAttention: {
        const int n = static_cast<int>(node(i).inputs.size());
        const int64_t e = in(i).dims[1];
        std::string call = "(" + node(node(i).inputs[0]).ident;
        if (n == 1) call += ", " + src;                                        // self-attention
        if (n == 2) call += ", " + node(node(i).inputs[1]).ident;              // value = key
        if (n == 3) call += ", " + node(node(i).inputs[2]).ident + ", key=" + node(node(i).inputs[1]).ident;
        call += ")";
        assign(i, id,
               s.kerasClass + "(" +
                   join({kwAlways(i, "num_heads"), "key_dim=" + pyInt(e / pi(i, "num_heads")), kw(i, "dropout"),
                         kw(i, "bias"), nameKw(id)}) + ")" + call);
        return;
      }
      case Family::Merge: assign(i, id, s.kerasClass + "(" + nameKw(id) + ")([" + argList(i) + "])"); return;
      case Family::Concatenate:
        assign(i, id, s.kerasClass + "(" + kwAlways(i, "axis") + ", " + nameKw(id) + ")([" + argList(i) + "])");
        return;
      case Family::Upsample: {
        std::vector<std::string> args = {kwName(s, "scale_factor", kKeras) + "=" + pyTupleOrScalar(pt(i, "scale_factor"))};
        if (s.param("mode")) args.push_back(kw(i, "mode"));
        return simple(args);
      }
      case Family::ZeroPad: return simple({kwName(s, "padding", kKeras) + "=" + pairs(pt(i, "padding"))});
      case Family::Cropping: return simple({kwName(s, "cropping", kKeras) + "=" + pairs(pt(i, "cropping"))});
      case Family::TransformerEncoder:
      case Family::TransformerDecoder: return transformer(i);
      case Family::Squeeze:
      case Family::Unsqueeze:
      case Family::AdaptivePool:
      case Family::InstanceNorm:
        // The analysis reports these as missing from Keras, so the plan never gets here.
        line("raise NotImplementedError(" + pyString(s.type + " has no Keras layer") + ")");
        return;
    }
  }

  std::string exampleInput(int i, const std::string& batch) const {
    const TensorInfo& t = out(i);
    std::string dims = "(" + batch;
    for (int64_t d : t.dims) dims += ", " + pyInt(d);
    dims += ")";
    if (t.dtype == DType::Float32) return "np.random.randn(*" + dims + ").astype(\"float32\")";
    return "np.random.randint(0, 2, size=" + dims + ")";
  }

  std::string emit() {
    for (int i = 0; i < static_cast<int>(plan.nodes.size()); ++i) emitNode(i);
    auto list = [&](const std::vector<int>& idx) {
      if (idx.size() == 1) return node(idx[0]).ident;
      std::string s = "[";
      for (size_t k = 0; k < idx.size(); ++k) s += (k ? ", " : "") + node(idx[k]).ident;
      return s + "]";
    };
    std::string s;
    s += "# Generated by NetForge from the builder model \"" + plan.title + "\".\n";
    s += "# TensorFlow-Keras (functional API): inputs are batch-first and channels-last (N, H, W, C).\n";
    s += "# " + outputSummary(plan, kKeras) + ".\n";
    s += "import numpy as np\nimport tensorflow as tf\nfrom tensorflow import keras\nfrom tensorflow.keras import layers\n\n\n";
    if (need_encoder) s += std::string(kEncoderHelper) + "\n\n";
    if (need_decoder) s += std::string(kDecoderHelper) + "\n\n";
    s += "def build_model():\n" + body;
    s += "    return keras.Model(inputs=" + list(plan.input_nodes) + ", outputs=" + list(plan.output_nodes) +
         ", name=" + pyString(plan.modelName) + ")\n";
    if (options.training_loop) {
      s += "\n\ndef train(model, steps=10, batch_size=8):\n";
      s += "    \"\"\"A minimal training run on random data of the model's shapes: replace with your data.\"\"\"\n";
      std::string xs, ys, losses;
      for (int i : plan.input_nodes) xs += exampleInput(i, "steps * batch_size") + ", ";
      for (int o : plan.output_nodes) {
        const TensorInfo& t = out(o);
        if (t.rank() == 1 && t.dims[0] >= 2) {
          ys += "np.random.randint(0, " + pyInt(t.dims[0]) + ", size=(steps * batch_size,)), ";
          losses += "keras.losses.SparseCategoricalCrossentropy(from_logits=True), ";
        } else {
          ys += exampleInput(o, "steps * batch_size") + ", ";
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
};

}  // namespace

std::string emitKeras(CodePlan& plan, const CodegenOptions& options) {
  KerasEmitter e{plan, options, {}};
  return e.emit();
}

}  // namespace nf::builder::detail
