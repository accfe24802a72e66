// cli/command_table.cpp - the one declaration of every command: what it takes, what
// it does. The parser, the usage lines and all help text are generated from here.
#include <cstdio>

#include "cli/commands.h"

namespace nf::cli {

namespace {

const OptionSpec kJson{"json", nullptr, "print JSON instead of text"};

// The options every command that lays out a model graph shares (scene::parseSceneRequest).
std::vector<OptionSpec> withSceneOptions(std::vector<OptionSpec> own) {
  const std::vector<OptionSpec> scene = {
      {"direction", "TB|LR", "top-to-bottom (default) or left-to-right"},
      {"graph", "N", "which graph of the model: 0 = main (default), else a subgraph number"},
      {"initializers", "inline|nodes", "weights listed inside their node (default) or as nodes"},
      {"names", "off|on", "show node names in the boxes"},
      {"bodies", "closed|inline", "If/Loop/Scan bodies closed (default) or expanded inline"},
      {"shapes", "inferred|declared", "edge labels from shape inference (default) or declared shapes only"},
  };
  own.insert(own.end(), scene.begin(), scene.end());
  return own;
}

}  // namespace

const std::vector<Command>& commandTable() {
  static const std::vector<Command> table = {
      {"info", "Model facts: IR version, producer, opsets, inputs/outputs, op types", {"FILE", 1, 1},
       {kJson}, runInfo},
      {"stats", "Weight statistics (min/max/mean/std/zeros/NaN/Inf, histogram)", {"FILE", 1, 1},
       {{"tensor", "NAME", "only this initializer"}, kJson}, runStats},
      {"sample", "Write the built-in sample model (CIFAR-10 CNN)", {"OUT.onnx", 0, 1},
       {{"output", "OUT.onnx", "where to write it (or give it as the argument)", 'o'}}, runSample},
      {"shapes", "Inferred element type and shape of every value", {"FILE", 1, 1},
       {{"input", "NAME=D0,D1,...[;NAME=...]", "pin input dimensions"}, kJson}, runShapes},
      {"summary", "Per-module table (per-op without scopes): params, MACs; totals", {"FILE", 1, 1},
       {{"format", "text|md|csv|json", "output format (default text)"},
        {"depth", "N", "module levels listed (default 3, as torchinfo); models with name scopes"},
        {"ops", nullptr, "list every module's ops below it"},
        {"flat", nullptr, "one row per op with its output shape, no modules"},
        {"sort", "macs|params|name|type", "row order (default: graph order)"},
        {"filter", "TEXT", "only rows whose name or op type contains TEXT"},
        {"all", nullptr, "include shape bookkeeping rows"}},
       runSummary},
      {"layout", "Lay the graph out; print size, crossings, edge length, time per phase", {"FILE", 1, 1},
       withSceneOptions({{"stats", nullptr, "print layout statistics (the default output)"}, kJson}), runLayout},
      {"render", "Draw the graph to SVG or PNG", {"FILE", 1, 1},
       withSceneOptions({{"output", "out.svg|out.png", "the picture to write (format from the extension)", 'o', false, true},
                         {"scale", "S", "PNG pixels per layout unit (default 1)"},
                         {"grouped", "first-sight|collapsed|expanded|depth=N", "draw the groups (hierarchy) as boxes"},
                         {"view", "graph|layered|neurons|builder", "the graph (default; builder documents: builder), layered boxes (visualkeras), neurons (dense part), or a builder document as drawn in the builder"},
                         {"boxes", "auto|op|module", "layered: a box per op, per module (deepest name scope), or auto (default: modules past 60 op boxes)"},
                         {"sizing", "accurate|logarithmic|capped|uniform", "layered: how dims size the boxes (default logarithmic)"},
                         {"scale-xy", "F", "layered: size factor for height and depth (default 1)"},
                         {"scale-z", "F", "layered: size factor for the channel width (default 1)"},
                         {"min-xy", "PX", "layered: smallest height/depth (default 12)"},
                         {"max-xy", "PX", "layered: largest height/depth, capped and logarithmic (default 320)"},
                         {"min-z", "PX", "layered: narrowest box (default 6)"},
                         {"max-z", "PX", "layered: widest box, capped and logarithmic (default 160)"},
                         {"spacing", "PX", "layered: gap between boxes (default 26)"},
                         {"type-ignore", "OP[,OP...]", "layered/neurons: hide these op types (\"Input\" hides inputs)", 0, true},
                         {"labels", "name,shape,params|none", "layered: text under each box; builder: shape,params,notes (default all)"},
                         {"label-position", "under|over", "layered: the text under (default) or over each box"},
                         {"regions", "DEPTH", "layered: labelled background regions for the name-scope groups at DEPTH (1 = top level)"},
                         {"legend", "on|off|dims", "layered/builder: the colour legend (default on); layered: dims lists each layer type with its output shape"},
                         {"repeats", "fold|all", "layered/neurons: identical consecutive blocks drawn once with ×N (default fold)"},
                         {"activations", "fold|separate", "layered/neurons: activations inside their layer (default) or own boxes"},
                         {"neurons", "N", "neurons: most circles per layer before \"+M\" (default 12)"},
                         {"background", "solid|transparent|light|dark", "solid or light (default, white paper), dark (the dark look) or transparent"},
                         {"fit", "none|16:9", "layered/neurons/builder: pad the picture to a 16:9 slide"},
                         {"color-by", "category|params|macs|flops|memory|FILE.json",
                          "colour boxes by op category (default), a metric, or Model Explorer node data; adds a legend"},
                         {"aggregate", "sum|max|mean", "how a group box combines its nodes' values (default sum)"}}),
       runRender},
      {"export", "Write the graph for other tools", {"FILE", 1, 1},
       withSceneOptions({{"format", "dot|graphml|json|svg", "what to write", 0, false, true},
                         {"output", "OUT", "file to write (default: standard output)", 'o'}}),
       runExport},
      {"hierarchy", "Name-scope groups and repeated blocks", {"FILE", 1, 1},
       {kJson, {"names", "on|off", "use name scopes (default on)"},
        {"budget", "N", "how many boxes first sight may show"}},
       runHierarchy},
      {"codegen", "Generate Python code from a builder document or an ONNX model", {"DOC.json|MODEL.onnx", 1, 1},
       {{"framework", "pytorch|keras|tfjs|keras-json",
         "which framework's code (ONNX models: pytorch, or keras through the builder document); tfjs: TF.js model.json, keras-json: Keras to_json() config"},
        {"no-weights", nullptr, "ONNX models: leave out the weight loader (fresh initialisation)"},
        {"flat", nullptr, "ONNX models: every layer in the one Model class (no classes for repeated blocks)"},
        {"time", nullptr, "ONNX models: print the time to open the file and to generate the code (stderr)"},
        {"train", nullptr, "add a minimal training loop"},
        {"notebook", nullptr, "a Jupyter notebook (.ipynb): PyTorch model, torchvision MNIST/CIFAR-10 loader, training loop"},
        {"no-main", nullptr, "leave out the `if __name__ == \"__main__\":` block"},
        {"output", "OUT.py", "file to write (default: standard output)", 'o'}},
       runCodegen},
      {"export-onnx", "Write a builder document as an ONNX model (opset 17) that the viewer and `run` open", {"DOC.json", 1, 1},
       {{"output", "OUT.onnx", "the model to write", 'o', false, true},
        {"init", "random|zeros", "weights like PyTorch's default initialisation (default) or all zero"},
        {"seed", "N", "seed of the random weights (default 0)"}},
       runExportOnnx},
      {"import", "An ONNX model as a builder document (layers named from its scopes; no weights)", {"MODEL.onnx", 1, 1},
       {{"time", nullptr, "print the time to open the file and to import it (stderr)"},
        {"output", "DOC.json", "file to write (default: standard output)", 'o'}},
       runImport},
      {"template", "List the builder's model templates, or write one as a builder document", {"[NAME]", 0, 1},
       {{"output", "DOC.json", "file to write (default: standard output)", 'o'}, kJson},
       runTemplate},
      {"check", "Propagate shapes through a builder document; print shapes and errors", {"DOC.json", 0, 1},
       {{"framework", "pytorch|keras", "also report layers this framework lacks"}, kJson,
        {"compact", nullptr, "print the document's compact (share-link) form"},
        {"catalog", nullptr, "print the layer catalog as JSON (no document needed)"}},
       runCheck},
      {"run", "Execute the model with the core runtime; print, time or save its outputs", {"MODEL", 1, 1},
       {{"inputs", "DIR", "read input_N.pb (ONNX test-data layout) or .npy files from DIR"},
        {"input", "NAME=FILE|random|zeros", "one input from a .pb/.npy file, or generated; a bare random|zeros is for every input", 0, true},
        {"save", "DIR", "write output_N.pb (and kept tensors) to DIR"},
        {"keep", "ALL|NAME,...", "keep intermediate tensors (saved with --save)"},
        kJson,
        {"time", nullptr, "print time per node and per op type"},
        {"repeat", "N", "run N times after one warm-up; report the median"},
        {"threads", "N", "threads to use (only 1 so far)"},
        {"no-fuse", nullptr, "run every activation as a node of its own (no Conv+activation folding)"}},
       runRun},
      {"diff", "Compare two models: paired nodes, what changed, added and removed (exit 0 same, 1 different, 2 error)",
       {"A.onnx B.onnx", 2, 2},
       {kJson, {"only", "changed", "list only differences (leave out pairs that are the same)"},
        {"time", nullptr, "print the time of each phase (load, match, differences) and of the slices on stderr"},
        {"slice-ms", "MS", "budget of each slice of the sliced job (default 12, as the app between frames)"},
        {"merged-svg", "OUT.svg", "also draw A and B as one graph: pairs one box, removed and added in place, coloured by status"}},
       runDiff},
      {"bench", "Native timings (median): open, shape inference + metrics, hierarchy", {"FILE", 1, 1},
       {{"runs", "N", "how many runs (default 5)"},
        {"scene", nullptr, "also lay the graph out as the page does, in 30 ms slices: the longest slice and each step's longest unit"}},
       runBench},
  };
  return table;
}

std::string usageLine(const Command& c) {
  std::string s = c.name;
  const PositionalSpec& p = c.positional;
  if (p.max > 0) {
    std::string one = p.name;
    if (p.max > 1 && one.find(' ') == std::string::npos) one += "...";  // "A B" already names each
    s += " " + (p.min == 0 ? "[" + one + "]" : one);
  }
  for (const auto& o : c.options) {
    s += o.required ? " " + optionLabel(o) : " [" + optionLabel(o) + "]";
  }
  return s;
}

int usageError(const char* command, const std::string& message) {
  for (const auto& c : commandTable()) {
    if (std::string(c.name) != command) continue;
    std::fprintf(stderr, "netforge %s: %s\nusage: netforge %s\n", c.name, message.c_str(), usageLine(c).c_str());
    return kExitUsage;
  }
  std::fprintf(stderr, "netforge %s: %s\n", command, message.c_str());
  return kExitUsage;
}

int runCommand(const Command& c, const std::vector<std::string>& words) {
  ParseOutcome parsed = parseArgs(words, c.positional, c.options);
  if (parsed.help) {
    std::printf("usage: netforge %s\n\n%s\n\n", usageLine(c).c_str(), c.summary);
    for (const auto& o : c.options) {
      std::string left = "--" + std::string(o.name);
      if (o.value) left.append(" ").append(o.value);
      if (o.short_name) left = std::string(1, '-') + o.short_name + ", " + left;
      std::printf("  %-44s %s\n", left.c_str(), o.help);
    }
    std::printf("  %-44s %s\n", "-h, --help", "show this help");
    return kExitOk;
  }
  if (!parsed.error.empty()) {
    std::fprintf(stderr, "netforge %s: %s\nusage: netforge %s\n", c.name, parsed.error.c_str(), usageLine(c).c_str());
    return kExitUsage;
  }
  return c.run(parsed.args);
}

}  // namespace nf::cli
