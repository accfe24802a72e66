#!/usr/bin/env python3
"""Fixture of the Run panel browser test (run_panel.test.mjs), written to OUT_DIR:
  resnet18.onnx   torchvision ResNet-18 with random weights (seed 0), 1x3x224x224, opset 13
  stripes.png     224x224 vertical black/white stripes (16 px period) with a grey disc
  reference.json  torch's top-5 classes for that image with ImageNet mean/std
Debian's python3-torch/torchvision; nothing is downloaded. Usage: run_panel_fixture.py OUT_DIR"""
import json
import os
import sys

import numpy as np
import torch
import torchvision
from PIL import Image

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
model = torchvision.models.resnet18(weights=None).eval()
x = torch.zeros(1, 3, 224, 224)
torch.onnx.export(model, x, os.path.join(out, "resnet18.onnx"), opset_version=13,
                  input_names=["image"], output_names=["logits"])

# Vertical stripes: structure a feature map must show (columns differ, rows agree).
yy, xx = np.mgrid[0:224, 0:224]
img = np.where((xx // 8) % 2 == 0, 20, 235).astype(np.uint8)
img = np.stack([img, img, img], axis=-1)
img[(yy - 112) ** 2 + (xx - 112) ** 2 < 40 ** 2] = (200, 90, 40)
Image.fromarray(img, "RGB").save(os.path.join(out, "stripes.png"))

mean = np.array([0.485, 0.456, 0.406], np.float32)
std = np.array([0.229, 0.224, 0.225], np.float32)
t = ((img.astype(np.float32) / np.float32(255) - mean) / std).transpose(2, 0, 1)[None]
with torch.no_grad():
    logits = model(torch.from_numpy(np.ascontiguousarray(t)))[0].numpy()
order = np.argsort(-logits, kind="stable")
json.dump({"top5": [int(i) for i in order[:5]],
           "logits": [float(logits[i]) for i in order[:6]]}, open(os.path.join(out, "reference.json"), "w"))
