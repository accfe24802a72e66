// shapes/symbolic.h - arithmetic on dimensions that may be symbolic.
//
// A symbolic ir::Dim holds a text expression. Plain ONNX dim_params ("batch",
// "seq_len", "past_sequence_length + 1") are read as polynomials with integer
// coefficients over named symbols; results are printed in one canonical form
// ("batch*seq", "2*n+1", "n-1"), so two routes to the same quantity print alike.
//
// Contract of every function here:
//   - Known op Known gives Known (floor semantics for division, as ONNX shape
//     arithmetic uses), Unknown on overflow or division by zero.
//   - Any Unknown operand gives Unknown.
//   - Symbolic operands give a symbolic result when the result is a polynomial:
//     sums, differences and products always are; a quotient only when the
//     division is exact term by term (batch*seq*768 / 768 = batch*seq). Anything
//     else (batch/2, (h+1)/2 for a strided conv) is Unknown: we never guess a
//     rounding for an unknown value.
//   - A dim_param that is not in the expression grammar ("sequence length",
//     "N?") is one opaque symbol; in a compound result it prints in parentheses.
#pragma once
#include <cstdint>
#include <string>

#include "ir/types.h"

namespace nf::shapes {

ir::Dim dimAdd(const ir::Dim& a, const ir::Dim& b);
ir::Dim dimSub(const ir::Dim& a, const ir::Dim& b);
ir::Dim dimMul(const ir::Dim& a, const ir::Dim& b);
// Floor division for Known; exact division only for symbolic (see above).
ir::Dim dimDiv(const ir::Dim& a, const ir::Dim& b);
// ceil(a / b): Known only, or symbolic when b divides a exactly.
ir::Dim dimCeilDiv(const ir::Dim& a, const ir::Dim& b);
// Python-style modulo for Known; 0 for an exact symbolic division; else Unknown.
ir::Dim dimMod(const ir::Dim& a, const ir::Dim& b);

inline ir::Dim dimAdd(const ir::Dim& a, int64_t b) { return dimAdd(a, ir::Dim::known(b)); }
inline ir::Dim dimMul(const ir::Dim& a, int64_t b) { return dimMul(a, ir::Dim::known(b)); }

// Three-valued comparison of two dims.
enum class Tri : uint8_t { No, Yes, Maybe };
// Yes when both are Known and equal, or both symbolic with the same canonical
// expression; No when both Known and different, or their difference is a
// nonzero constant (n vs n+1); Maybe otherwise.
Tri dimEquals(const ir::Dim& a, const ir::Dim& b);

// The canonical spelling of a symbolic dim (Known/Unknown returned unchanged).
// A single plain symbol keeps its original text.
ir::Dim canonicalDim(const ir::Dim& d);

// Product of dims (1 for none); Unknown if any is unknown.
ir::Dim dimProduct(const ir::Dim* dims, size_t n);

}  // namespace nf::shapes
