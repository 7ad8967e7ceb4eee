/**
 * The generated Python scripts run end to end against the TensorRT test double in
 * core/codegen/tensorrt-test-double (not TensorRT): it records the network a script defines and
 * refuses attribute names the real bindings lack, so these tests check the script's control flow,
 * the calls it makes and the weights it hands over. Skipped where numpy is missing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { TrtProgram } from '../program/types.js';
import { encodeWtsBytes } from '../weights/wts-encoder.js';
import { everyOpProgram } from './every-op.js';
import { generatePython } from './index.js';
import { templateProgram } from './testing.js';

const DOUBLE = join(__dirname, 'tensorrt-test-double');
const LENET_WTS = resolve(__dirname, '../../fixtures/lenet5.wts');
const HAS_NUMPY = (() => {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

interface RecordedLayer {
  method: string;
  args: unknown[];
  attributes: Record<string, unknown>;
  outputs: string[];
}
interface Recorded {
  name: string;
  flags: number;
  inputs: { name: string; dtype: string; shape: number[] }[];
  layers: RecordedLayer[];
  outputs: { name: string; dtype: string }[];
  config: { memory_pool_limits: Record<string, number>; profiling_verbosity: string; profiles: Record<string, number[][]>[] };
}

/** Run a generated script with the double on PYTHONPATH; returns what it printed and the recorded network. */
function runScript(program: TrtProgram, args: string[]): { printed: string; recorded: Recorded } {
  const generated = generatePython(program);
  if (!generated.ok) throw new Error(generated.diagnostics[0]!.message);
  const dir = mkdtempSync(join(tmpdir(), 'codegen-run-'));
  const script = join(dir, 'build.py');
  writeFileSync(script, generated.value);
  const engine = join(dir, 'out.engine');
  const printed = execFileSync('python3', [script, '--engine', engine, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: DOUBLE, PYTHONDONTWRITEBYTECODE: '1' },
  });
  return { printed, recorded: JSON.parse(readFileSync(engine, 'utf8')) as Recorded };
}

