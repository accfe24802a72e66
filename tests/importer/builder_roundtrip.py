#!/usr/bin/env python3
"""importer.builder_roundtrip: ONNX model -> `netforge import` (builder document) -> `netforge
codegen DOC.json` (the builder's PyTorch) -> run with python3-torch, and -> `netforge export-onnx`.

The builder's code starts from fresh weights, so the check is the structure: it runs, its
outputs have the ONNX model's shapes (batch aside) and its parameter count equals the ONNX
file's (onnx_counts.parameter_count; the model zoo's light graphs generate their weights with
ConstantOfShape, and those count too); the document exports as ONNX that passes onnx.checker
with the same parameter count. Models: NetForge's sample CNN; a torch CNN with a residual Add, a
channel Concat, BatchNorm kept, LeakyReLU, global pooling and a MatMul+Add classifier;
torchvision's ResNet-18, MobileNetV2, MobileNetV3-Small, EfficientNet-B0 and SqueezeNet 1.0 and a
two-layer nn.TransformerEncoder (exported here, cached in WORK_DIR), whose ops that are no builder
layer (a Clip other than ReLU6's, HardSigmoid, broadcasting Mul, ceil-mode MaxPool, attention's Reshape/Transpose/
MatMul/Softmax...) become generic ONNX op layers; and every corpus model of the light,
pytorch-converted, pytorch-operator and simple folders (CORPUS_DIR; share printed, floors below, each
failure named; how many open with builder layers only, with ONNX op layers, or are refused).
A node with two used outputs (GLU's Split, TopK's values and indices) is an ONNX op layer with two
outputs whose code with the model's weights matches `netforge run`; a node an ONNX op layer cannot
hold (an If: its body graphs) is refused with the node named. Keras from ONNX (`netforge codegen MODEL.onnx --framework keras`, through the builder
document): ResNet-18 becomes Keras functional code (20 Conv2D, 8 Add; run and counted when
python3 has tensorflow/keras, else checked as Python with those layers), so does MobileNetV2 (its
Clip(0, 6) are ReLU6 layers), MobileNetV3-Small is refused naming its HardSwish layers. Weights: ResNet-18, MobileNetV2, MobileNetV3-Small and EfficientNet-B0
with random BatchNorm statistics (so their outputs are not near zero), the sample CNN, SqueezeNet,
the transformer encoder (its ONNX op layers' float constants included) and the corpus models
whose documents map every parameter to an ONNX tensor: the builder's code run with --onnx gives `netforge run`'s output on a random
input (rtol 1e-4, atol 1e-5), and (the named models) without --onnx it does not. A document whose layer was edited
(ResNet-18's layer1_0_conv1 to 32 channels) makes the loader name that layer and its reader,
exit 1, no traceback. Exit 77 (skipped) without python3-torch / onnx.

usage: builder_roundtrip.py NETFORGE WORK_DIR [CORPUS_DIR]
"""
import json
import os
import re
import subprocess
import sys

try:
    import numpy as np
    import onnx
    from onnx import numpy_helper
    import torch
    from onnx_counts import parameter_count
except ImportError as e:
    print("skipped:", e)
    sys.exit(77)


class Cnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = torch.nn.Conv2d(3, 16, 3, padding=1)
        self.bn = torch.nn.BatchNorm2d(16)
        self.branch_a = torch.nn.Conv2d(16, 16, 3, padding=1, bias=False)
        self.branch_b = torch.nn.Conv2d(16, 8, 1)
        self.pool = torch.nn.MaxPool2d(2)
        self.head = torch.nn.Conv2d(24, 32, 3, stride=2, padding=1, groups=8)
        self.fc = torch.nn.Linear(32, 5)

    def forward(self, x):
        x = torch.relu(self.bn(self.stem(x)))
        x = x + self.branch_a(x)
        x = torch.cat([x, torch.nn.functional.leaky_relu(self.branch_b(x), 0.2)], 1)
        x = self.head(self.pool(x))
        x = torch.nn.functional.adaptive_avg_pool2d(x, 1).flatten(1)
        return torch.softmax(self.fc(x), -1)


