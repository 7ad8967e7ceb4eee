"""torchvision's batched_nms on the host NMS's test cases, to compare core/run/nms.ts with.

Run where PyTorch and torchvision are installed (CPU is enough, no Node):
    python3 bench/nms_reference.py core/run/nms-torchvision.json
Reads core/run/nms-cases.json (hand-made cases), adds random cases (fixed seed; float32 boxes,
scores and classes, some heavily overlapping, some with tied scores), runs
torchvision.ops.batched_nms on each, and writes the same format as nms-cases.json with `keep` set to
torchvision's answer. core/run/nms.test.ts compares batchedNms with every case of that file when it
exists. The boxes are written as the float32 values torchvision saw (exactly, via float()).
"""
import json
import os
import sys

import torch
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "..", "core", "run", "nms-cases.json")
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "core", "run", "nms-torchvision.json")


def random_case(generator, n, classes, threshold, name, tie_scores=False):
    centres = torch.rand(n, 2, generator=generator) * 100
    sizes = torch.rand(n, 2, generator=generator) * 40 + 1
    boxes = torch.cat([centres - sizes / 2, centres + sizes / 2], dim=1).float()
    if tie_scores:
        scores = (torch.randint(0, 5, (n,), generator=generator).float() / 4).float()
    else:
        scores = torch.rand(n, generator=generator).float()
    labels = torch.randint(0, classes, (n,), generator=generator)
    return {
        "name": name,
        "boxes": [[float(v) for v in b] for b in boxes],
        "scores": [float(s) for s in scores],
        "classes": [int(c) for c in labels],
        "iouThreshold": threshold,
    }


def main():
    with open(CASES) as f:
        cases = json.load(f)["cases"]
    generator = torch.Generator().manual_seed(0)
    for i, (n, classes, threshold) in enumerate([(20, 1, 0.5), (200, 3, 0.45), (500, 5, 0.7), (1000, 80, 0.65), (300, 2, 0.3)]):
        cases.append(random_case(generator, n, classes, threshold, f"random {i}: {n} boxes, {classes} classes, IoU {threshold}"))
    cases.append(random_case(generator, 300, 3, 0.5, "random, scores tied in quarters", tie_scores=True))
    out = []
    for c in cases:
        boxes = torch.tensor(c["boxes"], dtype=torch.float32).reshape(-1, 4)
        scores = torch.tensor(c["scores"], dtype=torch.float32)
        labels = torch.tensor(c["classes"], dtype=torch.int64)
        keep = torchvision.ops.batched_nms(boxes, scores, labels, c["iouThreshold"])
        # Record the float32 values torchvision used, so both sides see the same numbers.
        out.append({
            "name": c["name"],
            "boxes": [[float(v) for v in b] for b in boxes],
            "scores": [float(s) for s in scores],
            "classes": [int(v) for v in labels],
            "iouThreshold": c["iouThreshold"],
            "keep": [int(k) for k in keep],
        })
    about = f"torchvision {torchvision.__version__} (torch {torch.__version__}) batched_nms on core/run/nms-cases.json and random cases; written by bench/nms_reference.py."
    with open(OUT, "w") as f:
        json.dump({"about": about, "cases": out}, f)
    print(f"wrote {len(out)} cases to {OUT}")


if __name__ == "__main__":
    main()
