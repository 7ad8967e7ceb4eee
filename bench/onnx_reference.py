"""PyTorch reference outputs for the ONNX translation's layer parity cases, and PyTorch's own ONNX
exports of resnet18 and mobilenet_v2 (formula weights) for bench/onnx-bench.mjs.

Run on the GPU machine (PyTorch + torchvision, no Node):
    python3 bench/onnx_reference.py OUT_DIR
Writes OUT_DIR/layer_cases.json (small: inputs, constants and expected outputs of each case),
OUT_DIR/<model>_torch.onnx.NN pieces under 16 MB, and OUT_DIR/torch_models.json (logits of the
formula input, export settings). core/onnx/layer-cases.json is layer_cases.json committed.
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from formula import formula_u, formula_values  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else "out"
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(0)


def formula_tensor(name, shape, dtype):
    if not dtype.startswith("torch.float"):
        return torch.zeros(shape, dtype=torch.int64)
    return torch.from_numpy(formula_values(name, shape))


def rand(*shape, low=-1.0, high=1.0):
    return (torch.rand(*shape, dtype=torch.float64) * (high - low) + low).float()


def flat(t):
    return {"shape": list(t.shape), "values": [float("%.9g" % v) for v in t.detach().double().flatten().tolist()]}


CASES = []


def case(name, inputs, constants, outputs):
    CASES.append(
        {
            "name": name,
            "inputs": {k: flat(v) for k, v in inputs.items()},
            "constants": {k: flat(v) for k, v in constants.items()},
            "outputs": {k: flat(v) for k, v in outputs.items()},
        }
    )


# --- convolution padding modes, groups, dilation, deconvolution -----------------------------------
x = rand(1, 3, 7, 7)
w = rand(4, 3, 4, 4)
b = rand(4)
case("conv_same_upper", {"input": x}, {"kernel": w, "bias": b}, {"output": F.conv2d(F.pad(x, (1, 2, 1, 2)), w, b, stride=2)})
case("conv_same_lower", {"input": x}, {"kernel": w, "bias": b}, {"output": F.conv2d(F.pad(x, (2, 1, 2, 1)), w, b, stride=2)})
x = rand(1, 3, 8, 8)
w = rand(4, 3, 3, 3)
case("conv_round_up", {"input": x}, {"kernel": w}, {"output": F.conv2d(F.pad(x, (0, 1, 0, 1)), w, None, stride=2)})
x = rand(1, 4, 9, 9)
w = rand(6, 2, 3, 3)
b = rand(6)
case("conv_grouped_dilated", {"input": x}, {"kernel": w, "bias": b}, {"output": F.conv2d(x, w, b, padding=2, dilation=2, groups=2)})
x = rand(1, 4, 5, 5)
w = rand(4, 3, 3, 3)
b = rand(6)
case("deconv_grouped", {"input": x}, {"kernel": w, "bias": b}, {"output": F.conv_transpose2d(x, w, b, stride=2, padding=1, groups=2)})
w = rand(4, 2, 4, 4)
full = F.conv_transpose2d(x, w, None, stride=2)
case("deconv_asymmetric", {"input": x}, {"kernel": w}, {"output": full[:, :, 1:-2, 1:-2]})

# --- pooling --------------------------------------------------------------------------------------
x = rand(1, 2, 8, 8)
case("maxpool_round_up", {"input": x}, {}, {"output": F.max_pool2d(x, 3, 2, ceil_mode=True)})
case("avgpool_round_up_exclude", {"input": x}, {}, {"output": F.avg_pool2d(x, 3, 2, padding=1, ceil_mode=True, count_include_pad=False)})
case("avgpool_include_pad", {"input": x}, {}, {"output": F.avg_pool2d(x, 3, 2, padding=1, count_include_pad=True)})
case("avgpool_round_up_include", {"input": x}, {}, {"output": F.avg_pool2d(x, 3, 2, padding=1, ceil_mode=True, count_include_pad=True)})
case("maxpool_same_upper", {"input": x}, {}, {"output": F.max_pool2d(F.pad(x, (0, 1, 0, 1), value=-math.inf), 3, 2)})
pad = F.pad(x, (1, 0, 1, 0))
count = F.avg_pool2d(F.pad(torch.ones_like(x), (1, 0, 1, 0)), 3, 2, divisor_override=1)
case("avgpool_same_lower", {"input": x}, {}, {"output": F.avg_pool2d(pad, 3, 2, divisor_override=1) / count})
x = rand(1, 2, 6, 6)
case("pool_blend", {"input": x}, {}, {"output": 0.75 * F.max_pool2d(x, 2, 2) + 0.25 * F.avg_pool2d(x, 2, 2)})

# --- activations (TensorRT's formulas with their alpha and beta) ------------------------------------
x = rand(1, 2, 3, 5, low=-4, high=4)
ACTIVATIONS = [
    ("RELU", 0, 0, torch.relu(x)),
    ("SIGMOID", 0, 0, torch.sigmoid(x)),
    ("TANH", 0, 0, torch.tanh(x)),
    ("LEAKY_RELU", 0.1, 0, F.leaky_relu(x, 0.1)),
    ("ELU", 0.7, 0, F.elu(x, 0.7)),
    ("SELU", 1.6732632423543772, 1.0507009873554805, F.selu(x)),
    ("SOFTSIGN", 0, 0, F.softsign(x)),
    ("SOFTPLUS", 0.5, 2, 0.5 * torch.log(torch.exp(2 * x) + 1)),
    ("CLIP", -1, 2.5, torch.clamp(x, -1, 2.5)),
    ("HARD_SIGMOID", 0.2, 0.5, torch.clamp(0.2 * x + 0.5, 0, 1)),
    ("SCALED_TANH", 1.7159, 0.6667, 1.7159 * torch.tanh(0.6667 * x)),
    ("THRESHOLDED_RELU", 0.5, 0, torch.where(x > 0.5, x, torch.zeros_like(x))),
    ("GELU_ERF", 0, 0, F.gelu(x)),
    ("GELU_TANH", 0, 0, F.gelu(x, approximate="tanh")),
]
for kind, alpha, beta, y in ACTIVATIONS:
    c = {"input": x}
    case(f"activation_{kind}", c, {"alpha": torch.tensor([alpha]), "beta": torch.tensor([beta])}, {"output": y})

# --- matrix multiply ------------------------------------------------------------------------------
a = rand(2, 3, 4)
bm = rand(2, 5, 3)
case("matmul_transpose_both", {"input": a}, {"b": bm}, {"output": torch.matmul(a.transpose(-1, -2), bm.transpose(-1, -2))})
v = rand(2, 4)
bm = rand(2, 4, 5)
case("matmul_vector_matrix", {"input": v}, {"b": bm}, {"output": torch.matmul(v.unsqueeze(-2), bm).squeeze(-2)})
bv = rand(2, 4)
case("matmul_matrix_vector", {"input": a}, {"b": bv}, {"output": torch.matmul(a, bv.unsqueeze(-1)).squeeze(-1)})
case("matmul_vector_vector", {"input": v}, {"b": bv}, {"output": (v * bv).sum(-1)})

# --- shuffle, softmax, scale, elementwise, prelu, concat --------------------------------------------
x = rand(1, 2, 3, 4)
case("shuffle_transpose_reshape_transpose", {"input": x}, {}, {"output": x.permute(0, 2, 3, 1).reshape(1, -1, 2).permute(0, 2, 1)})
case("shuffle_zero_placeholder", {"input": x}, {}, {"output": x.reshape(1, 2, -1)})
case("softmax_axis2", {"input": x}, {}, {"output": torch.softmax(x, 2)})
case("softmax_axis3", {"input": x}, {}, {"output": torch.softmax(x, 3)})
xp = rand(1, 3, 4, 4, low=0.5, high=1.5)
s = rand(3, low=0.5, high=1.5)
sh = rand(3, low=0.1, high=0.5)
pw = torch.tensor([1.0, 2.0, 0.5])
case(
    "scale_channel_power",
    {"input": xp},
    {"scale": s, "shift": sh, "power": pw},
    {"output": (xp * s.view(3, 1, 1) + sh.view(3, 1, 1)) ** pw.view(3, 1, 1)},
)
case("scale_uniform", {"input": xp}, {"scale": torch.tensor([1.5]), "shift": torch.tensor([-0.25])}, {"output": xp * 1.5 - 0.25})
se = rand(3, 4, 4)
case("scale_elementwise", {"input": xp}, {"scale": se}, {"output": xp * se})
c = rand(1, 2, 1, 4)
case("elementwise_sub_broadcast", {"input": x}, {"b": c}, {"output": x - c})
cp = rand(1, 1, 3, 1, low=0.3, high=1)
case("elementwise_floor_div", {"input": x}, {"b": cp}, {"output": torch.floor(x / cp)})
cq = torch.tensor([2.0, 0.5]).view(1, 2, 1, 1)
case("elementwise_pow", {"input": x.abs() + 0.1}, {"b": cq}, {"output": (x.abs() + 0.1) ** cq})
case("elementwise_max", {"input": x}, {"b": c}, {"output": torch.maximum(x, c)})
sl = rand(1, 2, 1, 1)
case("prelu", {"input": x}, {"slope": sl}, {"output": torch.where(x >= 0, x, x * sl)})
cc = rand(1, 3, 3, 4)
case("concat_axis1", {"input": x}, {"b": cc}, {"output": torch.cat([x, cc], 1)})

# --- layers from the catalog's later families ---------------------------------------------------------
x = rand(1, 2, 4, 5)
case("reduce_avg_hw_keep", {"input": x}, {}, {"output": x.mean((2, 3), keepdim=True)})
case("reduce_max_c_drop", {"input": x}, {}, {"output": x.amax(1)})
case("reduce_sum_w", {"input": x}, {}, {"output": x.sum(3, keepdim=True)})
tv, ti = torch.topk(x, 3, dim=-1)
case("topk_max3_last", {"input": x}, {}, {"values": tv, "indices": ti.float()})
tv, ti = torch.topk(x, 2, dim=1, largest=False)
case("topk_min2_axis1", {"input": x}, {}, {"values": tv, "indices": ti.float()})
case("resize_nearest_x2", {"input": x}, {}, {"output": F.interpolate(x, scale_factor=2, mode="nearest")})
case("resize_linear_half_pixel", {"input": x}, {}, {"output": F.interpolate(x, size=(7, 9), mode="bilinear", align_corners=False)})
case("resize_linear_align_corners", {"input": x}, {}, {"output": F.interpolate(x, size=(7, 9), mode="bilinear", align_corners=True)})
case("resize_cubic_half_pixel", {"input": x}, {}, {"output": F.interpolate(x, size=(8, 10), mode="bicubic", align_corners=False)})
case("slice_strided", {"input": x}, {}, {"output": x[:, 1:2, 0:4:2, 1:5:2]})
xu = rand(1, 2, 3, 4, low=-2, high=2)
UNARY = {
    "EXP": torch.exp(xu),
    "ABS": xu.abs(),
    "NEG": -xu,
    "FLOOR": torch.floor(xu),
    "CEIL": torch.ceil(xu),
    "ROUND": torch.round(xu),
    "ERF": torch.erf(xu),
    "SIN": torch.sin(xu),
    "ATAN": torch.atan(xu),
    "SIGN": torch.sign(xu),
    "SQRT": torch.sqrt(xu.abs()),
    "LOG": torch.log(xu.abs() + 0.1),
    "RECIP": 1 / (xu.abs() + 0.1),
}
for op, y in UNARY.items():
    inp = xu.abs() if op == "SQRT" else (xu.abs() + 0.1 if op in ("LOG", "RECIP") else xu)
    case(f"unary_{op}", {"input": inp}, {}, {"output": y})
xg = rand(1, 4, 3, 3)
gs = rand(4, low=0.5, high=1.5)
gb = rand(4)
case("group_norm_2", {"input": xg}, {"scale": gs, "bias": gb}, {"output": F.group_norm(xg, 2, gs, gb, 1e-5)})
case("instance_norm", {"input": xg}, {"scale": gs, "bias": gb}, {"output": F.group_norm(xg, 4, gs, gb, 1e-5)})
xl = rand(2, 3, 6)
ls = rand(6, low=0.5, high=1.5)
lb = rand(6)
case("layer_norm_last", {"input": xl}, {"scale": ls, "bias": lb}, {"output": F.layer_norm(xl, (6,), ls, lb, 1e-5)})
case("lrn_5", {"input": xg}, {}, {"output": F.local_response_norm(xg, 3, alpha=1e-2, beta=0.75, k=2.0)})

# --- PyTorch-named layers the catalog composes: activations, pooling, reshaping --------------------------
x = rand(1, 2, 3, 5, low=-4, high=4)
case("torch_silu", {"input": x}, {}, {"output": F.silu(x)})
case("torch_hardswish", {"input": x}, {}, {"output": F.hardswish(x)})
case("torch_hardsigmoid", {"input": x}, {}, {"output": F.hardsigmoid(x)})
case("torch_mish", {"input": x}, {}, {"output": F.mish(x)})
x = rand(1, 2, 5, 5)
case("torch_maxpool2d_ceil_pad", {"input": x}, {}, {"output": F.max_pool2d(x, 2, 2, padding=1, ceil_mode=True)})
x = rand(1, 2, 8, 8)
case("torch_avgpool2d_ceil_include_pad", {"input": x}, {}, {"output": F.avg_pool2d(x, 3, 2, padding=1, ceil_mode=True, count_include_pad=True)})
x = rand(1, 3, 10, 9)
case("torch_adaptive_avgpool_7x4", {"input": x}, {}, {"output": F.adaptive_avg_pool2d(x, (7, 4))})
x = rand(2, 6, 3, 2)
case("torch_split_1_3_2", {"input": x}, {}, {f"output.{i}": p for i, p in enumerate(torch.split(x, [1, 3, 2], 1))})
case("torch_chunk_2_dim2", {"input": x}, {}, {f"output.{i}": p for i, p in enumerate(torch.chunk(x, 2, 2))})
case("torch_flatten_1_2", {"input": x}, {}, {"output": torch.flatten(x, 1, 2)})
case("torch_channel_shuffle_3", {"input": x}, {}, {"output": torch.nn.ChannelShuffle(3)(x)})


# --- ultralytics' blocks, written from ultralytics/nn/modules (Conv's BatchNorm eps is the 1e-3 its
# initialize_weights sets); constants are the state_dict without num_batches_tracked -------------------
class Conv(torch.nn.Module):
    def __init__(self, c1, c2, k=1, s=1, g=1):
        super().__init__()
        self.conv = torch.nn.Conv2d(c1, c2, k, s, k // 2, groups=g, bias=False)
        self.bn = torch.nn.BatchNorm2d(c2, eps=1e-3)
        self.act = torch.nn.SiLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Bottleneck(torch.nn.Module):
    def __init__(self, c1, c2, shortcut=True, g=1, k=(3, 3), e=0.5):
        super().__init__()
        c_ = int(c2 * e)
        self.cv1 = Conv(c1, c_, k[0], 1)
        self.cv2 = Conv(c_, c2, k[1], 1, g=g)
        self.add = shortcut and c1 == c2

    def forward(self, x):
        return x + self.cv2(self.cv1(x)) if self.add else self.cv2(self.cv1(x))


class C2f(torch.nn.Module):
    def __init__(self, c1, c2, n=1, shortcut=False, g=1, e=0.5):
        super().__init__()
        self.c = int(c2 * e)
        self.cv1 = Conv(c1, 2 * self.c, 1, 1)
        self.cv2 = Conv((2 + n) * self.c, c2, 1)
        self.m = torch.nn.ModuleList(Bottleneck(self.c, self.c, shortcut, g, k=(3, 3), e=1.0) for _ in range(n))

    def forward(self, x):
        y = list(self.cv1(x).chunk(2, 1))
        y.extend(m(y[-1]) for m in self.m)
        return self.cv2(torch.cat(y, 1))


class C3(torch.nn.Module):
    def __init__(self, c1, c2, n=1, shortcut=True, g=1, e=0.5):
        super().__init__()
        c_ = int(c2 * e)
        self.cv1 = Conv(c1, c_, 1, 1)
        self.cv2 = Conv(c1, c_, 1, 1)
        self.cv3 = Conv(2 * c_, c2, 1)
        self.m = torch.nn.Sequential(*(Bottleneck(c_, c_, shortcut, g, k=(1, 3), e=1.0) for _ in range(n)))

    def forward(self, x):
        return self.cv3(torch.cat((self.m(self.cv1(x)), self.cv2(x)), 1))


class SPPF(torch.nn.Module):
    def __init__(self, c1, c2, k=5):
        super().__init__()
        c_ = c1 // 2
        self.cv1 = Conv(c1, c_, 1, 1)
        self.cv2 = Conv(c_ * 4, c2, 1, 1)
        self.m = torch.nn.MaxPool2d(kernel_size=k, stride=1, padding=k // 2)

    def forward(self, x):
        y = [self.cv1(x)]
        y.extend(self.m(y[-1]) for _ in range(3))
        return self.cv2(torch.cat(y, 1))


def yolo_case(name, module, x):
    for m in module.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            c = m.num_features
            m.weight.data, m.bias.data = rand(c, low=0.5, high=1.5), rand(c)
            m.running_mean.data, m.running_var.data = rand(c), rand(c, low=0.5, high=1.5)
    module.eval()
    sd = {k: v for k, v in module.state_dict().items() if not k.endswith("num_batches_tracked")}
    with torch.no_grad():
        case(name, {"input": x}, sd, {"output": module(x)})


yolo_case("yolo_conv_k3_s2", Conv(3, 5, 3, 2), rand(1, 3, 9, 8))
yolo_case("yolo_c2f_n2_shortcut", C2f(6, 8, 2, True), rand(1, 6, 7, 6))
yolo_case("yolo_c3_n2", C3(6, 8, 2), rand(1, 6, 6, 5))
yolo_case("yolo_sppf_k5", SPPF(8, 6, 5), rand(1, 8, 7, 9))

with open(os.path.join(OUT, "layer_cases.json"), "w") as f:
    json.dump({"generator": "bench/onnx_reference.py", "torch": torch.__version__, "cases": CASES}, f, separators=(",", ":"))
print("layer cases:", len(CASES))

# --- PyTorch's own ONNX exports for the benchmark -----------------------------------------------------
import torchvision  # noqa: E402

models = {}
for name in ["resnet18", "mobilenet_v2"]:
    model = getattr(torchvision.models, name)(weights=None).eval()
    sd = {k: formula_tensor(k, list(v.shape), str(v.dtype)) for k, v in model.state_dict().items()}
    model.load_state_dict(sd)
    inp = torch.from_numpy(formula_u("input", 3 * 224 * 224).astype(np.float32).reshape(1, 3, 224, 224))
    with torch.no_grad():
        logits = model(inp)[0]
    path = os.path.join(OUT, f"{name}_torch.onnx")
    info = {"top5": torch.topk(logits, 5).indices.tolist(), "logits": [float("%.9g" % v) for v in logits.tolist()]}
    try:
        torch.onnx.export(model, (inp,), path, opset_version=17, input_names=["input"], output_names=["logits"], dynamo=False, do_constant_folding=True)
        data = open(path, "rb").read()
        os.remove(path)
        piece = 15 * 1024 * 1024
        for i in range(0, len(data), piece):
            with open(f"{path}.{i // piece:02d}", "wb") as f:
                f.write(data[i : i + piece])
        info["onnx_bytes"] = len(data)
    except Exception as e:  # record why, the benchmark then says so
        info["export_error"] = repr(e)
    models[name] = info
    print(name, info.get("top5"), info.get("onnx_bytes"), info.get("export_error"))

with open(os.path.join(OUT, "torch_models.json"), "w") as f:
    json.dump({"torch": torch.__version__, "torchvision": torchvision.__version__, "opset": 17, "models": models}, f)
