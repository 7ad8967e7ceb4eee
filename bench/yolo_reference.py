"""PyTorch references for the YOLO templates (yolov8n, yolov8s, yolov5s) on the fixtures' formula
weights and formula input (core/weights/formula.ts; model.22.dfl.conv.weight fixed at 0..15), for
electron/backends/onnxruntime/yolo-parity.test.ts.

Run on a machine with PyTorch (no ultralytics, no Node needed):
    python3 bench/yolo_reference.py fixtures
It writes fixtures/yolo-parity.json (per model: input shape, output dims, state_dict names, shapes and
dtypes) and fixtures/yolo/<model>.output0.f32 (output0 as float32, little-endian, row-major); commit
both. The architectures are ultralytics' written in plain PyTorch: Conv = Conv2d(bias=False) +
BatchNorm2d(eps=1e-3) + SiLU, Bottleneck, C2f, C3, SPPF, nearest upsample, concatenations, and the
Detect heads decoded as ultralytics exports them. yolov8n's state_dict is checked against
fixtures/models.json before anything is written.
"""
import json
import math
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from formula import formula_u, formula_values  # noqa: E402

INPUT_SHAPE = [1, 3, 640, 640]


def formula_tensor(name, shape, dtype):
    """core/weights/formula.ts formulaTensor; the DFL kernel is 0..15 as ultralytics fixes it."""
    if not dtype.startswith("float"):
        return torch.zeros(shape, dtype=torch.int64)
    if name.endswith(".dfl.conv.weight"):
        return torch.arange(16, dtype=torch.float32).view(shape)
    return torch.from_numpy(formula_values(name, shape))


class Conv(nn.Module):
    def __init__(self, c1, c2, k=1, s=1, p=None):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, k // 2 if p is None else p, bias=False)
        self.bn = nn.BatchNorm2d(c2, eps=1e-3)
        self.act = nn.SiLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Bottleneck(nn.Module):
    def __init__(self, c1, c2, shortcut=True, k=(3, 3), e=0.5):
        super().__init__()
        c_ = int(c2 * e)
        self.cv1 = Conv(c1, c_, k[0], 1)
        self.cv2 = Conv(c_, c2, k[1], 1)
        self.add = shortcut and c1 == c2

    def forward(self, x):
        y = self.cv2(self.cv1(x))
        return x + y if self.add else y


class C2f(nn.Module):
    def __init__(self, c1, c2, n=1, shortcut=False, e=0.5):
        super().__init__()
        self.c = int(c2 * e)
        self.cv1 = Conv(c1, 2 * self.c, 1, 1)
        self.cv2 = Conv((2 + n) * self.c, c2, 1)
        self.m = nn.ModuleList(Bottleneck(self.c, self.c, shortcut, k=(3, 3), e=1.0) for _ in range(n))

    def forward(self, x):
        y = list(self.cv1(x).chunk(2, 1))
        y.extend(m(y[-1]) for m in self.m)
        return self.cv2(torch.cat(y, 1))


class C3(nn.Module):
    def __init__(self, c1, c2, n=1, shortcut=True, e=0.5):
        super().__init__()
        c_ = int(c2 * e)
        self.cv1 = Conv(c1, c_, 1, 1)
        self.cv2 = Conv(c1, c_, 1, 1)
        self.cv3 = Conv(2 * c_, c2, 1)
        self.m = nn.Sequential(*(Bottleneck(c_, c_, shortcut, k=(1, 3), e=1.0) for _ in range(n)))

    def forward(self, x):
        return self.cv3(torch.cat((self.m(self.cv1(x)), self.cv2(x)), 1))


