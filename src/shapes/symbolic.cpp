#include "shapes/symbolic.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "base/checked.h"
#include "base/limits.h"

namespace nf::shapes {

namespace {

// A polynomial with int64 coefficients: sum of coef * (product of symbols).
// Terms are kept sorted (degree descending, then symbols) with no zero coefficient,
// which makes equality and printing canonical.
struct Term {
  std::vector<std::string> syms;  // sorted, with repetition for powers
  int64_t coef = 0;
};
struct Poly {
  std::vector<Term> terms;
};

bool termOrder(const Term& a, const Term& b) {
  if (a.syms.size() != b.syms.size()) return a.syms.size() > b.syms.size();
  return a.syms < b.syms;
}

// True on overflow (base/checked.h), else *r = the result.
bool addOv(int64_t a, int64_t b, int64_t* r) {
  std::optional<int64_t> v = checkedAdd(a, b);
  if (v) *r = *v;
  return !v;
}
bool mulOv(int64_t a, int64_t b, int64_t* r) {
  std::optional<int64_t> v = checkedMul(a, b);
  if (v) *r = *v;
  return !v;
}

// Sorts and merges equal monomials; false on overflow.
bool normalize(Poly* p) {
  std::sort(p->terms.begin(), p->terms.end(), termOrder);
  std::vector<Term> out;
  for (auto& t : p->terms) {
    if (!out.empty() && out.back().syms == t.syms) {
      if (addOv(out.back().coef, t.coef, &out.back().coef)) return false;
    } else {
      out.push_back(std::move(t));
    }
  }
  out.erase(std::remove_if(out.begin(), out.end(), [](const Term& t) { return t.coef == 0; }), out.end());
  p->terms = std::move(out);
  return true;
}

bool isIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool isIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }

bool isIdentifier(std::string_view s) {
  if (s.empty() || !isIdentStart(s[0])) return false;
  for (char c : s)
    if (!isIdentChar(c)) return false;
  return true;
}

// Recursive-descent parser for: expr := ['-'] term (('+'|'-') term)* ;
// term := factor ('*' factor)* ; factor := INT | IDENT | '(' expr ')' | '(' opaque ')'.
class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}
  std::optional<Poly> parseAll() {
    auto p = expr();
    skipWs();
    if (!p || pos_ != s_.size()) return std::nullopt;
    return p;
  }

 private:
  void skipWs() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool eat(char c) {
    skipWs();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::optional<Poly> expr() {
    bool neg = eat('-');
    auto first = term();
    if (!first) return std::nullopt;
    Poly acc = std::move(*first);
    if (neg)
      for (auto& t : acc.terms) t.coef = -t.coef;
    while (true) {
      int sign = 0;
      if (eat('+')) sign = 1;
      else if (eat('-')) sign = -1;
      else break;
      auto next = term();
      if (!next) return std::nullopt;
      for (auto& t : next->terms) {
        t.coef *= sign;
        acc.terms.push_back(std::move(t));
      }
    }
    if (!normalize(&acc)) return std::nullopt;
    return acc;
  }
  std::optional<Poly> term();
  std::optional<Poly> factor() {
    skipWs();
    if (pos_ >= s_.size()) return std::nullopt;
    char c = s_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      int64_t v = 0;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
        if (mulOv(v, 10, &v) || addOv(v, s_[pos_] - '0', &v)) return std::nullopt;
        ++pos_;
      }
      Poly p;
      p.terms.push_back(Term{{}, v});
      if (!normalize(&p)) return std::nullopt;
      return p;
    }
    if (isIdentStart(c)) {
      size_t b = pos_;
      while (pos_ < s_.size() && isIdentChar(s_[pos_])) ++pos_;
      Poly p;
      p.terms.push_back(Term{{std::string(s_.substr(b, pos_ - b))}, 1});
      return p;
    }
    if (c == '(') {
      // Find the matching parenthesis; the inside is an expression if it parses,
      // else one opaque symbol (how we print non-identifier dim_params).
      int depth = 0;
      size_t b = pos_;
      for (; pos_ < s_.size(); ++pos_) {
        if (s_[pos_] == '(') ++depth;
        if (s_[pos_] == ')' && --depth == 0) break;
      }
      if (pos_ >= s_.size()) return std::nullopt;
      std::string_view inner = s_.substr(b + 1, pos_ - b - 1);
      ++pos_;
      if (auto p = Parser(inner).parseAll()) return p;
      Poly p;
      p.terms.push_back(Term{{std::string(inner)}, 1});
      return p;
    }
    return std::nullopt;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

