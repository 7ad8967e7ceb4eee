"""A second, independent forward pass of the torchvision models the block-built templates copy, in
numpy (float64), written from torchvision's module code, for checking the templates while no PyTorch
reference (bench/torchvision_reference.py) is at hand. It first checks itself against PyTorch's
resnet18 logits in fixtures/parity.json, then compares each model with our ONNX Runtime logits:

    npx tsx bench/template-logits.ts /tmp/ours.json squeezenet1_1 shufflenet_v2_x1_0 densenet121 efficientnet_b0 \
        googlenet mobilenet_v3_small regnet_x_400mf resnext50_32x4d
    python3 bench/numpy_forward_check.py /tmp/ours.json

Exits 1 when a model differs by more than 1e-4 of its largest logit or in its top-5. Needs only numpy.
"""
import json
import os
import sys

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view as swv

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from formula import formula_u, formula_values  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")

# The current model's state_dict shapes, and the tensors its forward pass has read.
SHAPES = {}
USED = set()


def weight(name):
    """core/weights/formula.ts formulaTensor, as float32 values widened to float64."""
    USED.add(name)
    shape = SHAPES[name]
    return formula_values(name, shape).astype(np.float64)


def conv(x, name, stride=1, pad=0, groups=1, dilation=1, bias=False):
    """nn.Conv2d on one CHW sample."""
    w = weight(name + ".weight")
    out_channels, _, kh, kw = w.shape
    channels = x.shape[0]
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad)))
    windows = swv(xp, ((kh - 1) * dilation + 1, (kw - 1) * dilation + 1), axis=(1, 2))[:, ::stride, ::stride, ::dilation, ::dilation]
    oh, ow = windows.shape[1], windows.shape[2]
    windows = windows.reshape(groups, channels // groups, oh, ow, kh, kw)
    y = np.einsum("gchwij,gocij->gohw", windows, w.reshape(groups, out_channels // groups, -1, kh, kw), optimize=True).reshape(out_channels, oh, ow)
    return y + weight(name + ".bias")[:, None, None] if bias else y


def bn(x, name, eps=1e-5):
    g, b, m, v = (weight(f"{name}.{k}")[:, None, None] for k in ("weight", "bias", "running_mean", "running_var"))
    return (x - m) / np.sqrt(v + eps) * g + b


def relu(x):
    return np.maximum(x, 0)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def silu(x):
    return x * sigmoid(x)


def hardsigmoid(x):
    return np.clip(x + 3, 0, 6) / 6


def hardswish(x):
    return x * hardsigmoid(x)


def pool_size(size, k, s, p, ceil):
    """PyTorch's pooling output size, ceil_mode's rule included (no window may start in the right padding)."""
    if not ceil:
        return (size + 2 * p - k) // s + 1
    out = -(-(size + 2 * p - k) // s) + 1
    return out - 1 if (out - 1) * s >= size + p else out


def maxpool(x, k, s, p=0, ceil=False):
    _, h, w = x.shape
    oh, ow = pool_size(h, k, s, p, ceil), pool_size(w, k, s, p, ceil)
    extra_h, extra_w = max((oh - 1) * s + k - h - p, 0), max((ow - 1) * s + k - w - p, 0)
    xp = np.pad(x, ((0, 0), (p, extra_h), (p, extra_w)), constant_values=-np.inf)
    return swv(xp, (k, k), axis=(1, 2))[:, ::s, ::s].max(axis=(3, 4))[:, :oh, :ow]


def avgpool2(x):
    c, h, w = x.shape
    return x[:, : h // 2 * 2, : w // 2 * 2].reshape(c, h // 2, 2, w // 2, 2).mean(axis=(2, 4))


def gap(x):
    return x.mean(axis=(1, 2))


def linear(v, name):
    return weight(name + ".weight") @ v + weight(name + ".bias")


def cna(x, name, stride=1, groups=1, act=relu, eps=1e-5, dilation=1):
    """ops.misc.Conv2dNormActivation: conv `0` with padding (k-1)//2·dilation, BatchNorm `1`, activation."""
    k = SHAPES[name + ".0.weight"][2]
    x = bn(conv(x, name + ".0", stride, (k - 1) // 2 * dilation, groups, dilation), name + ".1", eps)
    return act(x) if act else x


def make_divisible(v, d=8):
    n = max(d, int(v + d / 2) // d * d)
    return n + d if n < 0.9 * v else n


def resnet18(x):
    """torchvision resnet18 (checks this file against PyTorch's logits in fixtures/parity.json)."""
    x = maxpool(relu(bn(conv(x, 'conv1', 2, 3), 'bn1')), 3, 2, 1)
    inp = 64
    for s, planes in enumerate([64, 128, 256, 512]):
        for j in range(2):
            st = 2 if s > 0 and j == 0 else 1
            n = f'layer{s+1}.{j}'
            o = relu(bn(conv(x, n + '.conv1', st, 1), n + '.bn1'))
            o = bn(conv(o, n + '.conv2', 1, 1), n + '.bn2')
            idn = bn(conv(x, n + '.downsample.0', st), n + '.downsample.1') if (st != 1 or inp != planes) else x
            x = relu(o + idn)
            inp = planes
    return linear(gap(x), 'fc')


def shufflenet(x):
    """shufflenetv2.py: chunk, branch2, concat, channel_shuffle(2)."""
    x = cna(x, 'conv1', 2)
    x = maxpool(x, 3, 2, 1)
    inp = 24
    for s, (rep, oup) in enumerate(zip([4, 8, 4], [116, 232, 464])):
        for i in range(rep):
            n = f'stage{s+2}.{i}'
            st = 2 if i == 0 else 1
            def b2(t):
                t = relu(bn(conv(t, n + '.branch2.0'), n + '.branch2.1'))
                t = bn(conv(t, n + '.branch2.3', st, 1, t.shape[0]), n + '.branch2.4')
                return relu(bn(conv(t, n + '.branch2.5'), n + '.branch2.6'))
            if st == 1:
                c = x.shape[0] // 2
                out = np.concatenate([x[:c], b2(x[c:])])
            else:
                b1 = bn(conv(x, n + '.branch1.0', st, 1, x.shape[0]), n + '.branch1.1')
                b1 = relu(bn(conv(b1, n + '.branch1.2'), n + '.branch1.3'))
                out = np.concatenate([b1, b2(x)])
            C, H, Wd = out.shape
            x = out.reshape(2, C // 2, H, Wd).transpose(1, 0, 2, 3).reshape(C, H, Wd)
    x = cna(x, 'conv5')
    return linear(gap(x), 'fc')


def densenet(x):
    """densenet.py: each layer reads the concatenation of all earlier outputs; final relu and average pool."""
    x = maxpool(relu(bn(conv(x, 'features.conv0', 2, 3), 'features.norm0')), 3, 2, 1)
    for b, L in enumerate([6, 12, 24, 16]):
        feats = [x]
        for l in range(L):
            n = f'features.denseblock{b+1}.denselayer{l+1}'
            t = np.concatenate(feats)
            t = conv(relu(bn(t, n + '.norm1')), n + '.conv1')
            t = conv(relu(bn(t, n + '.norm2')), n + '.conv2', 1, 1)
            feats.append(t)
        x = np.concatenate(feats)
        if b < 3:
            n = f'features.transition{b+1}'
            x = avgpool2(conv(relu(bn(x, n + '.norm')), n + '.conv'))
    x = relu(bn(x, 'features.norm5'))
    return linear(gap(x), 'classifier')


def se(x, n, act, scale):
    """ops.misc.SqueezeExcitation."""
    s = gap(x)[:, None, None]
    s = act(conv(s, n + '.fc1', bias=True))
    s = scale(conv(s, n + '.fc2', bias=True))
    return s * x


def effnet(x):
    """efficientnet.py, B0: MBConv with SiLU and squeeze to input/4; stochastic depth and dropout are the identity."""
    x = cna(x, 'features.0', 2, act=silu)
    cfg = [(1,3,1,32,16,1),(6,3,2,16,24,2),(6,5,2,24,40,2),(6,3,2,40,80,3),(6,5,1,80,112,3),(6,5,2,112,192,4),(6,3,1,192,320,1)]
    for s, (e, k, st0, cin, cout, L) in enumerate(cfg):
        for i in range(L):
            inp = cin if i == 0 else cout
            st = st0 if i == 0 else 1
            n = f'features.{s+1}.{i}.block'
            exp = make_divisible(inp * e)
            idx = 0
            t = x
            if exp != inp:
                t = cna(t, f'{n}.{idx}', act=silu)
                idx += 1
            t = cna(t, f'{n}.{idx}', st, exp, act=silu)
            idx += 1
            t = se(t, f'{n}.{idx}', silu, sigmoid)
            idx += 1
            t = cna(t, f'{n}.{idx}', act=None)
            x = t + x if (st == 1 and inp == cout) else t
    x = cna(x, 'features.8', act=silu)
    return linear(gap(x), 'classifier.1')


def googlenet(x):
    """googlenet.py with aux_logits=False, transform_input=False; ceil-mode max-pools."""
    bc = lambda t, n, s=1, p=0: relu(bn(conv(t, n + '.conv', s, p), n + '.bn', 0.001))
    x = bc(x, 'conv1', 2, 3)
    x = maxpool(x, 3, 2, 0, True)
    x = bc(x, 'conv2')
    x = bc(x, 'conv3', 1, 1)
    x = maxpool(x, 3, 2, 0, True)
    def inc(t, n):
        return np.concatenate([bc(t, n + '.branch1'), bc(bc(t, n + '.branch2.0'), n + '.branch2.1', 1, 1),
                               bc(bc(t, n + '.branch3.0'), n + '.branch3.1', 1, 1), bc(maxpool(t, 3, 1, 1, True), n + '.branch4.1')])
    x = inc(x, 'inception3a')
    x = inc(x, 'inception3b')
    x = maxpool(x, 3, 2, 0, True)
    for n in 'abcde':
        x = inc(x, 'inception4' + n)
    x = maxpool(x, 2, 2, 0, True)
    x = inc(x, 'inception5a')
    x = inc(x, 'inception5b')
    return linear(gap(x), 'fc')


def mnv3(x):
    """mobilenetv3.py, small: BatchNorm eps 0.001, SE squeeze make_divisible(expanded/4)."""
    eps = 0.001
    x = cna(x, 'features.0', 2, act=hardswish, eps=eps)
    cfg = [(16,3,16,16,1,'RE',2),(16,3,72,24,0,'RE',2),(24,3,88,24,0,'RE',1),(24,5,96,40,1,'HS',2),(40,5,240,40,1,'HS',1),(40,5,240,40,1,'HS',1),
           (40,5,120,48,1,'HS',1),(48,5,144,48,1,'HS',1),(48,5,288,96,1,'HS',2),(96,5,576,96,1,'HS',1),(96,5,576,96,1,'HS',1)]
    for i, (inp, k, exp, out, use_se, a, st) in enumerate(cfg):
        act = hardswish if a == 'HS' else relu
        n = f'features.{i+1}.block'
        idx = 0
        t = x
        if exp != inp:
            t = cna(t, f'{n}.{idx}', act=act, eps=eps)
            idx += 1
        t = cna(t, f'{n}.{idx}', st, exp, act=act, eps=eps)
        idx += 1
        if use_se:
            t = se(t, f'{n}.{idx}', relu, hardsigmoid)
            idx += 1
        t = cna(t, f'{n}.{idx}', act=None, eps=eps)
        x = t + x if (st == 1 and inp == out) else t
    x = cna(x, 'features.12', act=hardswish, eps=eps)
    v = hardswish(linear(gap(x), 'classifier.0'))
    return linear(v, 'classifier.3')


def regnet(x):
    """regnet.py, regnet_x_400mf: depths [1, 2, 7, 12], widths [32, 64, 160, 400], group width 16."""
    x = cna(x, 'stem', 2)
    win = 32
    for s, (d, w) in enumerate(zip([1, 2, 7, 12], [32, 64, 160, 400])):
        for i in range(d):
            n = f'trunk_output.block{s+1}.block{s+1}-{i}'
            st = 2 if i == 0 else 1
            f = cna(x, n + '.f.a')
            f = cna(f, n + '.f.b', st, w // 16)
            f = cna(f, n + '.f.c', act=None)
            sc = cna(x, n + '.proj', st, act=None) if (win != w or st != 1) else x
            x = relu(sc + f)
            win = w
    return linear(gap(x), 'fc')


def resnext(x):
    """resnet.py, resnext50_32x4d: Bottleneck with 32 groups of width 4 per 64 planes."""
    x = maxpool(relu(bn(conv(x, 'conv1', 2, 3), 'bn1')), 3, 2, 1)
    inp = 64
    for s, L in enumerate([3, 4, 6, 3]):
        planes = 64 * 2 ** s
        for j in range(L):
            st = 2 if s > 0 and j == 0 else 1
            n = f'layer{s+1}.{j}'
            o = relu(bn(conv(x, n + '.conv1'), n + '.bn1'))
            o = relu(bn(conv(o, n + '.conv2', st, 1, 32), n + '.bn2'))
            o = bn(conv(o, n + '.conv3'), n + '.bn3')
            idn = bn(conv(x, n + '.downsample.0', st), n + '.downsample.1') if (st != 1 or inp != planes * 4) else x
            x = relu(o + idn)
            inp = planes * 4
    return linear(gap(x), 'fc')


def squeezenet(x):
    """squeezenet.py, 1.1: Fire modules, ceil-mode max-pools, a 1×1 conv classifier and a global average."""
    def fire(t, n):
        t = relu(conv(t, n + '.squeeze', bias=True))
        return np.concatenate([relu(conv(t, n + '.expand1x1', bias=True)), relu(conv(t, n + '.expand3x3', 1, 1, bias=True))])
    x = maxpool(relu(conv(x, 'features.0', 2, bias=True)), 3, 2, 0, True)
    x = fire(fire(x, 'features.3'), 'features.4')
    x = maxpool(x, 3, 2, 0, True)
    x = fire(fire(x, 'features.6'), 'features.7')
    x = maxpool(x, 3, 2, 0, True)
    for i in (9, 10, 11, 12):
        x = fire(x, f'features.{i}')
    return gap(relu(conv(x, 'classifier.1', bias=True)))


FORWARD = dict(
    resnet18=resnet18,
    squeezenet1_1=squeezenet,
    shufflenet_v2_x1_0=shufflenet,
    densenet121=densenet,
    efficientnet_b0=effnet,
    googlenet=googlenet,
    mobilenet_v3_small=mnv3,
    regnet_x_400mf=regnet,
    resnext50_32x4d=resnext,
)


def compare(name, state_dict, expected, against):
    SHAPES.clear()
    USED.clear()
    for n, shape, _ in state_dict:
        SHAPES[n] = shape
    x = formula_u("input", 3 * 224 * 224).astype(np.float32).astype(np.float64).reshape(3, 224, 224)
    y = FORWARD[name](x)
    unused = [n for n, _, _ in state_dict if n not in USED and not n.endswith("num_batches_tracked")]
    worst = float(np.abs(y - expected).max())
    largest = float(np.abs(y).max())
    ours5 = [int(i) for i in np.argsort(-expected)[:5]]
    numpy5 = [int(i) for i in np.argsort(-y)[:5]]
    ok = worst <= 1e-4 * largest and ours5 == numpy5 and not unused
    print(f"{name}: worst {worst:.3g} of largest {largest:.3g} ({worst / largest:.2g}), top-5 numpy {numpy5} vs {against} {ours5}, unused tensors {len(unused)}: {'ok' if ok else 'DIFFERENT'}")
    return ok


def main():
    parity = json.load(open(os.path.join(FIXTURES, "parity.json")))["models"]["resnet18"]
    ok = compare("resnet18", parity["state_dict"], np.array(parity["logits"]), "PyTorch")
    ours = json.load(open(sys.argv[1])) if len(sys.argv) > 1 else {}
    for name, facts in ours.items():
        ok = compare(name, facts["state_dict"], np.array(facts["logits"]), "ours") and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
