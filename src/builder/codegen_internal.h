// builder/codegen_internal.h - the emitters behind generateCode() (not for callers).
#pragma once
#include <string>

#include "builder/codegen.h"

namespace nf::builder::detail {

std::string emitPyTorch(CodePlan& plan, const CodegenOptions& options);
std::string emitKeras(CodePlan& plan, const CodegenOptions& options);

// The keyword a builder parameter has in framework f (the catalog's spelling).
const std::string& kwName(const LayerSpec& spec, const char* param, Framework f);
// `kw=value` when the value differs from the framework's default, else "".
std::string kwIfNotDefault(const LayerSpec& spec, const ParamMap& params, const char* param, Framework f);

// Summary line for the header comment: "output N x 10; 62,006 parameters".
// "a, b, c": the non-empty parts, comma-separated (Python argument lists).
std::string join(const std::vector<std::string>& parts);

std::string outputSummary(const CodePlan& plan, Framework f);

}  // namespace nf::builder::detail
