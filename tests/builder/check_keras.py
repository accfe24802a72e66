#!/usr/bin/env python3
"""Checks the TensorFlow-Keras code NetForge generates without TensorFlow.

usage: check_keras.py NETFORGE DOCS_DIR

TensorFlow cannot be installed on this machine (no Debian package, no network), so the
Keras code is not run. Instead, for each example document and one small document per
Keras layer of the catalog, the code from `netforge codegen --framework keras` is
parsed with Python's ast and:
  - every `layers.X(...)` call names a class the catalog maps to Keras, and each of its
    keyword arguments is that layer's Keras spelling in the catalog (parameters mapped as
    keywords, plus the keywords the catalog says the emitter derives, plus `name`);
  - calls of the helper functions the code defines for layers Keras lacks (transformer
    layers) use the catalog's parameter names;
  - every layer of the document appears under its Python name (nothing dropped);
  - keras.Input shapes and dtypes equal the builder's Keras input shapes;
  - documents with a layer Keras lacks are refused with a message naming it.
The helpers' own bodies are checked like any other code.
"""
import ast
import os
import sys
import tempfile

from builder_docs import EXAMPLES, catalog, check_json, run, smoke_document, write_temp

WRAPPERS = {"Bidirectional": {"name"}}  # Keras wrappers the emitter uses around catalog layers
ACTIVATIONS = {"linear", "relu", "gelu", "swish", "sigmoid", "tanh", "softplus", "softsign", "selu"}


def allowed_keywords(layers):
    allowed = {}
    for layer in layers:
        cls = layer["keras_class"]
        if "keras" not in layer["frameworks"] or not cls.startswith("layers."):
            continue
        names = {p["keras"]["name"] for p in layer["params"] if p["keras"]["how"] == "kwarg"}
        names |= set(layer["keras_extra_kwargs"]) | {"name"}
        allowed.setdefault(cls[len("layers."):], set()).update(names)
    allowed.update(WRAPPERS)
    return allowed


def helpers_of(layers_by_type):
    """Helper functions the Keras code defines ("name()" in the catalog) and their keywords."""
    out = {}
    for layer in layers_by_type.values():
        if layer["keras_class"].endswith("()"):
            out[layer["keras_class"][:-2]] = {p["name"] for p in layer["params"]} | {"prefix"}
    return out


def literal(node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def check_code(code, expected, allowed, helpers, label):
    tree = ast.parse(code, filename=label)
    names, inputs = set(), {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in helpers:
            # A helper the code defines for a layer Keras lacks: its keywords are the
            # layer's parameters; `prefix` names its Keras layers.
            kwargs = {k.arg: k.value for k in node.keywords}
            extra = set(kwargs) - helpers[node.func.id]
            assert not extra, f"{label}: {node.func.id} got keywords {sorted(extra)} the catalog does not name"
            names.add(literal(kwargs["prefix"]))
            continue
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner = node.func.value.id if isinstance(node.func.value, ast.Name) else None
        kwargs = {k.arg: k.value for k in node.keywords}
        if owner == "keras" and node.func.attr == "Input":
            assert set(kwargs) <= {"shape", "dtype", "name"}, f"{label}: keras.Input{sorted(kwargs)}"
            inputs[literal(kwargs["name"])] = (list(literal(kwargs["shape"])), literal(kwargs.get("dtype")) or "float32")
            continue
        if "name" in kwargs and literal(kwargs["name"]) is not None:
            names.add(literal(kwargs["name"]))
        if owner != "layers":
            continue
        cls = node.func.attr
        assert cls in allowed, f"{label}: layers.{cls} is not a Keras class of the catalog"
        extra = set(kwargs) - allowed[cls]
        assert not extra, f"{label}: layers.{cls} got keywords {sorted(extra)} the catalog does not name"
        assert len(node.args) <= 2, f"{label}: layers.{cls} has {len(node.args)} positional arguments"
        if cls == "Activation" and isinstance(node.args[0], ast.Constant):
            assert node.args[0].value in ACTIVATIONS, f"{label}: unknown activation {node.args[0].value!r}"
    for spec in expected["inputs"]:
        python_name = next(n["python_name"] for n in expected["nodes"] if n["id"] == spec["id"])
        assert python_name in inputs, f"{label}: no keras.Input for {spec['name']}"
        assert inputs[python_name] == (spec["shape"], spec["dtype"]), \
            f"{label}: keras.Input {python_name} is {inputs[python_name]}, the builder shows {spec['shape']}"
    for n in expected["nodes"]:
        if n["type"] != "Input":
            found = n["python_name"] in names or any(x.startswith(n["python_name"] + "_block") for x in names)
            assert found, f"{label}: layer {n['name']!r} ({n['python_name']}) is missing"


def check_document(netforge, path, layers_by_type, allowed, label):
    expected = check_json(netforge, path, "keras")
    rc, code, err = run(netforge, "codegen", path, "--framework", "keras", "--train", check=False)
    lacking = sorted({n["type"] for n in expected["nodes"]
                      if "keras" not in layers_by_type[n["type"]]["frameworks"]})
    if lacking:
        assert rc == 1, f"{label}: Keras code was generated although Keras lacks {lacking}"
        for t in lacking:
            assert f"{t} is not available in Keras" in err, f"{label}: the refusal does not name {t}: {err}"
        return "refused (Keras lacks " + ", ".join(lacking) + ")"
    assert rc == 0, f"{label}: codegen failed: {err}"
    check_code(code, expected, allowed, helpers_of(layers_by_type), label)
    return "ok"


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    netforge, docs = sys.argv[1], sys.argv[2]
    layers = catalog(netforge)
    by_type = {l["type"]: l for l in layers}
    allowed = allowed_keywords(layers)
    failures = []
    for name in EXAMPLES:
        try:
            print(f"{name}: {check_document(netforge, os.path.join(docs, name + '.json'), by_type, allowed, name)}")
        except Exception as e:
            failures.append(f"{name}: {e}")
    with tempfile.TemporaryDirectory() as tmp:
        count = 0
        for layer in layers:
            path = write_temp(smoke_document(layer), tmp)
            try:
                check_document(netforge, path, by_type, allowed, layer["type"])
                count += "keras" in layer["frameworks"]
            except Exception as e:
                failures.append(f"layer {layer['type']}: {e}")
        print(f"checked the generated Keras code of {count} layer types against the catalog")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
