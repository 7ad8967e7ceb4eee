import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { TORCHVISION_STATE_DICTS } from '../layers/torchvision-fixtures.js';
import { lowerToProgram } from '../lower/lower.js';
import type { TrtProgram } from '../program/types.js';
import { buildTemplate } from '../templates/index.js';
import { autoBindWeights } from '../weights/binding.js';
import { formulaTensor } from '../weights/formula.js';
import { encodeWtsBytes } from '../weights/wts-encoder.js';
import { CODEGEN_OPS, generateCpp, generateCppCMake, generatePython, programForCodegen } from './index.js';
import { everyOpProgram } from './every-op.js';
import { templateProgram } from './testing.js';

const GOLDEN = join(__dirname, 'golden');
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const TRT_INCLUDE_DIR = process.env['TRT_INCLUDE_DIR'];

/** Compare with the committed golden file, or rewrite it under UPDATE_GOLDEN=1. */
function expectGolden(file: string, text: string): void {
  const path = join(GOLDEN, file);
  if (UPDATE) writeFileSync(path, text);
  expect(existsSync(path), `${path} is missing; run UPDATE_GOLDEN=1 npx vitest run core/codegen`).toBe(true);
  expect(text).toBe(readFileSync(path, 'utf8'));
}

function unwrap(result: ReturnType<typeof generatePython>): string {
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.value;
}

describe.each(['lenet5', 'resnet18'])('%s', (name) => {
  const program = templateProgram(name);

  test('Python matches the golden file and compiles', () => {
    const text = unwrap(generatePython(program));
    expectGolden(`${name}.py`, text);
    expect(unwrap(generatePython(templateProgram(name)))).toBe(text);
    execFileSync('python3', ['-m', 'py_compile', join(GOLDEN, `${name}.py`)], {
      env: { ...process.env, PYTHONPYCACHEPREFIX: mkdtempSync(join(tmpdir(), 'pyc-')) },
    });
  });

  test('C++ and CMakeLists match the golden files', () => {
    expectGolden(`${name}.cpp`, unwrap(generateCpp(program)));
    expectGolden(`${name}.CMakeLists.txt`, generateCppCMake(program));
  });

  // TensorRT headers are never in the repository or CI; native/README.md says how to fetch them.
  test.skipIf(!TRT_INCLUDE_DIR)('C++ compiles against the TensorRT headers in TRT_INCLUDE_DIR (skipped when unset: no headers in the repo or CI)', () => {
    const cuda = ['/usr/local/cuda/include', '/usr/include'].find((dir) => existsSync(join(dir, 'cuda_runtime_api.h')));
    expect(cuda, 'cuda_runtime_api.h not found in /usr/local/cuda/include or /usr/include').toBeDefined();
    // A full compile (no link): unused-function warnings come from passes -fsyntax-only skips.
    execFileSync(
      'g++',
      ['-std=c++17', '-c', '-o', '/dev/null', '-Wall', '-Wextra', '-Werror', '-isystem', TRT_INCLUDE_DIR!, '-isystem', cuda!, join(GOLDEN, `${name}.cpp`)],
      {
        stdio: 'pipe',
      },
    );
  });
});