def export_cnn(path):
    torch.manual_seed(0)
    model = Cnn().train()  # keeps BatchNormalization as its own node
    torch.onnx.export(model, (torch.rand(1, 3, 16, 16),), path, opset_version=14, input_names=["image"],
                      output_names=["probs"], training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)


def export_resnet18(path):
    import torchvision
    torch.manual_seed(0)
    model = torchvision.models.resnet18().eval()
    torch.onnx.export(model, (torch.rand(1, 3, 64, 64),), path, opset_version=14, input_names=["image"],
                      output_names=["logits"])


def export_torchvision(name, path, size):
    import torchvision
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)().eval()
    torch.onnx.export(model, (torch.rand(1, 3, size, size),), path, opset_version=14, input_names=["image"],
                      output_names=["logits"])


class Encoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Linear(16, 64)
        layer = torch.nn.TransformerEncoderLayer(64, 4, 128, dropout=0.0, batch_first=True)
        self.encoder = torch.nn.TransformerEncoder(layer, 2)
        self.head = torch.nn.Linear(64, 10)

    def forward(self, x):
        return self.head(self.encoder(self.embed(x)))


def export_encoder(path):
    torch.manual_seed(0)
    torch.onnx.export(Encoder().eval(), (torch.rand(1, 12, 16),), path, opset_version=14, input_names=["x"],
                      output_names=["y"])


def export_with_statistics(name, path, size):
    """A torchvision model whose BatchNorm layers hold random statistics and scales, as a
    trained one does (the default ones make MobileNetV2's outputs ~1e-10, too small to compare)."""
    import torchvision
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)().eval()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
            elif isinstance(m, torch.nn.Linear):
                m.weight.normal_(0, 0.1)
    torch.onnx.export(model, (torch.rand(1, 3, size, size),), path, opset_version=14, input_names=["image"],
                      output_names=["logits"])


class TwoOutputs(torch.nn.Module):
    """Nodes with two used outputs: a GLU (Split into halves) and TopK's values and indices."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, 3, padding=1)

    def forward(self, x):
        a, b = torch.split(self.conv(x), [4, 4], dim=1)  # a Split (chunk() exports as two Slices)
        values, indices = (a * torch.sigmoid(b)).flatten(1).topk(5)
        return values + indices.float()


def export_two_outputs(path):
    torch.manual_seed(0)
    model = TwoOutputs().eval()
    with torch.no_grad():  # not torch's default initialisation, which fresh weights would repeat
        model.conv.weight.normal_(0, 0.5)
    torch.onnx.export(model, (torch.rand(1, 3, 8, 8),), path, opset_version=14, input_names=["x"], output_names=["y"])


RTOL, ATOL = 1e-4, 1e-5


def random_inputs(m, work, name):
    """One random .npy per graph input (symbolic dims as 1); None when an input is not float."""
    paths = []
    rng = np.random.default_rng(0)
    inits = {t.name for t in m.graph.initializer}
    for k, i in enumerate(x for x in m.graph.input if x.name not in inits):
        if i.type.tensor_type.elem_type != onnx.TensorProto.FLOAT:
            return None
        shape = [d.dim_value if d.HasField("dim_value") and d.dim_value > 0 else 1 for d in i.type.tensor_type.shape.dim]
        path = os.path.join(work, f"{name}_input_{k}.npy")
        np.save(path, rng.random(shape, dtype=np.float32))
        paths.append(path)
    return paths


def runtime_outputs(netforge, onnx_path, inputs, run_dir):
    """`netforge run` on the same inputs: its outputs, or the error text."""
    os.makedirs(run_dir, exist_ok=True)
    for k, path in enumerate(inputs):
        np.save(os.path.join(run_dir, f"input_{k}.npy"), np.load(path))
    r = subprocess.run([netforge, "run", onnx_path, "--inputs", run_dir, "--save", run_dir], capture_output=True, text=True)
    if r.returncode:
        return f"netforge run failed: {r.stderr.strip()[-300:]}"
    outs = []
    for k in range(len(onnx.load(onnx_path, load_external_data=False).graph.output)):
        t = onnx.TensorProto()
        t.ParseFromString(open(os.path.join(run_dir, f"output_{k}.pb"), "rb").read())
        outs.append(numpy_helper.to_array(t))
    return outs


def builder_outputs(py, onnx_path, inputs, out_base):
    """The builder's code run as a script (with --onnx when onnx_path): (outputs, stdout) or the error text."""
    args = [sys.executable, py] + (["--onnx", onnx_path] if onnx_path else [])
    for path in inputs:
        args += ["--input", path]
    r = subprocess.run(args + ["--output", out_base + ".npy"], capture_output=True, text=True)
    if r.returncode:
        return f"exit {r.returncode}: {r.stderr.strip()[-500:]}"
    outs, k = [], 0
    while os.path.exists(out_base + (f"_{k}" if k else "") + ".npy"):
        outs.append(np.load(out_base + (f"_{k}" if k else "") + ".npy"))
        k += 1
    return outs, r.stdout