std::optional<Poly> mul(const Poly& a, const Poly& b) {
  Poly r;
  // Products of sums multiply their term counts: chained through a graph they
  // grow without bound, so a symbolic dim that big becomes unknown instead.
  if (a.terms.size() * b.terms.size() > static_cast<size_t>(limits::kMaxSymbolicTerms)) return std::nullopt;
  r.terms.reserve(a.terms.size() * b.terms.size());
  for (const auto& x : a.terms)
    for (const auto& y : b.terms) {
      Term t;
      if (mulOv(x.coef, y.coef, &t.coef)) return std::nullopt;
      t.syms = x.syms;
      t.syms.insert(t.syms.end(), y.syms.begin(), y.syms.end());
      std::sort(t.syms.begin(), t.syms.end());
      r.terms.push_back(std::move(t));
    }
  if (!normalize(&r)) return std::nullopt;
  return r;
}

std::optional<Poly> Parser::term() {
  auto acc = factor();
  if (!acc) return std::nullopt;
  while (eat('*')) {
    auto f = factor();
    if (!f) return std::nullopt;
    acc = mul(*acc, *f);
    if (!acc) return std::nullopt;
  }
  return acc;
}

std::optional<Poly> toPoly(const ir::Dim& d) {
  if (d.isKnown()) {
    Poly p;
    if (d.value != 0) p.terms.push_back(Term{{}, d.value});
    return p;
  }
  if (!d.isSymbolic()) return std::nullopt;
  if (auto p = Parser(d.symbol).parseAll()) return p;
  Poly p;  // opaque dim_param
  p.terms.push_back(Term{{d.symbol}, 1});
  return p;
}

std::string symText(const std::string& s) { return isIdentifier(s) ? s : "(" + s + ")"; }

ir::Dim fromPoly(const Poly& p) {
  if (p.terms.empty()) return ir::Dim::known(0);
  if (p.terms.size() == 1 && p.terms[0].syms.empty()) return ir::Dim::known(p.terms[0].coef);
  if (p.terms.size() == 1 && p.terms[0].coef == 1 && p.terms[0].syms.size() == 1)
    return ir::Dim::symbolic(p.terms[0].syms[0]);  // a lone symbol keeps its own spelling
  std::string out;
  for (size_t i = 0; i < p.terms.size(); ++i) {
    const Term& t = p.terms[i];
    int64_t c = t.coef;
    if (c < 0) {
      out += "-";
      c = c == INT64_MIN ? c : -c;
    } else if (i) {
      out += "+";
    }
    bool need_coef = t.syms.empty() || c != 1;
    if (need_coef) out += std::to_string(c);
    for (size_t k = 0; k < t.syms.size(); ++k) {
      if (need_coef || k) out += "*";
      out += symText(t.syms[k]);
    }
  }
  return ir::Dim::symbolic(out);
}

std::optional<Poly> addPoly(const Poly& a, const Poly& b, int64_t sign) {
  Poly r = a;
  for (auto t : b.terms) {
    if (mulOv(t.coef, sign, &t.coef)) return std::nullopt;
    r.terms.push_back(std::move(t));
  }
  if (!normalize(&r)) return std::nullopt;
  return r;
}

// Divides monomial x by y (multiset difference of symbols); false if not divisible.
bool divTerm(const Term& x, const Term& y, Term* out) {
  if (y.coef == 0 || x.coef % y.coef != 0) return false;
  std::vector<std::string> rest;
  size_t j = 0;
  for (size_t i = 0; i < x.syms.size(); ++i) {
    if (j < y.syms.size() && x.syms[i] == y.syms[j]) {
      ++j;
      continue;
    }
    if (j < y.syms.size() && y.syms[j] < x.syms[i]) return false;
    rest.push_back(x.syms[i]);
  }
  if (j != y.syms.size()) return false;
  out->syms = std::move(rest);
  out->coef = x.coef / y.coef;
  return true;
}

// Exact polynomial quotient a / b when b divides a (monomial divisor termwise, or
// a = r * b for one monomial r); nullopt otherwise.
std::optional<Poly> exactDiv(const Poly& a, const Poly& b) {
  if (b.terms.empty()) return std::nullopt;
  if (a.terms.empty()) return Poly{};
  if (b.terms.size() == 1) {
    Poly r;
    for (const auto& t : a.terms) {
      Term q;
      if (!divTerm(t, b.terms[0], &q)) return std::nullopt;
      r.terms.push_back(std::move(q));
    }
    if (!normalize(&r)) return std::nullopt;
    return r;
  }
  Term q;
  if (!divTerm(a.terms[0], b.terms[0], &q)) return std::nullopt;
  Poly qp;
  qp.terms.push_back(q);
  auto back = mul(qp, b);
  if (!back) return std::nullopt;
  auto diff = addPoly(a, *back, -1);
  if (!diff || !diff->terms.empty()) return std::nullopt;
  return qp;
}

int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

