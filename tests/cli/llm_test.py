#!/usr/bin/env python3
"""The CLI opens a 7-billion-parameter model whose 14 GB of weights are in an external
data file (a sparse file written by tests/support/make_llm.py, removed afterwards):
`info` counts its weight bytes, `stats --tensor` reads one weight (all zeros), and a data
file that became shorter gives a clear message, not a crash.

usage: llm_test.py NETFORGE_BINARY
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "support"))
from checks import Checks  # noqa: E402

exe = sys.argv[1]
checks = Checks("cli-llm")
check = checks.check


def run(*args):
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=120)


tmp = tempfile.mkdtemp(prefix="netforge-llm-")
try:
    made = subprocess.run(["/usr/bin/python3", os.path.join(here, "..", "support", "make_llm.py"), "-o", tmp],
                          capture_output=True, text=True, timeout=300)
    check("make_llm.py writes the model", made.returncode == 0, made.stderr)
    llm = json.loads(made.stdout)
    check("the data file is 14 GB", llm["data_bytes"] >= 14_000_000_000, llm)
    check("7 billion parameters", 6.9e9 < llm["parameters"] < 7.1e9, llm)

    r = run("info", llm["model"], "--json")
    check("info exits 0", r.returncode == 0, r.stderr)
    info = json.loads(r.stdout) if r.returncode == 0 else {}
    check("info: 14 GB of weights (2 bytes a parameter)",
          llm["parameters"] * 2 <= info.get("initializer_bytes", 0) < llm["parameters"] * 2 + 4096, info.get("initializer_bytes"))
    check("info: the data file was found", info.get("missing_external_data") == [], info.get("missing_external_data"))
    check("info: every node", info.get("graph", {}).get("node_count") == llm["nodes"], info.get("graph"))

    r = run("stats", llm["model"], "--tensor", llm["weight"], "--json")
    check("stats exits 0", r.returncode == 0, r.stderr)
    rows = json.loads(r.stdout) if r.returncode == 0 else []
    s = rows[0].get("stats", {}) if rows else {}
    check("stats of one weight: all zeros", s.get("count") == llm["weight_elements"] and s.get("zero_fraction") == 1
          and s.get("min") == 0 and s.get("max") == 0, rows)

    # The data file shrank after the model was written: a one-line message naming the problem.
    os.truncate(llm["data"], 1 << 20)
    r = run("stats", llm["model"], "--tensor", llm["weight"])
    out = r.stdout + r.stderr
    check("a shorter data file is reported, not a crash", r.returncode in (0, 1, 2) and
          "past the end of 'llm7b.onnx.data' (the file is shorter than the model says)" in out, out[:400])
    r = run("info", llm["model"])
    check("info warns about weights past the end of the data file",
          r.returncode == 0 and "points past the end of 'llm7b.onnx.data'" in r.stdout, r.stdout[-400:])
finally:
    shutil.rmtree(tmp, ignore_errors=True)
check("the sparse file is removed", not os.path.exists(tmp))
checks.finish()
