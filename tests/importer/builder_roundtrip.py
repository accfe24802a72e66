#!/usr/bin/env python3
"""importer.builder_roundtrip: ONNX CNN -> `netforge import` (builder document) -> `netforge
codegen DOC.json` (the builder's PyTorch) -> run with python3-torch.

The builder's code starts from fresh weights, so the check is the structure: it runs, its
output has the ONNX model's output shape (batch aside) and its parameter count equals the
ONNX file's (onnx_counts.parameter_count). Models: NetForge's sample CNN and a torch CNN with
a residual Add, a channel Concat, BatchNorm kept (training-mode export), LeakyReLU, global
pooling and a MatMul+Add classifier, and torchvision's ResNet-18 (eval export: BatchNorm folded,
weights shared through Identity nodes, the stem's padded MaxPool -> ZeroPad2d + MaxPool2d),
exported by this script. A model with an op that is no builder layer is refused with the op
named. Exit 77 (skipped) without python3-torch / onnx.

usage: builder_roundtrip.py NETFORGE WORK_DIR
"""
import os
import re
import subprocess
import sys

try:
    import onnx
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


def check(netforge, onnx_path, work):
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
    shape = tuple(int(d) for d in re.search(r"output \(([\d, ]+)\)", r.stdout).group(1).split(",") if d.strip())
    params = int(re.search(r"parameters (\d+)", r.stdout).group(1))
    m = onnx.load(onnx_path)
    want_shape = tuple(d.dim_value for d in m.graph.output[0].type.tensor_type.shape.dim)[1:]
    want_params = parameter_count(m)
    problems = []
    if shape[1:] != want_shape:
        problems.append(f"output {shape[1:]}, ONNX {want_shape}")
    if params != want_params:
        problems.append(f"{params} parameters, ONNX {want_params}")
    print(f"{name}: " + ("; ".join(problems) if problems else
                         f"builder code runs: output {shape[1:]}, {params:,} parameters as in the ONNX file"))
    return "; ".join(problems) or None


def main():
    if len(sys.argv) != 3:
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
    models = (sample, cnn, resnet)
    failures = {}
    for path in models:
        reason = check(netforge, path, work)
        if reason:
            failures[path] = reason
    # An op that is no builder layer: named, exit 1, one line.
    m = onnx.load(cnn)
    erf = onnx.helper.make_node("Erf", [m.graph.node[0].output[0]], ["erf_out"], name="/odd/Erf")
    m.graph.node.insert(1, erf)
    m.graph.node[2].input[0] = "erf_out"
    odd = os.path.join(work, "odd.onnx")
    onnx.save(m, odd)
    r = subprocess.run([netforge, "import", odd], capture_output=True, text=True)
    if r.returncode != 1 or "(Erf): not a builder layer yet" not in r.stderr or r.stderr.count("\n") != 1:
        failures[odd] = f"an Erf node: exit {r.returncode}, {r.stderr.strip()!r}"
    else:
        print("odd: refused with the op named:", r.stderr.strip())
    print(f"{len(models) + 1 - len(failures)}/{len(models) + 1} builder imports behave")
    for path, reason in failures.items():
        print(f"FAIL {os.path.basename(path)}: {reason}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
