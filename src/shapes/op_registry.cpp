#include "shapes/op_registry.h"

#include <algorithm>
#include <tuple>

#include "shapes/rule_context.h"

namespace nf::shapes {

namespace {

bool isDefaultDomain(std::string_view d) { return d.empty() || d == "ai.onnx"; }
std::string_view normalDomain(std::string_view d) { return isDefaultDomain(d) ? std::string_view{} : d; }

// Word `slot` of a space-separated list ("" past the end).
std::string_view word(std::string_view list, size_t slot) {
  size_t pos = 0;
  for (size_t k = 0;; ++k) {
    while (pos < list.size() && list[pos] == ' ') ++pos;
    if (pos >= list.size()) return {};
    size_t end = list.find(' ', pos);
    if (end == std::string_view::npos) end = list.size();
    if (k == slot) return list.substr(pos, end - pos);
    pos = end;
  }
}

size_t wordCount(std::string_view list) {
  size_t n = 0;
  while (!word(list, n).empty()) ++n;
  return n;
}

}  // namespace

std::string_view OpSpec::inputName(size_t slot) const { return word(inputs, slot); }
std::string_view OpSpec::outputName(size_t slot) const { return word(outputs, slot); }
size_t OpSpec::inputCount() const { return wordCount(inputs); }
size_t OpSpec::outputCount() const { return wordCount(outputs); }

std::string opKey(const OpSpec& op) {
  if (isDefaultDomain(op.domain)) return std::string(op.type);
  return std::string(op.domain) + "::" + std::string(op.type);
}

OpRegistry::OpRegistry(const std::vector<std::span<const OpSpec>>& families) {
  for (const auto& family : families)
    for (const OpSpec& op : family) {
      ops_.push_back(op);
      ops_.back().domain = normalDomain(op.domain);
    }
  // Sorted by (type, domain); among equal keys the first listed stays first and wins.
  std::stable_sort(ops_.begin(), ops_.end(), [](const OpSpec& a, const OpSpec& b) {
    return std::tie(a.type, a.domain) < std::tie(b.type, b.domain);
  });
  std::vector<OpSpec> unique;
  unique.reserve(ops_.size());
  for (const OpSpec& op : ops_) {
    if (!unique.empty() && unique.back().type == op.type && unique.back().domain == op.domain) {
      errors_.push_back("op " + opKey(op) + " is registered twice");
      continue;
    }
    if (op.type.empty()) {
      errors_.push_back("an op entry has no type");
      continue;
    }
    unique.push_back(op);
  }
  ops_ = std::move(unique);
  for (size_t i = 0; i < ops_.size(); ++i) {
    ops_[i].index = static_cast<uint16_t>(i);
    auto [it, fresh] = by_type_.try_emplace(ops_[i].type, static_cast<uint32_t>(i), static_cast<uint32_t>(i + 1));
    if (!fresh) it->second.second = static_cast<uint32_t>(i + 1);
  }
}

const OpSpec* OpRegistry::find(std::string_view domain, std::string_view type) const {
  auto it = by_type_.find(type);
  if (it == by_type_.end()) return nullptr;
  domain = normalDomain(domain);
  for (uint32_t i = it->second.first; i < it->second.second; ++i)
    if (ops_[i].domain == domain) return &ops_[i];
  return nullptr;
}

const OpSpec* OpRegistry::findByType(std::string_view domain, std::string_view type) const {
  auto it = by_type_.find(type);
  if (it == by_type_.end()) return nullptr;
  domain = normalDomain(domain);
  // The default domain ("") sorts first among the entries of one type.
  for (uint32_t i = it->second.first; i < it->second.second; ++i)
    if (ops_[i].domain == domain) return &ops_[i];
  return &ops_[it->second.first];
}

const OpRegistry& opRegistry() {
  static const OpRegistry registry({detail::elementwiseOps(), detail::convPoolOps(), detail::matMulOps(),
                                    detail::shapeOps(), detail::indexOps(), detail::reduceOps(),
                                    detail::normRnnOps(), detail::controlOps(), detail::miscOps(),
                                    detail::contribOps()});
  return registry;
}

}  // namespace nf::shapes
