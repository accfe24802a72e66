// importer/torch_helpers.h - the Python helpers generated PyTorch code may call
// (ONNX ops that need more than one torch expression). Only used helpers are written.
#pragma once
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace nf::importer {

class HelperSet {
 public:
  // Marks a helper (and the helpers it calls) as needed. Unknown names are ignored.
  void use(std::string_view name);
  // Marks every helper `other` uses.
  void merge(const HelperSet& other) { used_.insert(other.used_.begin(), other.used_.end()); }
  // The Python source of the used helpers, each preceded by two blank lines.
  std::string code() const;
  // The Python source of each used helper, one entry per helper.
  std::vector<std::string> texts() const;
  // Every helper name (claimed up front so no layer name can shadow one).
  static std::vector<std::string> allNames();

 private:
  std::set<std::string> used_;
};

namespace detail {
// The Python helpers of the ai.onnx.preview.training ops (torch_training.cpp).
const std::map<std::string, std::string, std::less<>>& trainingHelpers();
}  // namespace detail

}  // namespace nf::importer
