#!/usr/bin/env python3
"""importer.torch_roundtrip: torch model -> ONNX -> `netforge codegen` -> PyTorch again.

Each model (torchvision with random weights, transformer stacks, a GPT-like decoder) is exported by
this script with Debian's torch (cached under WORK_DIR with its input and the original
model's output). The generated file is run as a script
(`python3 model.py --onnx M.onnx --input x.npy --output y.npy`); its output must equal the
core runtime's (`netforge run`) and the original model's (rtol 1e-4, atol 1e-5), and its
parameter count the ONNX file's float initializers (without BatchNorm running statistics;
for models whose export keeps every parameter, also the original model's count).
Exit 77 (skipped) without python3-torch / torchvision / onnx.

usage: torch_roundtrip.py NETFORGE WORK_DIR [model ...]
"""
import copy
import json
import os
import re
import subprocess
import sys
import time

try:
    import numpy as np
    import onnx
    import torch
    import torchvision
    from onnx import numpy_helper
    from onnx_counts import parameter_count
except ImportError as e:
    print("skipped:", e)
    sys.exit(77)

RTOL, ATOL = 1e-4, 1e-5


def transformer():
    layer = torch.nn.TransformerEncoderLayer(d_model=64, nhead=4, dim_feedforward=128, batch_first=True,
                                             activation="gelu")
    return torch.nn.TransformerEncoder(layer, num_layers=2), torch.rand(1, 10, 64)


def transformer24():
    layer = torch.nn.TransformerEncoderLayer(d_model=64, nhead=4, dim_feedforward=128, batch_first=True)
    model = torch.nn.TransformerEncoder(layer, num_layers=24)
    with torch.no_grad():  # every layer its own weights, as after training
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.02)
    return model, torch.rand(1, 10, 64)


class EncoderDecoder(torch.nn.Module):
    """Decoder layers read the encoder's output besides the chain: an nn.ModuleList loop."""

    def __init__(self):
        super().__init__()
        enc = torch.nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64, batch_first=True)
        dec = torch.nn.TransformerDecoderLayer(d_model=32, nhead=4, dim_feedforward=64, batch_first=True)
        self.encoder = torch.nn.TransformerEncoder(enc, num_layers=2)
        self.decoder = torch.nn.TransformerDecoder(dec, num_layers=4)
        with torch.no_grad():
            for p in self.parameters():
                p.add_(torch.randn_like(p) * 0.02)

    def forward(self, x):
        return self.decoder(x, self.encoder(x))


def encoder_decoder():
    return EncoderDecoder(), torch.rand(1, 6, 32)


class Recurrent(torch.nn.Module):
    """A 2-layer LSTM followed by a bidirectional GRU (the sequence output only)."""

    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(16, 32, num_layers=2, batch_first=True)
        self.gru = torch.nn.GRU(32, 8, bidirectional=True, batch_first=True)

    def forward(self, x):
        return self.gru(self.lstm(x)[0])[0]


def recurrent():
    return Recurrent(), torch.rand(2, 7, 16)


def vision(name, size=224, **kwargs):
    def make():
        return getattr(torchvision.models, name)(**kwargs), torch.rand(1, 3, size, size)
    return make


def calibrated(make):
    """A torchvision model whose BatchNorm running statistics come from one batch: with the
    fresh statistics (mean 0, variance 1) Inception's activations grow to ~1e12, where float32
    rounding alone exceeds the comparison's tolerance."""
    def calibrate():
        model, x = make()
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.momentum = None  # a cumulative average: exactly this batch's statistics
        model.train()
        with torch.no_grad():
            model(torch.rand(4, *x.shape[1:]))
        return model, x
    return calibrate


class GptLike(torch.nn.Module):
    """A GPT-like decoder: token and position embeddings, 4 causal self-attention layers
    (pre-norm, GELU), a final LayerNorm and a language-model head; input: token ids."""

    def __init__(self, vocab=500, d=64, layers=4, context=16):
        super().__init__()
        self.tokens = torch.nn.Embedding(vocab, d)
        self.positions = torch.nn.Embedding(context, d)
        layer = torch.nn.TransformerEncoderLayer(d_model=d, nhead=4, dim_feedforward=4 * d, batch_first=True,
                                                 activation="gelu", norm_first=True)
        self.blocks = torch.nn.TransformerEncoder(layer, num_layers=layers)
        self.norm = torch.nn.LayerNorm(d)
        self.head = torch.nn.Linear(d, vocab, bias=False)
        self.register_buffer("causal", torch.triu(torch.full((context, context), float("-inf")), diagonal=1))

    def forward(self, ids):
        n = ids.shape[1]
        x = self.tokens(ids) + self.positions(torch.arange(n).unsqueeze(0))
        return self.head(self.norm(self.blocks(x, mask=self.causal[:n, :n])))


def gpt_like():
    return GptLike(), torch.randint(0, 500, (1, 16))


