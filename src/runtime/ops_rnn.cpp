// runtime/ops_rnn.cpp - RNN, GRU and LSTM (forward, reverse, bidirectional; both
// layouts; sequence_lens; clip; custom activations). Computed in double.
#include <cmath>
#include <functional>

#include "runtime/ops_common.h"

namespace nf::runtime {

namespace {

using E = ir::ElemType;
using Act = std::function<double(double)>;

Act activation(const std::string& name, float alpha, float beta, bool has_alpha, bool has_beta) {
  if (name == "Sigmoid") return [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
  if (name == "Tanh") return [](double x) { return std::tanh(x); };
  if (name == "Relu") return [](double x) { return x > 0 ? x : 0.0; };
  if (name == "LeakyRelu") { const double a = has_alpha ? alpha : 0.01; return [a](double x) { return x >= 0 ? x : a * x; }; }
  if (name == "ThresholdedRelu") { const double a = has_alpha ? alpha : 1.0; return [a](double x) { return x > a ? x : 0.0; }; }
  if (name == "ScaledTanh") { const double a = has_alpha ? alpha : 1.0, b = has_beta ? beta : 1.0; return [a, b](double x) { return a * std::tanh(b * x); }; }
  if (name == "HardSigmoid") { const double a = has_alpha ? alpha : 0.2, b = has_beta ? beta : 0.5; return [a, b](double x) { return std::max(0.0, std::min(1.0, a * x + b)); }; }
  if (name == "Elu") { const double a = has_alpha ? alpha : 1.0; return [a](double x) { return x >= 0 ? x : a * (std::exp(x) - 1); }; }
  if (name == "Softsign") return [](double x) { return x / (1 + std::fabs(x)); };
  if (name == "Softplus") return [](double x) { return std::log1p(std::exp(x)); };
  if (name == "Affine") { const double a = has_alpha ? alpha : 1.0, b = has_beta ? beta : 0.0; return [a, b](double x) { return a * x + b; }; }
  return nullptr;
}

enum class Cell { Rnn, Gru, Lstm };

bool recurrent(KernelContext& ctx, Cell cell) {
  if (!ctx.require(0) || !ctx.require(1) || !ctx.require(2)) return false;
  const int gates = cell == Cell::Rnn ? 1 : cell == Cell::Gru ? 3 : 4;
  const int nact = cell == Cell::Rnn ? 1 : cell == Cell::Gru ? 2 : 3;
  const Tensor& X = ctx.in(0);
  const Tensor& W = ctx.in(1);
  const Tensor& R = ctx.in(2);
  const bool layout1 = ctx.attrInt("layout", 0) != 0;
  if (X.rank() != 3 || W.rank() != 3 || R.rank() != 3) return ctx.fail("X, W and R must be 3-D");
  const int64_t T = layout1 ? X.shape[1] : X.shape[0], B = layout1 ? X.shape[0] : X.shape[1], I = X.shape[2];
  const int64_t D = W.shape[0], H = R.shape[2];
  if (W.shape[1] != gates * H || W.shape[2] != I || R.shape[1] != gates * H) return ctx.fail("W/R shapes do not match");
  const std::string dir = ctx.attrString("direction", "forward");
  if ((dir == "bidirectional") != (D == 2)) return ctx.fail("direction does not match W's first dimension");
  std::vector<std::string> names;
  if (const ir::Attribute* a = ctx.attr("activations")) names = a->strings;
  const std::vector<float> alphas = ctx.attrFloats("activation_alpha"), betas = ctx.attrFloats("activation_beta");
  std::vector<Act> acts;
  static const char* defaults[3][3] = {{"Tanh"}, {"Sigmoid", "Tanh"}, {"Sigmoid", "Tanh", "Tanh"}};
  for (int64_t d = 0; d < D; ++d)
    for (int k = 0; k < nact; ++k) {
      const size_t i = static_cast<size_t>(d * nact + k);
      const std::string n = i < names.size() ? names[i] : defaults[static_cast<int>(cell)][k];
      Act f = activation(n, i < alphas.size() ? alphas[i] : 0.f, i < betas.size() ? betas[i] : 0.f, i < alphas.size(), i < betas.size());
      if (!f) return ctx.fail("unsupported activation " + n);
      acts.push_back(f);
    }
  const double clip = ctx.attrFloat("clip", 0.f);
  const bool input_forget = ctx.attrInt("input_forget", 0) != 0;
  const bool lbr = ctx.attrInt("linear_before_reset", 0) != 0;
  auto clipped = [clip](double v) { return clip > 0 ? std::max(-clip, std::min(clip, v)) : v; };
  const Tensor* Bt = ctx.hasTensor(3) ? &ctx.in(3) : nullptr;
  const Tensor* lens = ctx.hasTensor(4) ? &ctx.in(4) : nullptr;
  const Tensor* h0 = ctx.hasTensor(5) ? &ctx.in(5) : nullptr;
  const Tensor* c0 = cell == Cell::Lstm && ctx.hasTensor(6) ? &ctx.in(6) : nullptr;
  const Tensor* P = cell == Cell::Lstm && ctx.hasTensor(7) ? &ctx.in(7) : nullptr;
  auto xAt = [&](int64_t t, int64_t b, int64_t i) { return elementAsDouble(X, layout1 ? (b * T + t) * I + i : (t * B + b) * I + i); };
  auto stateIdx = [&](int64_t d, int64_t b, int64_t h) { return layout1 ? (b * D + d) * H + h : (d * B + b) * H + h; };
  std::vector<int64_t> yshape = layout1 ? std::vector<int64_t>{B, T, D, H} : std::vector<int64_t>{T, D, B, H};
  std::vector<int64_t> sshape = layout1 ? std::vector<int64_t>{B, D, H} : std::vector<int64_t>{D, B, H};
  Tensor* Y = ctx.wantsOutput(0) ? ctx.output(0, X.type, yshape) : nullptr;
  Tensor* Yh = ctx.wantsOutput(1) ? ctx.output(1, X.type, sshape) : nullptr;
  Tensor* Yc = cell == Cell::Lstm && ctx.wantsOutput(2) ? ctx.output(2, X.type, sshape) : nullptr;
  if (!ctx.error.empty()) return false;
  std::vector<double> g(static_cast<size_t>(gates * H)), hprev(static_cast<size_t>(H)), cprev(static_cast<size_t>(H)), hnew(H), rh(H);
  for (int64_t d = 0; d < D; ++d) {
    const bool reverse = dir == "reverse" || d == 1;
    const Act* f = &acts[static_cast<size_t>(d * nact)];
    auto w = [&](int64_t r, int64_t c) { return elementAsDouble(W, (d * gates * H + r) * I + c); };
    auto rr = [&](int64_t r, int64_t c) { return elementAsDouble(R, (d * gates * H + r) * H + c); };
    auto wb = [&](int64_t r) { return Bt ? elementAsDouble(*Bt, d * 2 * gates * H + r) : 0.0; };
    auto rb = [&](int64_t r) { return Bt ? elementAsDouble(*Bt, d * 2 * gates * H + gates * H + r) : 0.0; };
    for (int64_t b = 0; b < B; ++b) {
      const int64_t L = lens ? std::min<int64_t>(elementAsInt(*lens, b), T) : T;
      for (int64_t h = 0; h < H; ++h) {
        hprev[h] = h0 ? elementAsDouble(*h0, stateIdx(d, b, h)) : 0.0;
        cprev[h] = c0 ? elementAsDouble(*c0, stateIdx(d, b, h)) : 0.0;
      }
      for (int64_t s = 0; s < L; ++s) {
        const int64_t t = reverse ? L - 1 - s : s;
        for (int64_t r = 0; r < gates * H; ++r) {
          double acc = wb(r);
          for (int64_t i = 0; i < I; ++i) acc += xAt(t, b, i) * w(r, i);
          g[r] = acc;
        }
        if (cell == Cell::Rnn) {
          for (int64_t h = 0; h < H; ++h) {
            double acc = g[h] + rb(h);
            for (int64_t k = 0; k < H; ++k) acc += hprev[k] * rr(h, k);
            hnew[h] = f[0](clipped(acc));
          }
        } else if (cell == Cell::Gru) {
          std::vector<double> z(H), r(H);
          for (int64_t h = 0; h < H; ++h) {
            double az = g[h] + rb(h), ar = g[H + h] + rb(H + h);
            for (int64_t k = 0; k < H; ++k) {
              az += hprev[k] * rr(h, k);
              ar += hprev[k] * rr(H + h, k);
            }
            z[h] = f[0](clipped(az));
            r[h] = f[0](clipped(ar));
          }
          for (int64_t h = 0; h < H; ++h) {
            double acc = g[2 * H + h];
            if (lbr) {
              double lin = rb(2 * H + h);
              for (int64_t k = 0; k < H; ++k) lin += hprev[k] * rr(2 * H + h, k);
              acc += r[h] * lin;
            } else {
              double lin = rb(2 * H + h);
              for (int64_t k = 0; k < H; ++k) lin += r[k] * hprev[k] * rr(2 * H + h, k);
              acc += lin;
            }
            const double hh = f[1](clipped(acc));
            hnew[h] = (1 - z[h]) * hh + z[h] * hprev[h];
          }
        } else {
          std::vector<double> cnew(H);
          for (int64_t h = 0; h < H; ++h) {
            double a[4];
            for (int q = 0; q < 4; ++q) {
              a[q] = g[q * H + h] + rb(q * H + h);
              for (int64_t k = 0; k < H; ++k) a[q] += hprev[k] * rr(q * H + h, k);
            }
            const double pi = P ? elementAsDouble(*P, d * 3 * H + h) : 0, po = P ? elementAsDouble(*P, d * 3 * H + H + h) : 0,
                         pf = P ? elementAsDouble(*P, d * 3 * H + 2 * H + h) : 0;
            const double ig = f[0](clipped(a[0] + pi * cprev[h]));
            double fg = f[0](clipped(a[2] + pf * cprev[h]));
            if (input_forget) fg = 1 - ig;
            const double cc = f[1](clipped(a[3]));
            cnew[h] = fg * cprev[h] + ig * cc;
            const double og = f[0](clipped(a[1] + po * cnew[h]));
            hnew[h] = og * f[2](cnew[h]);
          }
          cprev = cnew;
        }
        hprev = hnew;
        if (Y)
          for (int64_t h = 0; h < H; ++h)
            setElementFromDouble(*Y, layout1 ? ((b * T + t) * D + d) * H + h : ((t * D + d) * B + b) * H + h, hprev[h]);
      }
      for (int64_t h = 0; h < H; ++h) {
        if (Yh) setElementFromDouble(*Yh, stateIdx(d, b, h), hprev[h]);
        if (Yc) setElementFromDouble(*Yc, stateIdx(d, b, h), cprev[h]);
      }
    }
  }
  return true;
}

bool rnn(KernelContext& c) { return recurrent(c, Cell::Rnn); }
bool gru(KernelContext& c) { return recurrent(c, Cell::Gru); }
bool lstm(KernelContext& c) { return recurrent(c, Cell::Lstm); }

}  // namespace

const std::vector<KernelEntry>& rnnKernels() {
  static const std::vector<KernelEntry> table = {{"", "RNN", rnn}, {"", "GRU", gru}, {"", "LSTM", lstm}};
  return table;
}

}  // namespace nf::runtime
