#include "scene/op_summary.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "shapes/op_registry.h"

namespace nf::scene {

namespace {

const char* kTimes = "\xC3\x97";  // ×
const char* kArrow = "\xE2\x86\x92";  // →
const char* kAlpha = "\xCE\xB1";  // α
const char* kBeta = "\xCE\xB2";   // β

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string joinInts(const std::vector<int64_t>& v, const char* sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += std::to_string(v[i]);
  }
  return out;
}

bool allEqual(const std::vector<int64_t>& v, int64_t x) {
  return std::all_of(v.begin(), v.end(), [&](int64_t e) { return e == x; });
}

void add(std::string& out, const std::string& part) {
  if (part.empty()) return;
  if (!out.empty()) out += "  ";
  out += part;
}

const ir::Attribute* attrOf(const ir::Node& n, const char* name, ir::AttrType type) {
  const ir::Attribute* a = n.attr(name);
  return a && a->type == type ? a : nullptr;
}

// Kernel, stride, padding, dilation, groups: the convolution/pooling family.
void windowSummary(const ir::Graph& graph, const ir::Node& n, bool weights_give_kernel, std::string& out) {
  std::vector<int64_t> kernel;
  if (auto* k = attrOf(n, "kernel_shape", ir::AttrType::Ints)) kernel = k->ints;
  if (kernel.empty() && weights_give_kernel && n.inputs.size() > 1 && n.inputs[1].valid()) {
    const ir::Value& w = graph.value(n.inputs[1]);
    if (w.initializer >= 0) {
      const auto& dims = graph.initializers[static_cast<size_t>(w.initializer)].dims;
      if (dims.size() > 2) kernel.assign(dims.begin() + 2, dims.end());
    } else if (w.type.isTensor() && w.type.shape.rank_known && w.type.shape.rank() > 2 &&
               w.type.shape.fullyKnown()) {
      for (size_t i = 2; i < w.type.shape.rank(); ++i) kernel.push_back(w.type.shape.dims[i].value);
    }
  }
  std::string part = joinInts(kernel, kTimes);
  if (auto* s = attrOf(n, "strides", ir::AttrType::Ints); s && !s->ints.empty() && !allEqual(s->ints, 1)) {
    part += part.empty() ? "/" : " /";
    part += allEqual(s->ints, s->ints[0]) ? std::to_string(s->ints[0]) : joinInts(s->ints, kTimes);
  }
  add(out, part);
  if (auto* p = attrOf(n, "pads", ir::AttrType::Ints); p && !p->ints.empty() && !allEqual(p->ints, 0))
    add(out, "pads " + (allEqual(p->ints, p->ints[0]) ? std::to_string(p->ints[0]) : joinInts(p->ints, ",")));
  if (auto* a = attrOf(n, "auto_pad", ir::AttrType::String); a && !a->s.empty() && a->s != "NOTSET") {
    std::string mode = a->s;
    std::transform(mode.begin(), mode.end(), mode.begin(), [](unsigned char c) { return std::tolower(c); });
    add(out, mode);
  }
  if (auto* d = attrOf(n, "dilations", ir::AttrType::Ints); d && !d->ints.empty() && !allEqual(d->ints, 1))
    add(out, "dil " + (allEqual(d->ints, d->ints[0]) ? std::to_string(d->ints[0]) : joinInts(d->ints, kTimes)));
  if (auto* g = attrOf(n, "group", ir::AttrType::Int); g && g->i > 1) add(out, "groups " + std::to_string(g->i));
  if (auto* c = attrOf(n, "ceil_mode", ir::AttrType::Int); c && c->i) add(out, "ceil");
}

// Reads up to 64 bytes of a tensor's raw layout.
bool smallTensorBytes(const ir::Model& model, const ir::Tensor& t, std::vector<uint8_t>* out) {
  if (t.storage == ir::Tensor::Storage::Inline) {
    *out = t.bytes;
    return true;
  }
  if (t.storage != ir::Tensor::Storage::Source || t.ref.length > 64 || t.ref.source >= model.sources.size())
    return false;
  const auto& src = model.sources[t.ref.source].bytes;
  if (!src) return false;
  out->resize(static_cast<size_t>(t.ref.length));
  return src->read(t.ref.offset, out->data(), out->size());
}

template <class T>
T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);  // little-endian hosts only (x86, wasm)
  return v;
}

}  // namespace

