import { describe, expect, it } from 'vitest';
import { lowerToProgram, type LoweredProgram } from '../lower/lower.js';
import { inferShapes } from '../shapes/infer.js';
import { templateBuilder } from '../templates/builder.js';
import { autoBindWeights, torchTensorName } from '../weights/binding.js';
import { formulaTensor } from '../weights/formula.js';
import { canvasTargets, exposeTensors, matchReferenceKeys, ProgramTensors } from './match.js';

/** data → conv1 (BasicConv2d: conv, bn, relu) → features.0 (ConvBnAct with SiLU: 0, 1, 2 = sigmoid then 2.mul) → avgpool → out. */
function lowered(): LoweredProgram {
  const b = templateBuilder('match');
  let x = b.input('data', [1, 3, 8, 8]);
  x = b.chain('BasicConv2d', 'conv1', { outChannels: 4, kernelSize: 3, padding: 1 }, x);
  x = b.chain('ConvBnAct', 'features.0', { outChannels: 4, kernelSize: 1, activation: 'SILU' }, x);
  x = b.chain('addReduce', 'avgpool', { operation: 'AVG', axes: [2, 3], keepDimensions: true }, x);
  b.output('out', x);
  const doc = b.finish();
  const shapes = inferShapes(doc);
  const tensors = new Map(
    doc.nodes.flatMap((n) =>
      (shapes.nodes[n.id]?.weights ?? []).map((slot) => {
        const name = torchTensorName(n.name, slot);
        return [name, formulaTensor(name, slot.shape ?? [slot.count ?? 0])] as const;
      }),
    ),
  );
  const bound = autoBindWeights(
    doc,
    [...tensors].map(([name, values]) => ({ name, count: values.length })),
  );
  const result = lowerToProgram(bound, (name) => tensors.get(name));
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.value;
}

describe('matching reference keys to layers', () => {
  const program = lowered();
  const tensors = new ProgramTensors(program);

  it('lowering names the layers inside composites <instance>.<inner> and records each composite instance’s output', () => {
    expect(program.program.ops.map((op) => op.layerName)).toEqual([
      'conv1.conv',
      'conv1.bn.scale',
      'conv1.relu',
      'features.0.0',
      'features.0.1.scale',
      'features.0.2',
      'features.0.2.mul',
      'avgpool',
    ]);
    expect(Object.fromEntries(program.compositeOutputs)).toEqual({
      'conv1.bn': { output: 'conv1.bn.scale:output' },
      conv1: { output: 'conv1.relu:output' },
      'features.0.1': { output: 'features.0.1.scale:output' },
      'features.0': { output: 'features.0.2.mul:output' },
    });
  });

  it('resolves a composite instance, the layers inside it, a two-layer activation, a container and output; the rest is unmatched', () => {
    const keys = ['output', 'features', 'features.0.2', 'features.0', 'conv1', 'conv1.bn', 'conv1.conv', 'conv', 'conv1.relu6', 'dropout'];
    const { targets, unmatched } = matchReferenceKeys(tensors, keys);
    expect(targets.map((t) => [t.layer, t.reference, t.tensor, t.order])).toEqual([
      ['conv1.conv', 'conv1.conv', 'conv1.conv:output', 0],
      ['conv1.bn', 'conv1.bn', 'conv1.bn.scale:output', 1],
      ['conv1', 'conv1', 'conv1.relu:output', 2],
      // SiLU is a sigmoid layer named after the module and its product `.mul`: the module's output is the product.
      ['features.0.2', 'features.0.2', 'features.0.2.mul:output', 6],
      ['features.0', 'features.0', 'features.0.2.mul:output', 6],
      // A PyTorch container with no layer of its own: the last layer inside it.
      ['features', 'features', 'features.0.2.mul:output', 6],
      ['out', 'output', 'out', 7],
    ]);
    expect(unmatched).toEqual(['conv', 'conv1.relu6', 'dropout']);
  });

  it('gives each target its dims and the canvas node it belongs to', () => {
    const [conv] = matchReferenceKeys(tensors, ['conv1.conv']).targets;
    expect(conv!.dims).toEqual([1, 4, 8, 8]);
    expect(conv!.nodeId).toBe('n1');
    expect(matchReferenceKeys(tensors, ['avgpool']).targets[0]).toMatchObject({ dims: [1, 4, 1, 1], nodeId: 'n3', tensor: 'out' });
  });

  it('compares every canvas layer between two backends', () => {
    expect(canvasTargets(tensors, ['avgpool', 'conv1', 'features.0'], 'tensorrt').map((t) => [t.layer, t.reference, t.tensor])).toEqual([
      ['conv1', 'tensorrt', 'conv1.relu:output'],
      ['features.0', 'tensorrt', 'features.0.2.mul:output'],
      ['avgpool', 'tensorrt', 'out'],
    ]);
  });
});

describe('comparing two backends', () => {
  it('leaves out layers whose output is not floating-point (a shape, indices)', () => {
    const b = templateBuilder('mixed');
    const x = b.input('data', [1, 3, 8, 8]);
    b.output('y', b.chain('addActivation', 'act', { type: 'RELU' }, x));
    b.output('s', b.chain('addShape', 'size', {}, x));
    const result = lowerToProgram(b.finish(), () => undefined);
    if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
    const tensors = new ProgramTensors(result.value);
    expect(tensors.resolve('size', 'tensorrt')?.dtype).toMatch(/^INT/);
    expect(canvasTargets(tensors, ['size', 'act'], 'tensorrt').map((t) => t.layer)).toEqual(['act']);
  });
});

describe('exposeTensors', () => {
  it('marks each tensor once as an extra output under its own name, keeps the marked ones, and leaves the program as it was', () => {
    const { program } = lowered();
    const before = JSON.stringify(program);
    const exposed = exposeTensors(program, ['conv1.conv:output', 'out', 'conv1.conv:output', 'features.0.2.mul:output']);
    expect(exposed.program.outputs).toEqual([
      { name: 'out', tensor: 'out' },
      { name: 'conv1.conv:output', tensor: 'conv1.conv:output' },
      { name: 'features.0.2.mul:output', tensor: 'features.0.2.mul:output' },
    ]);
    expect(Object.fromEntries(exposed.outputOf)).toEqual({
      out: 'out',
      'conv1.conv:output': 'conv1.conv:output',
      'features.0.2.mul:output': 'features.0.2.mul:output',
    });
    expect(JSON.stringify(program)).toBe(before);
  });
});