def check_weights(netforge, onnx_path, work, need_all=True):
    """The builder's code with --onnx against `netforge run`: None when they match, else the
    problem. With need_all False, a document that does not map every parameter is skipped ("")."""
    name = os.path.splitext(os.path.basename(onnx_path))[0]
    py = os.path.join(work, name + "_builder.py")  # written by check()
    with open(os.path.join(work, name + "_doc.json")) as f:
        if not any(n.get("onnx_weights") or '"source"' in str(n["params"].get("constants", ""))
                   for n in json.load(f)["nodes"]):
            return "" if not need_all else "the document names no ONNX tensors"
    m = onnx.load(onnx_path)
    inputs = random_inputs(m, work, name)
    if inputs is None:
        return "" if not need_all else "an input that is not float"
    for k in range(len(m.graph.output)):  # stale outputs of an earlier run must not count
        path = os.path.join(work, name + "_weights" + (f"_{k}" if k else "") + ".npy")
        if os.path.exists(path):
            os.remove(path)
    got = builder_outputs(py, onnx_path, inputs, os.path.join(work, name + "_weights"))
    if isinstance(got, str):
        return f"builder code with --onnx: {got}"
    outs, stdout = got
    loaded = re.search(r"weights: (\d+) of (\d+) parameters", stdout)
    if not loaded or loaded.group(1) != loaded.group(2):
        return "" if not need_all else f"not every parameter is loaded: {loaded.group(0) if loaded else stdout[-200:]}"
    want = runtime_outputs(netforge, onnx_path, inputs, os.path.join(work, name + "_weights_run"))
    if isinstance(want, str):
        return want
    if len(outs) != len(want):
        return f"{len(outs)} outputs, netforge run gives {len(want)}"
    for k, (a, b) in enumerate(zip(outs, want)):
        a = a.reshape(b.shape) if a.size == b.size else a
        if a.shape != b.shape or not np.allclose(a, b, rtol=RTOL, atol=ATOL):
            diff = np.max(np.abs(a - b)) if a.shape == b.shape else f"shape {a.shape} vs {b.shape}"
            return f"output {k} differs from netforge run (max abs diff {diff})"
    # The named models' weights are not PyTorch's defaults, so fresh ones must differ (a corpus
    # PReLU's slope is the default 0.25: loaded or not, the same function).
    fresh = builder_outputs(py, None, inputs, os.path.join(work, name + "_fresh")) if need_all else ([], "")
    if isinstance(fresh, str):
        return f"builder code without --onnx: {fresh}"
    if need_all and all(np.allclose(a.reshape(b.shape), b, rtol=RTOL, atol=ATOL) for a, b in zip(fresh[0], want) if a.size == b.size):
        return "fresh weights give the same outputs: the check cannot tell that the weights were loaded"
    scale = max(float(np.max(np.abs(b))) for b in want)
    print(f"{name}: builder code with --onnx matches netforge run ({loaded.group(1)} parameters loaded, "
          f"max |output| {scale:.3g}, max abs diff "
          f"{max(float(np.max(np.abs(a.reshape(b.shape) - b))) for a, b in zip(outs, want)):.3g})")
    return None


