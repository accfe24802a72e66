#!/usr/bin/env python3
"""netforge diff against model pairs whose matching is known, made here with torch/onnx.

usage: diff_pairs_test.py NETFORGE WORKDIR [CORPUS_DIR]

Each pair is built so the right answer is known (the same node under a scrambled
name, a layer inserted with the weights of the others copied, ...). Precision and
recall of the node pairs the CLI reports are printed per pair and asserted >= FLOOR.
Models go to WORKDIR (the build dir), never into the source tree.
"""
import copy, json, os, subprocess, sys

try:
    import numpy as np
    import onnx
    import torch
    import torchvision
    from onnx import helper, numpy_helper, TensorProto, version_converter
except ImportError as e:  # python3-torch / python3-onnx missing: skipped, not failed
    print(f"skipped: {e}")
    sys.exit(77)

NETFORGE, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)
FLOOR = 0.99
failures = []


def export(model, path, opset=13, shape=(1, 3, 64, 64)):
    torch.manual_seed(0)
    model.eval()
    torch.onnx.export(model, torch.randn(*shape), path, opset_version=opset, do_constant_folding=True)
    return onnx.load(path)


def save(m, name):
    path = os.path.join(WORK, name)
    onnx.save(m, path)
    return path


def run_diff(pa, pb):
    p = subprocess.run([NETFORGE, "diff", pa, pb, "--json"], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        raise SystemExit(f"diff failed ({p.returncode}): {p.stderr}")
    return p.returncode, json.loads(p.stdout)


def label(g, i):
    return g.node[i].name or f"#{i}"


def score(title, ma, mb, truth, rep, expect_rewrite=None, all_same=False, scoped_only=False):
    """truth: set of (a_label, b_label) pairs that must be found."""
    pairs = {(p["a"], p["b"]) for p in rep["nodes"]["pairs"]}
    if scoped_only:
        # Names without a scope ("Identity_12") come from a model-wide counter that an
        # insertion shifts: they say nothing about which node is which, so they are not scored.
        truth = {t for t in truth if "/" in t[0]}
        pairs = {p for p in pairs if "/" in p[0]}
    hit = len(pairs & truth)
    precision = hit / len(pairs) if pairs else 1.0
    recall = hit / len(truth) if truth else 1.0
    extra = ""
    if expect_rewrite:
        kinds = [r["kind"] for r in rep["rewrites"]]
        n = kinds.count(expect_rewrite)
        extra = f", rewrites {expect_rewrite} x{n}"
        if n == 0:
            failures.append(f"{title}: no {expect_rewrite} rewrite reported ({kinds})")
    if all_same:
        not_same = [p for p in rep["nodes"]["pairs"] if p["status"] != "same"]
        extra += f", not same: {len(not_same)}"
        if not_same or not rep["equal"]:
            failures.append(f"{title}: expected every pair same, got {not_same[:3]} equal={rep['equal']}")
    c = rep["nodes"]["counts"]
    print(f"{title:34s} nodes {c['a']:4d}/{c['b']:4d} paired {c['paired']:4d} changed {c['changed']:4d} "
          f"removed {c['removed']:3d} added {c['added']:3d}  precision {precision:.4f} recall {recall:.4f}{extra}")
    if precision < FLOOR or recall < FLOOR:
        wrong = sorted(pairs - truth)[:5]
        missed = sorted(truth - pairs)[:5]
        failures.append(f"{title}: precision {precision:.4f} recall {recall:.4f}; wrong {wrong}; missed {missed}")


def same_names(ma, mb):
    nb = {n.name for n in mb.graph.node}
    return {(n.name, n.name) for n in ma.graph.node if n.name in nb}


torch.manual_seed(0)
r18 = torchvision.models.resnet18(num_classes=10)
path_r18 = os.path.join(WORK, "r18.onnx")
m_r18 = export(r18, path_r18)

# 1. every name scrambled (nodes, values, initializers): all pairs "same", index i <-> i
def scrambled(model):
    m = copy.deepcopy(model)
    ren = {}
    def rn(x):
        if x == "":
            return x
        if x not in ren:
            ren[x] = f"t{(len(ren) * 7919) % 100003}_{len(ren)}"
        return ren[x]
    for k, n in enumerate(m.graph.node):
        n.name = f"n{(k * 104729) % 99991}"
        n.input[:] = [rn(x) for x in n.input]
        n.output[:] = [rn(x) for x in n.output]
    for t in m.graph.initializer:
        t.name = rn(t.name)
    for v in list(m.graph.input) + list(m.graph.output) + list(m.graph.value_info):
        v.name = rn(v.name)
    return m


def check_scrambled(title, model, path, name):
    m = scrambled(model)
    code, rep = run_diff(path, save(m, name))
    truth = {(label(model.graph, i), label(m.graph, i)) for i in range(len(m.graph.node))}
    score(title, model, m, truth, rep, all_same=True)
    if code != 0:
        failures.append(f"{title}: exit {code}, expected 0")


check_scrambled("resnet18 names scrambled", m_r18, path_r18, "r18_scrambled.onnx")

# 2. one block inserted in a ResNet (weights of the others copied): layer2.1 -> layer2.2
torch.manual_seed(1)
r18b = copy.deepcopy(r18)
blocks = list(r18b.layer2.children())
new_block = torchvision.models.resnet.BasicBlock(128, 128)
r18b.layer2 = torch.nn.Sequential(blocks[0], new_block, *blocks[1:])
m_ins = export(r18b, os.path.join(WORK, "r18_inserted.onnx"))
nb = {n.name for n in m_ins.graph.node}
def moved(name):
    return name.replace("/layer2/layer2.1/", "/layer2/layer2.2/")
truth = {(n.name, moved(n.name)) for n in m_r18.graph.node if moved(n.name) in nb}
code, rep = run_diff(path_r18, os.path.join(WORK, "r18_inserted.onnx"))
score("resnet18 block inserted", m_r18, m_ins, truth, rep, scoped_only=True)
code, rep = run_diff(os.path.join(WORK, "r18_inserted.onnx"), path_r18)
score("resnet18 block removed", m_ins, m_r18, {(b, a) for a, b in truth}, rep, scoped_only=True)


# the merged graph of the inserted block: one box per pair, each added node once, drawn
# in the added colour (the legend adds one swatch of each colour)
def check_merged(title, pa, pb):
    _, rep = run_diff(pa, pb)
    svg = os.path.join(WORK, "merged.svg")
    p = subprocess.run([NETFORGE, "diff", pa, pb, "--merged-svg", svg], capture_output=True, text=True)
    c = rep["nodes"]["counts"]
    want = c["paired"] + c["removed"] + c["added"]
    if p.returncode != 1 or f"{want} nodes merged" not in p.stderr:
        failures.append(f"{title}: merged svg: exit {p.returncode}, {p.stderr.strip()!r}, want {want} nodes")
        return
    text = open(svg).read().lower()
    for colour, count in (("#3db86b", c["added"]), ("#e0524a", c["removed"]), ("#f2a52b", c["changed"])):
        drawn = text.count(f'fill="{colour}"')
        if drawn != count + 1:
            failures.append(f"{title}: merged svg: {drawn} boxes in {colour}, want {count} + legend")
    print(f"{title}: merged graph of {want} nodes ({c['added']} added, {c['removed']} removed, {c['changed']} changed)")

check_merged("resnet18 block inserted", path_r18, os.path.join(WORK, "r18_inserted.onnx"))
check_merged("resnet18 block removed", os.path.join(WORK, "r18_inserted.onnx"), path_r18)


# 3. a transformer with one layer inserted / removed
class Block(torch.nn.Module):
    def __init__(self, d=64, h=4):
        super().__init__()
        self.h = h
        self.qkv = torch.nn.Linear(d, 3 * d)
        self.proj = torch.nn.Linear(d, d)
        self.ln1 = torch.nn.LayerNorm(d)
        self.ln2 = torch.nn.LayerNorm(d)
        self.fc1 = torch.nn.Linear(d, 4 * d)
        self.fc2 = torch.nn.Linear(4 * d, d)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).chunk(3, dim=-1)
        q = q.reshape(b, t, self.h, d // self.h).transpose(1, 2)
        k = k.reshape(b, t, self.h, d // self.h).transpose(1, 2)
        v = v.reshape(b, t, self.h, d // self.h).transpose(1, 2)
        a = torch.softmax(q @ k.transpose(-1, -2) / (d // self.h) ** 0.5, dim=-1) @ v
        x = x + self.proj(a.transpose(1, 2).reshape(b, t, d))
        return x + self.fc2(torch.nn.functional.gelu(self.fc1(self.ln2(x))))


class Tiny(torch.nn.Module):
    def __init__(self, n):
        super().__init__()
        self.layers = torch.nn.ModuleList([Block() for _ in range(n)])

    def forward(self, x):
        for l in self.layers:
            x = l(x)
        return x


torch.manual_seed(2)
ta = Tiny(4)
tb = copy.deepcopy(ta)
tb.layers.insert(2, Block())
pa, pb = os.path.join(WORK, "tf4.onnx"), os.path.join(WORK, "tf5.onnx")
ma = export(ta, pa, shape=(1, 8, 64))
mb = export(tb, pb, shape=(1, 8, 64))
nb = {n.name for n in mb.graph.node}
def moved_tf(name):
    for i in (3, 2):
        name = name.replace(f"/layers.{i}/", f"/layers.{i + 1}/")
    return name
truth = {(n.name, moved_tf(n.name)) for n in ma.graph.node if moved_tf(n.name) in nb}
check_scrambled("transformer names scrambled", ma, pa, "tf4_scrambled.onnx")
code, rep = run_diff(pa, pb)
score("transformer layer inserted", ma, mb, truth, rep, scoped_only=True)
code, rep = run_diff(pb, pa)
score("transformer layer removed", mb, ma, {(b, a) for a, b in truth}, rep, scoped_only=True)

# LayerNorm decomposed (opset 13 export) vs LayerNormalization (opset 17), same weights
p17 = os.path.join(WORK, "tf4_opset17.onnx")
m17 = export(ta, p17, opset=17, shape=(1, 8, 64))
code, rep = run_diff(pa, p17)
score("LayerNorm decomposed vs fused", ma, m17, same_names(ma, m17), rep, expect_rewrite="layernorm_fused")

# 4. kernel size changed (layer1.0.conv1 3x3 -> 5x5) and channels changed (a small CNN)
r18k = copy.deepcopy(r18)
r18k.layer1[0].conv1 = torch.nn.Conv2d(64, 64, 5, padding=2, bias=False)
m_k = export(r18k, os.path.join(WORK, "r18_kernel5.onnx"))
code, rep = run_diff(path_r18, os.path.join(WORK, "r18_kernel5.onnx"))
score("resnet18 kernel 3 -> 5", m_r18, m_k, same_names(m_r18, m_k), rep)
changed = [p for p in rep["nodes"]["pairs"] if p["status"] == "changed"]
if not any(c["what"] == "attribute kernel_shape" for p in changed for c in p["changes"]):
    failures.append("kernel: no kernel_shape change reported")


def cnn(c):
    return torch.nn.Sequential(torch.nn.Conv2d(3, c, 3, padding=1), torch.nn.ReLU(), torch.nn.Conv2d(c, 32, 3),
                               torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(32, 10))


ca = export(cnn(16), os.path.join(WORK, "cnn16.onnx"))
cb = export(cnn(24), os.path.join(WORK, "cnn24.onnx"))
code, rep = run_diff(os.path.join(WORK, "cnn16.onnx"), os.path.join(WORK, "cnn24.onnx"))
score("cnn channels 16 -> 24", ca, cb, same_names(ca, cb), rep)

# 5. fp32 vs fp16 weights (and graph input/output types)
m16 = copy.deepcopy(m_r18)
for t in m16.graph.initializer:
    if t.data_type == TensorProto.FLOAT:
        t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(t).astype(np.float16), t.name))
for v in list(m16.graph.input) + list(m16.graph.output):
    v.type.tensor_type.elem_type = TensorProto.FLOAT16
del m16.graph.value_info[:]
code, rep = run_diff(path_r18, save(m16, "r18_fp16.onnx"))
score("resnet18 fp32 -> fp16", m_r18, m16, same_names(m_r18, m16), rep)
vals = [i["values"] for i in rep["initializers"]["pairs"] if "values" in i]
if not vals or min(v["cosine"] for v in vals if v.get("cosine") is not None) < 0.999:
    failures.append("fp16: initializer values not compared or cosine too low")

# 6. opset upgrade with onnx's version converter
m_up = version_converter.convert_version(m_r18, 15)
code, rep = run_diff(path_r18, save(m_up, "r18_opset15.onnx"))
score("resnet18 opset 13 -> 15", m_r18, m_up, same_names(m_r18, m_up), rep)
if not any(c["what"].startswith("opset") for c in rep["graph"]):
    failures.append("opset: no opset change reported")

# an older opset upgraded: Upsample (opset 9) becomes Constant + Resize (opset 13)
up_nodes = [helper.make_node("Conv", ["x", "uw"], ["c"], name="conv", pads=[1, 1, 1, 1]),
            helper.make_node("Relu", ["c"], ["r"], name="relu"),
            helper.make_node("Upsample", ["r", "scales"], ["u"], name="up", mode="nearest"),
            helper.make_node("Flatten", ["u"], ["f"], name="flat"),
            helper.make_node("Softmax", ["f"], ["y"], name="softmax")]
up_inits = [numpy_helper.from_array(np.random.default_rng(5).standard_normal((8, 3, 3, 3)).astype(np.float32), "uw"),
            numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "scales")]
m9 = helper.make_model(helper.make_graph(up_nodes, "up", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
                                         [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], up_inits),
                       opset_imports=[helper.make_opsetid("", 9)])
m13 = version_converter.convert_version(m9, 13)
code, rep = run_diff(save(m9, "up_opset9.onnx"), save(m13, "up_opset13.onnx"))
score("opset 9 -> 13 (Upsample -> Resize)", m9, m13, same_names(m9, m13), rep, expect_rewrite="replaced")

# 7. BatchNorm folded into Conv (built with onnx.helper; folding done here in numpy)
rng = np.random.default_rng(3)
def init(name, arr):
    return numpy_helper.from_array(arr.astype(np.float32), name)
inits, nodes = [], []
x = "x"
for i, (cin, cout) in enumerate([(3, 8), (8, 16), (16, 16)]):
    w = rng.standard_normal((cout, cin, 3, 3)).astype(np.float32)
    inits += [init(f"w{i}", w), init(f"b{i}", rng.standard_normal(cout)), init(f"g{i}", rng.random(cout) + 0.5),
              init(f"be{i}", rng.standard_normal(cout)), init(f"mu{i}", rng.standard_normal(cout)),
              init(f"var{i}", rng.random(cout) + 0.5)]
    nodes += [helper.make_node("Conv", [x, f"w{i}", f"b{i}"], [f"c{i}"], name=f"conv{i}", pads=[1, 1, 1, 1]),
              helper.make_node("BatchNormalization", [f"c{i}", f"g{i}", f"be{i}", f"mu{i}", f"var{i}"], [f"bn{i}"],
                               name=f"bn{i}"),
              helper.make_node("Relu", [f"bn{i}"], [f"r{i}"], name=f"relu{i}")]
    x = f"r{i}"
g = helper.make_graph(nodes, "bn", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
                      [helper.make_tensor_value_info(x, TensorProto.FLOAT, None)], inits)
m_bn = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
fold = copy.deepcopy(m_bn)
arr = {t.name: numpy_helper.to_array(t) for t in fold.graph.initializer}
keep_nodes, new_inits = [], []
for i in range(3):
    s = arr[f"g{i}"] / np.sqrt(arr[f"var{i}"] + 1e-5)
    new_inits += [init(f"w{i}", arr[f"w{i}"] * s[:, None, None, None]),
                  init(f"b{i}", (arr[f"b{i}"] - arr[f"mu{i}"]) * s + arr[f"be{i}"])]
for n in fold.graph.node:
    if n.op_type == "BatchNormalization":
        continue
    if n.op_type == "Relu":
        n.input[0] = n.input[0].replace("bn", "c")
    keep_nodes.append(n)
del fold.graph.node[:]
fold.graph.node.extend(keep_nodes)
del fold.graph.initializer[:]
fold.graph.initializer.extend(new_inits)
code, rep = run_diff(save(m_bn, "bn.onnx"), save(fold, "bn_folded.onnx"))
score("BatchNorm folded into Conv", m_bn, fold, same_names(m_bn, fold), rep, expect_rewrite="conv_bn_fused")

# 8. a QDQ-quantized copy: QuantizeLinear/DequantizeLinear before every Conv/Gemm input
mq = copy.deepcopy(m_r18)
new_nodes = []
mq.graph.initializer.extend([numpy_helper.from_array(np.array(0.05, np.float32), "qdq_scale"),
                             numpy_helper.from_array(np.array(0, np.int8), "qdq_zero")])
for k, n in enumerate(mq.graph.node):
    if n.op_type in ("Conv", "Gemm"):
        for slot in (0, 1):
            src = n.input[slot]
            q, dq = f"{src}_q{k}", f"{src}_dq{k}"
            new_nodes.append(helper.make_node("QuantizeLinear", [src, "qdq_scale", "qdq_zero"], [q], name=f"Q_{k}_{slot}"))
            new_nodes.append(helper.make_node("DequantizeLinear", [q, "qdq_scale", "qdq_zero"], [dq], name=f"DQ_{k}_{slot}"))
            n.input[slot] = dq
    new_nodes.append(n)
del mq.graph.node[:]
mq.graph.node.extend(new_nodes)
code, rep = run_diff(path_r18, save(mq, "r18_qdq.onnx"))
score("resnet18 QDQ-quantized", m_r18, mq, same_names(m_r18, mq), rep, expect_rewrite="qdq_added")

# 9. two models of one family
torch.manual_seed(4)
m34 = export(torchvision.models.resnet34(num_classes=10), os.path.join(WORK, "r34.onnx"))
code, rep = run_diff(path_r18, os.path.join(WORK, "r34.onnx"))
score("resnet18 vs resnet34", m_r18, m34, same_names(m_r18, m34), rep, scoped_only=True)

# exit codes: same file -> 0, unreadable -> 2
code, _ = run_diff(path_r18, path_r18)
if code != 0:
    failures.append(f"identical files: exit {code}")
bad = os.path.join(WORK, "not_a_model.onnx")
open(bad, "wb").write(b"\x08\x07garbage" * 10)
p = subprocess.run([NETFORGE, "diff", path_r18, bad], capture_output=True, text=True)
if p.returncode != 2 or not p.stderr.strip():
    failures.append(f"corrupt file: exit {p.returncode}, stderr {p.stderr!r}")

# every 10th corpus model compared with itself, and with a copy whose names are scrambled:
# exit 0, every node paired with itself
corpus = sys.argv[3] if len(sys.argv) > 3 else ""
if corpus and os.path.isdir(corpus):
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs if f.endswith(".onnx"))[::10]
    checked = 0
    for f in files:
        code, rep = run_diff(f, f)
        if code != 0 or rep["nodes"]["counts"]["paired"] != rep["nodes"]["counts"]["a"]:
            failures.append(f"{f}: compared with itself: exit {code}, counts {rep['nodes']['counts']}")
        try:
            model = onnx.load(f)
        except Exception:
            continue
        if any(a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS) for n in model.graph.node for a in n.attribute):
            continue  # bodies refer to outer names; scrambling them is not this test's business
        m = scrambled(model)
        code, rep = run_diff(f, save(m, "corpus_scrambled.onnx"))
        truth = {(label(model.graph, i), label(m.graph, i)) for i in range(len(m.graph.node))}
        pairs = {(p["a"], p["b"]) for p in rep["nodes"]["pairs"]}
        if pairs != truth:
            failures.append(f"{f}: scrambled copy: wrong {sorted(pairs - truth)[:3]} missed {sorted(truth - pairs)[:3]}")
        checked += 1
    print(f"corpus: {len(files)} models compared with themselves, {checked} with a scrambled copy")

if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("all pairs above the floor", FLOOR)