ir::Dim dimAdd(const ir::Dim& a, const ir::Dim& b) {
  if (a.isKnown() && b.isKnown()) {
    int64_t r;
    return addOv(a.value, b.value, &r) ? ir::Dim::unknown() : ir::Dim::known(r);
  }
  auto pa = toPoly(a), pb = toPoly(b);
  if (!pa || !pb) return ir::Dim::unknown();
  auto r = addPoly(*pa, *pb, 1);
  return r ? fromPoly(*r) : ir::Dim::unknown();
}

ir::Dim dimSub(const ir::Dim& a, const ir::Dim& b) {
  if (a.isKnown() && b.isKnown()) {
    std::optional<int64_t> d = checkedSub(a.value, b.value);
    return d ? ir::Dim::known(*d) : ir::Dim::unknown();
  }
  auto pa = toPoly(a), pb = toPoly(b);
  if (!pa || !pb) return ir::Dim::unknown();
  auto r = addPoly(*pa, *pb, -1);
  return r ? fromPoly(*r) : ir::Dim::unknown();
}

ir::Dim dimMul(const ir::Dim& a, const ir::Dim& b) {
  if (a.isKnown() && b.isKnown()) {
    int64_t r;
    return mulOv(a.value, b.value, &r) ? ir::Dim::unknown() : ir::Dim::known(r);
  }
  // 0 times anything is 0, even unknown.
  if ((a.isKnown() && a.value == 0) || (b.isKnown() && b.value == 0)) return ir::Dim::known(0);
  if (a.isKnown() && a.value == 1) return b;
  if (b.isKnown() && b.value == 1) return a;
  auto pa = toPoly(a), pb = toPoly(b);
  if (!pa || !pb) return ir::Dim::unknown();
  auto r = mul(*pa, *pb);
  return r ? fromPoly(*r) : ir::Dim::unknown();
}

ir::Dim dimDiv(const ir::Dim& a, const ir::Dim& b) {
  if (b.isKnown() && b.value == 0) return ir::Dim::unknown();
  if (a.isKnown() && b.isKnown()) {
    if (a.value == INT64_MIN && b.value == -1) return ir::Dim::unknown();
    return ir::Dim::known(floorDiv(a.value, b.value));
  }
  if (b.isKnown() && b.value == 1) return a;
  auto pa = toPoly(a), pb = toPoly(b);
  if (!pa || !pb) return ir::Dim::unknown();
  auto r = exactDiv(*pa, *pb);
  return r ? fromPoly(*r) : ir::Dim::unknown();
}

ir::Dim dimCeilDiv(const ir::Dim& a, const ir::Dim& b) {
  if (b.isKnown() && b.value == 0) return ir::Dim::unknown();
  if (a.isKnown() && b.isKnown()) {
    if (a.value == INT64_MIN) return ir::Dim::unknown();  // -a would overflow
    return ir::Dim::known(-floorDiv(-a.value, b.value));
  }
  return dimDiv(a, b);  // symbolic: exact or unknown, so floor == ceil
}

ir::Dim dimMod(const ir::Dim& a, const ir::Dim& b) {
  if (b.isKnown() && b.value == 0) return ir::Dim::unknown();
  if (a.isKnown() && b.isKnown()) {
    if (b.value == -1) return ir::Dim::known(0);
    int64_t m = a.value % b.value;
    if (m != 0 && ((m < 0) != (b.value < 0))) m += b.value;
    return ir::Dim::known(m);
  }
  auto pa = toPoly(a), pb = toPoly(b);
  if (!pa || !pb) return ir::Dim::unknown();
  return exactDiv(*pa, *pb) ? ir::Dim::known(0) : ir::Dim::unknown();
}

Tri dimEquals(const ir::Dim& a, const ir::Dim& b) {
  if (a.isKnown() && b.isKnown()) return a.value == b.value ? Tri::Yes : Tri::No;
  if (a.isSymbolic() && b.isSymbolic() && a.symbol == b.symbol) return Tri::Yes;
  auto pa = toPoly(a), pb = toPoly(b);
  if (!pa || !pb) return Tri::Maybe;
  auto d = addPoly(*pa, *pb, -1);
  if (!d) return Tri::Maybe;
  if (d->terms.empty()) return Tri::Yes;
  if (d->terms.size() == 1 && d->terms[0].syms.empty()) return Tri::No;
  return Tri::Maybe;
}

ir::Dim canonicalDim(const ir::Dim& d) {
  if (!d.isSymbolic()) return d;
  auto p = toPoly(d);
  return p ? fromPoly(*p) : d;
}

ir::Dim dimProduct(const ir::Dim* dims, size_t n) {
  ir::Dim acc = ir::Dim::known(1);
  for (size_t i = 0; i < n; ++i) acc = dimMul(acc, dims[i]);
  return acc;
}

}  // namespace nf::shapes
