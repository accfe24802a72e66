"""Shared helpers of the builder's Python tests: run netforge, build small documents.

Documents are written in the saved format (serialize.h); parameters left out take
their catalog defaults.
"""
import json
import os
import subprocess
import tempfile

SKIP = 77  # ctest SKIP_RETURN_CODE

EXAMPLES = ["cifar10_cnn", "mlp", "residual_add", "unet_like", "lstm_classifier", "transformer_encoder",
            "attention_block", "layout_conversions", "mixed_image_ops", "hostile_names"]


def run(netforge, *args, check=True):
    """Runs netforge; returns (exit code, stdout, stderr)."""
    p = subprocess.run([netforge, *args], capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"netforge {' '.join(args)} failed ({p.returncode}): {p.stderr.strip()}")
    return p.returncode, p.stdout, p.stderr


def check_json(netforge, path, framework="pytorch"):
    """The builder's report; `check` exits 1 when the document has errors, still printing it."""
    rc, out, err = run(netforge, "check", path, "--framework", framework, "--json", check=False)
    if rc not in (0, 1) or not out:
        raise AssertionError(f"netforge check {path} failed ({rc}): {err.strip()}")
    return json.loads(out)


def catalog(netforge):
    _, out, _ = run(netforge, "check", "--catalog")
    return json.loads(out)["layers"]


def document(name, nodes, edges):
    return {"format": "netforge-builder", "version": 1, "name": name, "nodes": nodes, "edges": edges}


def write_temp(doc, directory):
    fd, path = tempfile.mkstemp(suffix=".json", dir=directory)
    with os.fdopen(fd, "w") as f:
        json.dump(doc, f)
    return path


def smoke_document(layer):
    """One small document that feeds `layer` (a catalog entry) suitable inputs, with the
    layer at its defaults; mirrors inputsFor() in tests/builder/catalog_test.cpp."""
    family, rank = layer["family"], layer["rank"]
    feature_map = [16] * max(rank, 1) + [8]
    shapes = {
        "input": [],
        "recurrent": [[10, 16]], "multi_head_attention": [[10, 16]], "transformer_encoder": [[10, 16]],
        "transformer_decoder": [[10, 16], [12, 16]],
        "embedding": [[10]],
        "merge": [[4, 6, 8], [4, 6, 8]], "concatenate": [[4, 6, 8], [4, 6, 8]],
        "squeeze": [[6, 1]], "permute": [[6, 8]],
    }
    spatial = {"conv", "conv_transpose", "depthwise_conv", "separable_conv", "pool", "adaptive_pool", "global_pool",
               "spatial_dropout", "upsample", "zero_pad", "cropping", "instance_norm", "batch_norm"}
    ins = [feature_map] if family in spatial else shapes.get(family, [[16, 16, 8]])
    nodes, edges = [], []
    for k, shape in enumerate(ins):
        params = {"shape": shape}
        if family == "embedding":
            params["dtype"] = "int64"
        nodes.append({"id": k + 1, "type": "Input", "name": f"in{k + 1}", "params": params, "pos": [0, 0]})
    lid = len(nodes) + 1
    nodes.append({"id": lid, "type": layer["type"], "name": "layer", "params": {}, "pos": [0, 100]})
    edges += [{"from": k + 1, "to": lid, "port": k} for k in range(len(ins))]
    if family == "input":  # an Input alone has nothing to run: follow it with a ReLU
        nodes.append({"id": lid + 1, "type": "ReLU", "name": "after", "params": {}, "pos": [0, 200]})
        edges.append({"from": lid, "to": lid + 1, "port": 0})
    return document("smoke " + layer["type"], nodes, edges)


def write_smoke_documents(netforge, directory):
    """One smoke document per catalog layer, as DIRECTORY/<type>.json (check_tfjs.mjs)."""
    os.makedirs(directory, exist_ok=True)
    for layer in catalog(netforge):
        with open(os.path.join(directory, layer["type"] + ".json"), "w") as f:
            json.dump(smoke_document(layer), f)


if __name__ == "__main__":
    import sys
    if len(sys.argv) != 4 or sys.argv[1] != "smoke":
        sys.exit("usage: builder_docs.py smoke NETFORGE DIRECTORY")
    write_smoke_documents(sys.argv[2], sys.argv[3])