# name -> (factory, export keeps every parameter as an initializer, text the code must hold)
MODELS = {
    "resnet18": (vision("resnet18"), False, ["self.layer1 = nn.Sequential(", "self.fc = nn.Linear(512, 1000)"]),
    "resnet50": (vision("resnet50"), False, ["self.layer4 = nn.Sequential(", "self.fc = nn.Linear(2048, 1000)"]),
    "mobilenet_v2": (vision("mobilenet_v2"), False, ["groups=32"]),
    "mobilenet_v3_small": (vision("mobilenet_v3_small"), False, ["F.hardswish("]),
    "efficientnet_b0": (vision("efficientnet_b0"), False, ["F.silu("]),
    "squeezenet1_0": (vision("squeezenet1_0"), True, ["nn.MaxPool2d(3, stride=2, ceil_mode=True)"]),
    "vgg11": (vision("vgg11"), True, ["nn.Linear(25088, 4096)"]),
    "densenet121": (vision("densenet121"), False, ["torch.cat("]),
    "convnext_tiny": (vision("convnext_tiny"), True, ["nn.LayerNorm("]),
    "vit_b_16": (vision("vit_b_16"), True, ["nn.LayerNorm(768"]),
    "inception_v3": (calibrated(vision("inception_v3", 299, aux_logits=False, init_weights=True)), False, ["torch.cat("]),
    # The export folds the position embedding's lookup of arange(16) into a constant.
    "gpt_like": (gpt_like, False, ["nn.Embedding(500, 64)", "nn.LayerNorm(64)"]),
    "lstm_gru": (recurrent, True, ["onnx_recurrent(\"LSTM\"", "onnx_recurrent(\"GRU\""]),
    # torch 1.13 writes LayerNorm and GELU decomposed: they must come back as one layer each.
    "transformer_encoder_gelu": (transformer, True, ["nn.LayerNorm(64)", "F.gelu("]),
    "transformer_encoder_24": (transformer24, True, ["nn.Sequential("]),
    "encoder_decoder": (encoder_decoder, True, ["nn.ModuleList([", "for layer in self."]),
}

# Readability of repeated blocks: name -> (block classes at most, instances in all, the largest
# class's instances, lines of model code (classes and Model, without the weight table and script) at most).
# ResNet-50: its 16 bottlenecks are one class (the first block of each stage adds the
# downsample convolution under a constructor flag; the stride is a constructor argument).
BLOCKS = {
    "resnet50": (1, 16, 16, 200),
    "transformer_encoder_24": (1, 24, 24, 120),
}


def block_problems(name, code):
    """Classes defined besides Model and how often each is instantiated."""
    if name not in BLOCKS:
        return []
    max_classes, total, largest, max_lines = BLOCKS[name]
    classes = [c for c in re.findall(r"^class (\w+)\(nn\.Module\):", code, re.M) if c != "Model"]
    uses = {c: len(re.findall(r"(?<![\w.])" + c + r"\(", code)) - 1 for c in classes}  # minus the class line
    model_code = code[code.index("\nclass "):code.index("# Graph inputs")]
    lines = model_code.count("\n")
    problems = []
    if not classes or len(classes) > max_classes or sum(uses.values()) != total or max(uses.values()) != largest:
        problems.append(f"block classes {uses}, want at most {max_classes} with {total} instances, "
                        f"the largest {largest}")
    if lines > max_lines:
        problems.append(f"{lines} lines of model code, want at most {max_lines}")
    print(f"{name}: block classes {uses}; {lines} lines of model code")
    return problems


def export(name, work):
    path = os.path.join(work, name + ".onnx")
    meta = os.path.join(work, name + ".json")
    if os.path.exists(path) and os.path.exists(meta):
        return path, json.load(open(meta))
    torch.manual_seed(0)
    model, x = MODELS[name][0]()
    model.eval()
    with torch.no_grad():
        y = model(x)
    np.save(os.path.join(work, name + "_x.npy"), x.numpy())
    np.save(os.path.join(work, name + "_torch.npy"), y.numpy())
    with torch.no_grad():  # the exact result, to tell float32 rounding from a wrong translation
        exact = copy.deepcopy(model).double()(x.double() if x.is_floating_point() else x)
    np.save(os.path.join(work, name + "_torch64.npy"), exact.numpy())
    torch.onnx.export(model, (x,), path, opset_version=14, input_names=["input"], output_names=["output"])
    info = {"torch_parameters": sum(p.numel() for p in model.parameters())}
    json.dump(info, open(meta, "w"))
    return path, info


def close(a, b, rounding=None):
    """rtol/atol, or for deep models whose float32 rounding alone exceeds them: both results
    within twice the original float32 model's distance from its float64 result (`rounding`)."""
    if a.shape != b.shape:
        return False
    if np.allclose(a, b, rtol=RTOL, atol=ATOL):
        return True
    if rounding is None:
        return False
    exact, torch32 = rounding
    bound = 2 * np.max(np.abs(torch32 - exact)) + ATOL
    return bool(np.max(np.abs(a - exact)) <= bound and np.max(np.abs(b - exact)) <= bound)


