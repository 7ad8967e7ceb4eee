import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildTemplate } from '../templates/index.js';
import { autoBindWeights, bindSlot, bindWeights, boundWeightsForExport, checkBindings, unbindSlot } from './binding.js';
import { formulaTensor, type StateDictEntry } from './formula.js';
import { decodeWts } from './wts-decoder.js';
import { encodeWtsBytes } from './wts-encoder.js';

const FIXTURES = new URL('../../fixtures/', import.meta.url);
const models = JSON.parse(readFileSync(new URL('models.json', FIXTURES), 'utf8')) as Record<string, { state_dict: StateDictEntry[] }>;

function lenetTensors(): { name: string; count: number; values: Float32Array }[] {
  const result = decodeWts(new Uint8Array(readFileSync(new URL('lenet5.wts', FIXTURES))), { fileName: 'lenet5.wts' });
  if (!result.ok) throw new Error(result.diagnostic.message);
  return result.tensors;
}

const nodeId = (doc: ReturnType<typeof buildTemplate>, name: string) => doc!.nodes.find((n) => n.name === name)!.id;

describe('binding decoded .wts files onto templates', () => {
  it('binds the fixture lenet5.wts completely, with zero Diagnostics', () => {
    const { doc, report } = bindWeights(buildTemplate('lenet5')!, lenetTensors());
    expect(report.diagnostics).toEqual([]);
    expect(report.unused).toEqual([]);
    expect(doc.bindings[nodeId(doc, 'conv1')]).toEqual({ kernel: 'conv1.weight', bias: 'conv1.bias' });
    expect(doc.bindings[nodeId(doc, 'fc3')]).toEqual({ weight: 'fc3.weight', bias: 'fc3.bias' });
    expect(report.shapes['conv2.weight']).toEqual([16, 6, 5, 5]);
    expect(report.shapes['fc1.weight']).toEqual([120, 400]);
  });

  it('binds a regenerated resnet18 .wts completely', () => {
    const entries = models.resnet18!.state_dict;
    const bytes = encodeWtsBytes(entries.map(([name, shape, dtype]) => ({ name, values: formulaTensor(name, shape, dtype) })));
    const decoded = decodeWts(bytes, { fileName: 'resnet18.wts' });
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    const { doc, report } = bindWeights(buildTemplate('resnet18')!, decoded.tensors);
    expect(report.diagnostics.map((d) => d.severity)).toEqual(['info']);
    expect(report.unused).toEqual(entries.filter(([n]) => n.endsWith('num_batches_tracked')).map(([n]) => n));
    expect(doc.bindings[nodeId(doc, 'layer2.0')]).toMatchObject({
      'conv1.weight': 'layer2.0.conv1.weight',
      'downsample.1.running_var': 'layer2.0.downsample.1.running_var',
    });
  });
});

