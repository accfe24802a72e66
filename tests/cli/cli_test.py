#!/usr/bin/env python3
"""CLI tests: `netforge info` output and its behaviour on bad input.

usage: cli_test.py NETFORGE_BINARY CORPUS_DIR
"""
import json
import os
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
    r = run("render", doc, "-o", lay, "--view", "neurons")
    check("neurons of a builder document: exit 2, said", r.returncode == 2 and "layered view only" in r.stderr, r.stderr)

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
    r = run("codegen", sample, "--framework", "keras")
    check("codegen MODEL.onnx --framework keras: exit 2", r.returncode == 2 and "pytorch only" in r.stderr, r.stderr)
    broken = os.path.join(tmp, "broken.onnx")
    with open(sample, "rb") as f, open(broken, "wb") as g:
        g.write(f.read()[:300])
    r = run("codegen", broken)
    check("codegen on a truncated model: exit 1, one line", r.returncode == 1 and r.stderr.count("\n") == 1, r.stderr)
    r = run("help")
    commands = [l.split()[0] for l in r.stdout.splitlines() if l.startswith("  ")]
    check("help lists the commands", r.returncode == 0 and {"info", "render", "summary", "codegen"} <= set(commands),
          r.stdout)
    for c in commands:
        r = run(c, "--help")
        check(f"{c} --help", r.returncode == 0 and r.stdout.startswith(f"usage: netforge {c}") and "--help" in r.stdout,
              (r.returncode, r.stdout[:300], r.stderr))

checks.finish()
