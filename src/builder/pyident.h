// builder/pyident.h - turning user-typed names into safe Python.
//
// Node and model names are free text in the editor. In generated code they only ever
// appear as identifiers made by these functions ([A-Za-z_][A-Za-z0-9_]*, never a
// keyword, builtin, name the emitters use, or nn.Module attribute, never a duplicate)
// or inside comments after commentText(). Identifiers are also the Keras layer names
// (string literals), which is safe because they contain no quotes or backslashes.
// So no name can inject Python, whatever it contains.
#pragma once
#include <set>
#include <string>
#include <string_view>

namespace nf::builder {

// True for Python keywords and soft keywords (match, case, type, _).
bool isPythonKeyword(std::string_view s);
// Keywords, builtins, names the generated code defines or imports, nn.Module attributes.
bool isReservedIdentifier(std::string_view s);

// The name of make_batch's k-th target in the generated training loop (k from 1):
// "target_1"; every such name is reserved.
std::string trainingTargetName(int k);

// A valid, non-reserved snake-ish identifier derived from `raw` (case kept, other
// characters become '_', at most 40 characters); `fallback` if nothing usable remains.
std::string sanitizeIdentifier(std::string_view raw, std::string_view fallback);

// "cifar-10 cnn" -> "Cifar10Cnn"; "Model" if nothing usable remains.
std::string sanitizeClassName(std::string_view raw);

// `raw` made safe for one Python comment line: printable ASCII only (others become
// '?'), at most 80 characters.
std::string commentText(std::string_view raw);

// Hands out unique identifiers: claim("conv") -> "conv", then "conv_2", "conv_3".
class NameTable {
 public:
  std::string claim(std::string_view raw, std::string_view fallback = "layer");
  bool taken(const std::string& s) const { return used_.count(s) != 0; }

 private:
  std::set<std::string> used_;
};

}  // namespace nf::builder
