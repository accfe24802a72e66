#include "builder/pyident.h"

#include <algorithm>
#include <cctype>

namespace nf::builder {

namespace {

const std::set<std::string_view>& keywords() {
  static const std::set<std::string_view> k = {
    "False", "None",   "True",     "_",      "and",   "as",     "assert", "async",  "await",  "break",
    "case",  "class",  "continue", "def",    "del",   "elif",   "else",   "except", "finally", "for",
    "from",  "global", "if",       "import", "in",    "is",     "lambda", "match",  "nonlocal", "not",
    "or",    "pass",   "raise",    "return", "try",   "type",   "while",  "with",   "yield"};
  return k;
}

// One reserved set: Python builtins, attributes of torch.nn.Module (a submodule
// stored under such a name would be shadowed by the class attribute), and every
// name the emitters' templates use (imports, the model class's helpers, make_batch/
// train/main locals, the Keras helper functions and their locals). A node named like
// any of them gets another identifier, so no template line can read a layer by mistake.
const std::set<std::string_view>& reserved() {
  static const std::set<std::string_view> r = {
    // Python builtins
    "ArithmeticError", "AssertionError", "AttributeError", "BaseException", "Ellipsis", "EOFError",
    "Exception", "FileNotFoundError", "ImportError", "IndexError", "KeyError", "KeyboardInterrupt",
    "LookupError", "MemoryError", "NameError", "NotImplemented", "NotImplementedError", "OSError",
    "OverflowError", "RecursionError", "RuntimeError", "StopIteration", "SyntaxError", "SystemExit",
    "TypeError", "ValueError", "ZeroDivisionError",
    "abs", "aiter", "all", "anext", "any", "ascii", "bin", "bool", "breakpoint", "bytearray", "bytes",
    "callable", "chr", "classmethod", "compile", "complex", "copyright", "credits", "delattr", "dict", "dir",
    "divmod", "enumerate", "eval", "exec", "exit", "filter", "float", "format", "frozenset", "getattr",
    "globals", "hasattr", "hash", "help", "hex", "id", "input", "int", "isinstance", "issubclass", "iter",
    "len", "license", "list", "locals", "map", "max", "memoryview", "min", "next", "object", "oct", "open",
    "ord", "pow", "print", "property", "quit", "range", "repr", "reversed", "round", "set", "setattr",
    "slice", "sorted", "staticmethod", "str", "sum", "super", "tuple", "vars", "zip",
    // torch.nn.Module attributes (1.13 and later releases)
    "T_destination", "add_module", "apply", "bfloat16", "buffers", "call_super_init", "children", "cpu",
    "cuda", "double", "dump_patches", "eval", "extra_repr", "forward", "get_buffer", "get_extra_state",
    "get_parameter", "get_submodule", "half", "ipu", "load_state_dict", "modules", "mtia", "named_buffers",
    "named_children", "named_modules", "named_parameters", "parameters", "register_backward_hook",
    "register_buffer", "register_forward_hook", "register_forward_pre_hook", "register_full_backward_hook",
    "register_full_backward_pre_hook", "register_load_state_dict_post_hook",
    "register_load_state_dict_pre_hook", "register_module", "register_parameter",
    "register_state_dict_post_hook", "register_state_dict_pre_hook", "requires_grad_", "set_extra_state",
    "set_submodule", "share_memory", "state_dict", "to", "to_empty", "train", "training", "xpu", "zero_grad",
    // modules the generated code imports (and their usual aliases)
    "F", "functional", "keras", "layers", "math", "nn", "np", "numpy", "os", "sys", "tensorflow", "tf", "torch",
    // names the templates define or use: PyTorch file (class, count_parameters, make_batch,
    // train, main block; target_<k> is matched in isReservedIdentifier)
    "batch", "batch_size", "count_parameters", "epoch", "epochs", "fn", "inputs", "loss", "loss_fn",
    "loss_fns", "lr", "main", "make_batch", "model", "optimizer", "out", "outputs", "p", "self", "step",
    "steps", "t", "target", "targets", "x",
    // Keras file: build_model, train, the transformer helpers and their locals
    "activation", "attention", "build_model", "d_model", "dim_feedforward", "dropout", "feed_forward",
    "history", "layer_norm_eps", "memory", "nhead", "norm1", "norm2", "norm3", "norm_first", "prefix",
    "self_attention", "source", "tag", "transformer_decoder_layer", "transformer_encoder_layer", "xs", "ys"};
  return r;
}

constexpr std::string_view kTargetPrefix = "target_";

// target_1, target_2, ...: make_batch's targets, one per model output.
bool isTargetName(std::string_view s) {
  constexpr std::string_view kPrefix = kTargetPrefix;
  if (s.size() <= kPrefix.size() || s.substr(0, kPrefix.size()) != kPrefix) return false;
  return std::all_of(s.begin() + kPrefix.size(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool identChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Letters/digits kept, runs of anything else become one '_', leading/trailing '_' dropped.
std::string squash(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    const bool ascii = static_cast<unsigned char>(c) < 0x80;
    if (ascii && identChar(c) && c != '_') {
      out.push_back(c);
    } else if (!out.empty() && out.back() != '_') {
      out.push_back('_');
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

}  // namespace

std::string trainingTargetName(int k) { return std::string(kTargetPrefix) + std::to_string(k); }

bool isPythonKeyword(std::string_view s) { return keywords().count(s) != 0; }

bool isReservedIdentifier(std::string_view s) {
  return isPythonKeyword(s) || reserved().count(s) != 0 || isTargetName(s) || (s.size() >= 2 && s[0] == '_' && s[1] == '_');
}

std::string sanitizeIdentifier(std::string_view raw, std::string_view fallback) {
  std::string s = squash(raw);
  if (s.size() > 40) {
    s.resize(40);
    while (!s.empty() && s.back() == '_') s.pop_back();
  }
  if (s.empty()) {
    s = squash(fallback);
    if (s.empty()) s = "layer";
  }
  if (std::isdigit(static_cast<unsigned char>(s[0]))) s = "layer_" + s;
  if (isReservedIdentifier(s)) s += "_layer";
  return s;
}

std::string sanitizeClassName(std::string_view raw) {
  std::string out;
  bool upper = true;
  for (char c : raw) {
    const bool ascii = static_cast<unsigned char>(c) < 0x80;
    if (ascii && std::isalnum(static_cast<unsigned char>(c))) {
      out.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
      upper = false;
    } else {
      upper = true;
    }
    if (out.size() >= 40) break;
  }
  if (out.empty()) return "Model";
  if (std::isdigit(static_cast<unsigned char>(out[0]))) out = "Model" + out;
  if (isReservedIdentifier(out)) out += "Model";
  return out;
}

std::string commentText(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    if (out.size() >= 80) {
      out += "...";
      break;
    }
    const unsigned char u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7f ? c : '?');
  }
  return out;
}

std::string NameTable::claim(std::string_view raw, std::string_view fallback) {
  const std::string base = sanitizeIdentifier(raw, fallback);
  std::string name = base;
  for (int k = 2; used_.count(name) || isReservedIdentifier(name); ++k) name = base + "_" + std::to_string(k);
  used_.insert(name);
  return name;
}

}  // namespace nf::builder