def check_edited(netforge, work):
    """ResNet-18's document with layer1_0_conv1 edited to 32 channels: the loader names the
    layers whose ONNX tensors no longer fit, exit 1, no traceback."""
    doc = json.load(open(os.path.join(work, "resnet18_stats_doc.json")))
    node = next(n for n in doc["nodes"] if n["name"] == "layer1_0_conv1")
    node["params"]["out_channels"] = 32
    edited = os.path.join(work, "resnet18_edited_doc.json")
    json.dump(doc, open(edited, "w"))
    py = os.path.join(work, "resnet18_edited.py")
    r = subprocess.run([netforge, "codegen", edited, "-o", py], capture_output=True, text=True)
    if r.returncode:
        return f"edited document: codegen failed: {r.stderr.strip()}"
    r = subprocess.run([sys.executable, py, "--onnx", os.path.join(work, "resnet18_stats.onnx")], capture_output=True,
                       text=True)
    wanted = ["3 weight(s) cannot be loaded", "layer1_0_conv1.weight needs (32, 64, 3, 3)",
              "layer1_0_conv1.bias needs (32,)",
              "layer1_0_conv2.weight needs (64, 32, 3, 3)"]
    if r.returncode != 1 or "Traceback" in r.stderr or any(w not in r.stderr for w in wanted):
        return f"edited document: exit {r.returncode}, {r.stderr.strip()[-400:]!r}"
    print("edited layer1_0_conv1 to 32 channels: refused,", r.stderr.strip()[:200], "...")
    return None


def expected_parameters(m):
    """The file's parameters, plus the weights a light graph generates with ConstantOfShape."""
    inits = {t.name: t for t in m.graph.initializer}
    stats = {n.input[i] for n in m.graph.node if n.op_type == "BatchNormalization" for i in (3, 4) if i < len(n.input)}
    generated = 0
    for n in m.graph.node:
        if n.op_type != "ConstantOfShape" or not n.input or n.input[0] not in inits or n.output[0] in stats:
            continue
        value = next((a.t for a in n.attribute if a.name == "value"), None)
        if value is None or value.data_type == onnx.TensorProto.FLOAT:
            generated += int(np.prod(numpy_helper.to_array(inits[n.input[0]])))
    return parameter_count(m) + generated


