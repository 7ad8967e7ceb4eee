import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProject, serializeProject } from '../network/project-file.js';
import { inferShapes } from '../shapes/infer.js';
import { bindWeights } from '../weights/binding.js';
import type { StateDictEntry } from '../weights/formula.js';
import { buildTemplate, listTemplates } from './index.js';

const models = JSON.parse(readFileSync(new URL('../../fixtures/models.json', import.meta.url), 'utf8')) as Record<
  string,
  { input_shape: number[]; state_dict: StateDictEntry[] }
>;
const volume = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

const EXPECTED_OUTPUT: Record<string, { name: string; dims: number[] }> = { lenet5: { name: 'prob', dims: [1, 10] } };

describe('templates', () => {
  it('has torchvision model names', () => {
    expect(listTemplates().map((t) => t.name)).toEqual([
      'lenet5',
      'resnet18',
      'resnet34',
      'resnet50',
      'resnet101',
      'resnet152',
      'vgg11',
      'vgg11_bn',
      'vgg16',
      'vgg16_bn',
      'mobilenet_v2',
      'squeezenet1_1',
    ]);
    expect(buildTemplate('resnet-18')).toBeUndefined();
  });

  for (const { name } of listTemplates())
    it(`${name} infers with no Diagnostics, the PyTorch input and output, and survives a save and load`, () => {
      const doc = buildTemplate(name)!;
      const shapes = inferShapes(doc);
      expect(shapes.diagnostics).toEqual([]);
      expect(doc.inputs.map((i) => [i.name, i.dims])).toEqual([['data', models[name]?.input_shape ?? (name === 'lenet5' ? [1, 1, 32, 32] : [1, 3, 224, 224])]]);
      const expected = EXPECTED_OUTPUT[name] ?? { name: 'logits', dims: [1, 1000] };
      expect(doc.outputs.map((o) => [o.name, shapes.nodes[o.from.node]?.outputs[o.from.port]?.dims])).toEqual([[expected.name, expected.dims]]);
      // Laid out left to right: every wire goes rightwards.
      for (const e of doc.edges) expect(doc.ui.positions[e.to.node]!.x).toBeGreaterThan(doc.ui.positions[e.from.node]!.x);
      const loaded = parseProject(serializeProject(doc), `${name}.trtstudio`);
      expect(loaded.ok && loaded.value).toEqual(doc);
    });
});

describe("binding each fixture model's state_dict onto its template", () => {
  for (const [name, facts] of Object.entries(models)) {
    if (!listTemplates().some((t) => t.name === name)) continue;
    it(`${name}: every tensor bound, each with its PyTorch shape, no Diagnostics but the num_batches_tracked note`, () => {
      const doc = buildTemplate(name)!;
      const tensors = facts.state_dict.map(([tensor, shape]) => ({ name: tensor, count: volume(shape) }));
      const { doc: bound, report } = bindWeights(doc, tensors);
      const counters = facts.state_dict.filter(([t]) => t.endsWith('num_batches_tracked')).length;
      expect(report.diagnostics).toEqual(
        counters > 0
          ? [
              {
                severity: 'info',
                code: 'weights.unused.num_batches_tracked',
                message: `${counters} num_batches_tracked tensor${counters === 1 ? ' is' : 's are'} not used: BatchNorm's training counter plays no part in inference.`,
              },
            ]
          : [],
      );
      const withShapes = facts.state_dict.filter(([t]) => !t.endsWith('num_batches_tracked'));
      expect(report.shapes).toEqual(Object.fromEntries(withShapes.map(([t, shape]) => [t, shape])));
      expect(report.slots.every((s) => s.status === 'bound' || s.status === 'unbound-optional')).toBe(true);
      const boundCount = Object.values(bound.bindings).reduce((sum, slots) => sum + Object.keys(slots).length, 0);
      expect(boundCount).toBe(withShapes.length);
    });
  }
});
