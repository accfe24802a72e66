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
  - documents with a layer Keras lacks are refused with a message naming it;
  - the code constructs the same layers, with the same classes, arguments and inputs, as
    the Keras JSON config of `netforge codegen --framework keras-json` (which
    check_tfjs.mjs builds with tfjs-layers): positional arguments are named by Keras's
    constructor signatures (POSITIONAL), `3` equals `[3, 3]`.
The helpers' own bodies are checked like any other code.
"""
import ast
import json
import math
import os
import re
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


# Keras constructors' leading parameters, in order (how the code may pass them positionally).
POSITIONAL = {"Dense": ["units"], "Activation": ["activation"], "Reshape": ["target_shape"], "Permute": ["dims"],
              "Embedding": ["input_dim", "output_dim"], "Dropout": ["rate"], "LSTM": ["units"], "GRU": ["units"],
              "SimpleRNN": ["units"], "Bidirectional": ["layer"], "DepthwiseConv2D": ["kernel_size"]}
CONV = re.compile(r"^(Separable)?Conv\dD(Transpose)?$")


def constructor(call, label):
    """(class, {keyword: value}) of a `layers.X(...)` call; a nested layer call becomes a dict."""
    cls = call.func.attr
    names = ["filters", "kernel_size"] if CONV.match(cls) else POSITIONAL.get(cls, [])
    assert len(call.args) <= len(names), f"{label}: layers.{cls} has positional arguments Keras does not name"
    args = {}
    for key, value in list(zip(names, call.args)) + [(k.arg, k.value) for k in call.keywords]:
        if isinstance(value, ast.Call):
            inner_cls, inner_args = constructor(value, label)
            args[key] = {"class_name": inner_cls, "config": inner_args}
        else:
            args[key] = ast.literal_eval(value)
    return cls, args


def same_value(py, js):
    if isinstance(js, dict) and isinstance(py, dict):
        if py.get("class_name") != js.get("class_name"):
            return False
        return same_args(py["config"], {k: v for k, v in js["config"].items() if k not in ("name", "trainable", "dtype")})
    if isinstance(py, bool) or isinstance(js, bool):
        return py is js
    if isinstance(py, (int, float)) and isinstance(js, list):
        return all(same_value(py, x) for x in js)  # Keras expands 3 to (3, 3)
    if isinstance(py, (tuple, list)) and isinstance(js, list):
        return len(py) == len(js) and all(same_value(a, b) for a, b in zip(py, js))
    if isinstance(py, (int, float)) and isinstance(js, (int, float)):
        return math.isclose(py, js, rel_tol=1e-9, abs_tol=1e-12)
    return py == js


def same_args(py, js):
    return set(py) == set(js) and all(same_value(py[k], js[k]) for k in py)


def compare_with_json(code, config, label):
    """The Python code and the Keras JSON describe the same layers (classes, arguments, inputs)."""
    json_layers = {l["name"]: l for l in config["config"]["layers"]}
    build = next(f for f in ast.parse(code).body if isinstance(f, ast.FunctionDef) and f.name == "build_model")
    seen = set()
    for stmt in build.body:
        if isinstance(stmt, ast.Return):
            model = {k.arg: k.value for k in stmt.value.keywords}
            for key, side in (("inputs", "input_layers"), ("outputs", "output_layers")):
                node = model[key]
                names = [n.id for n in node.elts] if isinstance(node, ast.List) else [node.id]
                assert names == [h[0] for h in config["config"][side]], f"{label}: model {key} {names} differ from the JSON"
            continue
        assert isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call), f"{label}: unexpected statement"
        target, call = stmt.targets[0].id, stmt.value
        assert target in json_layers, f"{label}: layer {target} is in the Python code but not in the JSON"
        layer = json_layers[target]
        seen.add(target)
        if isinstance(call.func, ast.Attribute) and call.func.attr == "Input":
            kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
            assert layer["class_name"] == "InputLayer", f"{label}: {target} is an Input in Python only"
            assert list(kwargs["shape"]) == layer["config"]["batch_input_shape"][1:], f"{label}: {target} shape differs"
            assert kwargs.get("dtype", "float32") == layer["config"]["dtype"], f"{label}: {target} dtype differs"
            continue
        cls, args = constructor(call.func, label)
        args.pop("name", None)
        assert cls == layer["class_name"], f"{label}: {target} is layers.{cls} in Python, {layer['class_name']} in the JSON"
        js_args = {k: v for k, v in layer["config"].items() if k not in ("name", "trainable", "dtype")}
        if cls == "Bidirectional":
            js_args.pop("merge_mode")
        assert same_args(args, js_args), f"{label}: {target} arguments differ: Python {args}, JSON {js_args}"
        py_inputs = []
        for a in call.args:
            py_inputs += [e.id for e in a.elts] if isinstance(a, ast.List) else [a.id]
        py_inputs += [k.value.id for k in call.keywords]  # key= of attention
        inbound = layer["inbound_nodes"][0]
        js_inputs = [n[0] for n in inbound] + [h[0] for n in inbound for h in n[3].values()]
        assert py_inputs == js_inputs, f"{label}: {target} reads {py_inputs} in Python, {js_inputs} in the JSON"
    assert seen == set(json_layers), f"{label}: layers only in the JSON: {sorted(set(json_layers) - seen)}"


def check_document(netforge, path, layers_by_type, allowed, label):
    expected = check_json(netforge, path, "keras")
    rc, code, err = run(netforge, "codegen", path, "--framework", "keras", "--train", check=False)
    lacking = sorted({n["type"] for n in expected["nodes"]
                      if "keras" not in layers_by_type[n["type"]]["frameworks"]})
    if lacking:
        assert rc == 1, f"{label}: Keras code was generated although Keras lacks {lacking}"
        for t in lacking:
            # An ONNX op layer is named by its op ("ONNX op Identity is not available in Keras").
            named = re.search(r"ONNX op \S+ is not available in Keras", err) if t == "OnnxOp" else \
                f"{t} is not available in Keras" in err
            assert named, f"{label}: the refusal does not name {t}: {err}"
        return "refused (Keras lacks " + ", ".join(lacking) + ")"
    assert rc == 0, f"{label}: codegen failed: {err}"
    check_code(code, expected, allowed, helpers_of(layers_by_type), label)
    _, config, _ = run(netforge, "codegen", path, "--framework", "keras-json")
    compare_with_json(code, json.loads(config), label)
    return "ok (the same layers and arguments as the Keras JSON)"


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
        templates = json.loads(run(netforge, "template", "--json")[1])
        for t in templates:
            path = os.path.join(tmp, "template.json")
            run(netforge, "template", t["name"], "-o", path)
            try:
                print(f"template {t['name']}: {check_document(netforge, path, by_type, allowed, t['name'])}")
            except Exception as e:
                failures.append(f"template {t['name']}: {e}")
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