describe('binding Diagnostics', () => {
  it('names a missing tensor with the name it looked for and its size', () => {
    const tensors = lenetTensors().filter((t) => t.name !== 'conv2.weight');
    const { report } = bindWeights(buildTemplate('lenet5')!, tensors);
    expect(report.diagnostics.map((d) => [d.code, d.message, d.field])).toEqual([
      [
        'weights.missing',
        "Layer 'conv2' (addConvolutionNd) needs its weight slot 'kernel' bound: the weights have no tensor 'conv2.weight' (2400 values [16, 6, 5, 5]). Bind one by hand or rename the layer.",
        'kernel',
      ],
    ]);
  });

  it('says a slot is not bound yet when the file has its tensor, instead of claiming the tensor is missing', () => {
    const doc = buildTemplate('lenet5')!;
    const report = checkBindings(doc, lenetTensors());
    const conv2 = report.diagnostics.find((d) => d.nodeId === nodeId(doc, 'conv2') && d.field === 'kernel');
    expect(conv2?.message).toBe(
      "Layer 'conv2' (addConvolutionNd) weight slot 'kernel' is not bound yet; the weights have the tensor 'conv2.weight' (2400 values [16, 6, 5, 5]): click Auto-map or bind it by hand.",
    );
  });

  it('hints at the class count a wrong-sized classifier implies', () => {
    // A LeNet trained for 26 letters: fc3 is [26, 84].
    const tensors = lenetTensors().map((t) => (t.name === 'fc3.weight' ? { ...t, count: 26 * 84 } : t.name === 'fc3.bias' ? { ...t, count: 26 } : t));
    const { report } = bindWeights(buildTemplate('lenet5')!, tensors);
    expect(report.diagnostics.map((d) => d.message)).toEqual([
      "Layer 'fc3' (Linear) slot 'weight' expects 840 values [10, 84], but the tensor 'fc3.weight' has 2184. It would fit [26, 84]: 26 output features (classes) instead of 10.",
      "Layer 'fc3' (Linear) slot 'bias' expects 10 values [10], but the tensor 'fc3.bias' has 26. It would fit a layer with 26 output features (classes) instead of 10.",
    ]);
    expect(report.slots.filter((s) => s.status === 'wrong-count').map((s) => s.slot)).toEqual(['weight', 'bias']);
  });

  it('hints at the input channels a wrong-sized kernel implies', () => {
    // The first convolution of a model trained on RGB: [6, 3, 5, 5].
    const tensors = lenetTensors().map((t) => (t.name === 'conv1.weight' ? { ...t, count: 6 * 3 * 25 } : t));
    const { report } = bindWeights(buildTemplate('lenet5')!, tensors);
    expect(report.diagnostics.map((d) => d.message)).toEqual([
      "Layer 'conv1' (addConvolutionNd) slot 'kernel' expects 150 values [6, 1, 5, 5], but the tensor 'conv1.weight' has 450. It would fit [18, 1, 5, 5]: 18 output channels instead of 6.",
    ]);
  });

  it('lists unused tensors and notes num_batches_tracked quietly', () => {
    const tensors = [...lenetTensors(), { name: 'fc4.weight', count: 10 }, { name: 'bn.num_batches_tracked', count: 1 }];
    const { report } = bindWeights(buildTemplate('lenet5')!, tensors);
    expect(report.diagnostics.map((d) => [d.severity, d.code, d.message])).toEqual([
      ['warning', 'weights.unused', "1 tensor in the weights is bound to no layer: 'fc4.weight'."],
      ['info', 'weights.unused.num_batches_tracked', "1 num_batches_tracked tensor is not used: BatchNorm's training counter plays no part in inference."],
    ]);
    expect(report.unused).toEqual(['fc4.weight', 'bn.num_batches_tracked']);
  });

  it('reports a tensor bound twice, a binding to an absent tensor and a stale slot', () => {
    const doc = buildTemplate('lenet5')!;
    const fc1 = nodeId(doc, 'fc1');
    const fc2 = nodeId(doc, 'fc2');
    let bound = autoBindWeights(doc, lenetTensors());
    bound = { ...bound, bindings: { ...bound.bindings, [fc2]: { weight: 'fc2.weight', bias: 'fc1.bias', gamma: 'fc2.bias' } } };
    bound = { ...bound, bindings: { ...bound.bindings, [fc1]: { weight: 'fc1.weight_renamed', bias: 'fc1.bias' } } };
    const report = checkBindings(bound, lenetTensors());
    expect(report.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['weights.binding.unknown', "Layer 'fc1' (Linear) slot 'weight' is bound to the tensor 'fc1.weight_renamed', which the loaded weights do not have."],
      [
        'weights.count',
        "Layer 'fc2' (Linear) slot 'bias' expects 84 values [84], but the tensor 'fc1.bias' has 120. It would fit a layer with 120 output features (classes) instead of 84.",
      ],
      [
        'weights.binding.stale',
        "Layer 'fc2' (Linear) has the tensor 'fc2.bias' bound to the slot 'gamma', which it does not have. Linear has the slots 'weight', 'bias' now.",
      ],
      ['weights.bound.twice', "The tensor 'fc1.bias' is bound to 2 slots ('fc1' bias, 'fc2' bias); each slot usually has its own tensor."],
      // A stale binding does not count as a use.
      ['weights.unused', "2 tensors in the weights are bound to no layer: 'fc1.weight', 'fc2.bias'."],
    ]);
  });
});

