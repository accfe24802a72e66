#!/usr/bin/env python3
"""Layers named like the generated code's own identifiers must not break it.

usage: reserved_names.py NETFORGE DOCS_DIR

1. The names the code templates use are collected from the generated code itself: every
   example document is renamed so that its layers are called zz1, zz2, ...; the PyTorch
   and Keras code (with training loop and main block) is parsed with `ast`, and every
   bare name, argument, function, class and import alias that does not come from a
   layer is a template name (model, optimizer, torch, nn, make_batch, target_1, ...).
2. A document whose inputs and layers carry every one of those names, plus every
   public attribute of torch.nn.Module, plus target_1..target_3, is generated for
   PyTorch and run as a script with python3-torch: the forward pass and the training
   loop (10 optimiser steps) must run. Its Keras code must parse and no layer variable
   may take a template name.
Exits 77 (skipped) when torch is not installed.
"""
import ast
import json
import os
import re
import subprocess
import sys
import tempfile

from builder_docs import EXAMPLES, SKIP, document, run, write_temp

try:
    import torch.nn as nn
except ImportError:
    print("python3-torch is not installed: skipping")
    sys.exit(SKIP)

LAYER = re.compile(r"^zz\d+")


def bound_names(code):
    """Bare names, arguments, defined functions/classes and import aliases of `code`."""
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name.split(".")[0])
    return names


def template_names(netforge, docs, tmp):
    names = set()
    for name in EXAMPLES:
        with open(os.path.join(docs, name + ".json")) as f:
            doc = json.load(f)
        doc["name"] = "baseline"
        for k, n in enumerate(doc["nodes"]):
            n["name"] = f"zz{k + 1}"
        path = write_temp(doc, tmp)
        for framework in ("pytorch", "keras"):
            rc, code, err = run(netforge, "codegen", path, "--framework", framework, "--train", check=False)
            if rc != 0:  # a layer Keras lacks: the PyTorch code still counts
                continue
            names |= {s for s in bound_names(code) if not LAYER.match(s)}
    names.discard("Baseline")  # the class name comes from the document name
    return names


def hostile_document(names):
    """Inputs target_1 and target_2 -> Add -> a chain of ReLUs, one per name -> Linear(3),
    and a second output Linear(6) off the Add: two outputs, so target_1 and target_2
    are both used by make_batch."""
    names = sorted(names - {"target_1", "target_2", "model", "loss", "optimizer"})
    nodes = [
        {"id": 1, "type": "Input", "name": "target_1", "params": {"shape": [6]}, "pos": [0, 0]},
        {"id": 2, "type": "Input", "name": "target_2", "params": {"shape": [6]}, "pos": [200, 0]},
        {"id": 3, "type": "Add", "name": "model", "params": {}, "pos": [100, 80]},
        {"id": 4, "type": "Linear", "name": "loss", "params": {"out_features": 6}, "pos": [300, 160]},
    ]
    edges = [{"from": 1, "to": 3, "port": 0}, {"from": 2, "to": 3, "port": 1}, {"from": 3, "to": 4, "port": 0}]
    prev = 3
    for k, name in enumerate(names):
        nid = 5 + k
        nodes.append({"id": nid, "type": "ReLU", "name": name, "params": {}, "pos": [0, 160 + 40 * k]})
        edges.append({"from": prev, "to": nid, "port": 0})
        prev = nid
    last = 5 + len(names)
    nodes.append({"id": last, "type": "Linear", "name": "optimizer", "params": {"out_features": 3}, "pos": [0, 0]})
    edges.append({"from": prev, "to": last, "port": 0})
    return document("model", nodes, edges)


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    netforge, docs = sys.argv[1], sys.argv[2]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        used = template_names(netforge, docs, tmp)
        for must in ("model", "optimizer", "make_batch", "train", "torch", "nn", "target_1", "layers", "np"):
            if must not in used:
                failures.append(f"the template-name scan missed {must!r}: the scan is broken")
        module_attrs = {a for a in dir(nn.Module) if not a.startswith("_")}
        hostile = used | module_attrs | {"target_1", "target_2", "target_3", "F", "x"}
        path = write_temp(hostile_document(hostile), tmp)

        _, code, _ = run(netforge, "codegen", path, "--framework", "pytorch", "--train")
        script = os.path.join(tmp, "hostile_pytorch.py")
        with open(script, "w") as f:
            f.write(code)
        env = dict(os.environ, OMP_NUM_THREADS="1")
        p = subprocess.run([sys.executable, script], capture_output=True, text=True, cwd=tmp, env=env, timeout=300)
        if p.returncode != 0:
            failures.append(f"the PyTorch code of a document named like the template failed:\n{p.stderr[-2000:]}")
        else:
            for want in ("output (2, 3)", "output (2, 6)", "step 10/10"):
                if want not in p.stdout:
                    failures.append(f"PyTorch run printed no {want!r}:\n{p.stdout[-1000:]}")
        print(f"ran PyTorch code with {len(hostile)} reserved names as layer names "
              f"({len(used)} from the templates, {len(module_attrs)} nn.Module attributes)")

        _, kcode, _ = run(netforge, "codegen", path, "--framework", "keras", "--train")
        build = next(n for n in ast.parse(kcode).body if isinstance(n, ast.FunctionDef) and n.name == "build_model")
        layer_vars = {t.id for n in ast.walk(build) if isinstance(n, ast.Assign) for t in n.targets
                      if isinstance(t, ast.Name)}
        clash = sorted(layer_vars & used)
        if clash:
            failures.append(f"Keras layer variables take template names: {clash[:10]}")
        if len(layer_vars) < len(hostile) // 2:
            failures.append(f"Keras build_model assigns only {len(layer_vars)} layers")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