def check(netforge, name, work):
    path, info = export(name, work)
    py = os.path.join(work, name + ".py")
    t0 = time.time()
    r = subprocess.run([netforge, "codegen", path, "-o", py], capture_output=True, text=True)
    if r.returncode:
        return f"codegen failed: {r.stderr.strip()}"
    codegen_s = time.time() - t0
    x = os.path.join(work, name + "_x.npy")
    y = os.path.join(work, name + "_y.npy")
    r = subprocess.run([sys.executable, py, "--onnx", path, "--input", x, "--output", y], capture_output=True, text=True)
    if r.returncode:
        return f"generated script failed: {r.stderr.strip()[-600:]}"
    got = np.load(y)
    params = int(re.search(r"parameters: (\d+)", r.stdout).group(1))
    # The core runtime on the same input.
    run_dir = os.path.join(work, name + "_run")
    os.makedirs(run_dir, exist_ok=True)
    np.save(os.path.join(run_dir, "input_0.npy"), np.load(x))
    r = subprocess.run([netforge, "run", path, "--inputs", run_dir, "--save", run_dir], capture_output=True, text=True)
    if r.returncode:
        return f"netforge run failed: {r.stderr.strip()}"
    t = onnx.TensorProto()
    t.ParseFromString(open(os.path.join(run_dir, "output_0.pb"), "rb").read())
    runtime = numpy_helper.to_array(t)
    original = np.load(os.path.join(work, name + "_torch.npy"))
    problems = []
    exact64 = os.path.join(work, name + "_torch64.npy")
    rounding = (np.load(exact64), original) if os.path.exists(exact64) else None
    if not close(got, runtime, rounding):
        problems.append(f"differs from netforge run (max abs diff {np.max(np.abs(got - runtime)):.3g})")
    if not close(got, original, rounding):
        problems.append(f"differs from the original model (max abs diff {np.max(np.abs(got - original)):.3g})")
    want = parameter_count(onnx.load(path, load_external_data=False))
    if params != want:
        problems.append(f"parameter count {params}, ONNX has {want}")
    if MODELS[name][1] and params != info["torch_parameters"]:
        problems.append(f"parameter count {params}, the original model has {info['torch_parameters']}")
    code = open(py).read()
    problems += [f"the code lacks {want!r}" for want in MODELS[name][2] if want not in code]
    problems += block_problems(name, code)
    if name == "transformer_encoder_gelu":
        problems += external_data(py, path, x, got, work)
        problems += loader_errors(py, path, x, work)
    lines = sum(1 for _ in open(py))
    print(f"{name}: output {tuple(got.shape)} matches runtime and original; {params:,} parameters; "
          f"{lines} lines; codegen {codegen_s:.2f} s" if not problems else f"{name}: " + "; ".join(problems))
    return "; ".join(problems) or None


def external_data(py, path, x, expected, work):
    """The same model with its weights in an external data file loads the same."""
    ext_dir = os.path.join(work, "external")
    os.makedirs(ext_dir, exist_ok=True)
    ext = os.path.join(ext_dir, "model.onnx")
    onnx.save_model(onnx.load(path), ext, save_as_external_data=True, all_tensors_to_one_file=True,
                    location="model.weights", size_threshold=0)
    y = os.path.join(work, "external_y.npy")
    r = subprocess.run([sys.executable, py, "--onnx", ext, "--input", x, "--output", y], capture_output=True, text=True)
    if r.returncode:
        return [f"external data: {r.stderr.strip()[-300:]}"]
    return [] if np.array_equal(np.load(y), expected) else ["external data: other outputs"]


def loader_errors(py, path, x, work):
    """A missing tensor and a tensor of another shape are named, not loaded."""
    problems = []
    for case in ("missing", "shape"):
        m = onnx.load(path)
        t = max(m.graph.initializer, key=lambda t: int(np.prod(t.dims)))
        if case == "missing":
            t.name = "renamed_weight"
        else:
            arr = numpy_helper.to_array(t)
            t.CopyFrom(numpy_helper.from_array(arr.reshape(-1)[:-1].copy(), t.name))
        bad = os.path.join(work, f"bad_{case}.onnx")
        onnx.save_model(m, bad)
        r = subprocess.run([sys.executable, py, "--onnx", bad, "--input", x], capture_output=True, text=True)
        last = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
        want = "has no tensor" if case == "missing" else "has shape"
        if r.returncode == 0 or want not in last:
            problems.append(f"loader with a {case} tensor: {last or 'no error'}")
    return problems


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    netforge, work = sys.argv[1], sys.argv[2]
    names = sys.argv[3:] or list(MODELS)
    os.makedirs(work, exist_ok=True)
    failures = {}
    for name in names:
        reason = check(netforge, name, work)
        if reason:
            failures[name] = reason
    print(f"{len(names) - len(failures)}/{len(names)} torch models round-trip")
    for name, reason in failures.items():
        print(f"FAIL {name}: {reason}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
