"""A second, independent forward pass of yolov8n/yolov8s and yolov5s in numpy (float64), written from
ultralytics' module code (Conv, C2f, C3, SPPF, nearest upsample, Detect with DFL, YOLOv5's Detect),
on the formula weights (DFL kernel 0..15) and formula input, compared with our ONNX Runtime output0
while no PyTorch reference (bench/yolo_reference.py) is at hand:

    npx tsx bench/yolo-output.ts yolov8n /tmp/yolov8n.output0.f32
    python3 bench/yolo_numpy_check.py /tmp/yolov8n.output0.f32   # reads the state_dict from OUT.f32.json

Exits 1 when output0 differs by more than 1e-4 of its largest value or a tensor goes unused.
Needs only numpy; the conv, BatchNorm and pooling helpers are bench/numpy_forward_check.py's.
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy_forward_check as nf  # noqa: E402


def weight(name):
    if name.endswith(".dfl.conv.weight"):
        nf.USED.add(name)
        return np.arange(16, dtype=np.float64).reshape(1, 16, 1, 1)
    return nf.weight(name)


def conv(x, name, k, s=1):
    """ultralytics' Conv: Conv2d(bias=False, autopad), BatchNorm2d(eps=1e-3), SiLU."""
    return nf.silu(nf.bn(nf.conv(x, name + ".conv", stride=s, pad=k // 2), name + ".bn", eps=1e-3))


def c2f(x, name, n, shortcut):
    y = conv(x, name + ".cv1", 1)
    c = y.shape[0] // 2
    pieces = [y[:c], y[c:]]
    for i in range(n):
        t = conv(conv(pieces[-1], f"{name}.m.{i}.cv1", 3), f"{name}.m.{i}.cv2", 3)
        pieces.append(pieces[-1] + t if shortcut else t)
    return conv(np.concatenate(pieces), name + ".cv2", 1)


def sppf(x, name):
    y = [conv(x, name + ".cv1", 1)]
    for _ in range(3):
        y.append(nf.maxpool(y[-1], 5, 1, 2))
    return conv(np.concatenate(y), name + ".cv2", 1)


def up(x):
    return x.repeat(2, axis=1).repeat(2, axis=2)


def detect(xs, name, nc=80, strides=(8, 16, 32)):
    boxes, scores, points, stride = [], [], [], []
    for i, (x, s) in enumerate(zip(xs, strides)):
        _, h, w = x.shape
        b = nf.conv(conv(conv(x, f"{name}.cv2.{i}.0", 3), f"{name}.cv2.{i}.1", 3), f"{name}.cv2.{i}.2", bias=True)
        c = nf.conv(conv(conv(x, f"{name}.cv3.{i}.0", 3), f"{name}.cv3.{i}.1", 3), f"{name}.cv3.{i}.2", bias=True)
        boxes.append(b.reshape(64, -1))
        scores.append(c.reshape(nc, -1))
        sy, sx = np.meshgrid(np.arange(h) + 0.5, np.arange(w) + 0.5, indexing="ij")
        points.append(np.stack((sx.ravel(), sy.ravel())))
        stride.append(np.full(h * w, float(s)))
    box, cls = np.concatenate(boxes, 1), np.concatenate(scores, 1)
    a = box.shape[1]
    logits = box.reshape(4, 16, a)
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    dist = np.einsum("jka,k->ja", p, weight(name + ".dfl.conv.weight").ravel())
    anchors, stride = np.concatenate(points, 1), np.concatenate(stride)
    x1y1, x2y2 = anchors - dist[:2], anchors + dist[2:]
    dbox = np.concatenate(((x1y1 + x2y2) / 2, x2y2 - x1y1)) * stride
    return np.concatenate((dbox, nf.sigmoid(cls)))


def c3(x, name, n, shortcut):
    y = conv(x, name + ".cv1", 1)
    for i in range(n):
        t = conv(conv(y, f"{name}.m.{i}.cv1", 1), f"{name}.m.{i}.cv2", 3)
        y = y + t if shortcut else t
    return conv(np.concatenate((y, conv(x, name + ".cv2", 1))), name + ".cv3", 1)


def detect_v5(xs, name, nc=80, strides=(8, 16, 32)):
    no, rows = nc + 5, []
    anchors = weight(name + ".anchors")
    for i, (x, s) in enumerate(zip(xs, strides)):
        _, h, w = x.shape
        y = nf.sigmoid(nf.conv(x, f"{name}.m.{i}", bias=True)).reshape(3, no, h, w).transpose(0, 2, 3, 1)
        gy, gx = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
        grid = np.stack((gx, gy), -1) - 0.5
        xy = (y[..., :2] * 2 + grid) * s
        wh = (y[..., 2:4] * 2) ** 2 * (anchors[i] * s)[:, None, None, :]
        rows.append(np.concatenate((xy, wh, y[..., 4:]), -1).reshape(-1, no))
    return np.concatenate(rows)


def yolov5s(x):
    x = conv_k(x, "model.0", 6, 2, 2)
    x = conv(x, "model.1", 3, 2)
    x = c3(x, "model.2", 1, True)
    x = conv(x, "model.3", 3, 2)
    p3 = c3(x, "model.4", 2, True)
    x = conv(p3, "model.5", 3, 2)
    p4 = c3(x, "model.6", 3, True)
    x = conv(p4, "model.7", 3, 2)
    x = c3(x, "model.8", 1, True)
    x = sppf(x, "model.9")
    h10 = conv(x, "model.10", 1)
    x = c3(np.concatenate((up(h10), p4)), "model.13", 1, False)
    h14 = conv(x, "model.14", 1)
    o17 = c3(np.concatenate((up(h14), p3)), "model.17", 1, False)
    o20 = c3(np.concatenate((conv(o17, "model.18", 3, 2), h14)), "model.20", 1, False)
    o23 = c3(np.concatenate((conv(o20, "model.21", 3, 2), h10)), "model.23", 1, False)
    return detect_v5([o17, o20, o23], "model.24")


def conv_k(x, name, k, s, p):
    """A Conv with explicit padding (yolov5's 6x6 stem, padding 2)."""
    return nf.silu(nf.bn(nf.conv(x, name + ".conv", stride=s, pad=p), name + ".bn", eps=1e-3))


def yolov8(x):
    x = conv(x, "model.0", 3, 2)
    x = conv(x, "model.1", 3, 2)
    x = c2f(x, "model.2", 1, True)
    x = conv(x, "model.3", 3, 2)
    p3 = c2f(x, "model.4", 2, True)
    x = conv(p3, "model.5", 3, 2)
    p4 = c2f(x, "model.6", 2, True)
    x = conv(p4, "model.7", 3, 2)
    x = c2f(x, "model.8", 1, True)
    p5 = sppf(x, "model.9")
    h12 = c2f(np.concatenate((up(p5), p4)), "model.12", 1, False)
    o15 = c2f(np.concatenate((up(h12), p3)), "model.15", 1, False)
    o18 = c2f(np.concatenate((conv(o15, "model.16", 3, 2), h12)), "model.18", 1, False)
    o21 = c2f(np.concatenate((conv(o18, "model.19", 3, 2), p5)), "model.21", 1, False)
    return detect([o15, o18, o21], "model.22")


FORWARD = {"yolov8n": yolov8, "yolov8s": yolov8, "yolov5s": yolov5s}


def main():
    facts = json.load(open(sys.argv[1] + ".json"))
    name = facts["model"]
    ours = np.fromfile(sys.argv[1], dtype="<f4").astype(np.float64).reshape(facts["dims"][1:])
    nf.SHAPES.clear()
    nf.USED.clear()
    for n, shape, _ in facts["state_dict"]:
        nf.SHAPES[n] = shape
    x = nf.formula_u("input", 3 * 640 * 640).astype(np.float32).astype(np.float64).reshape(3, 640, 640)
    y = FORWARD[name](x)
    unused = [n for n, _, _ in facts["state_dict"] if n not in nf.USED and not n.endswith("num_batches_tracked")]
    worst, largest = float(np.abs(y - ours).max()), float(np.abs(y).max())
    ok = worst <= 1e-4 * largest and not unused
    print(f"{name}: worst {worst:.3g} of largest {largest:.3g} ({worst / largest:.2g}), unused tensors {len(unused)}: {'ok' if ok else 'DIFFERENT'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
