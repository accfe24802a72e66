#include <gtest/gtest.h>

#include "shapes/symbolic.h"

namespace nf::shapes {
namespace {

using ir::Dim;

std::string txt(const Dim& d) {
  if (d.isKnown()) return std::to_string(d.value);
  if (d.isSymbolic()) return d.symbol;
  return "?";
}

TEST(ShapesSymbolic, KnownArithmeticUsesFloorDivision) {
  EXPECT_EQ(txt(dimAdd(Dim::known(2), Dim::known(3))), "5");
  EXPECT_EQ(txt(dimMul(Dim::known(4), Dim::known(6))), "24");
  EXPECT_EQ(txt(dimDiv(Dim::known(7), Dim::known(2))), "3");
  EXPECT_EQ(txt(dimDiv(Dim::known(-7), Dim::known(2))), "-4");
  EXPECT_EQ(txt(dimCeilDiv(Dim::known(7), Dim::known(2))), "4");
  EXPECT_EQ(txt(dimDiv(Dim::known(7), Dim::known(0))), "?");
  EXPECT_EQ(txt(dimMod(Dim::known(-7), Dim::known(3))), "2");
}

TEST(ShapesSymbolic, ProductsAndQuotientsOfSymbols) {
  Dim bs = dimMul(Dim::symbolic("batch"), Dim::symbolic("seq"));
  EXPECT_EQ(txt(bs), "batch*seq");
  // Same quantity reached in another order prints the same.
  EXPECT_EQ(txt(dimMul(Dim::symbolic("seq"), Dim::symbolic("batch"))), "batch*seq");
  Dim total = dimMul(bs, Dim::known(768));
  EXPECT_EQ(txt(total), "768*batch*seq");
  EXPECT_EQ(txt(dimDiv(total, Dim::known(768))), "batch*seq");
  EXPECT_EQ(txt(dimDiv(total, Dim::symbolic("batch"))), "768*seq");
  EXPECT_EQ(txt(dimDiv(total, dimMul(Dim::symbolic("batch"), Dim::known(12)))), "64*seq");
  // Not exact: unknown rather than a guess.
  EXPECT_EQ(txt(dimDiv(Dim::symbolic("batch"), Dim::known(2))), "?");
  EXPECT_EQ(txt(dimDiv(dimAdd(Dim::symbolic("h"), Dim::known(1)), Dim::known(2))), "?");
}

TEST(ShapesSymbolic, SumsSimplifyAndCompare) {
  Dim a = dimAdd(Dim::symbolic("n"), Dim::known(1));
  EXPECT_EQ(txt(a), "n+1");
  EXPECT_EQ(txt(dimSub(a, Dim::known(1))), "n");
  EXPECT_EQ(txt(dimSub(a, Dim::symbolic("n"))), "1");
  EXPECT_EQ(txt(dimAdd(Dim::symbolic("past_sequence_length + 1"), Dim::symbolic("seq"))),
            "past_sequence_length+seq+1");
  EXPECT_EQ(dimEquals(a, Dim::symbolic("1 + n")), Tri::Yes);
  EXPECT_EQ(dimEquals(a, Dim::symbolic("n")), Tri::No);
  EXPECT_EQ(dimEquals(Dim::symbolic("n"), Dim::symbolic("m")), Tri::Maybe);
  EXPECT_EQ(dimEquals(Dim::known(3), Dim::symbolic("m")), Tri::Maybe);
  EXPECT_EQ(txt(dimDiv(dimMul(dimAdd(Dim::symbolic("n"), Dim::known(1)), Dim::known(2)), a)), "2");
}

TEST(ShapesSymbolic, OpaqueNamesStayWholeAndUnknownPropagates) {
  Dim odd = Dim::symbolic("sequence length");
  EXPECT_EQ(txt(dimMul(odd, Dim::known(1))), "sequence length");
  EXPECT_EQ(txt(dimMul(odd, Dim::known(2))), "2*(sequence length)");
  EXPECT_EQ(txt(dimDiv(dimMul(odd, Dim::known(2)), Dim::known(2))), "sequence length");
  EXPECT_EQ(txt(dimAdd(Dim::unknown(), Dim::known(1))), "?");
  EXPECT_EQ(txt(dimMul(Dim::unknown(), Dim::known(0))), "0");
  EXPECT_EQ(txt(dimMul(Dim::known(INT64_MAX), Dim::known(2))), "?");
}

}  // namespace
}  // namespace nf::shapes
