#include "cli/commands.h"

namespace nf::cli {

const std::vector<Command>& commandTable() {
  static const std::vector<Command> table = {
      {"info", "info FILE [--json]",
       "Model facts: IR version, producer, opsets, inputs/outputs, op types", {"json"}, runInfo},
      {"stats", "stats FILE [--tensor NAME] [--json]",
       "Weight statistics (min/max/mean/std/zeros/NaN/Inf, histogram)", {"json"}, runStats},
      {"sample", "sample -o OUT.onnx",
       "Write the built-in sample model (CIFAR-10 CNN)", {}, runSample},
      {"shapes", "shapes FILE [--json] [--input NAME=1,3,224,224]",
       "Inferred element type and shape of every value", {"json"}, runShapes},
      {"summary", "summary FILE [--format text|md|csv|json] [--depth N] [--sort macs|params|name|type] [--filter TEXT] [--all]",
       "Per-layer table: output shape, params, MACs; totals", {"all"}, runSummary},
      {"layout", "layout FILE --stats [--json] [--direction TB|LR]",
       "Lay the graph out; print size, crossings, edge length, time per phase", {"stats", "json"}, runLayout},
      {"render", "render FILE -o out.svg|out.png [--direction TB|LR] [--grouped first-sight|collapsed|expanded|depth=N]",
       "Draw the graph to SVG or PNG", {}, runRender},
      {"export", "export FILE --format dot|graphml|json",
       "Write the graph for other tools", {}, runExport},
      {"hierarchy", "hierarchy FILE [--json]",
       "Name-scope groups and repeated blocks", {"json"}, runHierarchy},
      {"codegen", "codegen DOC.json --framework pytorch|keras [--train] [--no-main] [-o OUT.py]",
       "Generate Python code from a builder document", {"train", "no-main"}, runCodegen},
      {"check", "check DOC.json [--framework pytorch|keras] [--json] [--compact] [--catalog]",
       "Propagate shapes through a builder document; print shapes and errors", {"json", "compact", "catalog"},
       runCheck},
      {"run", "run MODEL [--inputs DIR] [--input NAME=FILE|random|zeros] [--save DIR] [--keep ALL|NAME,...] [--json] [--time] [--repeat N] [--threads 1]",
       "Execute the model with the core runtime; print, time or save its outputs", {"json", "time"}, runRun},
      {"bench", "bench FILE [--runs N]",
       "Native timings (median): open, shape inference + metrics, hierarchy", {}, runBench},
  };
  return table;
}

}  // namespace nf::cli
