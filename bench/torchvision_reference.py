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
import os
import sys

import numpy as np
import torch
import torchvision
from torchvision import models

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from formula import formula_u, formula_values  # noqa: E402

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


def formula_tensor(name, shape, dtype):
    """core/weights/formula.ts formulaTensor: integer tensors (num_batches_tracked) are 0."""
    if not dtype.startswith("float"):
        return torch.zeros(shape, dtype=torch.int64)
    return torch.from_numpy(formula_values(name, shape))


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