describe('generated code', () => {
  test('lenet5 Python names every layer after its canvas node and reads the .wts tensors by PyTorch name', () => {
    const text = unwrap(generatePython(templateProgram('lenet5')));
    expect(text).toContain('conv1 = network.add_convolution_nd(data, 6, (5, 5), W["w0"], W["w1"])');
    expect(text).toContain('name_layer(conv1, "conv1", "n1")');
    expect(text).toContain('"w0": tensor(wts, "conv1.weight", 150),  # shape [6, 1, 5, 5]');
    expect(text).toContain('softmax.axes = 2');
    expect(text).toContain('mark_output(network, prob, "prob", dtype)');
  });

  test('resnet18 recomputes the BatchNorm folds from the four .wts tensors', () => {
    const py = unwrap(generatePython(templateProgram('resnet18')));
    expect(py).toContain('bn_scale(wts, "bn1.weight", "bn1.running_var", 0.00001, 64)');
    expect(py).toContain('bn_shift(wts, "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", 0.00001, 64)');
    const cpp = unwrap(generateCpp(templateProgram('resnet18')));
    expect(cpp).toContain('weights.bnScale("bn1.weight", "bn1.running_var", 0.00001, 64)');
    expect(cpp).toContain('auto* conv1 = added(network.addConvolutionNd(*data, 64, dims({7, 7}), weights.get("w0"), weights.empty()), "conv1");');
  });

  test('an op code generation does not know is a Diagnostic naming the layer and node', () => {
    const program: TrtProgram = { ...templateProgram('lenet5') };
    program.ops = program.ops.map((op, i) => (i === 1 ? { ...op, op: 'addFullyConnected' } : op));
    const py = generatePython(program);
    expect(py.ok).toBe(false);
    if (!py.ok) {
      expect(py.diagnostics[0]!.code).toBe('codegen.op.unknown');
      expect(py.diagnostics[0]!.nodeId).toBe('n2');
      expect(py.diagnostics[0]!.message).toMatch(
        /^Layer 'relu1' uses 'addFullyConnected', which code generation does not implement; supported: addActivation, /,
      );
    }
    expect(generateCpp(program).ok).toBe(false);
  });

  test('a dynamic input gets an optimization profile in both languages', () => {
    const base = templateProgram('lenet5');
    const program: TrtProgram = {
      ...base,
      inputs: [{ ...base.inputs[0]!, dims: [-1, 1, 32, 32], profile: { min: [1, 1, 32, 32], opt: [4, 1, 32, 32], max: [8, 1, 32, 32] } }],
    };
    expect(unwrap(generatePython(program))).toContain('profile.set_shape("data", (1, 1, 32, 32), (4, 1, 32, 32), (8, 1, 32, 32))');
    const cpp = unwrap(generateCpp(program));
    expect(cpp).toContain('profile->setDimensions("data", OptProfileSelector::kMAX, dims({8, 1, 32, 32}));');
    expect(cpp).toContain('context.setInputShape("data", dims({4, 1, 32, 32}));');
  });
});

describe('programForCodegen', () => {
  test('with the .wts names it prints the golden program; without, required slots read their PyTorch names and optional convolution biases stay empty', () => {
    const doc = buildTemplate('lenet5')!;
    const names = templateProgram('lenet5').weights.map((w) => (w.recipe.kind === 'tensor' ? { name: w.recipe.tensor, count: w.count } : undefined));
    const withFile = programForCodegen(
      doc,
      names.filter((n) => n !== undefined),
    );
    if (!withFile.ok) throw new Error(withFile.diagnostics[0]!.message);
    expect(unwrap(generatePython(withFile.value))).toBe(readFileSync(join(GOLDEN, 'lenet5.py'), 'utf8'));
    const alone = programForCodegen(doc);
    if (!alone.ok) throw new Error(alone.diagnostics[0]!.message);
    expect(alone.value.weights.map((w) => (w.recipe.kind === 'tensor' ? w.recipe.tensor : w.recipe.kind))).toEqual([
      'conv1.weight',
      'conv2.weight',
      'fc1.weight',
      'fc1.bias',
      'fc2.weight',
      'fc2.bias',
      'fc3.weight',
      'fc3.bias',
    ]);
  });

  test('a .wts whose tensor has the wrong size fails with the binding Diagnostic', () => {
    const result = programForCodegen(buildTemplate('lenet5')!, [{ name: 'conv1.weight', count: 149 }]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.diagnostics.map((d) => d.code)).toContain('weights.count');
  });
});

