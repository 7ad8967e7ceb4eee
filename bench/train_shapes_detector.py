"""Train a small YOLOv8 (ultralytics' architecture at width 0.125, 3 classes, 320×320 input) on a synthetic
data set of coloured shapes on textured backgrounds, so the detector run panel can be tested on a network
that really detects something. Plain PyTorch (bench/yolo_reference.py's modules), no ultralytics.

Run on the GPU machine:
    python3 bench/train_shapes_detector.py fixtures/detector [STEPS]
Writes shapes.wts (tensorrtx's text format, as gen_wts.py writes it), images/shape-<i>.png (320×240
test images; letterboxed to 320×320 with 114-grey bands of 40 rows), shapes.json (classes, the model's
settings, each test image's true boxes and PyTorch's detections after NMS at conf 0.25 / IoU 0.45, in
image pixels) and shape-0.output0.f32 (the raw decoded head [1, 7, 2100] for the first letterboxed image).

Training is deliberately simple (not ultralytics' task-aligned assigner): anchors inside a box and within
2.5 strides of its centre are positives; BCE on class scores, GIoU and DFL on the box distributions.
"""
import json
import math
import os
import struct
import sys
import time

import torch
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from yolo_reference import yolov8  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else "detector"
STEPS = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
CLASSES = ["circle", "square", "triangle"]
WIDTH, DEPTH, MAX_CHANNELS, NC, S = 0.125, 0.33, 1024, len(CLASSES), 320
PAD = 40  # test images are 320×240: letterboxing adds 40 rows of grey above and below
dev = "cuda" if torch.cuda.is_available() else "cpu"
os.makedirs(os.path.join(OUT, "images"), exist_ok=True)


def render(batch, height=S, width=S, band=0, gen=None):
    """Images [B, 3, height, width] in [0, 1] and per image a list of (class, x1, y1, x2, y2)."""
    r = lambda *shape: torch.rand(*shape, device=dev, generator=gen)  # noqa: E731
    img = F.interpolate(r(batch, 3, 6, 6), size=(height, width), mode="bicubic", align_corners=False) * 0.6 + 0.2
    yy, xx = torch.meshgrid(torch.arange(height, device=dev) + 0.5, torch.arange(width, device=dev) + 0.5, indexing="ij")
    freq, angle = r(batch, 1, 1) * 0.3 + 0.05, r(batch, 1, 1) * math.pi
    stripes = torch.sin(freq * (xx * torch.cos(angle) + yy * torch.sin(angle)))
    img = (img + 0.08 * stripes.unsqueeze(1) + 0.05 * torch.randn(batch, 3, height, width, device=dev, generator=gen)).clamp(0, 1)
    boxes = []
    for b in range(batch):
        placed = []
        for _ in range(int(r(1).item() * 4) + 1):
            for _attempt in range(10):
                half = 12 + r(1).item() * 48
                cx = half + r(1).item() * (width - 2 * half)
                cy = band + half + r(1).item() * (height - 2 * band - 2 * half)
                if all(abs(cx - p[0]) > half + p[2] or abs(cy - p[1]) > half + p[2] for p in placed):
                    break
            else:
                continue
            cls = int(r(1).item() * NC)
            if cls == 0:
                mask = (xx - cx) ** 2 + (yy - cy) ** 2 <= half**2
            elif cls == 1:
                mask = ((xx - cx).abs() <= half) & ((yy - cy).abs() <= half)
            else:
                mask = (yy >= cy - half) & (yy <= cy + half) & ((xx - cx).abs() <= (yy - cy + half) / 2)
            colour = r(3, 1, 1)
            colour = colour / colour.max().clamp(min=1e-3) * (0.5 + 0.5 * r(1, 1, 1))  # saturated
            img[b] = torch.where(mask, colour, img[b])
            placed.append((cx, cy, half))
            boxes.append((b, cls, cx - half, cy - half, cx + half, cy + half))
        if band:
            img[b, :, :band] = 114 / 255
            img[b, :, height - band :] = 114 / 255
    return img, torch.tensor(boxes, device=dev, dtype=torch.float32).view(-1, 6)


def anchors_of(size):
    points, strides = [], []
    for s in (8, 16, 32):
        n = size // s
        sy, sx = torch.meshgrid(torch.arange(n, device=dev) + 0.5, torch.arange(n, device=dev) + 0.5, indexing="ij")
        points.append(torch.stack((sx, sy), -1).view(-1, 2) * s)
        strides.append(torch.full((n * n,), float(s), device=dev))
    return torch.cat(points), torch.cat(strides)


