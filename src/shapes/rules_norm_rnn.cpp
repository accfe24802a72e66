// Rules for normalisation layers (BatchNormalization, InstanceNormalization,
// LayerNormalization, GroupNormalization, RMSNormalization) and recurrent layers
// (RNN, GRU, LSTM).
#include "shapes/rule_helpers.h"
#include "shapes/symbolic.h"

namespace nf::shapes::detail {

namespace {

// [Normalisation] -----------------------------------------------------------------------

void ruleBatchNorm(Ctx& c) {
  sameAs(c, 0, 0);
  // Training-mode outputs: running mean/var (opset 14+) or, before opset 9, also
  // saved mean/var; all are per-channel vectors shaped like `scale`.
  for (size_t i = 1; i < c.numOutputs(); ++i)
    if (c.hasOut(i) && c.isTensor(1)) c.outTensor(i, c.elem(i < 3 ? 3 : 1), c.shape(1));
}

void ruleLayerNorm(Ctx& c) {
  sameAs(c, 0, 0);
  const Shape& in = c.shape(0);
  if (!in.rank_known) return;
  int64_t r = static_cast<int64_t>(in.rank()), ax;
  if (!normAxis(c.attrInt("axis", -1), r, &ax)) {
    c.issue("axis out of range for rank " + std::to_string(r));
    return;
  }
  // Mean and InvStdDev keep the leading dims and are 1 from `axis` on.
  Shape stats = in;
  for (int64_t k = ax; k < r; ++k) stats.dims[k] = Dim::known(1);
  ElemType se = c.hasAttr("stash_type") ? elemFromAttr(c.attrInt("stash_type", 1)) : ElemType::Float;
  if (c.hasOut(1)) c.outTensor(1, se, stats);
  if (c.hasOut(2)) c.outTensor(2, se, stats);
}

void ruleSameAsInput(Ctx& c) { sameAs(c, 0, 0); }

// [Recurrent layers] ----------------------------------------------------------------------

// Y: [seq, dirs, batch, hidden] (layout 0) or [batch, seq, dirs, hidden] (layout 1);
// Y_h / Y_c: [dirs, batch, hidden] or [batch, dirs, hidden].
void ruleRecurrent(Ctx& c) {
  const Shape& x = c.shape(0);
  const Shape& w = c.shape(1);
  ElemType e = c.elem(0);
  int64_t layout = c.attrInt("layout", 0);
  std::string dir = c.attrStr("direction", "forward");
  Dim dirs = Dim::known(dir == "bidirectional" ? 2 : 1);
  Dim hidden = Dim::unknown();
  if (c.hasAttr("hidden_size")) hidden = Dim::known(c.attrInt("hidden_size", 0));
  else if (w.rank_known && w.rank() == 3) {
    int64_t gates = c.opType() == "LSTM" ? 4 : c.opType() == "GRU" ? 3 : 1;
    hidden = dimDiv(w.dims[1], Dim::known(gates));
  }
  Dim seq = Dim::unknown(), batch = Dim::unknown();
  if (x.rank_known && x.rank() == 3) {
    seq = x.dims[layout ? 1 : 0];
    batch = x.dims[layout ? 0 : 1];
  }
  if (layout) {
    c.outTensor(0, e, Shape::of({batch, seq, dirs, hidden}));
    c.outTensor(1, e, Shape::of({batch, dirs, hidden}));
    c.outTensor(2, e, Shape::of({batch, dirs, hidden}));
  } else {
    c.outTensor(0, e, Shape::of({seq, dirs, batch, hidden}));
    c.outTensor(1, e, Shape::of({dirs, batch, hidden}));
    c.outTensor(2, e, Shape::of({dirs, batch, hidden}));
  }
}

}  // namespace

// The ops of this family, one entry each (fields: shapes/op_registry.h).
std::span<const OpSpec> normRnnOps() {
  using namespace op_table;
  static const OpSpec kOps[] = {
      Op{"", "BatchNormalization", C::Normalization, ruleBatchNorm, K::PerOutput2,
         "X scale B mean var", "Y running_mean running_var"}.labelled(),
      Op{"", "LayerNormalization", C::Normalization, ruleLayerNorm, K::PerOutput5,
         "X Scale B", "Y Mean InvStdDev"}.labelled(),
      Op{"", "InstanceNormalization", C::Normalization, ruleSameAsInput, K::PerOutput5,
         "input scale B", "output"}.labelled(),
      Op{"", "GroupNormalization", C::Normalization, ruleSameAsInput, K::PerOutput5, "X scale bias", "Y"}.labelled(),
      {"", "RMSNormalization", C::Normalization, ruleSameAsInput, K::PerOutput5, "X scale", "Y"},
      Op{"", "RNN", C::MatMul, ruleRecurrent, K::Recurrent, "X W R B sequence_lens initial_h", "Y Y_h"}.labelled(),
      Op{"", "GRU", C::MatMul, ruleRecurrent, K::Recurrent, "X W R B sequence_lens initial_h", "Y Y_h"}.labelled(),
      Op{"", "LSTM", C::MatMul, ruleRecurrent, K::Recurrent,
         "X W R B sequence_lens initial_h initial_c P", "Y Y_h Y_c"}.labelled(),
  };
  return kOps;
}

}  // namespace nf::shapes::detail