const HAS_NUMPY = (() => {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

describe('generated Python weights', () => {
  // Runs the generated script's .wts loader and BatchNorm folds with numpy; a stand-in `tensorrt` module
  // (a test double with only __version__ and DataType) lets it import where TensorRT is not installed.
  test.skipIf(!HAS_NUMPY)('resnet18: the script recomputes every weight bit for bit as the lowering did (skipped without numpy)', () => {
    const entries = TORCHVISION_STATE_DICTS['resnet18']!;
    const values = new Map(entries.map(([name, shape]) => [name, formulaTensor(name, shape)]));
    const doc = autoBindWeights(
      buildTemplate('resnet18')!,
      entries.map(([name, shape]) => ({ name, count: shape.reduce((a, b) => a * b, 1) })),
    );
    const lowered = lowerToProgram(doc, (name) => values.get(name));
    if (!lowered.ok) throw new Error(lowered.diagnostics[0]!.message);
    const dir = mkdtempSync(join(tmpdir(), 'codegen-py-'));
    writeFileSync(join(dir, 'resnet18.wts'), encodeWtsBytes(entries.map(([name]) => ({ name, values: values.get(name)! }))));
    writeFileSync(join(dir, 'build_resnet18.py'), unwrap(generatePython(lowered.value.program)));
    mkdirSync(join(dir, 'tensorrt'));
    writeFileSync(
      join(dir, 'tensorrt', '__init__.py'),
      '"""TEST DOUBLE of the tensorrt module: only what the weight code reads."""\n__version__ = "10.16.0"\n\n\nclass DataType:\n    FLOAT = "FLOAT"\n    HALF = "HALF"\n',
    );
    const script = [
      'import hashlib, importlib.util, sys',
      `sys.path.insert(0, ${JSON.stringify(dir)})`,
      `spec = importlib.util.spec_from_file_location("generated", ${JSON.stringify(join(dir, 'build_resnet18.py'))})`,
      'module = importlib.util.module_from_spec(spec)',
      'spec.loader.exec_module(module)',
      `weights = module.program_weights(module.load_wts(${JSON.stringify(join(dir, 'resnet18.wts'))}), module.trt.DataType.FLOAT)`,
      'for key in sorted(weights): print(key, hashlib.sha256(weights[key].astype("<f4").tobytes()).hexdigest())',
    ].join('\n');
    const printed = execFileSync('python3', ['-c', script], { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    const expected = [...lowered.value.weights]
      .map(
        ([id, data]) =>
          `${id} ${createHash('sha256')
            .update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
            .digest('hex')}`,
      )
      .sort();
    expect(printed.trim().split('\n')).toEqual(expected);
    expect(lowered.value.program.weights.some((w) => w.recipe.kind === 'batchNormShift')).toBe(true);
  });
});

/** major·100 + minor of the headers in TRT_INCLUDE_DIR (both NvInferVersion.h spellings). */
function headerVersion(dir: string): number {
  const header = readFileSync(join(dir, 'NvInferVersion.h'), 'utf8');
  const part = (name: string) => Number(new RegExp(`#define (?:TRT_${name}_ENTERPRISE|NV_TENSORRT_${name})\\s+(\\d+)`).exec(header)![1]);
  return part('MAJOR') * 100 + part('MINOR');
}

/** The `INetworkDefinition` call each op prints, in the Python bindings' and the C++ API's spelling. */
const EXPECTED_CALLS: Record<string, { python: string; cpp: string }> = {
  addActivation: { python: 'add_activation', cpp: 'addActivation' },
  addCast: { python: 'add_cast', cpp: 'addCast' },
  addConcatenation: { python: 'add_concatenation', cpp: 'addConcatenation' },
  addConstant: { python: 'add_constant', cpp: 'addConstant' },
  addConvolutionNd: { python: 'add_convolution_nd', cpp: 'addConvolutionNd' },
  addDeconvolutionNd: { python: 'add_deconvolution_nd', cpp: 'addDeconvolutionNd' },
  addEinsum: { python: 'add_einsum', cpp: 'addEinsum' },
  addElementWise: { python: 'add_elementwise', cpp: 'addElementWise' },
  addGatherV2: { python: 'add_gather_v2', cpp: 'addGatherV2' },
  addIdentity: { python: 'add_identity', cpp: 'addIdentity' },
  addLRN: { python: 'add_lrn', cpp: 'addLRN' },
  addMatrixMultiply: { python: 'add_matrix_multiply', cpp: 'addMatrixMultiply' },
  addNMS: { python: 'add_nms', cpp: 'addNMS' },
  addNormalizationV2: { python: 'add_normalization_v2', cpp: 'addNormalizationV2' },
  addPaddingNd: { python: 'add_padding_nd', cpp: 'addPaddingNd' },
  addParametricReLU: { python: 'add_parametric_relu', cpp: 'addParametricReLU' },
  addPoolingNd: { python: 'add_pooling_nd', cpp: 'addPoolingNd' },
  addReduce: { python: 'add_reduce', cpp: 'addReduce' },
  addResize: { python: 'add_resize', cpp: 'addResize' },
  addScale: { python: 'add_scale_nd', cpp: 'addScaleNd' },
  addSelect: { python: 'add_select', cpp: 'addSelect' },
  addShape: { python: 'add_shape', cpp: 'addShape' },
  addShuffle: { python: 'add_shuffle', cpp: 'addShuffle' },
  addSlice: { python: 'add_slice', cpp: 'addSlice' },
  addSoftMax: { python: 'add_softmax', cpp: 'addSoftMax' },
  addSqueeze: { python: 'add_squeeze', cpp: 'addSqueeze' },
  addTopK: { python: 'add_topk', cpp: 'addTopK' },
  addUnary: { python: 'add_unary', cpp: 'addUnary' },
  addUnsqueeze: { python: 'add_unsqueeze', cpp: 'addUnsqueeze' },
};

describe('every op', () => {
  const program = everyOpProgram();

  test('both generators print every op code generation supports with its exact TensorRT call; the Python compiles', () => {
    const py = unwrap(generatePython(program));
    const cpp = unwrap(generateCpp(program));
    expect(Object.keys(EXPECTED_CALLS).sort()).toEqual([...CODEGEN_OPS].sort());
    for (const [op, call] of Object.entries(EXPECTED_CALLS)) {
      expect(py, op).toContain(`    ${op}_layer = network.${call.python}(`);
      expect(cpp, op).toContain(`  auto* ${op}_layer = added(network.${call.cpp}(`);
    }
    expect(py).toContain('MINIMUM_TRT_VERSION = (10, 15)');
    expect(cpp).toContain('#error "This network uses addNormalizationV2, which needs TensorRT 10.15 or newer."');
    const dir = mkdtempSync(join(tmpdir(), 'codegen-every-'));
    writeFileSync(join(dir, 'every_op.py'), py);
    execFileSync('python3', ['-m', 'py_compile', join(dir, 'every_op.py')], { env: { ...process.env, PYTHONPYCACHEPREFIX: dir } });
  });

  test.skipIf(!TRT_INCLUDE_DIR)(
    'the C++ compiles against TRT_INCLUDE_DIR, or stops at the #error naming the newest op the headers lack (skipped when unset)',
    () => {
      const cuda = ['/usr/local/cuda/include', '/usr/include'].find((d) => existsSync(join(d, 'cuda_runtime_api.h')))!;
      const dir = mkdtempSync(join(tmpdir(), 'codegen-every-'));
      writeFileSync(join(dir, 'every_op.cpp'), unwrap(generateCpp(program)));
      const compile = () =>
        execFileSync(
          'g++',
          ['-std=c++17', '-c', '-o', '/dev/null', '-Wall', '-Wextra', '-Werror', '-isystem', TRT_INCLUDE_DIR!, '-isystem', cuda, join(dir, 'every_op.cpp')],
          { stdio: 'pipe' },
        );
      if (headerVersion(TRT_INCLUDE_DIR!) >= 1015) compile();
      else expect(compile).toThrow(/needs TensorRT 10\.15 or newer/);
    },
  );
});
