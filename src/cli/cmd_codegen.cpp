// netforge codegen DOC.json --framework pytorch|keras [--train] [--no-main] [-o OUT.py]
// netforge codegen DOC.json --framework tfjs|keras-json [-o model.json]
// netforge codegen DOC.json --notebook [-o model.ipynb]
// netforge codegen MODEL.onnx [--framework pytorch|keras] [--no-weights] [-o OUT.py]
//   Prints (or writes) Python code for a builder document: a PyTorch nn.Module or a
//   TensorFlow-Keras functional model. --train adds a minimal training loop;
//   --no-main leaves out the `if __name__ == "__main__":` block. A document with
//   errors (including layers the framework lacks) gives exit 1 and one line on stderr
//   listing them. An ONNX model becomes PyTorch that loads its weights from the file
//   (importer/torch_import.h); an op without a torch equivalent is named on stderr. With
//   --framework keras the model goes through the builder document (builder_import.h) and
//   becomes Keras code with fresh weights, or the layers Keras lacks are named.
//   tfjs writes TensorFlow.js's model.json (tf.loadLayersModel), keras-json Keras's
//   model.to_json() config: both from the same layers as the Keras code. --notebook
//   writes a Jupyter notebook: the PyTorch model, a torchvision loader, a training loop.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "base/strings.h"
#include "builder/codegen.h"
#include "builder/notebook.h"
#include "builder/serialize.h"
#include "cli/commands.h"
#include "cli/load_model.h"
#include "importer/builder_import.h"
#include "importer/onnx_op_torch.h"
#include "importer/torch_import.h"

namespace nf::cli {

namespace {

bool endsWith(const std::string& s, const char* suffix) {
  const std::string t = suffix;
  return s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0;
}

int writeCode(const Args& args, const std::string& code) {
  const std::string out = args.get("output");
  if (out.empty()) {
    std::fwrite(code.data(), 1, code.size(), stdout);
    return kExitOk;
  }
  std::FILE* f = std::fopen(out.c_str(), "wb");
  if (!f || std::fwrite(code.data(), 1, code.size(), f) != code.size()) {
    if (f) std::fclose(f);
    std::fprintf(stderr, "netforge: cannot write '%s'\n", displayName(out).c_str());
    return kExitBadInput;
  }
  std::fclose(f);
  return kExitOk;
}

int codegenFromOnnx(const Args& args) {
  const std::string& path = args.positional[0];
  const std::string framework_name = args.get("framework", "pytorch");
  auto fw = builder::parseFramework(framework_name);
  if (!fw) {
    std::fprintf(stderr, "netforge codegen: ONNX models convert to pytorch or keras (not '%s')\n", displayName(framework_name).c_str());
    return kExitUsage;
  }
  ir::Model model;
  const auto t0 = std::chrono::steady_clock::now();
  if (!loadModelOrExplain(path, &model)) return kExitBadInput;
  if (*fw == builder::Framework::Keras) {
    // Keras goes through the builder document: Keras functional code where every layer
    // exists in Keras, else the layers that do not, named (fresh weights, channels last).
    auto imported = importer::onnxToBuilder(model);
    if (!imported) {
      std::fprintf(stderr, "netforge: %s: %s\n", displayName(path).c_str(), displayName(imported.error().message, 2000).c_str());
      return kExitBadInput;
    }
    builder::CodegenOptions keras;
    keras.framework = builder::Framework::Keras;
    keras.main_block = !args.has("no-main");
    auto code = builder::generateCode(imported->doc, keras);
    if (!code) {
      std::fprintf(stderr, "netforge: %s: %s\n", displayName(path).c_str(), displayName(code.error().message, 2000).c_str());
      return kExitBadInput;
    }
    return writeCode(args, *code);
  }
  const auto t1 = std::chrono::steady_clock::now();
  importer::TorchImportOptions options;
  options.load_weights = !args.has("no-weights");
  options.fold_repeats = !args.has("flat");
  const size_t slash = path.find_last_of('/');
  options.source_name = slash == std::string::npos ? path : path.substr(slash + 1);
  auto code = importer::onnxToPyTorch(model, options);
  if (!code) {
    std::fprintf(stderr, "netforge: %s: %s\n", displayName(path).c_str(), displayName(code.error().message, 2000).c_str());
    return kExitBadInput;
  }
  if (args.has("time")) {
    const auto t2 = std::chrono::steady_clock::now();
    auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
    std::string blocks;
    for (const auto& [name, uses] : code->block_classes) blocks += " " + name + " x" + std::to_string(uses);
    std::fprintf(stderr, "open %.1f ms, import + code %.1f ms: %lld ONNX nodes, %zu lines, block classes:%s\n",
                 ms(t0, t1), ms(t1, t2), static_cast<long long>(code->onnx_nodes),
                 static_cast<size_t>(std::count(code->code.begin(), code->code.end(), '\n')),
                 blocks.empty() ? " none" : blocks.c_str());
  }
  return writeCode(args, code->code);
}

}  // namespace

int runImport(const Args& args) {
  const std::string& path = args.positional[0];
  ir::Model model;
  const auto t0 = std::chrono::steady_clock::now();
  if (!loadModelOrExplain(path, &model)) return kExitBadInput;
  const auto t1 = std::chrono::steady_clock::now();
  auto imported = importer::onnxToBuilder(model);
  if (!imported) {
    std::fprintf(stderr, "netforge: %s: %s\n", displayName(path).c_str(), displayName(imported.error().message, 2000).c_str());
    return kExitBadInput;
  }
  const std::string json = builder::saveJson(imported->doc);
  if (args.has("time")) {
    auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
    std::fprintf(stderr, "open %.1f ms, import %.1f ms: %lld ONNX nodes -> %lld builder layers\n", ms(t0, t1),
                 ms(t1, std::chrono::steady_clock::now()), static_cast<long long>(imported->onnx_nodes),
                 static_cast<long long>(imported->layers));
  }
  return writeCode(args, json);
}

int runCodegen(const Args& args) {
  if (endsWith(args.positional[0], ".onnx") || endsWith(args.positional[0], ".ONNX")) return codegenFromOnnx(args);
  builder::CodegenOptions options;
  options.training_loop = args.has("train");
  options.main_block = !args.has("no-main");
  options.onnx_ops = importer::onnxOpTorch;
  const std::string framework_name = args.get("framework", "pytorch");
  const bool json_form = framework_name == "tfjs" || framework_name == "keras-json";
  auto fw = builder::parseFramework(framework_name);
  if (!fw && !json_form) {
    std::fprintf(stderr, "netforge codegen: unknown framework '%s' (pytorch, keras, tfjs or keras-json)\n",
                 displayName(framework_name).c_str());
    return kExitUsage;
  }
  if (fw) options.framework = *fw;
  auto doc = builder::loadDocumentFile(args.positional[0]);
  if (!doc) {
    std::fprintf(stderr, "netforge: %s\n", displayName(doc.error().message, 400).c_str());
    return kExitBadInput;
  }
  auto code = args.has("notebook") ? builder::generateNotebook(*doc)
              : !json_form          ? builder::generateCode(*doc, options)
                                      : builder::generateKerasJson(*doc, framework_name == "tfjs" ? builder::KerasJsonForm::TfjsModel
                                                                                     : builder::KerasJsonForm::ModelConfig);
  if (!code) {
    std::fprintf(stderr, "netforge: %s: %s\n", displayName(args.positional[0]).c_str(),
                 displayName(code.error().message, 2000).c_str());
    return kExitBadInput;
  }
  return writeCode(args, *code);
}

}  // namespace nf::cli