describe.skipIf(!HAS_NUMPY)('generated Python against the TensorRT test double (skipped without numpy)', () => {
  const program = templateProgram('lenet5');

  test('lenet5: one layer per op, named and tagged with its node, the .wts weights handed over, prob marked; strongly typed on 10', () => {
    const { printed, recorded } = runScript(program, ['--weights', LENET_WTS, '--workspace', '64']);
    expect(printed).toMatch(/^Wrote .*out\.engine \(\d+ bytes\) for lenet5 with TensorRT 10\.16\.0\.\n$/);
    expect(recorded.name).toBe('lenet5');
    expect(recorded.flags).toBe(2);
    expect(recorded.inputs).toEqual([{ name: 'data', dtype: 'DataType.FLOAT', shape: [1, 1, 32, 32] }]);
    expect(recorded.layers.map((l) => [l.attributes['name'], l.attributes['metadata']])).toEqual(program.ops.map((op) => [op.layerName, op.nodeId]));
    expect(recorded.layers.map((l) => l.outputs[0])).toEqual(program.ops.map((op) => op.outputs['output']));
    expect(recorded.layers[0]!.args).toEqual([{ tensor: 'data' }, 6, [5, 5], { weights: 'float32', count: 150 }, { weights: 'float32', count: 6 }]);
    expect(recorded.layers.find((l) => l.attributes['name'] === 'softmax')!.attributes['axes']).toBe(2);
    expect(recorded.outputs).toEqual([{ name: 'prob', dtype: 'DataType.FLOAT' }]);
    expect(recorded.config).toEqual({
      memory_pool_limits: { 'MemoryPoolType.WORKSPACE': 64 * 2 ** 20 },
      profiling_verbosity: 'ProfilingVerbosity.DETAILED',
      profiles: [],
    });
  });

  test('lenet5 --fp16: the input cast to HALF, every weight float16, the output cast back to FLOAT', () => {
    const { recorded } = runScript(program, ['--weights', LENET_WTS, '--fp16']);
    const names = recorded.layers.map((l) => l.attributes['name']);
    expect(names[0]).toBe('data.cast');
    expect(recorded.layers[0]!.args).toEqual([{ tensor: 'data' }, 'DataType.HALF']);
    expect(names[names.length - 1]).toBe('prob.cast');
    const weights = recorded.layers.flatMap((l) => l.args).filter((a): a is { weights: string } => typeof a === 'object' && a !== null && 'weights' in a);
    expect(weights).toHaveLength(10);
    expect(new Set(weights.map((w) => w.weights))).toEqual(new Set(['float16']));
    expect(recorded.outputs).toEqual([{ name: 'prob', dtype: 'DataType.FLOAT' }]);
  });

  test('--fp16: a cast to FLOAT (a mask made real numbers) casts to HALF, so the product after it has one type; a cast to INT32 stays', () => {
    const op = (layerName: string, kind: string, params: TrtProgram['ops'][number]['params'], inputs: Record<string, string>) => ({
      op: kind,
      layerName,
      nodeId: 'mask',
      params,
      inputs,
      outputs: { output: layerName },
      outputInfo: { output: { dims: [1, 4], dtype: 'FLOAT' as const } },
      weights: {},
    });
    const masked: TrtProgram = {
      formatVersion: 1,
      name: 'masked',
      inputs: [{ name: 'x', dtype: 'FLOAT', dims: [1, 4], nodeId: 'x' }],
      ops: [
        op('equal', 'addElementWise', { operation: 'EQUAL' }, { input1: 'x', input2: 'x' }),
        op('mask', 'addCast', { toType: 'FLOAT' }, { input: 'equal' }),
        op('masked', 'addElementWise', { operation: 'PROD' }, { input1: 'x', input2: 'mask' }),
        op('index', 'addCast', { toType: 'INT32' }, { input: 'masked' }),
      ],
      outputs: [
        { name: 'masked', tensor: 'masked' },
        { name: 'index', tensor: 'index' },
      ],
      weights: [],
    };
    const dir = mkdtempSync(join(tmpdir(), 'codegen-run-'));
    const wts = join(dir, 'none.wts');
    writeFileSync(wts, encodeWtsBytes([]));
    const casts = (recorded: Recorded) => recorded.layers.filter((l) => l.method === 'add_cast').map((l) => [l.attributes['name'], l.args[1]]);
    const half = runScript(masked, ['--weights', wts, '--fp16']).recorded;
    expect(casts(half)).toEqual([
      ['x.cast', 'DataType.HALF'],
      ['mask', 'DataType.HALF'],
      ['index', 'DataType.INT32'],
      ['masked.cast', 'DataType.FLOAT'],
    ]);
    expect(half.outputs).toEqual([
      { name: 'masked', dtype: 'DataType.FLOAT' },
      { name: 'index', dtype: 'DataType.INT32' },
    ]);
    expect(casts(runScript(masked, ['--weights', wts]).recorded)).toEqual([
      ['mask', 'DataType.FLOAT'],
      ['index', 'DataType.INT32'],
    ]);
  });

  test('--fp16: a constant only an integer cast reads goes in as float32, one a product reads as float16', () => {
    const op = (layerName: string, kind: string, params: TrtProgram['ops'][number]['params'], inputs: Record<string, string>, weights = {}) => ({
      op: kind,
      layerName,
      nodeId: layerName,
      params,
      inputs,
      outputs: { output: layerName },
      outputInfo: { output: { dims: [1, 2], dtype: 'FLOAT' as const } },
      weights,
    });
    const tables: TrtProgram = {
      formatVersion: 1,
      name: 'tables',
      inputs: [{ name: 'x', dtype: 'FLOAT', dims: [1, 2], nodeId: 'x' }],
      ops: [
        op('rows', 'addConstant', { dimensions: [2] }, {}, { weights: 'w_rows' }),
        op('rows_int', 'addCast', { toType: 'INT32' }, { input: 'rows' }),
        op('scale', 'addConstant', { dimensions: [1, 1] }, {}, { weights: 'w_scale' }),
        op('scaled', 'addElementWise', { operation: 'PROD' }, { input1: 'x', input2: 'scale' }),
      ],
      outputs: [
        { name: 'rows_int', tensor: 'rows_int' },
        { name: 'scaled', tensor: 'scaled' },
      ],
      weights: [
        { id: 'w_rows', recipe: { kind: 'values', values: [257, 2049] }, count: 2, shape: [2] },
        { id: 'w_scale', recipe: { kind: 'values', values: [0.5] }, count: 1, shape: [1, 1] },
      ],
    };
    const dir = mkdtempSync(join(tmpdir(), 'codegen-run-'));
    const wts = join(dir, 'none.wts');
    writeFileSync(wts, encodeWtsBytes([]));
    const constants = (args: string[]) =>
      runScript(tables, ['--weights', wts, ...args])
        .recorded.layers.filter((l) => l.method === 'add_constant')
        .map((l) => [l.attributes['name'], l.args[1]]);
    expect(constants(['--fp16'])).toEqual([
      ['rows', { weights: 'float32', count: 2 }],
      ['scale', { weights: 'float16', count: 1 }],
    ]);
    expect(constants([])).toEqual([
      ['rows', { weights: 'float32', count: 2 }],
      ['scale', { weights: 'float32', count: 1 }],
    ]);
  });

  test('a .wts that does not fit stops the script with the tensor named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codegen-run-'));
    const wts = join(dir, 'bad.wts');
    writeFileSync(wts, '1\nconv1.weight 2 3f800000 3f800000\n');
    expect(() => runScript(program, ['--weights', wts])).toThrow(/Tensor 'conv1\.weight' has 2 values; the network expects 150\./);
  });

  test('every op: the script runs through every emitter, setting only attributes the bindings have', () => {
    const every = everyOpProgram();
    const dir = mkdtempSync(join(tmpdir(), 'codegen-run-'));
    const wts = join(dir, 'w.wts');
    writeFileSync(wts, encodeWtsBytes([{ name: 'w', values: Float32Array.of(1) }]));
    const { recorded } = runScript(every, ['--weights', wts]);
    // Helper constants (squeeze axes, NMS's box limit and thresholds) are named after the layer they feed.
    const helper = /\.(axes|max_output_boxes_per_class|iou_threshold|score_threshold)$/;
    const methods = recorded.layers.filter((l) => !helper.test(String(l.attributes['name']))).map((l) => l.method);
    expect(methods).toHaveLength(every.ops.length);
    expect(methods).toContain('add_normalization_v2');
    expect(recorded.layers.filter((l) => String(l.attributes['name']).endsWith('.axes')).map((l) => l.args[1])).toEqual([
      { weights: 'int64', count: expect.any(Number) as number },
      { weights: 'int64', count: expect.any(Number) as number },
    ]);
  });

  test('a dynamic input gets its optimization profile', () => {
    const dynamic: TrtProgram = {
      ...program,
      inputs: [{ ...program.inputs[0]!, dims: [-1, 1, 32, 32], profile: { min: [1, 1, 32, 32], opt: [4, 1, 32, 32], max: [8, 1, 32, 32] } }],
    };
    const { recorded } = runScript(dynamic, ['--weights', LENET_WTS]);
    expect(recorded.config.profiles).toEqual([
      {
        data: [
          [1, 1, 32, 32],
          [4, 1, 32, 32],
          [8, 1, 32, 32],
        ],
      },
    ]);
  });
});
