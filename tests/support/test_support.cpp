#include "support/test_support.h"

#include <fstream>

namespace nf::test {

std::string corpusPath(const std::string& relative) {
  return std::string(NETFORGE_CORPUS_DIR) + "/" + relative;
}

bool corpusAvailable() {
  std::ifstream f(corpusPath("manifest.json"));
  return f.good();
}

const nlohmann::json& corpusManifest() {
  static nlohmann::json manifest = [] {
    std::ifstream f(corpusPath("manifest.json"));
    if (!f) return nlohmann::json::object();
    return nlohmann::json::parse(f);
  }();
  return manifest;
}

}  // namespace nf::test
