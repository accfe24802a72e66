#!/usr/bin/env python3
"""CLI tests: `netforge info` output and its behaviour on bad input; `summary` of a
model with name scopes (modules, --depth, --ops, --flat); `render --color-by`.

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


def write_scoped_stack(path, layers=6):
    """A PyTorch-style stack: /embed, /layers.i/{attn,mlp} (identical layers), /head."""
    import numpy as np  # noqa: E402  (Debian's python3-onnx brings numpy)
    from onnx import TensorProto, helper, numpy_helper, save  # noqa: E402
    nodes, inits = [], []

    def w(name, shape):
        inits.append(numpy_helper.from_array(np.full(shape, 0.01, np.float32), name))
        return name

    x = "x"
    nodes.append(helper.make_node("MatMul", [x, w("embed.w", [16, 16])], ["e"], name="/embed/MatMul"))
    nodes.append(helper.make_node("Relu", ["e"], ["e1"], name="/embed/Relu"))
    x = "e1"
    for i in range(layers):
        p = f"/layers.{i}"
        nodes += [
            helper.make_node("MatMul", [x, w(f"l{i}.q", [16, 16])], [p + "q"], name=p + "/attn/MatMul"),
            helper.make_node("Softmax", [p + "q"], [p + "s"], name=p + "/attn/Softmax", axis=-1),
            helper.make_node("MatMul", [p + "s", w(f"l{i}.o", [16, 16])], [p + "o"], name=p + "/attn/MatMul_1"),
            helper.make_node("Add", [x, p + "o"], [p + "r"], name=p + "/Add"),
            helper.make_node("MatMul", [p + "r", w(f"l{i}.m1", [16, 64])], [p + "m1"], name=p + "/mlp/MatMul"),
            helper.make_node("Relu", [p + "m1"], [p + "m2"], name=p + "/mlp/Relu"),
            helper.make_node("MatMul", [p + "m2", w(f"l{i}.m2", [64, 16])], [p + "m3"], name=p + "/mlp/MatMul_1"),
            helper.make_node("Add", [p + "r", p + "m3"], [p + "y"], name=p + "/Add_1"),
        ]
        x = p + "y"
    nodes.append(helper.make_node("MatMul", [x, w("head.w", [16, 4])], ["h"], name="/head/MatMul"))
    nodes.append(helper.make_node("Softmax", ["h"], ["y"], name="/head/Softmax", axis=-1))
    g = helper.make_graph(nodes, "stack", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 16])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8, 4])], inits)
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), path)


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
    check("unknown option: named, usage shown", "unknown option --view" in r.stderr and "usage: netforge render" in r.stderr,
          r.stderr)
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