class SPPF(nn.Module):
    def __init__(self, c1, c2, k=5):
        super().__init__()
        c_ = c1 // 2
        self.cv1 = Conv(c1, c_, 1, 1)
        self.cv2 = Conv(c_ * 4, c2, 1, 1)
        self.m = nn.MaxPool2d(kernel_size=k, stride=1, padding=k // 2)

    def forward(self, x):
        y = [self.cv1(x)]
        y.extend(self.m(y[-1]) for _ in range(3))
        return self.cv2(torch.cat(y, 1))


class Upsample(nn.Module):
    def forward(self, x):
        return nn.functional.interpolate(x, scale_factor=2.0, mode="nearest")


class Concat(nn.Module):
    def forward(self, xs):
        return torch.cat(xs, 1)


class DFL(nn.Module):
    def __init__(self, c1=16):
        super().__init__()
        self.conv = nn.Conv2d(c1, 1, 1, bias=False).requires_grad_(False)
        self.c1 = c1

    def forward(self, x):
        b, _, a = x.shape
        return self.conv(x.view(b, 4, self.c1, a).transpose(2, 1).softmax(1)).view(b, 4, a)


class DetectV8(nn.Module):
    """ultralytics' Detect, export path: cat(dist2bbox(DFL(box), anchors, xywh) * strides, cls.sigmoid())."""

    def __init__(self, nc, ch, strides=(8, 16, 32)):
        super().__init__()
        self.nc, self.reg_max, self.strides = nc, 16, strides
        c2, c3 = max(16, ch[0] // 4, self.reg_max * 4), max(ch[0], min(nc, 100))
        self.cv2 = nn.ModuleList(nn.Sequential(Conv(x, c2, 3), Conv(c2, c2, 3), nn.Conv2d(c2, 4 * self.reg_max, 1)) for x in ch)
        self.cv3 = nn.ModuleList(nn.Sequential(Conv(x, c3, 3), Conv(c3, c3, 3), nn.Conv2d(c3, nc, 1)) for x in ch)
        self.dfl = DFL(self.reg_max)

    def forward(self, xs):
        shape = xs[0].shape[0]
        x = [torch.cat((self.cv2[i](xs[i]), self.cv3[i](xs[i])), 1) for i in range(len(xs))]
        points, strides = [], []
        for xi, s in zip(x, self.strides):
            _, _, h, w = xi.shape
            sy, sx = torch.meshgrid(torch.arange(h) + 0.5, torch.arange(w) + 0.5, indexing="ij")
            points.append(torch.stack((sx, sy), -1).view(-1, 2))
            strides.append(torch.full((h * w, 1), float(s)))
        anchors, stride = torch.cat(points).transpose(0, 1), torch.cat(strides).transpose(0, 1)
        cat = torch.cat([xi.view(shape, 4 * self.reg_max + self.nc, -1) for xi in x], 2)
        box, cls = cat.split((4 * self.reg_max, self.nc), 1)
        lt, rb = self.dfl(box).chunk(2, 1)
        x1y1, x2y2 = anchors.unsqueeze(0) - lt, anchors.unsqueeze(0) + rb
        dbox = torch.cat(((x1y1 + x2y2) / 2, x2y2 - x1y1), 1) * stride
        return torch.cat((dbox, cls.sigmoid()), 1)


class DetectV5(nn.Module):
    """YOLOv5 v6/v7 Detect in eval mode: (2σ + grid − 0.5)·stride, (2σ)²·anchor_grid, σ for the rest."""

    def __init__(self, nc, ch, strides=(8, 16, 32)):
        super().__init__()
        self.nc, self.no, self.na, self.strides = nc, nc + 5, 3, strides
        anchors = torch.tensor([[10, 13, 16, 30, 33, 23], [30, 61, 62, 45, 59, 119], [116, 90, 156, 198, 373, 326]]).float().view(3, -1, 2)
        self.register_buffer("anchors", anchors / torch.tensor(strides).float().view(-1, 1, 1))
        self.m = nn.ModuleList(nn.Conv2d(x, self.no * self.na, 1) for x in ch)

    def forward(self, xs):
        z = []
        for i, x in enumerate(xs):
            x = self.m[i](x)
            bs, _, ny, nx = x.shape
            x = x.view(bs, self.na, self.no, ny, nx).permute(0, 1, 3, 4, 2).contiguous()
            yv, xv = torch.meshgrid(torch.arange(ny).float(), torch.arange(nx).float(), indexing="ij")
            grid = torch.stack((xv, yv), 2).expand(1, self.na, ny, nx, 2) - 0.5
            anchor_grid = (self.anchors[i] * self.strides[i]).view(1, self.na, 1, 1, 2).expand(1, self.na, ny, nx, 2)
            xy, wh, conf = x.sigmoid().split((2, 2, self.nc + 1), 4)
            xy = (xy * 2 + grid) * self.strides[i]
            wh = (wh * 2) ** 2 * anchor_grid
            z.append(torch.cat((xy, wh, conf), 4).view(bs, self.na * nx * ny, self.no))
        return torch.cat(z, 1)


def width(c, w, max_channels=float("inf")):
    return int(math.ceil(min(c, max_channels) * w / 8) * 8)


def depth(n, d):
    return max(round(n * d), 1) if n > 1 else n


class Model(nn.Module):
    """A `model` ModuleList indexed like the yaml, with `forward` routing its `from` indices."""

    def __init__(self, layers, routes):
        super().__init__()
        self.model = nn.ModuleList(layers)
        self.routes = routes

    def forward(self, x):
        y = []
        for m, f in zip(self.model, self.routes):
            if f != -1:
                x = y[f] if isinstance(f, int) else [x if j == -1 else y[j] for j in f]
            x = m(x)
            y.append(x)
        return x


def yolov8(w, d, mc, nc=80):
    c = lambda v: width(v, w, mc)  # noqa: E731
    n = lambda v: depth(v, d)  # noqa: E731
    layers = [
        Conv(3, c(64), 3, 2), Conv(c(64), c(128), 3, 2), C2f(c(128), c(128), n(3), True),
        Conv(c(128), c(256), 3, 2), C2f(c(256), c(256), n(6), True),
        Conv(c(256), c(512), 3, 2), C2f(c(512), c(512), n(6), True),
        Conv(c(512), c(1024), 3, 2), C2f(c(1024), c(1024), n(3), True), SPPF(c(1024), c(1024), 5),
        Upsample(), Concat(), C2f(c(1024) + c(512), c(512), n(3)),
        Upsample(), Concat(), C2f(c(512) + c(256), c(256), n(3)),
        Conv(c(256), c(256), 3, 2), Concat(), C2f(c(256) + c(512), c(512), n(3)),
        Conv(c(512), c(512), 3, 2), Concat(), C2f(c(512) + c(1024), c(1024), n(3)),
        DetectV8(nc, (c(256), c(512), c(1024))),
    ]
    routes = [-1] * 11 + [[-1, 6], -1, -1, [-1, 4], -1, -1, [-1, 12], -1, -1, [-1, 9], -1, [15, 18, 21]]
    return Model(layers, routes)


def yolov5(w, d, nc=80):
    c = lambda v: width(v, w)  # noqa: E731
    n = lambda v: depth(v, d)  # noqa: E731
    layers = [
        Conv(3, c(64), 6, 2, 2), Conv(c(64), c(128), 3, 2), C3(c(128), c(128), n(3)),
        Conv(c(128), c(256), 3, 2), C3(c(256), c(256), n(6)),
        Conv(c(256), c(512), 3, 2), C3(c(512), c(512), n(9)),
        Conv(c(512), c(1024), 3, 2), C3(c(1024), c(1024), n(3)), SPPF(c(1024), c(1024), 5),
        Conv(c(1024), c(512), 1, 1), Upsample(), Concat(), C3(c(1024), c(512), n(3), False),
        Conv(c(512), c(256), 1, 1), Upsample(), Concat(), C3(c(512), c(256), n(3), False),
        Conv(c(256), c(256), 3, 2), Concat(), C3(c(512), c(512), n(3), False),
        Conv(c(512), c(512), 3, 2), Concat(), C3(c(1024), c(1024), n(3), False),
        DetectV5(nc, (c(256), c(512), c(1024))),
    ]
    routes = [-1] * 12 + [[-1, 6], -1, -1, -1, [-1, 4], -1, -1, [-1, 14], -1, -1, [-1, 10], -1, [17, 20, 23]]
    return Model(layers, routes)


BUILDERS = {
    "yolov8n": lambda: yolov8(0.25, 0.33, 1024),
    "yolov8s": lambda: yolov8(0.5, 0.33, 1024),
    "yolov5s": lambda: yolov5(0.5, 0.33),
}


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "fixtures"
    os.makedirs(os.path.join(out_dir, "yolo"), exist_ok=True)
    with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "models.json")) as f:
        listed = json.load(f)
    x = torch.from_numpy(formula_u("input", int(np.prod(INPUT_SHAPE))).astype(np.float32).reshape(INPUT_SHAPE))
    result = {"source": f"PyTorch {torch.__version__}, CPU float32, eval mode, bench/yolo_reference.py", "models": {}}
    for name, build in BUILDERS.items():
        model = build().eval()
        entries = [[k, list(v.shape), str(v.dtype).replace("torch.", "")] for k, v in model.state_dict().items()]
        if name in listed:
            assert entries == listed[name]["state_dict"], f"{name}: state_dict differs from fixtures/models.json"
        # yolov5s' anchors buffer gets the formula too, as the template's binding test gives it.
        model.load_state_dict({k: formula_tensor(k, shape, dtype) for k, shape, dtype in entries})
        with torch.no_grad():
            y = model(x).float().contiguous()
        # Fixtures stay under 4 MB: a larger output keeps every 3rd value (the test compares those in place).
        stride = 3 if y.numel() * 4 > 4_000_000 else 1
        y.numpy().reshape(-1)[::stride].astype("<f4").tofile(os.path.join(out_dir, "yolo", f"{name}.output0.f32"))
        result["models"][name] = {"input_shape": INPUT_SHAPE, "output_dims": list(y.shape), "state_dict": entries}
        if stride > 1:
            result["models"][name]["sample_stride"] = stride
        print(f"{name}: {len(entries)} tensors, output0 {list(y.shape)}, max |y| {y.abs().max().item():.6g}")
    with open(os.path.join(out_dir, "yolo-parity.json"), "w") as f:
        json.dump(result, f)
        f.write("\n")


if __name__ == "__main__":
    main()
