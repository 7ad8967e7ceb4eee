"""PyTorch reference activations for the layer-by-layer comparison tests (`trt-studio compare`):
googlenet and efficientnet_b0 with the fixtures' formula weights, every module's output saved under its
module name by forward hooks (the same hooks `trt-studio reference-script` prints for users).

Run on a machine with PyTorch and torchvision:
    python3 bench/compare_reference.py fixtures/compare [SIZE]      # SIZE: input height = width, default 64
Writes <model>.input.npy (the formula input [1, 3, SIZE, SIZE]) and <model>.reference.npz (float32, one
array per module whose output is a tensor). 64×64 keeps the files small; both networks accept it.
"""
import os
import sys

import numpy as np
import torch
from torchvision import models

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from formula import formula_input, formula_values  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else "compare"
SIZE = int(sys.argv[2]) if len(sys.argv) > 2 else 64
os.makedirs(OUT, exist_ok=True)

BUILDERS = {
    "googlenet": lambda: models.googlenet(weights=None, aux_logits=False, transform_input=False, init_weights=False),
    "efficientnet_b0": lambda: models.efficientnet_b0(weights=None),
}


def save_module_outputs(model, x, path):
    """Run `model` on `x` and save every module's output under its module name (the printed snippet's core)."""
    outputs = {}

    def hook(name):
        def save(module, args, output):
            if torch.is_tensor(output):
                # A copy: a later in-place op (ReLU(inplace=True), `+=`) would change the saved array otherwise.
                outputs[name] = output.detach().float().cpu().numpy().copy()

        return save

    handles = [m.register_forward_hook(hook(n)) for n, m in model.named_modules() if n]
    with torch.no_grad():
        outputs["output"] = model(x).detach().float().cpu().numpy().copy()
    for h in handles:
        h.remove()
    np.savez(path, **outputs)
    return outputs


for name, build in BUILDERS.items():
    model = build().eval()
    sd = {k: (torch.from_numpy(formula_values(k, list(v.shape))) if v.dtype.is_floating_point else torch.zeros_like(v)) for k, v in model.state_dict().items()}
    model.load_state_dict(sd)
    x = torch.from_numpy(formula_input([1, 3, SIZE, SIZE]))
    np.save(os.path.join(OUT, f"{name}.input.npy"), x.numpy())
    outputs = save_module_outputs(model, x, os.path.join(OUT, f"{name}.reference.npz"))
    size = sum(v.nbytes for v in outputs.values())
    print(f"{name}: {len(outputs)} module outputs, {size / 1e6:.1f} MB, logits top-5 {np.argsort(-outputs['output'][0])[:5].tolist()}")
