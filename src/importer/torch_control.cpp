// importer/torch_control.cpp - ONNX control flow (If, Loop, Scan, SequenceMap) as Python.
//
// Each body graph becomes a function nested in forward(), so it reads the values of the
// enclosing graph as closure variables; If calls one of its two branches, Loop / Scan /
// SequenceMap pass their body to a helper that runs it.
#include <functional>
#include <set>

#include "base/strings.h"
#include "importer/torch_context.h"
#include "importer/torch_node_util.h"

namespace nf::importer::detail {

namespace {

// Names of values that the graph (or a body nested in it) reads from outside.
void outerNames(const ir::Model& m, const ir::Graph& g, std::set<std::string>& out) {
  for (const ir::Value& v : g.values)
    if (v.outer_scope || (!v.producer.valid() && !v.graph_input && v.initializer < 0 && !v.consumers.empty()))
      out.insert(v.name);
  for (const ir::Node& n : g.nodes)
    for (ir::GraphId sub : n.subgraphs()) outerNames(m, m.graph(sub), out);
}

const ir::Graph* bodyOf(const Ctx& c, const ir::Node& n, const char* attr) {
  const ir::Attribute* a = n.attr(attr);
  if (!a || a->type != ir::AttrType::Graph || a->graphs.empty()) return nullptr;
  return &c.model.graph(a->graphs[0]);
}

// Writes `def fn(inputs...): ...; return outputs` into c.forward. A single output is returned
// as itself unless `tuple` (Loop and Scan bodies always return a tuple).
Status emitBody(Ctx& c, const ir::Graph& body, const std::string& fn, bool tuple) {
  // Outer values are resolved (and weights declared) in the enclosing translation first, so
  // the body's own names are claimed after them.
  std::set<std::string> outer;
  outerNames(c.model, body, outer);
  for (const std::string& name : outer) (void)c.outer(name);

  Ctx sub(c.model, body);
  sub.parent = &c;
  sub.opset = c.opset;
  sub.has_half = c.has_half;
  sub.locals = c.locals;  // a body variable never shadows a closure variable it reads
  sub.attrs = c.attrs;
  sub.helpers = c.helpers;
  sub.next_suffix = c.next_suffix;
  sub.scope_prefix = c.scope_prefix;
  std::string params;
  for (ir::ValueId v : body.inputs) {
    const ir::Value& val = body.value(v);
    if (val.initializer >= 0) continue;
    const std::string var = sub.claim(sub.locals, val.name, "x");
    sub.expr[v.index] = var;
    params += (params.empty() ? "" : ", ") + var;
  }
  for (uint32_t i = 0; i < body.nodes.size(); ++i) {
    if (sub.skipped_nodes.count(i)) continue;
    if (Status s = emitNode(sub, i); !s) {
      const ir::Node& n = body.nodes[i];
      return Error{"in " + fn + ", node '" + displayName(n.name.empty() ? n.op_type : n.name) + "' (" + n.op_type + "): " + s.message()};
    }
  }
  std::string ret;
  for (ir::ValueId v : body.outputs) {
    auto e = sub.value(v);
    if (!e) return Error{"in " + fn + ": output '" + displayName(body.value(v).name) + "': " + e.error().message};
    ret += (ret.empty() ? "" : ", ") + *e;
  }
  if (body.outputs.empty()) return Error{fn + " has no outputs"};
  if (tuple && body.outputs.size() == 1) ret = "(" + ret + ",)";
  c.attrs = sub.attrs;
  c.helpers.merge(sub.helpers);
  c.next_suffix = sub.next_suffix;
  c.init_lines.insert(c.init_lines.end(), sub.init_lines.begin(), sub.init_lines.end());
  c.weight_map.insert(c.weight_map.end(), sub.weight_map.begin(), sub.weight_map.end());
  c.result.op_calls += sub.result.op_calls;
  c.forward.push_back("def " + fn + "(" + params + "):");
  for (const std::string& line : sub.forward) c.forward.push_back("    " + line);
  c.forward.push_back("    return " + ret);
  return {};
}

// "a, b" for the node's outputs ("_" for unused ones); a single output gets a trailing comma
// when `tuple`.
std::string outputList(Ctx& c, const ir::Node& n, bool tuple) {
  std::string lhs;
  for (size_t i = 0; i < n.outputs.size(); ++i)
    lhs += (i ? ", " : "") + (outputUsed(c, n, i) ? c.outVar(n, i) : std::string("_"));
  if (tuple && n.outputs.size() == 1) lhs += ",";
  return lhs;
}

Result<std::string> input(Ctx& c, const ir::Node& n, size_t i) {
  if (!hasInput(n, i)) return std::string("None");
  return c.value(n.inputs[i]);
}

}  // namespace

Status emitControlFlow(Ctx& c, const ir::Node& n) {
  const std::string& op = n.op_type;
  std::string base = c.localScope(n);
  if (base.empty()) {
    base = op;
    for (char& ch : base) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  if (op == "If") {
    const ir::Graph* then_g = bodyOf(c, n, "then_branch");
    const ir::Graph* else_g = bodyOf(c, n, "else_branch");
    if (!then_g || !else_g) return Error{"If without both branches"};
    auto cond = input(c, n, 0);
    if (!cond) return cond.error();
    const std::string then_fn = c.claim(c.locals, base + "_then", "then_branch");
    const std::string else_fn = c.claim(c.locals, base + "_else", "else_branch");
    if (Status s = emitBody(c, *then_g, then_fn, false); !s) return s;
    if (Status s = emitBody(c, *else_g, else_fn, false); !s) return s;
    c.forward.push_back(outputList(c, n, false) + " = " + then_fn + "() if bool(" + *cond + ") else " + else_fn + "()");
    return {};
  }
  if (op == "Loop") {
    const ir::Graph* body = bodyOf(c, n, "body");
    if (!body) return Error{"Loop without a body"};
    std::string carried;
    for (size_t i = 2; i < n.inputs.size(); ++i) {
      auto v = input(c, n, i);
      if (!v) return v.error();
      carried += (i > 2 ? ", " : "") + *v;
    }
    auto trip = input(c, n, 0);
    if (!trip) return trip.error();
    auto cond = input(c, n, 1);
    if (!cond) return cond.error();
    const size_t n_carried = n.inputs.size() > 2 ? n.inputs.size() - 2 : 0;
    const size_t n_scan = n.outputs.size() > n_carried ? n.outputs.size() - n_carried : 0;
    const std::string fn = c.claim(c.locals, base + "_body", "loop_body");
    if (Status s = emitBody(c, *body, fn, true); !s) return s;
    c.helpers.use("onnx_loop");
    c.forward.push_back(outputList(c, n, true) + " = onnx_loop(" + fn + ", " + *trip + ", " + *cond + ", [" + carried + "], " +
                        std::to_string(n_scan) + ")");
    return {};
  }
  if (op == "Scan") {
    const ir::Graph* body = bodyOf(c, n, "body");
    if (!body) return Error{"Scan without a body"};
    // Before opset 9 the first input is the optional sequence_lens and axis 0 a batch.
    const size_t first = c.opset < 9 ? 1 : 0;
    const size_t n_inputs = static_cast<size_t>(attrInt(n, "num_scan_inputs", 0));
    if (n_inputs == 0 || n_inputs + first > n.inputs.size()) return Error{"Scan with a bad num_scan_inputs"};
    const size_t n_states = n.inputs.size() - first - n_inputs;
    std::string states, scans;
    for (size_t i = first; i < n.inputs.size(); ++i) {
      auto v = input(c, n, i);
      if (!v) return v.error();
      std::string& list = i - first < n_states ? states : scans;
      list += (list.empty() ? "" : ", ") + *v;
    }
    const std::string fn = c.claim(c.locals, base + "_body", "scan_body");
    if (Status s = emitBody(c, *body, fn, true); !s) return s;
    if (first) {
      auto lengths = input(c, n, 0);
      if (!lengths) return lengths.error();
      c.helpers.use("onnx_scan_batched");
      std::string call = "onnx_scan_batched(" + fn + ", " + *lengths + ", [" + states + "], [" + scans + "], " +
                         std::to_string(n.outputs.size() - n_states);
      if (auto v = attrInts(n, "directions")) call += ", " + pyInts(*v);
      c.forward.push_back(outputList(c, n, true) + " = " + call + ")");
      return {};
    }
    c.helpers.use("onnx_scan");
    std::string call = "onnx_scan(" + fn + ", [" + states + "], [" + scans + "], " + std::to_string(n.outputs.size() - n_states);
    for (const char* a : {"scan_input_axes", "scan_input_directions", "scan_output_axes", "scan_output_directions"})
      if (auto v = attrInts(n, a)) call += std::string(", ") + (std::string(a).substr(5)) + "=" + pyInts(*v);
    c.forward.push_back(outputList(c, n, true) + " = " + call + ")");
    return {};
  }
  if (op == "SequenceMap") {
    const ir::Graph* body = bodyOf(c, n, "body");
    if (!body) return Error{"SequenceMap without a body"};
    std::string args;
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      auto v = input(c, n, i);
      if (!v) return v.error();
      args += ", " + *v;
    }
    const std::string fn = c.claim(c.locals, base + "_body", "map_body");
    if (Status s = emitBody(c, *body, fn, true); !s) return s;
    c.helpers.use("onnx_sequence_map");
    c.forward.push_back(outputList(c, n, true) + " = onnx_sequence_map(" + fn + ", " + std::to_string(n.outputs.size()) + args + ")");
    return {};
  }
  return Error{"no torch equivalent for ONNX op " + op + " (with a subgraph) yet"};
}

}  // namespace nf::importer::detail
