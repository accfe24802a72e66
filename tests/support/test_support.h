// Helpers shared by the native test suites.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nf::test {

// Absolute path of a file in ../shared/corpus/onnx.
std::string corpusPath(const std::string& relative);
// The parsed corpus manifest.json (loaded once).
const nlohmann::json& corpusManifest();
bool corpusAvailable();

}  // namespace nf::test
