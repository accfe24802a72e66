#!/usr/bin/env python3
"""`netforge shapes` and `netforge summary` as a user sees them: the JSON
contracts of issue 5, the four summary formats, and one-line errors.

usage: cli_shapes_test.py NETFORGE_BINARY CORPUS_DIR
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import Checks  # noqa: E402

exe, corpus = sys.argv[1], sys.argv[2]
checks = Checks("cli shapes")
check = checks.check


def run(*args):
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=120)


resnet = os.path.join(corpus, "light", "light_resnet50.onnx")

# shapes --json: every value, graph outputs included, with elem_type and shape.
r = run("shapes", resnet, "--json")
check("shapes --json exits 0", r.returncode == 0, r.stderr)
values = json.loads(r.stdout)["values"]
check("output value present", values.get("gpu_0/softmax_1") == {"elem_type": "FLOAT", "shape": [1, 1000]},
      values.get("gpu_0/softmax_1"))
check("input value present", values.get("gpu_0/data_0") == {"elem_type": "FLOAT", "shape": [1, 3, 224, 224]},
      values.get("gpu_0/data_0"))
check("every value has a full shape",
      all(isinstance(v["shape"], list) and all(isinstance(d, int) for d in v["shape"]) for v in values.values()),
      [k for k, v in values.items() if not isinstance(v["shape"], list)][:3])

# Symbolic dims stay strings; --input fixes them.
with tempfile.TemporaryDirectory() as tmp:
    sample = os.path.join(tmp, "sample.onnx")
    run("sample", "-o", sample)
    v = json.loads(run("shapes", sample, "--json").stdout)["values"]
    outs = [x for x in v.values() if x["shape"] and x["shape"][0] == "N"]
    check("symbolic batch kept", len(outs) > 3, v)
    r = run("shapes", sample, "--json", "--input", "image=8,3,32,32")
    v = json.loads(r.stdout)["values"]
    check("--input overrides", not any(x["shape"] and "N" in x["shape"] for x in v.values()), v)
    r = run("shapes", sample, "--input", "nosuch=1,2")
    check("--input of an unknown name fails", r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1, r.stderr)

# summary --format json: totals and nodes as specified.
r = run("summary", resnet, "--format", "json")
check("summary json exits 0", r.returncode == 0, r.stderr)
s = json.loads(r.stdout)
for key in ("params", "param_bytes", "macs", "flops", "activation_bytes"):
    check(f"totals.{key}", isinstance(s["totals"].get(key), int), s["totals"])
check("params", s["totals"]["params"] == 25610152, s["totals"]["params"])
check("macs", s["totals"]["macs"] == 4089184256, s["totals"]["macs"])
n0 = s["nodes"][0]
check("node fields", set(["name", "op_type", "output_shapes", "params", "macs"]) <= set(n0), n0)
check("first node", n0["op_type"] == "Conv" and n0["output_shapes"] == [[1, 64, 112, 112]] and n0["params"] == 9408, n0)
check("node params add up", sum(n["params"] for n in s["nodes"]) == s["totals"]["params"])

# Default text, Markdown, CSV.
r = run("summary", resnet)
check("text table", r.returncode == 0 and "Layer (name)" in r.stdout and "Total params: 25,610,152" in r.stdout,
      r.stdout[:300])
r = run("summary", resnet, "--format", "md")
check("markdown table", r.stdout.startswith("| Layer (name) | Type | Output shape | Params | MACs | % MACs |"),
      r.stdout[:200])
r = run("summary", resnet, "--format", "csv")
rows = list(csv.reader(io.StringIO(r.stdout)))
check("csv header", rows[0] == ["name", "op_type", "output_shape", "params", "macs", "flops", "macs_percent"], rows[0])
check("csv total row", rows[-1][0] == "(total)" and rows[-1][3] == "25610152", rows[-1])
# No name scopes in this export: --depth has no modules to cut, the table stays per op
# (modules: tests/cli/cli_test.py and tests/hierarchy/module_summary_test.cpp).
r = run("summary", resnet, "--depth", "1", "--format", "json")
check("no scopes: per-op json at any depth", "nodes" in json.loads(r.stdout) and "modules" not in json.loads(r.stdout),
      r.stdout[:200])

# Errors: one line on stderr.
r = run("summary", resnet, "--format", "xml")
check("bad format is a usage error", r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr)
with tempfile.NamedTemporaryFile(suffix=".onnx") as bad:
    bad.write(b"not a model at all")
    bad.flush()
    for cmd in ("shapes", "summary"):
        r = run(cmd, bad.name)
        check(f"{cmd} on a bad file", r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1, r.stderr)

checks.finish()
