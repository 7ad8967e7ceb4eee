/**
 * The `state_dict` (names, shapes, dtypes) of the torchvision models that fixtures/models.json does
 * not list: mobilenet_v3_small, regnet_x_400mf and resnext50_32x4d. Written by hand from
 * torchvision's own model code (torchvision/models/mobilenetv3.py, regnet.py, resnet.py and
 * ops/misc.py's Conv2dNormActivation and SqueezeExcitation), module by module in registration order,
 * so that tests can check the templates against it independently of the catalog's expansions.
 */
import type { StateDictEntry } from '../weights/formula.js';

class StateDict {
  readonly entries: StateDictEntry[] = [];
  tensor(name: string, shape: number[]): void {
    this.entries.push([name, shape, 'float32']);
  }
  /** nn.Conv2d(in, out, k, groups, bias). */
  conv(name: string, inChannels: number, outChannels: number, kernel: number, groups = 1, bias = false): void {
    this.tensor(`${name}.weight`, [outChannels, inChannels / groups, kernel, kernel]);
    if (bias) this.tensor(`${name}.bias`, [outChannels]);
  }
  /** nn.BatchNorm2d: weight, bias, running_mean, running_var, num_batches_tracked. */
  batchNorm(name: string, channels: number): void {
    for (const leaf of ['weight', 'bias', 'running_mean', 'running_var']) this.tensor(`${name}.${leaf}`, [channels]);
    this.entries.push([`${name}.num_batches_tracked`, [], 'int64']);
  }
  /** Conv2dNormActivation: conv `0` (no bias), BatchNorm `1`; the activation has no state. */
  convNormActivation(name: string, inChannels: number, outChannels: number, kernel: number, groups = 1): void {
    this.conv(`${name}.0`, inChannels, outChannels, kernel, groups);
    this.batchNorm(`${name}.1`, outChannels);
  }
  /** nn.Linear(in, out). */
  linear(name: string, inFeatures: number, outFeatures: number): void {
    this.tensor(`${name}.weight`, [outFeatures, inFeatures]);
    this.tensor(`${name}.bias`, [outFeatures]);
  }
}

/** torchvision's _make_divisible(v, 8). */
function makeDivisible(value: number, divisor = 8): number {
  const rounded = Math.max(divisor, Math.floor((value + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * value ? rounded + divisor : rounded;
}

/** mobilenetv3.py: _mobilenet_v3_conf('mobilenet_v3_small') and MobileNetV3.__init__. */
function mobilenetV3Small(): StateDictEntry[] {
  const sd = new StateDict();
  // bneck_conf(input, kernel, expanded, out, use_se, activation, stride, dilation)
  const settings: [number, number, number, number, boolean][] = [
    [16, 3, 16, 16, true],
    [16, 3, 72, 24, false],
    [24, 3, 88, 24, false],
    [24, 5, 96, 40, true],
    [40, 5, 240, 40, true],
    [40, 5, 240, 40, true],
    [40, 5, 120, 48, true],
    [48, 5, 144, 48, true],
    [48, 5, 288, 96, true],
    [96, 5, 576, 96, true],
    [96, 5, 576, 96, true],
  ];
  sd.convNormActivation('features.0', 3, 16, 3);
  settings.forEach(([input, kernel, expanded, out, useSE], i) => {
    const block = `features.${i + 1}.block`;
    let index = 0;
    if (expanded !== input) sd.convNormActivation(`${block}.${index++}`, input, expanded, 1);
    sd.convNormActivation(`${block}.${index++}`, expanded, expanded, kernel, expanded);
    if (useSE) {
      const squeeze = makeDivisible(Math.floor(expanded / 4));
      sd.conv(`${block}.${index}.fc1`, expanded, squeeze, 1, 1, true);
      sd.conv(`${block}.${index++}.fc2`, squeeze, expanded, 1, 1, true);
    }
    sd.convNormActivation(`${block}.${index}`, expanded, out, 1);
  });
  sd.convNormActivation('features.12', 96, 576, 1);
  sd.linear('classifier.0', 576, 1024);
  sd.linear('classifier.3', 1024, 1000);
  return sd.entries;
}

/** regnet.py: regnet_x_400mf = BlockParams.from_init_params(depth=22, w_0=24, w_a=24.48, w_m=2.54, group_width=16). */
function regnetX400mf(): StateDictEntry[] {
  const sd = new StateDict();
  const depths = [1, 2, 7, 12];
  const widths = [32, 64, 160, 400];
  const groupWidth = 16;
  sd.convNormActivation('stem', 3, 32, 3);
  let widthIn = 32;
  depths.forEach((depth, s) => {
    const widthOut = widths[s]!;
    for (let i = 0; i < depth; i++) {
      const block = `trunk_output.block${s + 1}.block${s + 1}-${i}`;
      const stride = i === 0 ? 2 : 1;
      // ResBottleneckBlock registers proj before f.
      if (widthIn !== widthOut || stride !== 1) sd.convNormActivation(`${block}.proj`, widthIn, widthOut, 1);
      sd.convNormActivation(`${block}.f.a`, widthIn, widthOut, 1);
      sd.convNormActivation(`${block}.f.b`, widthOut, widthOut, 3, widthOut / groupWidth);
      sd.convNormActivation(`${block}.f.c`, widthOut, widthOut, 1);
      widthIn = widthOut;
    }
  });
  sd.linear('fc', 400, 1000);
  return sd.entries;
}

/** resnet.py: resnext50_32x4d = ResNet(Bottleneck, [3, 4, 6, 3], groups=32, width_per_group=4). */
function resnext50_32x4d(): StateDictEntry[] {
  const sd = new StateDict();
  sd.conv('conv1', 3, 64, 7);
  sd.batchNorm('bn1', 64);
  let inplanes = 64;
  [3, 4, 6, 3].forEach((blocks, stage) => {
    const planes = 64 * 2 ** stage;
    const width = Math.floor((planes * 4) / 64) * 32;
    for (let j = 0; j < blocks; j++) {
      const block = `layer${stage + 1}.${j}`;
      sd.conv(`${block}.conv1`, inplanes, width, 1);
      sd.batchNorm(`${block}.bn1`, width);
      sd.conv(`${block}.conv2`, width, width, 3, 32);
      sd.batchNorm(`${block}.bn2`, width);
      sd.conv(`${block}.conv3`, width, planes * 4, 1);
      sd.batchNorm(`${block}.bn3`, planes * 4);
      if (j === 0) {
        sd.conv(`${block}.downsample.0`, inplanes, planes * 4, 1);
        sd.batchNorm(`${block}.downsample.1`, planes * 4);
      }
      inplanes = planes * 4;
    }
  });
  sd.linear('fc', 2048, 1000);
  return sd.entries;
}

/** Model name → its state_dict entries, as fixtures/models.json lists them. */
export const TORCHVISION_SOURCE_STATE_DICTS: Record<string, StateDictEntry[]> = {
  mobilenet_v3_small: mobilenetV3Small(),
  regnet_x_400mf: regnetX400mf(),
  resnext50_32x4d: resnext50_32x4d(),
};
