/**
 * The PyTorch snippet `trt-studio reference-script` prints: forward hooks that save every named
 * module's output under its module name into an `.npz` (the model's return value as `output`), and
 * the input as `.npy` — what `trt-studio compare` and the app's comparison read. bench/compare_reference.py
 * makes the test fixtures with the same hook (compare-reference-script.test.ts keeps them in step).
 * Each output is copied when its hook runs: a later in-place op (ReLU(inplace=True), `x += identity`)
 * would otherwise change the array already saved.
 */
export const REFERENCE_SCRIPT = `import numpy as np
import torch


def save_references(model, x, npz_path="reference.npz", input_path="input.npy"):
    """Save every named module's output of model(x) under its module name, the result as 'output', and x."""
    outputs = {}

    def hook(name):
        def save(module, args, output):
            if torch.is_tensor(output):
                outputs[name] = output.detach().float().cpu().numpy().copy()

        return save

    handles = [m.register_forward_hook(hook(n)) for n, m in model.named_modules() if n]
    with torch.no_grad():
        outputs["output"] = model.eval()(x).detach().float().cpu().numpy().copy()
    for h in handles:
        h.remove()
    np.savez(npz_path, **outputs)
    np.save(input_path, x.detach().float().cpu().numpy())


# For example: save_references(torchvision.models.resnet18(weights="DEFAULT"), torch.randn(1, 3, 224, 224))
`;
