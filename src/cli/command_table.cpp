#include "cli/commands.h"

namespace nf::cli {

const std::vector<Command>& commandTable() {
  static const std::vector<Command> table = {
      {"info", "info FILE [--json]", "Model facts: IR version, producer, opsets, inputs/outputs, op types",
       {"json"}, runInfo},
  };
  return table;
}

}  // namespace nf::cli