describe('manual binding', () => {
  it('binds and unbinds by hand without touching the input document', () => {
    const doc = autoBindWeights(buildTemplate('lenet5')!, lenetTensors());
    const conv1 = nodeId(doc, 'conv1');
    const unbound = unbindSlot(doc, conv1, 'bias');
    expect(unbound.bindings[conv1]).toEqual({ kernel: 'conv1.weight' });
    expect(doc.bindings[conv1]).toEqual({ kernel: 'conv1.weight', bias: 'conv1.bias' });
    // conv1's bias is optional: leaving it unbound is no problem.
    expect(checkBindings(unbound, lenetTensors()).diagnostics.map((d) => d.message)).toEqual(["1 tensor in the weights is bound to no layer: 'conv1.bias'."]);
    const rebound = bindSlot(unbound, conv1, 'bias', 'conv1.bias');
    expect(rebound.ok && rebound.value.bindings[conv1]).toEqual({ kernel: 'conv1.weight', bias: 'conv1.bias' });
    expect(unbindSlot(unbindSlot(doc, conv1, 'bias'), conv1, 'kernel').bindings[conv1]).toBeUndefined();
  });

  it('refuses a slot the layer does not have', () => {
    const doc = buildTemplate('lenet5')!;
    const result = bindSlot(doc, nodeId(doc, 'relu1'), 'kernel', 'conv1.weight');
    expect(!result.ok && result.diagnostics.map((d) => d.message)).toEqual(["Layer 'relu1' (addActivation) has no weight slot 'kernel'; it has none."]);
  });

  it('gives a manually bound tensor the shape of its slot', () => {
    const doc = buildTemplate('lenet5')!;
    const tensors = lenetTensors().map((t) => (t.name === 'conv1.weight' ? { ...t, name: 'features.0.weight' } : t));
    const manual = bindSlot(doc, nodeId(doc, 'conv1'), 'kernel', 'features.0.weight');
    expect(manual.ok).toBe(true);
    if (!manual.ok) return;
    const { report } = bindWeights(manual.value, tensors);
    expect(report.diagnostics).toEqual([]);
    expect(report.shapes['features.0.weight']).toEqual([6, 1, 5, 5]);
  });
});

describe('exporting bound weights', () => {
  it('writes the bound tensors back as the identical lenet5.wts', () => {
    const tensors = lenetTensors();
    const { doc } = bindWeights(buildTemplate('lenet5')!, tensors);
    const byName = new Map(tensors.map((t) => [t.name, t.values]));
    const bytes = encodeWtsBytes(boundWeightsForExport(doc, (name) => byName.get(name)));
    expect(Buffer.from(bytes).equals(readFileSync(new URL('lenet5.wts', FIXTURES)))).toBe(true);
  });

  it('names an exported tensor after the layer it is bound to, so the file maps onto this network', () => {
    const doc = buildTemplate('lenet5')!;
    const renamed = lenetTensors().map((t) => ({ ...t, name: `model.${t.name}` }));
    let manual = doc;
    for (const node of doc.nodes) {
      for (const [slot, suffix] of node.type === 'addConvolutionNd'
        ? [
            ['kernel', 'weight'],
            ['bias', 'bias'],
          ]
        : node.type === 'Linear'
          ? [
              ['weight', 'weight'],
              ['bias', 'bias'],
            ]
          : []) {
        const r = bindSlot(manual, node.id, slot!, `model.${node.name}.${suffix}`);
        if (r.ok) manual = r.value;
      }
    }
    const byName = new Map(renamed.map((t) => [t.name, t.values]));
    const exported = boundWeightsForExport(manual, (name) => byName.get(name));
    expect(exported.map((t) => t.name)).toEqual(lenetTensors().map((t) => t.name));
  });
});
