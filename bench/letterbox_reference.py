"""OpenCV's answers for core/run/letterbox.ts: cv2.resize INTER_LINEAR and ultralytics' LetterBox.

Run where numpy and opencv-python(-headless) are installed:
    python3 bench/letterbox_reference.py core/run/letterbox-cv2.json
Writes small random uint8 images (fixed seed; gray and RGB, enlarged and shrunk, odd sizes) with
cv2.resize(..., INTER_LINEAR) of each to the listed sizes, and the letterbox (ultralytics' LetterBox:
r = min(H/h, W/w), new size round(w·r), round(h·r), cv2.resize INTER_LINEAR, copyMakeBorder with 114,
top/left = round(d − 0.1), bottom/right = round(d + 0.1)). core/run/letterbox.test.ts compares.
"""
import json
import sys

import cv2
import numpy as np

OUT = sys.argv[1] if len(sys.argv) > 1 else "core/run/letterbox-cv2.json"


def letterbox(img, target_w, target_h):
    h, w = img.shape[:2]
    r = min(target_h / h, target_w / w)
    new_unpad = (int(round(w * r)), int(round(h * r)))
    dw, dh = (target_w - new_unpad[0]) / 2, (target_h - new_unpad[1]) / 2
    if (w, h) != new_unpad:
        img = cv2.resize(img, new_unpad, interpolation=cv2.INTER_LINEAR)
    top, bottom = int(round(dh - 0.1)), int(round(dh + 0.1))
    left, right = int(round(dw - 0.1)), int(round(dw + 0.1))
    out = cv2.copyMakeBorder(img, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(114, 114, 114))
    return out.reshape(target_h, target_w, -1)


def main():
    rng = np.random.default_rng(0)
    cases = []
    for (w, h, c, sizes, target) in [
        (7, 5, 1, [(13, 9), (3, 2), (7, 11)], (16, 16)),
        (10, 6, 3, [(23, 17), (4, 3), (10, 5)], (12, 12)),
        (33, 20, 3, [(64, 39), (16, 10), (11, 7)], (32, 32)),
        (5, 9, 3, [(2, 3), (25, 45)], (20, 20)),
    ]:
        img = rng.integers(0, 256, size=(h, w, c), dtype=np.uint8)
        shaped = img if c == 3 else img[:, :, 0]
        resized = [{"width": rw, "height": rh, "data": cv2.resize(shaped, (rw, rh), interpolation=cv2.INTER_LINEAR).reshape(-1).tolist()} for rw, rh in sizes]
        boxed = letterbox(shaped, *target)
        cases.append({
            "width": w, "height": h, "channels": c, "data": img.reshape(-1).tolist(),
            "resized": resized,
            "letterbox": {"width": target[0], "height": target[1], "data": boxed.reshape(-1).tolist()},
        })
    with open(OUT, "w") as f:
        json.dump({"about": f"OpenCV {cv2.__version__} INTER_LINEAR resizes and ultralytics-style letterboxes; written by bench/letterbox_reference.py.", "cases": cases}, f)
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