def check(netforge, onnx_path, work):
    os.makedirs(work, exist_ok=True)
    name = os.path.splitext(os.path.basename(onnx_path))[0]
    doc = os.path.join(work, name + "_doc.json")
    py = os.path.join(work, name + "_builder.py")
    r = subprocess.run([netforge, "import", onnx_path, "-o", doc], capture_output=True, text=True)
    if r.returncode:
        return f"import failed: {r.stderr.strip()}"
    r = subprocess.run([netforge, "codegen", doc, "-o", py], capture_output=True, text=True)
    if r.returncode:
        return f"builder codegen failed: {r.stderr.strip()}"
    r = subprocess.run([sys.executable, py], capture_output=True, text=True)
    if r.returncode:
        return f"builder code failed: {r.stderr.strip()[-500:]}"
    shapes = [tuple(int(d) for d in o.split(",") if d.strip())[1:] for o in re.findall(r"output \(([\d, ]*)\)", r.stdout)]
    params = int(re.search(r"parameters (\d+)", r.stdout).group(1))
    m = onnx.load(onnx_path)
    want_shapes = [tuple(d.dim_value for d in o.type.tensor_type.shape.dim)[1:] for o in m.graph.output]
    want_params = expected_parameters(m)
    problems = []
    if shapes != want_shapes:
        problems.append(f"outputs {shapes}, ONNX {want_shapes}")
    if params != want_params:
        problems.append(f"{params} parameters, ONNX {want_params}")
    exported = os.path.join(work, name + "_builder.onnx")
    r = subprocess.run([netforge, "export-onnx", doc, "-o", exported], capture_output=True, text=True)
    if r.returncode:
        problems.append(f"export-onnx failed: {r.stderr.strip()[-300:]}")
    else:
        back = onnx.load(exported)
        try:
            onnx.checker.check_model(back, full_check=True)
        except Exception as e:  # the checker's own exception types vary across onnx versions
            problems.append(f"exported ONNX fails the checker: {str(e)[:300]}")
        written = parameter_count(back)
        if written != want_params:
            problems.append(f"exported ONNX has {written} parameters, ONNX {want_params}")
    with open(doc) as f:
        generic = sum(1 for n in json.load(f)["nodes"] if n["type"] == "OnnxOp")
    print(f"{name}: " + ("; ".join(problems) if problems else
                         f"builder code runs: outputs {shapes}, {params:,} parameters as in the ONNX file, "
                         f"{generic} ONNX op layers; exported ONNX passes the checker"))
    return "; ".join(problems) or None


def check_keras(netforge, resnet, mobilenet, mobilenet_v3):
    """Keras from ONNX: code for CNNs whose layers Keras has (ResNet-18; MobileNetV2, whose
    Clip(0, 6) is ReLU6), a refusal naming each ONNX op otherwise (MobileNetV3's HardSwish)."""
    import ast
    problems = []
    r = subprocess.run([netforge, "codegen", resnet, "--framework", "keras"], capture_output=True, text=True)
    if r.returncode:
        return f"ResNet-18 to Keras failed: {r.stderr.strip()[-300:]}"
    code = r.stdout
    ast.parse(code)
    convs, adds = code.count("layers.Conv2D("), code.count("layers.Add(")
    if (convs, adds) != (20, 8):
        problems.append(f"ResNet-18's Keras code has {convs} Conv2D and {adds} Add layers (want 20 and 8)")
    try:
        import tensorflow  # noqa: F401  (not installable on Debian here: then the code is only parsed)
        scope = {"__name__": "keras_from_onnx"}
        exec(compile(code, "resnet18_keras.py", "exec"), scope)
        print("Keras: ResNet-18 code built with tensorflow")
    except ImportError:
        print(f"Keras: ResNet-18 code parses with {convs} Conv2D and {adds} Add layers (tensorflow not installed: not run)")
    r = subprocess.run([netforge, "codegen", mobilenet, "--framework", "keras"], capture_output=True, text=True)
    if r.returncode:
        problems.append(f"MobileNetV2 to Keras failed: {r.stderr.strip()[-300:]}")
    else:
        ast.parse(r.stdout)
        counts = (r.stdout.count("layers.Conv2D("), r.stdout.count("layers.ReLU(max_value=6.0"), r.stdout.count("layers.Add("))
        if counts != (52, 35, 10):
            problems.append(f"MobileNetV2's Keras code has {counts} Conv2D, ReLU(max_value=6) and Add layers (want 52, 35, 10)")
        else:
            print(f"Keras: MobileNetV2 code parses with {counts[0]} Conv2D, {counts[1]} ReLU(max_value=6.0), {counts[2]} Add")
    r = subprocess.run([netforge, "codegen", mobilenet_v3, "--framework", "keras"], capture_output=True, text=True)
    if r.returncode != 1 or "features_0_2: ONNX op HardSwish is not available in Keras" not in r.stderr:
        problems.append(f"MobileNetV3 to Keras: exit {r.returncode}, {r.stderr.strip()[:300]!r}")
    else:
        print("Keras: MobileNetV3-Small refused:", r.stderr.strip()[:160], "...")
    return "; ".join(problems) or None


