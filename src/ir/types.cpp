#include "ir/types.h"

#include <array>

#include "base/checked.h"

namespace nf::ir {

namespace {
struct ElemInfo {
  ElemType type;
  std::string_view name;
  int bits;
};
constexpr std::array<ElemInfo, 27> kElems = {{
    {ElemType::Undefined, "UNDEFINED", 0},     {ElemType::Float, "FLOAT", 32},
    {ElemType::Uint8, "UINT8", 8},             {ElemType::Int8, "INT8", 8},
    {ElemType::Uint16, "UINT16", 16},          {ElemType::Int16, "INT16", 16},
    {ElemType::Int32, "INT32", 32},            {ElemType::Int64, "INT64", 64},
    {ElemType::String, "STRING", 0},           {ElemType::Bool, "BOOL", 8},
    {ElemType::Float16, "FLOAT16", 16},        {ElemType::Double, "DOUBLE", 64},
    {ElemType::Uint32, "UINT32", 32},          {ElemType::Uint64, "UINT64", 64},
    {ElemType::Complex64, "COMPLEX64", 64},    {ElemType::Complex128, "COMPLEX128", 128},
    {ElemType::BFloat16, "BFLOAT16", 16},      {ElemType::Float8E4M3FN, "FLOAT8E4M3FN", 8},
    {ElemType::Float8E4M3FNUZ, "FLOAT8E4M3FNUZ", 8}, {ElemType::Float8E5M2, "FLOAT8E5M2", 8},
    {ElemType::Float8E5M2FNUZ, "FLOAT8E5M2FNUZ", 8}, {ElemType::Uint4, "UINT4", 4},
    {ElemType::Int4, "INT4", 4},               {ElemType::Float4E2M1, "FLOAT4E2M1", 4},
    {ElemType::Float8E8M0, "FLOAT8E8M0", 8},   {ElemType::Uint2, "UINT2", 2},
    {ElemType::Int2, "INT2", 2},
}};
}  // namespace

std::string_view elemTypeName(ElemType t) {
  auto i = static_cast<size_t>(t);
  return i < kElems.size() ? kElems[i].name : std::string_view("UNDEFINED");
}

ElemType elemTypeFromName(std::string_view name) {
  for (const auto& e : kElems)
    if (e.name == name) return e.type;
  return ElemType::Undefined;
}

int elemTypeBits(ElemType t) {
  auto i = static_cast<size_t>(t);
  return i < kElems.size() ? kElems[i].bits : 0;
}

bool isFloatType(ElemType t) {
  switch (t) {
    case ElemType::Float: case ElemType::Double: case ElemType::Float16: case ElemType::BFloat16:
    case ElemType::Float8E4M3FN: case ElemType::Float8E4M3FNUZ: case ElemType::Float8E5M2:
    case ElemType::Float8E5M2FNUZ: case ElemType::Float4E2M1: case ElemType::Float8E8M0:
      return true;
    default:
      return false;
  }
}

bool isIntegerType(ElemType t) {
  switch (t) {
    case ElemType::Uint8: case ElemType::Int8: case ElemType::Uint16: case ElemType::Int16:
    case ElemType::Int32: case ElemType::Int64: case ElemType::Uint32: case ElemType::Uint64:
    case ElemType::Uint4: case ElemType::Int4: case ElemType::Uint2: case ElemType::Int2:
      return true;
    default:
      return false;
  }
}

Shape Shape::ofKnown(const std::vector<int64_t>& d) {
  Shape s;
  s.rank_known = true;
  for (int64_t v : d) s.dims.push_back(Dim::known(v));
  return s;
}

bool Shape::fullyKnown() const {
  if (!rank_known) return false;
  for (const auto& d : dims)
    if (!d.isKnown()) return false;
  return true;
}

int64_t Shape::elementCount() const {
  if (!rank_known) return -1;
  std::vector<int64_t> values;
  values.reserve(dims.size());
  for (const auto& d : dims) {
    if (!d.isKnown()) return -1;
    values.push_back(d.value);
  }
  return checkedProduct(values).value_or(-1);
}

std::string shapeToString(const Shape& s) {
  if (!s.rank_known) return "?";
  std::string out = "[";
  for (size_t i = 0; i < s.dims.size(); ++i) {
    if (i) out += ", ";
    const Dim& d = s.dims[i];
    if (d.isKnown())
      out += std::to_string(d.value);
    else if (d.isSymbolic())
      out += d.symbol;
    else
      out += "?";
  }
  return out + "]";
}

std::string typeToString(const Type& t) {
  switch (t.kind) {
    case Type::Kind::None: return "?";
    case Type::Kind::Tensor:
      return std::string(elemTypeName(t.elem)) + shapeToString(t.shape);
    case Type::Kind::SparseTensor:
      return "sparse(" + std::string(elemTypeName(t.elem)) + shapeToString(t.shape) + ")";
    case Type::Kind::Sequence: return "seq(" + (t.inner ? typeToString(*t.inner) : "?") + ")";
    case Type::Kind::Optional: return "optional(" + (t.inner ? typeToString(*t.inner) : "?") + ")";
    case Type::Kind::Map:
      return "map(" + std::string(elemTypeName(t.key)) + ", " + (t.inner ? typeToString(*t.inner) : "?") + ")";
  }
  return "?";
}

}  // namespace nf::ir
