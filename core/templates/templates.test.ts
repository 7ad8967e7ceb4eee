import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProject, serializeProject } from '../network/project-file.js';
import { inferShapes } from '../shapes/infer.js';
import { bindWeights } from '../weights/binding.js';
import type { StateDictEntry } from '../weights/formula.js';
import { buildTemplate, listTemplates } from './index.js';
import { TORCHVISION_SOURCE_STATE_DICTS } from './torchvision-state-dicts.js';
import { YOLO_SOURCE_STATE_DICTS, YOLOV8N_FROM_SOURCE } from './yolo-state-dicts.js';

const models = JSON.parse(readFileSync(new URL('../../fixtures/models.json', import.meta.url), 'utf8')) as Record<
  string,
  { input_shape: number[]; state_dict: StateDictEntry[] }
>;
const volume = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

const EXPECTED_OUTPUT: Record<string, { name: string; dims: number[] }> = {
  lenet5: { name: 'prob', dims: [1, 10] },
  yolov8n: { name: 'output0', dims: [1, 84, 8400] },
  yolov8s: { name: 'output0', dims: [1, 84, 8400] },
  yolov5s: { name: 'output0', dims: [1, 25200, 85] },
};
const inputShape = (name: string) =>
  models[name]?.input_shape ?? (name === 'lenet5' ? [1, 1, 32, 32] : name.startsWith('yolo') ? [1, 3, 640, 640] : [1, 3, 224, 224]);

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
      'resnext50_32x4d',
      'shufflenet_v2_x1_0',
      'densenet121',
      'efficientnet_b0',
      'googlenet',
      'mobilenet_v3_small',
      'regnet_x_400mf',
      'yolov8n',
      'yolov8s',
      'yolov5s',
    ]);
    expect(buildTemplate('resnet-18')).toBeUndefined();
  });

  for (const { name } of listTemplates())
    it(`${name} infers with no Diagnostics, the PyTorch input and output, and survives a save and load`, () => {
      const doc = buildTemplate(name)!;
      const shapes = inferShapes(doc);
      expect(shapes.diagnostics).toEqual([]);
      expect(doc.inputs.map((i) => [i.name, i.dims])).toEqual([['data', inputShape(name)]]);
      const expected = EXPECTED_OUTPUT[name] ?? { name: 'logits', dims: [1, 1000] };
      expect(doc.outputs.map((o) => [o.name, shapes.nodes[o.from.node]?.outputs[o.from.port]?.dims])).toEqual([[expected.name, expected.dims]]);
      // Laid out left to right: every wire goes rightwards.
      for (const e of doc.edges) expect(doc.ui.positions[e.to.node]!.x).toBeGreaterThan(doc.ui.positions[e.from.node]!.x);
      const loaded = parseProject(serializeProject(doc), `${name}.trtstudio`);
      expect(loaded.ok && loaded.value).toEqual(doc);
    });
});

/** Templates built from blocks, and how many nodes each shows at the top level. */
const BLOCK_TEMPLATES: Record<string, number> = {
  resnext50_32x4d: 22,
  shufflenet_v2_x1_0: 21,
  densenet121: 15,
  efficientnet_b0: 20,
  googlenet: 18,
  mobilenet_v3_small: 18,
  regnet_x_400mf: 25,
  yolov8n: 23,
  yolov8s: 23,
  yolov5s: 25,
};

describe('templates built from blocks', () => {
  for (const [name, count] of Object.entries(BLOCK_TEMPLATES))
    it(`${name} shows ${count} nodes at the top level (at most 40)`, () => {
      expect(buildTemplate(name)!.nodes.length).toBe(count);
      expect(count).toBeLessThanOrEqual(40);
    });
});

/**
 * Every model's state_dict: fixtures/models.json (written by PyTorch), and for the models it lacks
 * the lists written from torchvision's source in torchvision-state-dicts.ts and from ultralytics'
 * module constructors in yolo-state-dicts.ts.
 */
const STATE_DICTS: [string, StateDictEntry[]][] = [
  ...Object.entries(models).map(([name, facts]): [string, StateDictEntry[]] => [name, facts.state_dict]),
  ...Object.entries(TORCHVISION_SOURCE_STATE_DICTS),
  ...Object.entries(YOLO_SOURCE_STATE_DICTS),
];

describe("binding each fixture model's state_dict onto its template", () => {
  it('checks every template whose state_dict is listed: all but resnet34, resnet152, vgg11, vgg16 and vgg16_bn', () => {
    const covered = STATE_DICTS.map(([name]) => name).filter((name) => listTemplates().some((t) => t.name === name));
    expect(covered.sort()).toEqual(
      [
        'densenet121',
        'efficientnet_b0',
        'googlenet',
        'lenet5',
        'mobilenet_v2',
        'mobilenet_v3_small',
        'regnet_x_400mf',
        'resnet101',
        'resnet18',
        'resnet50',
        'resnext50_32x4d',
        'shufflenet_v2_x1_0',
        'squeezenet1_1',
        'vgg11_bn',
        'yolov8n',
        'yolov8s',
        'yolov5s',
      ].sort(),
    );
  });

  it("writes yolov8n's state_dict from ultralytics' constructors exactly as PyTorch listed it, so the yolov8s and yolov5s lists are written the same way", () => {
    expect(YOLOV8N_FROM_SOURCE).toEqual(models.yolov8n!.state_dict);
  });

  for (const [name, stateDict] of STATE_DICTS) {
    if (!listTemplates().some((t) => t.name === name)) continue;
    const facts = { state_dict: stateDict };
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