std::string attributeSummary(const ir::Model& model, const ir::Graph& graph, const ir::Node& n) {
  (void)model;
  std::string out;
  const shapes::OpSpec* spec = shapes::findOpByType(n.domain, n.op_type);
  const shapes::KeyAttrs key = spec ? spec->key_attrs : shapes::KeyAttrs::None;
  using K = shapes::KeyAttrs;
  switch (key) {
    case K::ConvWindow: windowSummary(graph, n, true, out); break;
    case K::PoolWindow: windowSummary(graph, n, false, out); break;
    case K::Gemm:
      if (auto* a = attrOf(n, "transA", ir::AttrType::Int); a && a->i) add(out, "transA");
      if (auto* b = attrOf(n, "transB", ir::AttrType::Int); b && b->i) add(out, "transB");
      if (auto* a = attrOf(n, "alpha", ir::AttrType::Float); a && a->f != 1.0f) add(out, std::string(kAlpha) + " " + num(a->f));
      if (auto* b = attrOf(n, "beta", ir::AttrType::Float); b && b->f != 1.0f) add(out, std::string(kBeta) + " " + num(b->f));
      break;
    case K::Perm:
      if (auto* p = attrOf(n, "perm", ir::AttrType::Ints)) add(out, "perm " + joinInts(p->ints, ","));
      break;
    case K::CastTo:
      if (auto* t = attrOf(n, "to", ir::AttrType::Int))
        add(out, std::string(kArrow) + " " + std::string(ir::elemTypeName(static_cast<ir::ElemType>(t->i))));
      break;
    case K::Alpha:
      if (auto* a = attrOf(n, "alpha", ir::AttrType::Float)) add(out, std::string(kAlpha) + " " + num(a->f));
      break;
    case K::ClipRange: {
      auto* lo = attrOf(n, "min", ir::AttrType::Float);
      auto* hi = attrOf(n, "max", ir::AttrType::Float);
      if (lo || hi) add(out, "[" + (lo ? num(lo->f) : std::string("-inf")) + ", " + (hi ? num(hi->f) : "inf") + "]");
      break;
    }
    case K::Mode:
      if (auto* m = attrOf(n, "mode", ir::AttrType::String); m && !m->s.empty()) add(out, m->s);
      break;
    case K::PadMode:
      if (auto* m = attrOf(n, "mode", ir::AttrType::String); m && !m->s.empty() && m->s != "constant") add(out, m->s);
      if (auto* p = attrOf(n, "pads", ir::AttrType::Ints)) add(out, "pads " + joinInts(p->ints, ","));
      break;
    case K::Size:
      if (auto* s = attrOf(n, "size", ir::AttrType::Int)) add(out, "size " + std::to_string(s->i));
      break;
    case K::ScanInputs:
      if (auto* s = attrOf(n, "num_scan_inputs", ir::AttrType::Int)) add(out, "scan inputs " + std::to_string(s->i));
      break;
    case K::BlockSize:
      if (auto* b = attrOf(n, "blocksize", ir::AttrType::Int)) add(out, "block " + std::to_string(b->i));
      break;
    case K::None:
    case K::SplitSizes: break;  // Split's sizes follow the axis
  }
  // Axis attributes, whatever the op: Concat, Softmax, Gather, Split, Flatten, Reduce*...
  if (auto* a = attrOf(n, "axis", ir::AttrType::Int)) add(out, "axis " + std::to_string(a->i));
  if (auto* a = attrOf(n, "axes", ir::AttrType::Ints)) add(out, "axes " + joinInts(a->ints, ","));
  if (auto* k = attrOf(n, "keepdims", ir::AttrType::Int); k && k->i == 0) add(out, "keepdims 0");
  if (key == K::SplitSizes) {
    if (auto* s = attrOf(n, "split", ir::AttrType::Ints)) add(out, "split " + joinInts(s->ints, ","));
  }
  return out;
}

std::string_view inputLabel(std::string_view op_type, uint32_t slot) {
  const shapes::OpSpec* op = shapes::findOpByType("", op_type);
  if (!op || !op->label_inputs) return {};
  return op->inputName(slot);
}

std::string tensorValueText(const ir::Model& model, const ir::Tensor& t) {
  const int64_t count = t.elementCount();
  if (count < 1 || count > 8) return {};
  const int bits = ir::elemTypeBits(t.elem);
  const bool supported = t.elem == ir::ElemType::Float || t.elem == ir::ElemType::Double ||
                         t.elem == ir::ElemType::Int64 || t.elem == ir::ElemType::Int32 ||
                         t.elem == ir::ElemType::Int8 || t.elem == ir::ElemType::Uint8 ||
                         t.elem == ir::ElemType::Bool;
  if (!supported || bits % 8 != 0) return {};
  std::vector<uint8_t> bytes;
  if (!smallTensorBytes(model, t, &bytes)) return {};
  const size_t step = static_cast<size_t>(bits / 8);
  if (bytes.size() < step * static_cast<size_t>(count)) return {};
  std::string out = t.dims.empty() ? "= " : "= [";
  for (int64_t i = 0; i < count; ++i) {
    const uint8_t* p = bytes.data() + step * static_cast<size_t>(i);
    if (i) out += ", ";
    switch (t.elem) {
      case ir::ElemType::Float: out += num(load<float>(p)); break;
      case ir::ElemType::Double: out += num(load<double>(p)); break;
      case ir::ElemType::Int64: out += std::to_string(load<int64_t>(p)); break;
      case ir::ElemType::Int32: out += std::to_string(load<int32_t>(p)); break;
      case ir::ElemType::Int8: out += std::to_string(load<int8_t>(p)); break;
      case ir::ElemType::Uint8: out += std::to_string(load<uint8_t>(p)); break;
      default: out += *p ? "true" : "false"; break;
    }
  }
  if (!t.dims.empty()) out += "]";
  return out;
}

}  // namespace nf::scene
