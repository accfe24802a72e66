// Rules for quantisation ops and everything else: QuantizeLinear,
// DequantizeLinear, DynamicQuantizeLinear; signal ops (DFT, STFT, windows,
// MelWeightMatrix); strings; detection (NonMaxSuppression); losses; training
// ops (ai.onnx.preview.training); a few ai.onnx.ml ops; CausalConvWithState,
// BitCast, Det, ImageDecoder.
#include <algorithm>
#include <optional>

#include "base/checked.h"
#include "shapes/rule_helpers.h"
#include "shapes/symbolic.h"

namespace nf::shapes::detail {

namespace {

Dim dimAt(const Shape& s, size_t k) { return s.rank_known && k < s.rank() ? s.dims[k] : Dim::unknown(); }

// [Quantisation] ----------------------------------------------------------------------------

void ruleQuantizeLinear(Ctx& c) {
  ElemType e = ElemType::Uint8;
  if (c.has(2) && c.elem(2) != ElemType::Undefined) e = c.elem(2);
  else if (c.hasAttr("output_dtype") && c.attrInt("output_dtype", 0) != 0) e = elemFromAttr(c.attrInt("output_dtype", 2));
  c.outTensor(0, e, c.isTensor(0) ? c.shape(0) : Shape::unknownRank());
}

void ruleDequantizeLinear(Ctx& c) {
  ElemType e = ElemType::Float;
  if (c.hasAttr("output_dtype") && c.attrInt("output_dtype", 0) != 0) e = elemFromAttr(c.attrInt("output_dtype", 1));
  else if (c.elem(1) != ElemType::Undefined) e = c.elem(1);
  c.outTensor(0, e, c.isTensor(0) ? c.shape(0) : Shape::unknownRank());
}

void ruleDynamicQuantizeLinear(Ctx& c) {
  c.outTensor(0, ElemType::Uint8, c.isTensor(0) ? c.shape(0) : Shape::unknownRank());
  c.outTensor(1, ElemType::Float, Shape::of({}));
  c.outTensor(2, ElemType::Uint8, Shape::of({}));
}

// [Signal processing] -------------------------------------------------------------------------

// DFT-17 (axis attribute, default 1) and DFT-20 (axis input, default -2). The last
// axis holds (real, imag). Along the DFT axis the output has dft_length values
// (default: the input's), floor(dft_length / 2) + 1 for an RFFT (onesided, forward),
// and dft_length for an IRFFT (onesided, inverse: the default dft_length is
// 2 * (n - 1) and the output is real, last axis 1). The ONNX spec text of both
// versions describes the IRFFT case; torch.fft.irfft gives the same lengths.
void ruleDFT(Ctx& c) {
  const Shape& in = c.shape(0);
  if (!in.rank_known || in.rank() < 2) {
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  const int64_t r = static_cast<int64_t>(in.rank());
  const bool onesided = c.attrInt("onesided", 0) != 0;
  const bool inverse = c.attrInt("inverse", 0) != 0;
  const bool irfft = onesided && inverse;
  Shape out = in;
  out.dims.back() = Dim::known(irfft ? 1 : 2);
  Dim length = Dim::unknown();
  const bool has_len = c.has(1);
  if (has_len)
    if (const ConstValue* v = c.cval(1); v && v->count() == 1 && !v->isReal()) length = v->ints[0];
  if (length.isKnown() && length.value <= 0) {
    c.issue("dft_length must be positive");
    return;
  }
  int64_t axis = -1;
  bool axis_known = true;
  if (c.opset() != 0 && c.opset() < 20) {
    axis = c.attrInt("axis", 1);
  } else if (c.has(2)) {
    std::vector<int64_t> a;
    if (c.constInts(2, &a) && a.size() == 1) axis = a[0];
    else axis_known = false;
  } else {
    axis = -2;
  }
  if (!axis_known) {
    // Which axis is transformed is unknown (any of them, the first included); only a
    // full-length two-sided DFT keeps every dim.
    if (onesided || has_len)
      for (size_t k = 0; k + 1 < out.rank(); ++k) out.dims[k] = Dim::unknown();
    c.outTensor(0, c.elem(0), std::move(out));
    return;
  }
  if (axis < 0) axis += r;  // negative counts include the trailing real/imag dim
  if (axis < 0 || axis >= r - 1) {
    c.issue("axis out of range");
    return;
  }
  const Dim& n_in = in.dims[axis];
  Dim n = has_len ? length : (irfft ? dimMul(dimAdd(n_in, -1), 2) : n_in);
  if (onesided && !inverse) n = dimAdd(dimDiv(n, Dim::known(2)), 1);
  out.dims[axis] = n;
  c.outTensor(0, c.elem(0), std::move(out));
}

void ruleSTFT(Ctx& c) {
  const Shape& sig = c.shape(0);
  Dim step = Dim::unknown(), frame = Dim::unknown();
  if (const ConstValue* v = c.cval(1); v && v->count() == 1 && !v->isReal()) step = v->ints[0];
  if (c.has(3)) {
    if (const ConstValue* v = c.cval(3); v && v->count() == 1 && !v->isReal()) frame = v->ints[0];
  } else if (c.has(2)) {
    frame = dimAt(c.shape(2), 0);
  }
  Dim length = dimAt(sig, 1);
  Dim frames = dimAdd(dimDiv(dimSub(length, frame), step), 1);
  Dim bins = c.attrInt("onesided", 1) ? dimAdd(dimDiv(frame, Dim::known(2)), 1) : frame;
  c.outTensor(0, c.elem(0), Shape::of({dimAt(sig, 0), frames, bins, Dim::known(2)}));
}

void ruleWindow(Ctx& c) {
  ElemType e = elemFromAttr(c.attrInt("output_datatype", static_cast<int64_t>(ElemType::Float)));
  Dim n = Dim::unknown();
  if (const ConstValue* v = c.cval(0); v && v->count() == 1 && !v->isReal()) n = v->ints[0];
  c.outTensor(0, e, Shape::of({n}));
}

void ruleMelWeightMatrix(Ctx& c) {
  ElemType e = elemFromAttr(c.attrInt("output_datatype", static_cast<int64_t>(ElemType::Float)));
  Dim bins = Dim::unknown(), dft = Dim::unknown();
  if (const ConstValue* v = c.cval(0); v && v->count() == 1 && !v->isReal()) bins = v->ints[0];
  if (const ConstValue* v = c.cval(1); v && v->count() == 1 && !v->isReal()) dft = v->ints[0];
  c.outTensor(0, e, Shape::of({dimAdd(dimDiv(dft, Dim::known(2)), 1), bins}));
}

// [Strings] --------------------------------------------------------------------------------

void ruleStringNormalizer(Ctx& c) {
  const Shape& in = c.shape(0);
  Shape out = in.rank_known ? in : Shape::unknownRank();
  if (out.rank_known && out.rank() >= 1 && c.hasAttr("stopwords")) out.dims.back() = Dim::unknown();
  c.outTensor(0, ElemType::String, out);
}

void ruleStringSplit(Ctx& c) {
  const Shape& in = c.shape(0);
  Shape y = in;
  if (y.rank_known) y.dims.push_back(Dim::unknown());
  c.outTensor(0, ElemType::String, y);
  c.outTensor(1, ElemType::Int64, in);
}

void ruleTfIdf(Ctx& c) {
  const Shape& in = c.shape(0);
  std::vector<int64_t> idx;
  Dim width = Dim::unknown();
  if (c.attrInts("ngram_indexes", &idx) && !idx.empty())
    width = Dim::known(*std::max_element(idx.begin(), idx.end()) + 1);
  if (in.rank_known && in.rank() == 2) c.outTensor(0, ElemType::Float, Shape::of({in.dims[0], width}));
  else c.outTensor(0, ElemType::Float, Shape::of({width}));
}

void ruleImageDecoder(Ctx& c) {
  std::string fmt = c.attrStr("pixel_format", "RGB");
  c.outTensor(0, ElemType::Uint8, Shape::of({Dim::unknown(), Dim::unknown(), Dim::known(fmt == "Grayscale" ? 1 : 3)}));
}

// [Detection, losses, linear algebra] -------------------------------------------------------

void ruleNonMaxSuppression(Ctx& c) { c.outTensor(0, ElemType::Int64, Shape::of({Dim::unknown(), Dim::known(3)})); }

void ruleNLLLoss(Ctx& c) {
  if (c.attrStr("reduction", "mean") == "none") c.outTensor(0, c.elem(0), c.shape(1));
  else c.outTensor(0, c.elem(0), Shape::of({}));
}

void ruleSoftmaxCE(Ctx& c) {
  if (c.attrStr("reduction", "mean") == "none") c.outTensor(0, c.elem(0), c.shape(1));
  else c.outTensor(0, c.elem(0), Shape::of({}));
  if (c.hasOut(1)) sameAs(c, 1, 0);
}

void ruleDet(Ctx& c) {
  const Shape& in = c.shape(0);
  if (!in.rank_known || in.rank() < 2) {
    c.outTensor(0, c.elem(0), Shape::unknownRank());
    return;
  }
  c.outTensor(0, c.elem(0), Shape::of(std::vector<Dim>(in.dims.begin(), in.dims.end() - 2)));
}

// BitCast: same size keeps the shape; to a smaller type appends a dim of the size
// ratio; to a larger type drops the last dim (which must equal the ratio).
void ruleBitCast(Ctx& c) {
  ElemType to = elemFromAttr(c.attrInt("to", 0));
  const Shape& in = c.shape(0);
  int from_bits = ir::elemTypeBits(c.elem(0)), to_bits = ir::elemTypeBits(to);
  if (!in.rank_known || from_bits == 0 || to_bits == 0) {
    c.outTensor(0, to, from_bits == to_bits && in.rank_known ? in : Shape::unknownRank());
    return;
  }
  Shape out = in;
  if (from_bits > to_bits) out.dims.push_back(Dim::known(from_bits / to_bits));
  else if (from_bits < to_bits && !out.dims.empty()) out.dims.pop_back();
  c.outTensor(0, to, std::move(out));
}

// CausalConvWithState: depthwise causal conv over [B, C, L]; output like the
// input, present state [B, C, kernel - 1].
void ruleCausalConvWithState(Ctx& c) {
  sameAs(c, 0, 0);
  const Shape& x = c.shape(0);
  const Shape& w = c.shape(1);
  Dim k = w.rank_known && w.rank() >= 1 ? dimAdd(w.dims.back(), -1) : Dim::unknown();
  if (c.hasOut(1)) c.outTensor(1, c.elem(0), Shape::of({dimAt(x, 0), dimAt(x, 1), k}));
}

// [Training ops: outputs mirror groups of inputs] --------------------------------------------

void ruleOptimizer(Ctx& c, size_t groups_in, size_t groups_out) {
  // Inputs: R, T, then groups_in groups of n tensors; outputs: groups_out groups.
  if (c.numInputs() < 2) return;
  size_t n = (c.numInputs() - 2) / groups_in;
  // Output group g mirrors input group 0 (X) for g = 0, else input group g + 1
  // (skipping the gradients G): Adagrad X,H; Momentum X,V; Adam X,V,H.
  for (size_t g = 0; g < groups_out; ++g)
    for (size_t i = 0; i < n; ++i) {
      size_t src = 2 + (g == 0 ? 0 : (g + 1)) * n + i;
      sameAs(c, g * n + i, src);
    }
}

// [ai.onnx.ml] --------------------------------------------------------------------------------

void ruleLabelEncoder(Ctx& c) {
  ElemType e = ElemType::Undefined;
  if (c.hasAttr("values_strings")) e = ElemType::String;
  else if (c.hasAttr("values_int64s")) e = ElemType::Int64;
  else if (c.hasAttr("values_floats")) e = ElemType::Float;
  else if (const ir::Attribute* a = c.attr("values_tensor"); a && !a->tensors.empty()) e = a->tensors[0].elem;
  c.outTensor(0, e, c.shape(0));
}

void ruleTreeEnsemble(Ctx& c) {
  const Shape& in = c.shape(0);
  Dim n = dimAt(in, 0);
  Dim t = c.hasAttr("n_targets") ? Dim::known(c.attrInt("n_targets", 1)) : Dim::unknown();
  c.outTensor(0, c.elem(0), Shape::of({n, t}));
}

void ruleFloatSame(Ctx& c) { c.outTensor(0, ElemType::Float, c.shape(0)); }

// Number of classes a classifier declares (int or string labels).
Dim classCount(Ctx& c, const char* ints_name, const char* strings_name) {
  if (const ir::Attribute* a = c.attr(ints_name); a && !a->ints.empty())
    return Dim::known(static_cast<int64_t>(a->ints.size()));
  if (const ir::Attribute* a = c.attr(strings_name); a && !a->strings.empty())
    return Dim::known(static_cast<int64_t>(a->strings.size()));
  return Dim::unknown();
}

// Classifiers: labels [N] (int64 or string), scores [N, classes] float.
void ruleClassifier(Ctx& c) {
  Dim n = dimAt(c.shape(0), 0);
  bool strings = c.hasAttr("classlabels_strings");
  c.outTensor(0, strings ? ElemType::String : ElemType::Int64, Shape::of({n}));
  c.outTensor(1, ElemType::Float, Shape::of({n, classCount(c, "classlabels_ints", "classlabels_strings")}));
}

void ruleRegressor(Ctx& c) {
  Dim t = Dim::known(c.attrInt("targets", c.attrInt("n_targets", 1)));
  c.outTensor(0, ElemType::Float, Shape::of({dimAt(c.shape(0), 0), t}));
}

// ArrayFeatureExtractor: picks the given indices along the last axis (a 1-D
// input becomes [1, k]).
void ruleArrayFeatureExtractor(Ctx& c) {
  const Shape& x = c.shape(0);
  const Shape& idx = c.shape(1);
  Dim k = idx.rank_known ? dimProduct(idx.dims.data(), idx.rank()) : Dim::unknown();
  if (!x.rank_known) return c.outTensor(0, c.elem(0), Shape::unknownRank());
  std::vector<Dim> dims = x.rank() <= 1 ? std::vector<Dim>{Dim::known(1)}
                                        : std::vector<Dim>(x.dims.begin(), x.dims.end() - 1);
  dims.push_back(k);
  c.outTensor(0, c.elem(0), Shape::of(std::move(dims)));
}

void ruleCategoryMapper(Ctx& c) {
  c.outTensor(0, c.elem(0) == ElemType::String ? ElemType::Int64 : ElemType::String, c.shape(0));
}

void ruleOneHotEncoder(Ctx& c) {
  const Shape& x = c.shape(0);
  Dim cats = classCount(c, "cats_int64s", "cats_strings");
  if (!x.rank_known) return c.outTensor(0, ElemType::Float, Shape::unknownRank());
  Shape out = x;
  out.dims.push_back(cats);
  c.outTensor(0, ElemType::Float, std::move(out));
}

void ruleFeatureVectorizer(Ctx& c) {
  std::vector<int64_t> dims;
  Dim total = Dim::unknown();
  if (c.attrInts("inputdimensions", &dims)) {
    std::optional<int64_t> s = 0;
    for (int64_t d : dims) s = s && d >= 0 ? checkedAdd(*s, d) : std::nullopt;
    if (s) total = Dim::known(*s);
  }
  c.outTensor(0, ElemType::Float, Shape::of({dimAt(c.shape(0), 0), total}));
}

void ruleCastMap(Ctx& c) {
  std::string to = c.attrStr("cast_to", "TO_FLOAT");
  ElemType e = to == "TO_STRING" ? ElemType::String : to == "TO_INT64" ? ElemType::Int64 : ElemType::Float;
  Dim width = c.attrStr("map_form", "DENSE") == "SPARSE" ? Dim::known(c.attrInt("max_map", 1)) : Dim::unknown();
  c.outTensor(0, e, Shape::of({Dim::known(1), width}));
}

void ruleDictVectorizer(Ctx& c) {
  Dim n = classCount(c, "int64_vocabulary", "string_vocabulary");
  const Type& t = c.type(0);
  ElemType e = t.kind == Type::Kind::Map && t.inner ? t.inner->elem : ElemType::Undefined;
  c.outTensor(0, e, Shape::of({Dim::known(1), n}));
}

// ZipMap: a sequence of maps from class label to score.
void ruleZipMap(Ctx& c) {
  Type map;
  map.kind = Type::Kind::Map;
  map.key = c.hasAttr("classlabels_strings") ? ElemType::String : ElemType::Int64;
  map.inner = std::make_shared<Type>(Type::tensor(ElemType::Float, Shape::of({})));
  Type seq;
  seq.kind = Type::Kind::Sequence;
  seq.inner = std::make_shared<Type>(std::move(map));
  c.out(0, std::move(seq));
}

// Gradient: output i is d y / d xs[i], shaped like xs[i] (the node's input i).
void ruleGradient(Ctx& c) {
  for (size_t i = 0; i < c.numOutputs(); ++i) sameAs(c, i, i);
}

void ruleSVMRegressor(Ctx& c) {
  c.outTensor(0, ElemType::Float, Shape::of({dimAt(c.shape(0), 0), Dim::known(1)}));
}

}  // namespace

// The ops of this family, one entry each (fields: shapes/op_registry.h).
std::span<const OpSpec> miscOps() {
  using namespace op_table;
  static const OpSpec kOps[] = {
      Op{"", "QuantizeLinear", C::Quantization, ruleQuantizeLinear, K::PerOutput,
         "x y_scale y_zero_point", "y"}.labelled(),
      Op{"", "DequantizeLinear", C::Quantization, ruleDequantizeLinear, K::PerOutput,
         "x x_scale x_zero_point", "y"}.labelled(),
      {"", "DynamicQuantizeLinear", C::Quantization, ruleDynamicQuantizeLinear, K::PerOutput,
         "x", "y y_scale y_zero_point"},
      Op{"", "DFT", C::Other, ruleDFT, K::Uncounted, "input dft_length", "output"}.shapeArgs(0b110),
      Op{"", "STFT", C::Other, ruleSTFT, K::Uncounted,
         "signal frame_step window frame_length", "output"}.shapeArgs(0b1010),
      Op{"", "HannWindow", C::Other, ruleWindow, K::Uncounted, "size", "output"}.shapeArgs(0b1),
      Op{"", "HammingWindow", C::Other, ruleWindow, K::Uncounted, "size", "output"}.shapeArgs(0b1),
      Op{"", "BlackmanWindow", C::Other, ruleWindow, K::Uncounted, "size", "output"}.shapeArgs(0b1),
      Op{"", "MelWeightMatrix", C::Other, ruleMelWeightMatrix, K::Uncounted,
         "num_mel_bins dft_length sample_rate lower_edge_hertz upper_edge_hertz", "output"}.shapeArgs(0b11111),
      {"", "StringConcat", C::Other, [](Ctx& c) { broadcastRule(c, ElemType::String); }, K::Uncounted, "X Y", "Z"},
      {"", "StringNormalizer", C::Other, ruleStringNormalizer, K::Uncounted, "X", "Y"},
      {"", "StringSplit", C::Other, ruleStringSplit, K::Uncounted, "X", "Y Z"},
      {"", "RegexFullMatch", C::Other, [](Ctx& c) { c.outTensor(0, ElemType::Bool, c.shape(0)); }, K::Uncounted,
         "X", "Y"},
      {"", "TfIdfVectorizer", C::Other, ruleTfIdf, K::Uncounted, "X", "Y"},
      {"", "ImageDecoder", C::Other, ruleImageDecoder, K::Uncounted, "encoded_stream", "image"},
      Op{"", "NonMaxSuppression", C::Other, ruleNonMaxSuppression, K::Uncounted,
         "boxes scores max_output_boxes_per_class iou_threshold score_threshold", "selected_indices"}
          .shapeArgs(0b11100),
      {"", "NegativeLogLikelihoodLoss", C::Other, ruleNLLLoss, K::Uncounted, "input target weight", "loss"},
      {"", "SoftmaxCrossEntropyLoss", C::Other, ruleSoftmaxCE, K::Uncounted,
         "scores labels weights", "output log_prob"},
      {"", "Det", C::Math, ruleDet, K::Uncounted, "X", "Y"},
      {"", "BitCast", C::Other, ruleBitCast, K::Free, "input", "output"},
      {"", "CausalConvWithState", C::Other, ruleCausalConvWithState, K::Uncounted,
         "input weight bias past_state", "output present_state"},
      {"ai.onnx.preview.training", "Adagrad", C::Other, [](Ctx& c) { ruleOptimizer(c, 3, 2); }, K::Uncounted,
         "R T inputs", "outputs"},
      {"ai.onnx.preview.training", "Momentum", C::Other, [](Ctx& c) { ruleOptimizer(c, 3, 2); }, K::Uncounted,
         "R T inputs", "outputs"},
      {"ai.onnx.preview.training", "Adam", C::Other, [](Ctx& c) { ruleOptimizer(c, 4, 3); }, K::Uncounted,
         "R T inputs", "outputs"},
      {"ai.onnx.preview.training", "Gradient", C::Other, ruleGradient, K::Uncounted, "Inputs", "Outputs"},
      {"ai.onnx.ml", "Binarizer", C::Other, [](Ctx& c) { sameAs(c); }, K::Uncounted, "X", "Y"},
      {"ai.onnx.ml", "LabelEncoder", C::Other, ruleLabelEncoder, K::Uncounted, "X", "Y"},
      {"ai.onnx.ml", "TreeEnsemble", C::Other, ruleTreeEnsemble, K::Uncounted, "X", "Y"},
      {"ai.onnx.ml", "TreeEnsembleRegressor", C::Other, ruleTreeEnsemble, K::Uncounted, "X", "Y"},
      {"ai.onnx.ml", "Scaler", C::Other, ruleFloatSame, K::Uncounted, "X", "Y"},
      {"ai.onnx.ml", "Normalizer", C::Other, ruleFloatSame, K::Uncounted, "X", "Y"},
      {"ai.onnx.ml", "Imputer", C::Other, [](Ctx& c) { sameAs(c); }, K::Uncounted, "X", "Y"},
      {"ai.onnx.ml", "ArrayFeatureExtractor", C::Other, ruleArrayFeatureExtractor, K::Uncounted, "X Y", "Z"},
      {"ai.onnx.ml", "CastMap", C::Other, ruleCastMap, K::Uncounted, "X", "Y"},
      {"ai.onnx.ml", "CategoryMapper", C::Other, ruleCategoryMapper, K::Uncounted, "X", "Y"},
      {"ai.onnx.ml", "DictVectorizer", C::Other, ruleDictVectorizer, K::Uncounted, "X", "Y"},
      {"ai.onnx.ml", "FeatureVectorizer", C::Other, ruleFeatureVectorizer, K::Uncounted, "X", "Y"},
      {"ai.onnx.ml", "LinearClassifier", C::Other, ruleClassifier, K::Uncounted, "X", "Y Z"},
      {"ai.onnx.ml", "LinearRegressor", C::Other, ruleRegressor, K::Uncounted, "X", "Y"},
      {"ai.onnx.ml", "OneHotEncoder", C::Other, ruleOneHotEncoder, K::Uncounted, "X", "Y"},
      {"ai.onnx.ml", "SVMClassifier", C::Other, ruleClassifier, K::Uncounted, "X", "Y Z"},
      {"ai.onnx.ml", "SVMRegressor", C::Other, ruleSVMRegressor, K::Uncounted, "X", "Y"},
      {"ai.onnx.ml", "TreeEnsembleClassifier", C::Other, ruleClassifier, K::Uncounted, "X", "Y Z"},
      {"ai.onnx.ml", "ZipMap", C::Other, ruleZipMap, K::Uncounted, "X", "Z"},
  };
  return kOps;
}

}  // namespace nf::shapes::detail