def raw_head(model, x):
    """The Detect head's undecoded outputs: box distributions [B, 64, A] and class logits [B, nc, A]."""
    y = []
    for m, f in zip(model.model[:-1], model.routes[:-1]):
        if f != -1:
            x = y[f] if isinstance(f, int) else [x if j == -1 else y[j] for j in f]
        x = m(x)
        y.append(x)
    det = model.model[-1]
    xs = [y[j] for j in model.routes[-1]]
    box = torch.cat([det.cv2[i](xi).flatten(2) for i, xi in enumerate(xs)], 2)
    cls = torch.cat([det.cv3[i](xi).flatten(2) for i, xi in enumerate(xs)], 2)
    return box, cls


def assign(gt, points, strides, batch):
    """For each image and anchor: the index of its box in `gt` or -1."""
    target = torch.full((batch, points.shape[0]), -1, dtype=torch.long, device=dev)
    if gt.shape[0] == 0:
        return target
    px, py = points[:, 0], points[:, 1]
    x1, y1, x2, y2 = (gt[:, i : i + 1] for i in range(2, 6))
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    inside = (px > x1) & (px < x2) & (py > y1) & (py < y2)
    near = ((px - cx).abs() < 2.5 * strides) & ((py - cy).abs() < 2.5 * strides)
    reach = torch.stack((px - x1, py - y1, x2 - px, y2 - py)).amax(0) / strides < 14.5
    ok = inside & near & reach
    area = ((x2 - x1) * (y2 - y1)).expand_as(ok)
    cost = torch.where(ok, area, torch.full_like(area, float("inf")))
    for b in range(batch):
        rows = (gt[:, 0] == b).nonzero().flatten()
        if rows.numel() == 0:
            continue
        best, which = cost[rows].min(0)
        target[b] = torch.where(best.isfinite(), rows[which], torch.full_like(which, -1))
    return target


def giou(a, b):
    lt, rb = torch.max(a[:, :2], b[:, :2]), torch.min(a[:, 2:], b[:, 2:])
    inter = (rb - lt).clamp(min=0).prod(1)
    union = (a[:, 2:] - a[:, :2]).prod(1) + (b[:, 2:] - b[:, :2]).prod(1) - inter
    hull = (torch.max(a[:, 2:], b[:, 2:]) - torch.min(a[:, :2], b[:, :2])).prod(1)
    iou = inter / union.clamp(min=1e-6)
    return iou - (hull - union) / hull.clamp(min=1e-6)


def train(model):
    points, strides = anchors_of(S)
    proj = torch.arange(16, device=dev, dtype=torch.float32)
    det = model.model[-1]
    for seq in det.cv3:
        nn_conv = seq[-1]
        torch.nn.init.constant_(nn_conv.bias, -math.log((1 - 0.01) / 0.01))
    for seq in det.cv2:
        torch.nn.init.constant_(seq[-1].bias, 1.0)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=2e-3, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=STEPS, pct_start=0.05)
    model.train()
    start = time.time()
    for step in range(STEPS):
        band = PAD if step % 2 else 0
        img, gt = render(32, band=band)
        with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=dev == "cuda"):
            box, cls = raw_head(model, img)
        box, cls = box.float(), cls.float()
        target = assign(gt, points, strides, img.shape[0])
        pos = target >= 0
        npos = max(int(pos.sum()), 1)
        cls_target = torch.zeros_like(cls)
        bi, ai = pos.nonzero(as_tuple=True)
        g = gt[target[bi, ai]]
        cls_target[bi, g[:, 1].long(), ai] = 1.0
        loss_cls = F.binary_cross_entropy_with_logits(cls, cls_target, reduction="sum") / npos
        dist = box[bi, :, ai].view(-1, 4, 16)
        ltrb = dist.softmax(-1) @ proj
        p, s = points[ai], strides[ai].unsqueeze(1)
        pred = torch.cat((p - ltrb[:, :2] * s, p + ltrb[:, 2:] * s), 1)
        truth = g[:, 2:6]
        loss_iou = (1 - giou(pred, truth)).mean() if bi.numel() else box.sum() * 0
        t = torch.cat((p - truth[:, :2], truth[:, 2:] - p), 1) / s
        t = t.clamp(0, 15 - 0.01)
        tl = t.floor().long()
        wr = t - tl
        logp = dist.log_softmax(-1)
        loss_dfl = -(logp.gather(-1, tl.unsqueeze(-1)).squeeze(-1) * (1 - wr) + logp.gather(-1, (tl + 1).unsqueeze(-1)).squeeze(-1) * wr).mean() if bi.numel() else box.sum() * 0
        loss = loss_cls + 2.0 * loss_iou + 0.5 * loss_dfl
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 10.0)
        opt.step()
        sched.step()
        if step % 250 == 0 or step == STEPS - 1:
            print(f"step {step}: loss {loss.item():.3f} (cls {loss_cls.item():.3f}, giou {loss_iou.item():.3f}, dfl {loss_dfl.item():.3f}) {time.time() - start:.0f} s", flush=True)