# Corpus floors: share of each folder's models that import, run and match (the rest named).
CORPUS_FLOORS = {"light": 1.0, "pytorch-converted": 1.0, "pytorch-operator": 0.5, "simple": 0.0}


def corpus_shares(netforge, corpus, work):
    manifest = json.load(open(os.path.join(corpus, "manifest.json")))
    failures = {}
    for folder, floor in CORPUS_FLOORS.items():
        entries = [e for e in manifest["files"] if e.get("folder") == folder]
        fails = []
        weighed, weight_fails = 0, []
        kinds = {"builder layers only": 0, "with ONNX op layers": 0}
        for e in entries:
            path, folder_work = os.path.join(corpus, e["path"]), os.path.join(work, folder)
            reason = check(netforge, path, folder_work)
            if reason:
                fails.append((e["test"], reason))
                continue
            name = os.path.splitext(os.path.basename(path))[0]
            with open(os.path.join(folder_work, name + "_doc.json")) as f:
                generic = any(n["type"] == "OnnxOp" for n in json.load(f)["nodes"])
            kinds["with ONNX op layers" if generic else "builder layers only"] += 1
            # Every model whose parameters all come from the file loads them and computes the same.
            weights = check_weights(netforge, path, folder_work, need_all=False)
            if weights != "":
                weighed += 1
            if weights:
                weight_fails.append((e["test"], weights))
        n = len(entries)
        share = (n - len(fails)) / n if n else 1.0
        print(f"corpus {folder}: {n - len(fails)}/{n} open in the builder with their shapes and parameters "
              f"({100 * share:.1f}%, floor {100 * floor:.0f}%)")
        refused = sum(1 for _, reason in fails if reason.startswith("import failed"))
        print(f"corpus {folder}: " + ", ".join(f"{v} {k}" for k, v in kinds.items()) +
              f", {refused} refused by the import, {len(fails) - refused} imported but failing a check")
        for test, reason in fails:
            print(f"  not {test}: {reason}")
        print(f"corpus {folder}: {weighed - len(weight_fails)}/{weighed} models whose every parameter is in the file "
              f"match netforge run with the loaded weights")
        for test, reason in weight_fails:
            print(f"  weights of {test}: {reason}")
        if weight_fails:
            failures[folder + " weights"] = f"{len(weight_fails)} models do not match with their weights"
        if share < floor:
            failures[folder] = f"{100 * share:.1f}% below the floor {100 * floor:.0f}%"
    return failures


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__)
        return 2
    netforge, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    sample = os.path.join(work, "sample.onnx")
    subprocess.run([netforge, "sample", "-o", sample], check=True, capture_output=True)
    cnn = os.path.join(work, "cnn.onnx")
    export_cnn(cnn)
    resnet = os.path.join(work, "resnet18.onnx")
    if not os.path.exists(resnet):
        export_resnet18(resnet)
    models = [sample, cnn, resnet]
    # Models whose outputs with their own weights are checked (cnn.onnx keeps BatchNormalization
    # in training mode, batch statistics: not the eval model the builder's code is).
    weighed = {sample, os.path.join(work, "squeezenet1_0.onnx"), os.path.join(work, "encoder.onnx")}
    for name, size in (("mobilenet_v2", 96), ("mobilenet_v3_small", 96), ("efficientnet_b0", 96),
                       ("squeezenet1_0", 96)):
        path = os.path.join(work, name + ".onnx")
        if not os.path.exists(path):
            export_torchvision(name, path, size)
        models.append(path)
    encoder = os.path.join(work, "encoder.onnx")
    if not os.path.exists(encoder):
        export_encoder(encoder)
    models.append(encoder)
    failures = {}
    for path in models:
        reason = check(netforge, path, work)
        if not reason and path in weighed:
            reason = check_weights(netforge, path, work)
        if reason:
            failures[path] = reason
    for name, size in (("resnet18", 64), ("mobilenet_v2", 96), ("mobilenet_v3_small", 96), ("efficientnet_b0", 96)):
        path = os.path.join(work, name + "_stats.onnx")
        if not os.path.exists(path):
            export_with_statistics(name, path, size)
        reason = check(netforge, path, work) or check_weights(netforge, path, work)
        if reason:
            failures[path] = reason
    reason = check_edited(netforge, work)
    if reason:
        failures["edited"] = reason
    reason = check_keras(netforge, resnet, os.path.join(work, "mobilenet_v2.onnx"), os.path.join(work, "mobilenet_v3_small.onnx"))
    if reason:
        failures["keras"] = reason
    # An op that is no builder layer becomes an ONNX op layer (here an Erf)...
    m = onnx.load(cnn)
    erf = onnx.helper.make_node("Erf", [m.graph.node[0].output[0]], ["erf_out"], name="/odd/Erf")
    m.graph.node.insert(1, erf)
    m.graph.node[2].input[0] = "erf_out"
    odd = os.path.join(work, "odd.onnx")
    onnx.save(m, odd)
    reason = check(netforge, odd, work)
    if reason:
        failures[odd] = reason
    # ...a node with two used outputs (GLU's Split, TopK's values and indices) is an ONNX op
    # layer with two outputs: its code with the model's weights matches netforge run...
    two = os.path.join(work, "two_outputs.onnx")
    export_two_outputs(two)
    reason = check(netforge, two, work) or check_weights(netforge, two, work)
    if not reason:
        doc = json.load(open(os.path.join(work, "two_outputs_doc.json")))
        if sum(1 for e in doc["edges"] if e.get("out") == 1) != 2:
            reason = f"the document's edges do not read a second output twice: {doc['edges']}"
    if reason:
        failures[two] = reason
    # ...and a node with a subgraph (If) is refused, named, exit 1, one line.
    cond = onnx.helper.make_tensor("cond", onnx.TensorProto.BOOL, [], [True])
    then_g = onnx.helper.make_graph([onnx.helper.make_node("Relu", ["erf_out"], ["t"])], "then", [],
                                    [onnx.helper.make_tensor_value_info("t", onnx.TensorProto.FLOAT, None)])
    else_g = onnx.helper.make_graph([onnx.helper.make_node("Neg", ["erf_out"], ["e"])], "else", [],
                                    [onnx.helper.make_tensor_value_info("e", onnx.TensorProto.FLOAT, None)])
    m.graph.initializer.append(cond)
    m.graph.node.insert(2, onnx.helper.make_node("If", ["cond"], ["branched"], name="/odd/If", then_branch=then_g,
                                                 else_branch=else_g))
    m.graph.node[3].input[0] = "branched"
    branch = os.path.join(work, "subgraph.onnx")
    onnx.save(m, branch)
    r = subprocess.run([netforge, "import", branch], capture_output=True, text=True)
    if r.returncode != 1 or "/odd/If' (If)" not in r.stderr or "subgraph" not in r.stderr or r.stderr.count("\n") != 1:
        failures[branch] = f"an If: exit {r.returncode}, {r.stderr.strip()!r}"
    else:
        print("subgraph: refused with the node named:", r.stderr.strip())
    print(f"{len(models) + 9 - len(failures)}/{len(models) + 9} builder imports behave")
    if len(sys.argv) == 4:
        failures.update(corpus_shares(netforge, sys.argv[3], os.path.join(work, "corpus")))
    for path, reason in failures.items():
        print(f"FAIL {os.path.basename(path)}: {reason}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
