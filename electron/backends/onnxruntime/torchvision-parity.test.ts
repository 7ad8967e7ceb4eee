/**
 * The torchvision templates built from blocks, run end to end on ONNX Runtime with the fixtures'
 * formula weights: template → auto-binding by name → lowering → ONNX → ONNX Runtime.
 *
 * Parity with PyTorch needs fixtures/torchvision-parity.json, which bench/torchvision_reference.py
 * writes on a machine with torchvision (`python3 bench/torchvision_reference.py fixtures/torchvision-parity.json`).
 * Until a model is in that file its parity test is listed as a todo, so the report shows it pending.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { TORCHVISION_SOURCE_STATE_DICTS } from '../../../core/templates/torchvision-state-dicts.js';
import { formulaTensor, type StateDictEntry } from '../../../core/weights/formula.js';
import { runTemplate } from './template-run.testing.js';

const FIXTURES = new URL('../../../fixtures/', import.meta.url);
const REFERENCE_FILE = new URL('torchvision-parity.json', FIXTURES);

const MODELS = JSON.parse(readFileSync(new URL('models.json', FIXTURES), 'utf8')) as Record<string, { state_dict: StateDictEntry[] }>;

/** What bench/torchvision_reference.py writes for each model. */
interface TorchReference {
  input_shape: number[];
  top5: number[];
  logits: number[];
  state_dict: StateDictEntry[];
}
const REFERENCES: Record<string, TorchReference> = existsSync(REFERENCE_FILE)
  ? (JSON.parse(readFileSync(REFERENCE_FILE, 'utf8')) as { models: Record<string, TorchReference> }).models
  : {};

const TEMPLATES = ['shufflenet_v2_x1_0', 'densenet121', 'efficientnet_b0', 'googlenet', 'mobilenet_v3_small', 'regnet_x_400mf', 'resnext50_32x4d'];
const INPUT_SHAPE = [1, 3, 224, 224];

function stateDict(name: string): StateDictEntry[] {
  const entries = MODELS[name]?.state_dict ?? TORCHVISION_SOURCE_STATE_DICTS[name];
  if (!entries) throw new Error(`No state_dict is listed for '${name}'.`);
  return entries;
}

/** The template's logits for the formula input, with the formula weights bound by name. */
async function formulaLogits(template: string): Promise<{ dims: number[]; data: Float32Array }> {
  const tensors = new Map(stateDict(template).map(([name, shape, dtype]) => [name, formulaTensor(name, shape, dtype)]));
  return runTemplate(template, tensors, INPUT_SHAPE, 'logits');
}

const logits = new Map<string, Promise<{ dims: number[]; data: Float32Array }>>();
function logitsOf(template: string) {
  if (!logits.has(template)) logits.set(template, formulaLogits(template));
  return logits.get(template)!;
}

describe('torchvision templates on ONNX Runtime with formula weights', () => {
  for (const template of TEMPLATES)
    test(`${template} gives 1000 finite, distinct logits`, { timeout: 120_000 }, async () => {
      const { dims, data } = await logitsOf(template);
      expect(dims).toEqual([1, 1000]);
      expect(data.every(Number.isFinite)).toBe(true);
      // Not a constant: a lost input or a zeroed branch would flatten the logits.
      expect(new Set(data).size).toBeGreaterThan(990);
    });
});

describe('torchvision templates match PyTorch (fixtures/torchvision-parity.json)', () => {
  for (const template of TEMPLATES) {
    const reference = REFERENCES[template];
    if (!reference) {
      test.todo(`${template}: pending — no PyTorch reference in fixtures/torchvision-parity.json (run bench/torchvision_reference.py with torchvision)`);
      continue;
    }
    test(`${template} reproduces PyTorch's logits within 1e-4 and its top-5`, { timeout: 120_000 }, async () => {
      expect(reference.input_shape).toEqual(INPUT_SHAPE);
      // The weights the formula gives here are the ones PyTorch had: same names, shapes and dtypes.
      expect(stateDict(template)).toEqual(reference.state_dict);
      const { data } = await logitsOf(template);
      const largest = Math.max(...reference.logits.map(Math.abs));
      const worst = Math.max(...reference.logits.map((v, i) => Math.abs(v - data[i]!)));
      expect(data.length).toBe(reference.logits.length);
      expect(worst).toBeLessThanOrEqual(1e-4 * largest);
      const top5 = [...data.keys()].sort((a, b) => data[b]! - data[a]!).slice(0, 5);
      expect(top5).toEqual(reference.top5);
    });
  }
});
