#!/usr/bin/env python3
"""Writes the 1000 ImageNet class names, one per line in class-index order, from
Debian's python3-torchvision (the weights' metadata; nothing is downloaded).
Usage: imagenet_labels.py OUT.txt"""
import sys

from torchvision.models import ResNet50_Weights

names = ResNet50_Weights.IMAGENET1K_V1.meta["categories"]
assert len(names) == 1000, len(names)
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("\n".join(names) + "\n")
