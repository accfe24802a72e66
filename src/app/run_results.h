// app/run_results.h - the last finished run's values, shared by the Run panel (which
// runs the model and publishes them) and the 3D view (which textures its planes with
// them). Tensors share their buffers with the executor's, so this holds no copy.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/color_map.h"
#include "runtime/executor.h"
#include "runtime/tensor_view.h"

namespace nf::app {

struct RunResults {
  uint64_t generation = 0;  // the document generation the run belongs to (0 = none)
  uint64_t version = 0;     // grows with every publish (a run, or new map settings)
  std::vector<runtime::NamedValue> values;  // the inputs fed, kept intermediates, outputs
  std::vector<std::string> outputs;         // graph output names
  std::vector<std::string> labels;          // class labels (Run panel's list)
  bool labels_default = false;              // the site's ImageNet list: only for 1000 classes
  ColorMap color_map = ColorMap::Viridis;   // as the Run panel shows them
  runtime::MapScale scale = runtime::MapScale::PerChannel;

  const runtime::Tensor* find(const std::string& name) const {
    for (const auto& [n, v] : values)
      if (n == name && v.isTensor()) return &v.tensor;
    return nullptr;
  }
};

}  // namespace nf::app