def write_wts(model, path):
    """tensorrtx's gen_wts.py format: a count line, then `name count hex…` with big-endian float32s."""
    sd = model.state_dict()
    with open(path, "w") as f:
        f.write(f"{len(sd)}\n")
        for k, v in sd.items():
            values = v.reshape(-1).float().cpu().tolist()
            f.write(f"{k} {len(values)}")
            for x in values:
                f.write(" " + struct.pack(">f", x).hex())
            f.write("\n")


def iou(a, b):
    lt = [max(a[0], b[0]), max(a[1], b[1])]
    rb = [min(a[2], b[2]), min(a[3], b[3])]
    inter = max(rb[0] - lt[0], 0) * max(rb[1] - lt[1], 0)
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def main():
    torch.manual_seed(0)
    model = yolov8(WIDTH, DEPTH, MAX_CHANNELS, NC).to(dev)
    model.model[-1].dfl.conv.weight.data[:] = torch.arange(16, dtype=torch.float32).view(1, 16, 1, 1)
    print("parameters:", sum(p.numel() for p in model.parameters()))
    train(model)
    model = model.cpu().eval()
    write_wts(model, os.path.join(OUT, "shapes.wts"))
    dev_saved = globals()["dev"]
    globals()["dev"] = "cpu"
    gen = torch.Generator().manual_seed(2026)
    images, truth = render(6, height=S - 2 * PAD, width=S, gen=gen)
    globals()["dev"] = dev_saved
    result = {
        "generator": "bench/train_shapes_detector.py",
        "torch": torch.__version__,
        "classes": CLASSES,
        "model": {"width": WIDTH, "depth": DEPTH, "maxChannels": MAX_CHANNELS, "nc": NC, "input": [1, 3, S, S]},
        "letterbox": {"padTop": PAD, "padLeft": 0, "scale": 1, "fill": 114},
        "thresholds": {"conf": 0.25, "iou": 0.45},
        "images": [],
    }
    hits, total = 0, 0
    for i in range(images.shape[0]):
        u8 = (images[i] * 255).round().clamp(0, 255).to(torch.uint8)
        name = f"shape-{i}.png"
        torchvision.io.write_png(u8, os.path.join(OUT, "images", name))
        x = F.pad(u8.float(), (0, 0, PAD, PAD), value=114.0).unsqueeze(0) / 255
        with torch.no_grad():
            y = model(x)  # [1, 4 + nc, A]
        if i == 0:
            y.numpy().astype("<f4").tofile(os.path.join(OUT, "shape-0.output0.f32"))
        p = y[0].T
        scores, classes = p[:, 4:].max(1)
        keep = scores > 0.25
        xywh, scores, classes = p[keep, :4], scores[keep], classes[keep]
        xyxy = torch.cat((xywh[:, :2] - xywh[:, 2:] / 2, xywh[:, :2] + xywh[:, 2:] / 2), 1)
        kept = torchvision.ops.batched_nms(xyxy, scores, classes, 0.45)
        dets = [{"class": int(classes[k]), "name": CLASSES[int(classes[k])], "score": round(float(scores[k]), 5), "box": [round(float(v), 3) for v in (xyxy[k] - torch.tensor([0, PAD, 0, PAD]))]} for k in kept]
        true = [{"class": int(t[1]), "name": CLASSES[int(t[1])], "box": [round(float(v), 3) for v in t[2:6]]} for t in truth if int(t[0]) == i]
        for t in true:
            total += 1
            hits += any(d["class"] == t["class"] and iou(d["box"], t["box"]) >= 0.5 for d in dets)
        result["images"].append({"file": f"images/{name}", "size": [S, S - 2 * PAD], "truth": true, "detections": dets})
        print(name, "truth", [(t["name"], t["box"]) for t in true], "detections", [(d["name"], d["score"], d["box"]) for d in dets])
    print(f"recall at IoU 0.5: {hits}/{total}")
    result["recall"] = [hits, total]
    with open(os.path.join(OUT, "shapes.json"), "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
