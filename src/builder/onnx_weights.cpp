// builder/onnx_weights.cpp - the weight loader's Python text (see onnx_weights.h).
#include "builder/onnx_weights.h"

#include "builder/codegen.h"

namespace nf::builder {

std::string onnxWeightsTableCode(const std::vector<OnnxWeightEntry>& entries) {
  // Data, not code: entries are packed several to a line so the table does not
  // outweigh the model (ResNet-50 has 108 of them).
  std::string code =
      "# Every loaded tensor: state_dict key -> ONNX tensor name, or (name, True) when stored transposed.\n"
      "ONNX_WEIGHTS = {\n";
  std::string line;
  for (const OnnxWeightEntry& w : entries) {
    std::string entry = pyString(w.key) + ": " +
                        (w.transposed ? "(" + pyString(w.tensor) + ", True)" : pyString(w.tensor)) + ",";
    if (!line.empty() && line.size() + 1 + entry.size() > 116) code += "   " + line + "\n", line.clear();
    line += " " + entry;
  }
  if (!line.empty()) code += "   " + line + "\n";
  code += "}\n";
  return code;
}

std::string onnxWeightsLoaderCode() {
  return R"PY(

def load_onnx_weights(model, onnx_path):
    """Copies the ONNX file's tensors into the model (external data is read from its folder).
    Every entry is checked first: a ValueError names each one that does not fit, and nothing is loaded."""
    import onnx
    from onnx import numpy_helper
    tensors = {}
    graphs = [onnx.load(onnx_path).graph]
    while graphs:  # the main graph and the bodies of If/Loop/Scan nodes
        graph = graphs.pop()
        tensors.update({t.name: t for t in graph.initializer})
        for node in graph.node:
            if node.op_type == "Constant":
                tensors.update({node.output[0]: a.t for a in node.attribute if a.name == "value"})
            graphs += [a.g for a in node.attribute if a.HasField("g")] + [g for a in node.attribute for g in a.graphs]
    state = model.state_dict()
    problems = []
    for key, entry in ONNX_WEIGHTS.items():
        name, transposed = (entry, False) if isinstance(entry, str) else entry
        if name not in tensors:
            problems.append(f"{onnx_path} has no tensor '{name}' (needed for {key})")
            continue
        if key not in state:
            problems.append(f"{key} is not in the model (a layer changed since import?), tensor '{name}' is unused")
            continue
        array = numpy_helper.to_array(tensors[name])
        if transposed:
            array = array.T
        if tuple(array.shape) != tuple(state[key].shape):
            problems.append(f"{key} needs {tuple(state[key].shape)}, "
                            f"tensor '{name}' in {onnx_path} has shape {tuple(array.shape)}")
            continue
        state[key] = torch.from_numpy(np.array(array)).to(state[key].dtype)  # a writable copy
    if problems:
        raise ValueError(f"{len(problems)} weight(s) cannot be loaded: " + "; ".join(problems))
    model.load_state_dict(state)
    return model
)PY";
}

}  // namespace nf::builder
