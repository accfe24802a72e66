// ir/types.h - element types, dimensions, shapes and value types of the model IR.
//
// Independent of protobuf: the numbering of ElemType and AttrType follows the ONNX
// schema so readers convert by cast, but nothing here includes ONNX headers.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nf::ir {

// Tensor element types; values equal onnx.TensorProto.DataType.
enum class ElemType : int32_t {
  Undefined = 0,
  Float = 1,
  Uint8 = 2,
  Int8 = 3,
  Uint16 = 4,
  Int16 = 5,
  Int32 = 6,
  Int64 = 7,
  String = 8,
  Bool = 9,
  Float16 = 10,
  Double = 11,
  Uint32 = 12,
  Uint64 = 13,
  Complex64 = 14,
  Complex128 = 15,
  BFloat16 = 16,
  Float8E4M3FN = 17,
  Float8E4M3FNUZ = 18,
  Float8E5M2 = 19,
  Float8E5M2FNUZ = 20,
  Uint4 = 21,
  Int4 = 22,
  Float4E2M1 = 23,
  Float8E8M0 = 24,
  Uint2 = 25,
  Int2 = 26,
};

// "FLOAT", "INT64", ... as ONNX spells them; "UNDEFINED" for unknown codes.
std::string_view elemTypeName(ElemType t);
// Inverse of elemTypeName; Undefined if not recognised.
ElemType elemTypeFromName(std::string_view name);
// Bits per element (4 for int4, 8 for int8, 64 for complex64 counts both parts...);
// 0 for String and Undefined.
int elemTypeBits(ElemType t);
bool isFloatType(ElemType t);    // float, double, float16, bfloat16, float8/4 kinds
bool isIntegerType(ElemType t);  // signed and unsigned ints incl. 4-bit, excludes bool

// One dimension: a known size, a symbol (ONNX dim_param such as "batch"), or unknown.
struct Dim {
  enum class Kind : uint8_t { Unknown, Known, Symbolic };
  Kind kind = Kind::Unknown;
  int64_t value = 0;   // valid when kind == Known
  std::string symbol;  // valid when kind == Symbolic

  static Dim known(int64_t v) { return Dim{Kind::Known, v, {}}; }
  static Dim symbolic(std::string s) { return Dim{Kind::Symbolic, 0, std::move(s)}; }
  static Dim unknown() { return Dim{}; }
  bool isKnown() const { return kind == Kind::Known; }
  bool isSymbolic() const { return kind == Kind::Symbolic; }
  bool operator==(const Dim& o) const {
    return kind == o.kind && (kind != Kind::Known || value == o.value) &&
           (kind != Kind::Symbolic || symbol == o.symbol);
  }
  bool operator!=(const Dim& o) const { return !(*this == o); }
};

// A tensor shape. rank_known == false means "no shape information at all".
struct Shape {
  bool rank_known = false;
  std::vector<Dim> dims;

  static Shape unknownRank() { return Shape{}; }
  static Shape of(std::vector<Dim> d) { return Shape{true, std::move(d)}; }
  static Shape ofKnown(const std::vector<int64_t>& d);
  size_t rank() const { return dims.size(); }
  bool fullyKnown() const;  // rank known and every dim Known
  // Product of the dims; -1 when any dim is not Known, the rank is unknown, or
  // the product does not fit in int64 (checked, never wrapped).
  int64_t elementCount() const;
  bool operator==(const Shape& o) const { return rank_known == o.rank_known && dims == o.dims; }
  bool operator!=(const Shape& o) const { return !(*this == o); }
};

// "[1, 3, batch, ?]"; "?" for an unknown rank.
std::string shapeToString(const Shape& s);

// The type of a value (onnx.TypeProto).
struct Type {
  enum class Kind : uint8_t { None, Tensor, SparseTensor, Sequence, Map, Optional };
  Kind kind = Kind::None;
  ElemType elem = ElemType::Undefined;  // Tensor/SparseTensor element type
  Shape shape;                          // Tensor/SparseTensor
  ElemType key = ElemType::Undefined;   // Map key type
  std::shared_ptr<Type> inner;          // Sequence/Optional element, Map value
  std::string denotation;

  static Type tensor(ElemType e, Shape s) {
    Type t;
    t.kind = Kind::Tensor;
    t.elem = e;
    t.shape = std::move(s);
    return t;
  }
  bool isTensor() const { return kind == Kind::Tensor; }
  bool known() const { return kind != Kind::None; }
};

// "FLOAT[1,3,224,224]", "seq(FLOAT[?])", "map(INT64, FLOAT)".
std::string typeToString(const Type& t);

}  // namespace nf::ir
