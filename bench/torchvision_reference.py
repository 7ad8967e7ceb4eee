"""PyTorch reference logits for the torchvision templates built from blocks, on the fixtures' formula
weights and formula input (core/weights/formula.ts), for electron/backends/onnxruntime/torchvision-parity.test.ts.

Run on a machine with PyTorch and torchvision (no Node needed):
    python3 bench/torchvision_reference.py fixtures/torchvision-parity.json
and commit the file it writes. For each model it records the state_dict (names, shapes, dtypes; the
test checks them against the templates' own lists), the logits of the formula input [1, 3, 224, 224]
and their top-5. Models are built the way the templates are: no pretrained weights, eval mode,
GoogLeNet without aux classifiers and without transform_input.
"""
import json
import math
import sys

import numpy as np
import torch
import torchvision
from torchvision import models

OUT = sys.argv[1] if len(sys.argv) > 1 else "torchvision-parity.json"
INPUT_SHAPE = [1, 3, 224, 224]

BUILDERS = {
    "shufflenet_v2_x1_0": lambda: models.shufflenet_v2_x1_0(weights=None),
    "densenet121": lambda: models.densenet121(weights=None),
    "efficientnet_b0": lambda: models.efficientnet_b0(weights=None),
    "googlenet": lambda: models.googlenet(weights=None, aux_logits=False, transform_input=False, init_weights=False),
    "mobilenet_v3_small": lambda: models.mobilenet_v3_small(weights=None),
    "regnet_x_400mf": lambda: models.regnet_x_400mf(weights=None),
    "resnext50_32x4d": lambda: models.resnext50_32x4d(weights=None),
}


def fnv1a32(name):
    h = 0x811C9DC5
    for b in name.encode("utf-8"):
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def formula_u(name, n):
    """core/weights/formula.ts formulaUniform for elements 0..n-1 of the tensor called `name`."""
    m = np.uint64(0xFFFFFFFF)
    i = np.arange(n, dtype=np.uint64)
    x = (np.uint64(fnv1a32(name)) ^ ((i * np.uint64(0x9E3779B1)) & m)) & m
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x85EBCA6B)) & m
    x ^= x >> np.uint64(13)
    x = (x * np.uint64(0xC2B2AE35)) & m
    x ^= x >> np.uint64(16)
    return ((x >> np.uint64(8)).astype(np.float64) / 2**24) * 2 - 1


def formula_tensor(name, shape, dtype):
    """core/weights/formula.ts formulaTensor: integer tensors (num_batches_tracked) are 0."""
    n = int(np.prod(shape)) if len(shape) else 1
    if not dtype.startswith("float"):
        return torch.zeros(shape, dtype=torch.int64)
    u = formula_u(name, n)
    leaf = name.split(".")[-1]
    if leaf == "running_var":
        v = 1 + 0.25 * (u + 1)
    elif leaf == "running_mean":
        v = 0.1 * u
    elif leaf == "weight" and len(shape) == 1:
        v = 1 + 0.1 * u
    elif leaf == "bias":
        v = 0.05 * u
    elif len(shape) >= 2:
        v = math.sqrt(6 / np.prod(shape[1:])) * u
    else:
        v = 0.1 * u
    return torch.from_numpy(v.astype(np.float32).reshape(shape))


def main():
    torch.manual_seed(0)
    x = torch.from_numpy(formula_u("input", int(np.prod(INPUT_SHAPE))).astype(np.float32).reshape(INPUT_SHAPE))
    result = {
        "source": f"PyTorch {torch.__version__}, torchvision {torchvision.__version__}, CPU float32, eval mode",
        "models": {},
    }
    for name, build in BUILDERS.items():
        model = build().eval()
        entries = [[k, list(v.shape), str(v.dtype).replace("torch.", "")] for k, v in model.state_dict().items()]
        model.load_state_dict({k: formula_tensor(k, shape, dtype) for k, shape, dtype in entries})
        with torch.no_grad():
            logits = model(x).double().flatten()
        assert logits.numel() == 1000, f"{name}: {logits.numel()} logits"
        top5 = torch.topk(logits, 5).indices.tolist()
        result["models"][name] = {
            "input_shape": INPUT_SHAPE,
            "top5": top5,
            "logits": [float("%.9g" % v) for v in logits.tolist()],
            "state_dict": entries,
        }
        print(f"{name}: {len(entries)} tensors, top-5 {top5}")
    with open(OUT, "w") as f:
        json.dump(result, f)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
