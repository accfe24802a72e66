#!/usr/bin/env python3
"""Exports the torchvision / transformer models ShapesBigModels checks, with the
settings of /work/shared/peers/export_models.py (opset 14, constant folding,
random weights, no downloads), and records what torch reports for each.

usage: /usr/bin/python3 export_big_models.py OUT_DIR [NAME ...]
       NETFORGE_BIG_MODELS=OUT_DIR ctest -R shapes

Default names: the small ones (a few minutes on 2 cores). torch_facts.json in
OUT_DIR gets sum(p.numel()) and sum(b.numel()) (buffers) per model.
"""
import json
import os
import sys
import time

PEERS = os.environ.get('NETFORGE_PEERS', os.path.join(os.path.dirname(__file__), '../../../shared/peers'))
sys.path.insert(0, PEERS)
import export_models as em  # noqa: E402

DEFAULT = ['alexnet', 'squeezenet1_0', 'resnet50', 'vgg16', 'mobilenet_v3_large', 'convnext_tiny',
           'transformer_enc12']


def build_for(name):
    if name.startswith('transformer_enc'):
        return em._transformer(int(name[len('transformer_enc'):].split('_')[0]), 0)
    return em._torchvision(name)


def main():
    import torch
    out = sys.argv[1]
    names = sys.argv[2:] or DEFAULT
    os.makedirs(out, exist_ok=True)
    facts_path = os.path.join(out, 'torch_facts.json')
    facts = json.load(open(facts_path)) if os.path.exists(facts_path) else {}
    for name in names:
        build = build_for(name)
        torch.manual_seed(0)
        model = build()[0]
        facts[name] = {'params': sum(p.numel() for p in model.parameters()),
                       'buffers': sum(b.numel() for b in model.buffers())}
        path = os.path.join(out, name + '.onnx')
        t0 = time.time()
        if not os.path.exists(path):
            em.export_torch(build, path)
        print(f"{name}: params {facts[name]['params']}, buffers {facts[name]['buffers']}, {time.time() - t0:.1f}s",
              flush=True)
        with open(facts_path, 'w') as f:
            json.dump(facts, f, indent=1)


if __name__ == '__main__':
    main()
