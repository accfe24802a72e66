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

// Builtins (functions, constants, common exceptions), what the generated code
// imports or defines, and attributes of torch.nn.Module a submodule must not shadow.
const std::set<std::string_view>& reserved() {
  static const std::set<std::string_view> r = {
    "ArithmeticError", "AssertionError", "AttributeError", "BaseException", "Ellipsis", "EOFError",
    "Exception", "FileNotFoundError", "ImportError", "IndexError", "KeyError", "KeyboardInterrupt",
    "LookupError", "MemoryError", "NameError", "NotImplemented", "NotImplementedError", "OSError",
    "OverflowError", "RecursionError", "RuntimeError", "StopIteration", "SyntaxError", "SystemExit",
    "TypeError", "ValueError", "ZeroDivisionError",
    "abs", "add_module", "aiter", "all", "anext", "any", "apply", "ascii", "batch", "batch_size",
    "bfloat16", "bin", "bool", "breakpoint", "buffers", "build_model", "bytearray", "bytes", "call_super_init",
    "callable", "children", "chr", "classmethod", "compile", "complex", "copyright", "count_parameters",
    "cpu", "credits", "cuda", "delattr", "dict", "dir", "divmod", "double", "dump_patches", "enumerate",
    "epoch", "epochs", "eval", "exec", "exit", "extra_repr", "filter", "float", "format", "forward",
    "frozenset", "functional", "get_buffer", "get_extra_state", "get_parameter", "get_submodule",
    "getattr", "globals", "half", "hasattr", "hash", "help", "hex", "id", "input", "inputs", "int", "ipu",
    "isinstance", "issubclass", "iter", "keras", "layers", "len", "license", "list", "load_state_dict",
    "locals", "loss", "loss_fn", "main", "make_batch", "map", "math", "max", "memoryview", "min", "model", "modules",
    "named_buffers", "named_children", "named_modules", "named_parameters", "next", "nn", "np", "numpy",
    "object", "oct", "open", "optimizer", "ord", "os", "outputs", "parameters", "pow", "print", "property",
    "quit", "range", "register_backward_hook", "register_buffer", "register_forward_hook",
    "register_forward_pre_hook", "register_full_backward_hook", "register_module", "register_parameter",
    "repr", "requires_grad_", "reversed", "round", "self", "set", "set_extra_state", "setattr",
    "share_memory", "slice", "sorted", "state_dict", "staticmethod", "step", "steps", "str", "sum",
    "super", "sys", "target", "tensorflow", "tf", "to", "to_empty", "torch", "train", "training", "transformer_decoder_layer", "transformer_encoder_layer",
    "tuple", "vars", "x", "xpu", "zero_grad", "zip"};
  return r;
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

bool isPythonKeyword(std::string_view s) { return keywords().count(s) != 0; }

bool isReservedIdentifier(std::string_view s) {
  return isPythonKeyword(s) || reserved().count(s) != 0 || (s.size() >= 2 && s[0] == '_' && s[1] == '_');
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
