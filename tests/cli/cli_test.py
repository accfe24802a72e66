#!/usr/bin/env python3
"""CLI tests: `netforge info` output and its behaviour on bad input; `summary` of a
model with name scopes (modules, --depth, --ops, --flat); `render --color-by`.

usage: cli_test.py NETFORGE_BINARY CORPUS_DIR
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import Checks  # noqa: E402

exe, corpus = sys.argv[1], sys.argv[2]
checks = Checks("cli")
check = checks.check


def run(*args):
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=60)


# A minimal protobuf writer: the test needs no onnx/numpy package (whatever python3 runs it).
def _varint(v):
    out = bytearray()
    while True:
        b, v = v & 0x7F, v >> 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


def _field(num, value):
    if isinstance(value, int):
        return _varint(num << 3) + _varint(value)
    data = value.encode() if isinstance(value, str) else value
    return _varint(num << 3 | 2) + _varint(len(data)) + data


def _tensor_type(dims):  # TypeProto.tensor_type: FLOAT, fixed dims
    shape = b"".join(_field(1, _field(1, d)) for d in dims)
    return _field(1, _field(1, 1) + _field(2, shape))


def write_scoped_stack(path, layers=6):
    """A PyTorch-style stack: /embed, /layers.i/{attn,mlp} (identical layers), /head."""
    nodes, inits = [], []

    def node(op, ins, outs, name, axis=None):
        b = b"".join(_field(1, i) for i in ins) + b"".join(_field(2, o) for o in outs) + _field(3, name) + _field(4, op)
        if axis is not None:  # AttributeProto: name, i (negative as 64-bit two's complement), type INT
            b += _field(5, _field(1, "axis") + _field(3, axis & 0xFFFFFFFFFFFFFFFF) + _field(20, 2))
        nodes.append(b)

    def w(name, shape):
        count = 1
        for d in shape:
            count *= d
        raw = struct.pack("<f", 0.01) * count
        inits.append(b"".join(_field(1, d) for d in shape) + _field(2, 1) + _field(8, name) + _field(9, raw))
        return name

    x = "x"
    node("MatMul", [x, w("embed.w", [16, 16])], ["e"], "/embed/MatMul")
    node("Relu", ["e"], ["e1"], "/embed/Relu")
    x = "e1"
    for i in range(layers):
        p = f"/layers.{i}"
        node("MatMul", [x, w(f"l{i}.q", [16, 16])], [p + "q"], p + "/attn/MatMul")
        node("Softmax", [p + "q"], [p + "s"], p + "/attn/Softmax", axis=-1)
        node("MatMul", [p + "s", w(f"l{i}.o", [16, 16])], [p + "o"], p + "/attn/MatMul_1")
        node("Add", [x, p + "o"], [p + "r"], p + "/Add")
        node("MatMul", [p + "r", w(f"l{i}.m1", [16, 64])], [p + "m1"], p + "/mlp/MatMul")
        node("Relu", [p + "m1"], [p + "m2"], p + "/mlp/Relu")
        node("MatMul", [p + "m2", w(f"l{i}.m2", [64, 16])], [p + "m3"], p + "/mlp/MatMul_1")
        node("Add", [p + "r", p + "m3"], [p + "y"], p + "/Add_1")
        x = p + "y"
    node("MatMul", [x, w("head.w", [16, 4])], ["h"], "/head/MatMul")
    node("Softmax", ["h"], ["y"], "/head/Softmax", axis=-1)
    graph = (b"".join(_field(1, n) for n in nodes) + _field(2, "stack") + b"".join(_field(5, t) for t in inits) +
             _field(11, _field(1, "x") + _field(2, _tensor_type([1, 8, 16]))) +
             _field(12, _field(1, "y") + _field(2, _tensor_type([1, 8, 4]))))
    model = _field(1, 8) + _field(7, graph) + _field(8, _field(1, "") + _field(2, 17))
    with open(path, "wb") as f:
        f.write(model)


with tempfile.TemporaryDirectory() as tmp:
    sample = os.path.join(tmp, "sample.onnx")
    r = run("sample", "-o", sample)
    check("sample writes a model", r.returncode == 0 and os.path.getsize(sample) > 1000, r.stderr)

    r = run("info", sample, "--json")
    check("info --json exits 0", r.returncode == 0, r.stderr)
    info = json.loads(r.stdout)
    g = info["graph"]
    check("ir_version", info["ir_version"] == 8, info["ir_version"])
    check("producer", info["producer"] == "netforge", info["producer"])
    check("opset_imports", info["opset_imports"] == {"ai.onnx": 17}, info["opset_imports"])
    check("node_count", g["node_count"] == 8 and g["node_count_including_subgraphs"] == 8, g)
    check("initializer_count", g["initializer_count"] == 6, g)
    check("inputs", g["inputs"] == [{"name": "image", "kind": "tensor", "elem_type": "FLOAT", "shape": ["N", 3, 32, 32]}], g["inputs"])
    check("outputs", g["outputs"][0]["shape"] == ["N", 10], g["outputs"])
    check("op_types", info["op_types"] == ["Conv", "Flatten", "Gemm", "MaxPool", "Relu"], info["op_types"])
    check("function_count", info["function_count"] == 0, info)

    # A corpus model with a subgraph: counts with and without subgraphs differ.
    manifest = json.load(open(os.path.join(corpus, "manifest.json")))
    with_sub = [f for f in manifest["files"] if f["node_count"] != f["node_count_incl_subgraphs"]][0]
    r = run("info", os.path.join(corpus, with_sub["path"]), "--json")
    j = json.loads(r.stdout)
    check("subgraph counts", j["graph"]["node_count_including_subgraphs"] == with_sub["node_count_incl_subgraphs"]
          and j["graph"]["node_count"] == with_sub["node_count"], with_sub["path"])

    # Bad input: exit non-zero with exactly one line that says what is wrong.
    cases = {
        "png": (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 64, "PNG"),
        "empty": (b"", "empty"),
        "text": (b"hello world, this is not a model\n", "text"),
        "truncated": (open(sample, "rb").read()[:5000], "truncated"),
        "zip": (b"PK\x03\x04" + b"\0" * 100, "ZIP"),
    }
    for name, (data, word) in cases.items():
        path = os.path.join(tmp, f"bad_{name}.onnx")
        open(path, "wb").write(data)
        r = run("info", path)
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        check(f"bad {name}: non-zero exit", r.returncode != 0, r.returncode)
        check(f"bad {name}: one line", len(lines) == 1, r.stderr)
        check(f"bad {name}: says '{word}'", word.lower() in r.stderr.lower(), r.stderr)
    r = run("info", os.path.join(tmp, "does-not-exist.onnx"))
    check("missing file", r.returncode != 0 and "cannot open" in r.stderr, r.stderr)
    hostile = os.path.join(tmp, "evil\x1b[31m.onnx")
    open(hostile, "wb").write(b"junk")
    r = run("info", hostile)
    check("hostile file name is escaped", "\x1b" not in r.stderr and r.returncode != 0, repr(r.stderr))

    # One parser for every command: a typo is an error (exit 2 with the usage), never
    # a silently different result.
    out_svg = os.path.join(tmp, "x.svg")
    r = run("render", sample, "-o", out_svg, "--view", "layered", "--bogus", "1")
    check("unknown option: exit 2", r.returncode == 2 and not os.path.exists(out_svg), (r.returncode, r.stderr))
    check("unknown option: named, usage shown", "unknown option --bogus" in r.stderr and "usage: netforge render" in r.stderr,
          r.stderr)
    # The layered and neurons views (src/views): SVG that parses, one group per box.
    import struct
    import xml.etree.ElementTree as ET
    SVG = "{http://www.w3.org/2000/svg}"

    def svg_groups(path, cls):
        root = ET.parse(path).getroot()
        return root, [g for g in root.iter(SVG + "g") if g.get("class") == cls]

    lay = os.path.join(tmp, "layered.svg")
    r = run("render", sample, "-o", lay, "--view", "layered", "--labels", "name,shape,params")
    check("render --view layered exits 0", r.returncode == 0, r.stderr)
    root, boxes = svg_groups(lay, "layer")
    check("layered svg says its view", root.get("data-netforge-view") == "layered", root.attrib)
    # 8 nodes: Conv/Relu/MaxPool twice, Flatten, Gemm; the Relus fold into their convs, plus the input.
    check("layered: one group per box", [b.get("data-op") for b in boxes] ==
          ["Input", "Conv", "MaxPool", "Conv", "MaxPool", "Flatten", "Gemm"], [b.get("data-op") for b in boxes])
    r = run("render", sample, "-o", lay, "--view", "layered", "--type-ignore", "MaxPool,Flatten")
    check("type-ignore hides op types", r.returncode == 0 and len(svg_groups(lay, "layer")[1]) == 4, r.stderr)
    r = run("render", sample, "-o", lay, "--view", "layered", "--activations", "separate", "--sizing", "uniform")
    check("activations separate: own boxes", r.returncode == 0 and len(svg_groups(lay, "layer")[1]) == 9, r.stderr)

    r = run("render", sample, "-o", lay, "--view", "layered", "--regions", "1", "--label-position", "over")
    check("regions and text over the boxes", r.returncode == 0 and len(svg_groups(lay, "layer")[1]) == 7, r.stderr)

    neu = os.path.join(tmp, "neurons.svg")
    r = run("render", sample, "-o", neu, "--view", "neurons")
    check("render --view neurons exits 0", r.returncode == 0, r.stderr)
    root, cols = svg_groups(neu, "neuron-layer")
    check("neurons svg says its view", root.get("data-netforge-view") == "neurons", root.attrib)
    units = [int(c.get("data-units")) for c in cols]
    check("neurons: input features and the classifier", len(cols) == 2 and units[1] == 10, units)
    texts = [t.text for t in root.iter(SVG + "text")]
    check("neurons: a big layer is truncated with +M", units and f"+{units[0] - 11:,}" in texts, (units, texts[:20]))
    check("neurons: conv/pool/flatten as boxes", len(svg_groups(neu, "box")[1]) >= 3, texts[:10])

    # Weights stripped to ConstantOfShape (the corpus's light models): still dense layers, grey links.
    r = run("render", os.path.join(corpus, "light", "light_resnet50.onnx"), "-o", neu, "--view", "neurons")
    root, cols = svg_groups(neu, "neuron-layer") if r.returncode == 0 else (None, [])
    caption = " ".join(t.text or "" for t in root.iter(SVG + "text")) if root is not None else ""
    check("neurons of a weightless ResNet-50: 2048 -> 1000, the rest named",
          [c.get("data-units") for c in cols] == ["2048", "1000"] and "53 Conv" in caption and
          "weights not available" in caption, (r.stderr, caption[-300:]))

    # A builder document: its layers as drawn (the ReLUs inside their layers).
    doc = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "builder", "docs", "residual_add.json")
    r = run("render", doc, "-o", lay, "--view", "layered")
    ops = [b.get("data-op") for b in svg_groups(lay, "layer")[1]] if r.returncode == 0 else []
    check("layered view of a builder document", "Conv2d" in ops and "Add" in ops and "ReLU" not in ops, (r.stderr, ops))
    # The neurons of a builder CNN: conv/pool/flatten as boxes, the Linear layers as neurons.
    cnn = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "builder", "docs", "cifar10_cnn.json")
    r = run("render", cnn, "-o", neu, "--view", "neurons")
    root, cols = svg_groups(neu, "neuron-layer") if r.returncode == 0 else (None, [])
    boxes = [b.get("data-op") for b in svg_groups(neu, "box")[1]] if r.returncode == 0 else []
    check("neurons of a builder CNN: boxes then 400 -> 120 -> 84 -> 10",
          root is not None and root.get("data-netforge-view") == "neurons" and
          [c.get("data-units") for c in cols] == ["400", "120", "84", "10"] and boxes[-1:] == ["Flatten"] and
          "Conv2d · ReLU" in boxes, (r.stderr, boxes, [c.get("data-units") for c in cols]))
    unet = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "builder", "docs", "unet_like.json")
    r = run("render", unet, "-o", neu, "--view", "neurons")
    check("neurons of a builder document without Linear layers: said", r.returncode == 0 and "No Linear" in r.stderr, r.stderr)
    # Dark paper and a legend with dimensions.
    r = run("render", cnn, "-o", lay, "--view", "layered", "--background", "dark", "--legend", "dims")
    root, entries = svg_groups(lay, "legend-entry") if r.returncode == 0 else (None, [])
    rects = list(root.iter(SVG + "rect")) if root is not None else []
    check("layered --background dark --legend dims: dark paper, each type with its shape",
          rects and rects[0].get("fill") == "#121417" and "1×6×28×28" in [e.get("data-dims") for e in entries],
          (r.stderr, rects[:1] and rects[0].attrib, [e.get("data-dims") for e in entries]))

    png = os.path.join(tmp, "layered.png")
    r = run("render", sample, "-o", png, "--view", "layered", "--background", "transparent", "--fit", "16:9", "--scale", "2")
    data = open(png, "rb").read() if r.returncode == 0 else b""
    ok = data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    w, h = struct.unpack(">II", data[16:24]) if ok else (0, 1)
    check("layered png: RGBA, 16:9", ok and data[25] == 6 and abs(w / h - 16 / 9) < 0.02, (r.stderr, w, h))

    for bad in (["--view", "cube"], ["--view", "layered", "--sizing", "huge"], ["--sizing", "capped"],
                ["--view", "layered", "--labels", "colour"], ["--view", "neurons", "--neurons", "1"],
                ["--view", "layered", "--grouped", "collapsed"], ["--view", "layered", "--label-position", "left"],
                ["--view", "layered", "--regions", "-1"]):
        r = run("render", sample, "-o", lay, *bad)
        check("render " + " ".join(bad) + ": exit 2", r.returncode == 2 and r.stderr.startswith("netforge render:"),
              (r.returncode, r.stderr))

    r = run("summary", sample, "--depth")
    check("missing value: exit 2", r.returncode == 2 and "--depth needs a value" in r.stderr, (r.returncode, r.stderr))
    r = run("info", sample, "extra.onnx")
    check("extra argument: exit 2", r.returncode == 2 and "unexpected argument 'extra.onnx'" in r.stderr, r.stderr)
    r = run("info", "--json=yes", sample)
    check("flag with a value: exit 2", r.returncode == 2 and "--json takes no value" in r.stderr, r.stderr)
    r = run("info", sample, "--json", "--json")
    check("option given twice: exit 2", r.returncode == 2 and "given twice" in r.stderr, r.stderr)
    r = run("info")
    check("missing positional: exit 2", r.returncode == 2 and "missing FILE" in r.stderr, r.stderr)
    r = run("info", "--json", sample)
    check("flag before the file", r.returncode == 0 and json.loads(r.stdout)["producer"] == "netforge", r.stderr)
    r = run("summary", sample, "--format=csv")
    check("--name=value form", r.returncode == 0 and "," in r.stdout.splitlines()[0], r.stdout[:200])
    # codegen on an ONNX model: PyTorch with the weight loader; errors are one line.
    code_path = os.path.join(tmp, "sample.py")
    r = run("codegen", sample, "-o", code_path)
    code = open(code_path).read() if r.returncode == 0 else ""
    check("codegen MODEL.onnx writes PyTorch with a loader", "nn.Conv2d(" in code and "def load_onnx_weights" in code,
          r.stderr)
    r = run("codegen", sample, "--no-weights")
    check("codegen --no-weights leaves out the loader", r.returncode == 0 and "load_onnx_weights" not in r.stdout, r.stderr)
    r = run("codegen", sample, "--flat", "--time", "-o", code_path)
    check("codegen --flat --time: the times on stderr", r.returncode == 0 and "import + code" in r.stderr and
          "class Model(nn.Module)" in open(code_path).read(), r.stderr)
    r = run("codegen", sample, "--framework", "keras")
    check("codegen MODEL.onnx --framework keras: Keras code through the builder document",
          r.returncode == 0 and "layers.Conv2D(" in r.stdout and "keras.Model(" in r.stdout, r.stderr)
    r = run("codegen", sample, "--framework", "caffe")
    check("codegen MODEL.onnx --framework caffe: exit 2", r.returncode == 2 and "pytorch or keras" in r.stderr, r.stderr)
    broken = os.path.join(tmp, "broken.onnx")
    with open(sample, "rb") as f, open(broken, "wb") as g:
        g.write(f.read()[:300])
    r = run("codegen", broken)
    check("codegen on a truncated model: exit 1, one line", r.returncode == 1 and r.stderr.count("\n") == 1, r.stderr)
    # builder templates: listed, written as documents the builder accepts, unknown names refused.
    r = run("template", "--json")
    names = [t["name"] for t in json.loads(r.stdout)] if r.returncode == 0 else []
    check("template --json lists the gallery", len(names) >= 12 and "ResNet-18" in names, r.stdout[:300])
    doc_path = os.path.join(tmp, "resnet.json")
    r = run("template", "resnet-18", "-o", doc_path)
    r2 = run("check", doc_path, "--json") if r.returncode == 0 else r
    report = json.loads(r2.stdout) if r2.returncode == 0 else {}
    check("template NAME -o writes a document that checks cleanly",
          report.get("errors") == 0 and report.get("total", {}).get("trainable") == 11689512, r.stderr + r2.stderr)
    # A builder document drawn as the builder shows it (the app's Export picture): one
    # group per layer, its note, frames and labels, a legend; PNG at 2x on a 16:9 slide.
    with open(doc_path) as f:
        decorated = json.load(f)
    decorated["version"] = 2
    decorated["nodes"][1]["color"] = "#ffd966"
    decorated["nodes"][1]["note"] = "stem: 7x7 conv <stride 2>"
    decorated["annotations"] = [{"id": 1, "kind": "frame", "text": "Stem", "pos": [-40, -40], "size": [300, 300]},
                                {"id": 2, "kind": "label", "text": "ResNet-18", "pos": [300, 0]}]
    deco_path = os.path.join(tmp, "resnet_decorated.json")
    with open(deco_path, "w") as f:
        json.dump(decorated, f)
    pic = os.path.join(tmp, "resnet.svg")
    r = run("render", deco_path, "-o", pic)
    root, boxes = svg_groups(pic, "node") if r.returncode == 0 else (None, [])
    texts = " ".join(t.text or "" for t in root.iter(SVG + "text")) if root is not None else ""
    check("render DOC.json: the builder picture with every layer, the note, frame, label and legend",
          root is not None and root.get("data-netforge-view") == "builder" and len(boxes) == len(decorated["nodes"]) and
          "stem: 7x7 conv <stride 2>" in texts and "Stem" in texts and "ResNet-18" in texts and
          "Convolution" in texts and len(svg_groups(pic, "legend")[1]) == 1, (r.stderr, len(boxes)))
    r = run("render", deco_path, "-o", pic, "--labels", "none", "--legend", "off")
    texts = " ".join(t.text or "" for t in ET.parse(pic).getroot().iter(SVG + "text")) if r.returncode == 0 else "x"
    check("render DOC.json --labels none --legend off: no note, frame, shapes or legend",
          "stem:" not in texts and "Stem" not in texts and "Nx" not in texts and "Convolution" not in texts, texts[:300])
    png = os.path.join(tmp, "resnet.png")
    r = run("render", deco_path, "-o", png, "--background", "dark", "--fit", "16:9", "--scale", "0.5")
    data = open(png, "rb").read() if r.returncode == 0 else b""
    w, h = struct.unpack(">II", data[16:24]) if data[:8] == b"\x89PNG\r\n\x1a\n" else (0, 1)
    check("render DOC.json as a dark 16:9 PNG", abs(w / h - 16 / 9) < 0.02, (r.stderr, w, h))
    r = run("render", deco_path, "-o", png, "--background", "pink")
    check("render DOC.json --background pink: exit 2", r.returncode == 2 and "--background" in r.stderr, r.stderr)
    r = run("template", "ResNet-19\x1b[31m")
    check("template with an unknown name: exit 1, one line, escaped",
          r.returncode == 1 and r.stderr.count("\n") == 1 and "\x1b" not in r.stderr, r.stderr)
    # summary of a model with name scopes: one row per module, identical layers folded.
    stack = os.path.join(tmp, "stack.onnx")
    write_scoped_stack(stack)
    r = run("summary", stack)
    lines = r.stdout.splitlines()
    check("summary: modules by default", r.returncode == 0 and lines[0].startswith("Module") and
          any(l.startswith("layers.0-5") and "\u00d76" in l for l in lines), r.stdout[:800])
    check("summary: totals as before", "Total params: 15,680" in r.stdout, r.stdout[-400:])
    r = run("summary", stack, "--format", "json")
    mods = json.loads(r.stdout)["modules"]
    names = [m["name"] for m in mods]
    check("summary json: folded series row", any(m["name"] == "layers.0-5" and m["instances"] == 6 for m in mods), names)
    check("summary json: an instance's modules below, no other instance", "attn" in names and "layers.3" not in names,
          names)
    check("summary json: no op rows inside modules by default", "/layers.0/attn/Softmax" not in names, names)
    r = run("summary", stack, "--depth", "1", "--format", "json")
    d1 = json.loads(r.stdout)["modules"]
    check("summary --depth 1: top level only", r.returncode == 0 and d1 and all(m["depth"] == 0 for m in d1), d1)
    r = run("summary", stack, "--ops", "--format", "json")
    names = [m["name"] for m in json.loads(r.stdout)["modules"]]
    check("summary --ops: modules expand to ops", "/layers.0/attn/Softmax" in names and "/layers.1/attn/Softmax" not in names,
          names)
    r = run("summary", stack, "--flat", "--format", "json")
    check("summary --flat: one row per op", len(json.loads(r.stdout)["nodes"]) == 4 + 8 * 6, r.stdout[:300])
    for bad in ("0", "x", "-2", "65"):
        r = run("summary", stack, "--depth", bad)
        check(f"summary --depth {bad}: exit 2, one line", r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1,
              (r.returncode, r.stderr))

    # render --color-by: the overlay and its legend in SVG and PNG.
    svg = os.path.join(tmp, "c.svg")
    r = run("render", stack, "--grouped", "first-sight", "--color-by", "macs", "-o", svg)
    text = open(svg).read() if os.path.exists(svg) else ""
    check("render --color-by macs: legend", r.returncode == 0 and 'class="legend"' in text and
          "MACs (sum per group)" in text, (r.returncode, r.stderr, text[-500:]))
    r = run("render", stack, "--grouped", "first-sight", "-o", os.path.join(tmp, "plain.svg"))
    plain = open(os.path.join(tmp, "plain.svg")).read()
    check("render without --color-by: no legend, other colours", "legend" not in plain and plain != text)
    r = run("render", stack, "--color-by", "params", "--aggregate", "max", "--grouped", "collapsed", "-o", svg)
    check("render --aggregate max", r.returncode == 0 and "Parameters (max per group)" in open(svg).read(), r.stderr)
    png = os.path.join(tmp, "c.png")
    r = run("render", stack, "--color-by", "memory", "-o", png)
    check("render --color-by to PNG", r.returncode == 0 and open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n", r.stderr)
    for bad in (["--color-by", "bogus"], ["--color-by", "MACS"], ["--color-by", "time"], ["--aggregate", "median"]):
        out = os.path.join(tmp, "bad.svg")
        r = run("render", stack, *bad, "-o", out)
        check(f"render {' '.join(bad)}: exit 2, one line, nothing written",
              r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and not os.path.exists(out),
              (r.returncode, r.stderr))
    # A Model Explorer node-data file: by node name and by output tensor name, thresholds.
    data = os.path.join(tmp, "latency.json")
    json.dump({"results": {"/head/MatMul": {"value": 9}, "/layers.0/Add": {"value": 2}, "/layers.1o": {"value": 3}},
               "thresholds": [{"value": 5, "bgColor": "#00ff00"}, {"value": 10, "bgColor": "#ff0000"}]}, open(data, "w"))
    r = run("render", stack, "--color-by", data, "-o", svg)
    text = open(svg).read()
    check("render --color-by FILE.json: its colours and legend", r.returncode == 0 and "latency.json" in text and
          'fill="#ff0000"' in text and 'fill="#00ff00"' in text, (r.stderr, text[-600:]))
    for name, content in (("broken.json", "{\"results\": {"), ("nested.json", "[" * 100000 + "]" * 100000),
                          ("badcolor.json", json.dumps({"results": {}, "gradient": [{"stop": 0, "bgColor": "nope"}]}))):
        path = os.path.join(tmp, name)
        open(path, "w").write(content)
        r = run("render", stack, "--color-by", path, "-o", svg)
        check(f"render --color-by {name}: exit 1, one clear line",
              r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1 and "node data" in r.stderr,
              (r.returncode, r.stderr))

    r = run("help")
    commands = [l.split()[0] for l in r.stdout.splitlines() if l.startswith("  ")]
    check("help lists the commands", r.returncode == 0 and {"info", "render", "summary", "codegen"} <= set(commands),
          r.stdout)
    for c in commands:
        r = run(c, "--help")
        check(f"{c} --help", r.returncode == 0 and r.stdout.startswith(f"usage: netforge {c}") and "--help" in r.stdout,
              (r.returncode, r.stdout[:300], r.stderr))

checks.finish()
