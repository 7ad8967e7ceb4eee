/**
 * Generated code for detectors: yolov8n's C++ and Python against golden files (the anchor grids spelled
 * as runs), the C++ compiled against TensorRT's headers, and the C++ detection code (PPM reading,
 * letterbox, decode, NMS, printing) compiled on its own and run against TRT Studio's host results.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { getLayerSpec } from '../layers/catalog.js';
import { completeParams } from '../layers/params.js';
import { COCO_CLASSES } from '../run/coco.js';
import { decodeYolo } from '../run/detection.js';
import { detectionsInImage, detectorOutputs } from '../run/detector.js';
import { letterboxImage } from '../run/letterbox.js';
import { buildTemplate } from '../templates/index.js';
import { detectionHelpers } from './cpp-detection.js';
import { generateCpp, generatePython, programForCodegen } from './index.js';
import { expandValueRuns } from './value-runs.js';
import { templateProgram } from './testing.js';

const GOLDEN = join(__dirname, 'golden');
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const TRT_INCLUDE_DIR = process.env['TRT_INCLUDE_DIR'];
const CUDA_INCLUDE = ['/usr/local/cuda/include', '/usr/include'].find((dir) => existsSync(join(dir, 'cuda_runtime_api.h')));

function expectGolden(file: string, text: string): void {
  const path = join(GOLDEN, file);
  if (UPDATE) writeFileSync(path, text);
  expect(existsSync(path), `${path} is missing; run UPDATE_GOLDEN=1 npx vitest run core/codegen`).toBe(true);
  expect(text).toBe(readFileSync(path, 'utf8'));
}

function unwrap(result: ReturnType<typeof generateCpp>): string {
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.value;
}

const compileArgs = (file: string) => ['-std=c++17', '-Wall', '-Wextra', '-Werror', '-isystem', TRT_INCLUDE_DIR!, '-isystem', CUDA_INCLUDE!, file];

describe('yolov8n', () => {
  const program = templateProgram('yolov8n');
  const detector = detectorOutputs(buildTemplate('yolov8n')!)[0]!;
  const cpp = unwrap(generateCpp(program, { detector }));

  test('C++ and Python match the golden files; the anchor grid and strides are runs, not 25,200 literals', () => {
    expectGolden('yolov8n.cpp', cpp);
    const py = unwrap(generatePython(program));
    expectGolden('yolov8n.py', py);
    expect(cpp).toContain('valueRuns(16800, 1, {{0.5, 1.0, 80}, {0.5, 1.0, 80},');
    expect(cpp).toContain('valueRuns(8400, 1, {{8.0, 0.0, 6400}, {16.0, 0.0, 1600}, {32.0, 0.0, 400}})');
    expect(py).toContain('value_runs(8400, 1, [(8.0, 0.0, 6400), (16.0, 0.0, 1600), (32.0, 0.0, 400)])');
    expect(cpp.length).toBeLessThan(220_000);
    expect(cpp).toContain('char const* const kDetectionOutput = "output0";');
    expect(cpp).toContain('[--image FILE.ppm] [--conf X] [--iou X]');
  });

  test('a classifier gets no detection code', () => {
    expect(unwrap(generateCpp(templateProgram('lenet5')))).not.toContain('kDetectionOutput');
  });

  test.skipIf(!TRT_INCLUDE_DIR || !CUDA_INCLUDE)('the C++ compiles against TRT_INCLUDE_DIR (skipped when unset)', () => {
    execFileSync('g++', ['-c', '-o', '/dev/null', ...compileArgs(join(GOLDEN, 'yolov8n.cpp'))], { stdio: 'pipe' });
  });
});

describe('yolov8n with the YOLO postprocess appended', () => {
  const doc = buildTemplate('yolov8n')!;
  doc.nodes.push({ id: 'post', type: 'YoloPostprocess', name: 'postprocess', params: completeParams(getLayerSpec('YoloPostprocess')!.params, {}) });
  doc.edges.push({ id: 'to-post', from: doc.outputs[0]!.from, to: { node: 'post', port: 'input' } });
  doc.outputs = [
    { name: 'detections', from: { node: 'post', port: 'detections' } },
    { name: 'count', from: { node: 'post', port: 'count' } },
  ];
  const program = programForCodegen(doc);
  if (!program.ok) throw new Error(program.diagnostics.map((d) => d.message).join('\n'));
  const detector = detectorOutputs(doc)[0]!;

  test('the C++ reads the rows output and the Python script compiles', () => {
    expect(detector).toEqual({ output: 'detections', format: 'rows', classes: 80 });
    const cpp = unwrap(generateCpp(program.value, { detector }));
    expect(cpp).toContain('DetectionFormat const kDetectionFormat = DetectionFormat::kRows;');
    expect(cpp).toContain('auto* postprocess_nms = added(network.addNMS(');
    // Casts to FLOAT follow the compute type (HALF under --fp16) as in the bridge; casts to indices do not.
    expect(cpp).toMatch(/auto\* postprocess_is_best = added\(network\.addCast\(\*\w+, type\), "postprocess\.is_best"\);/);
    expect(cpp).toMatch(/auto\* postprocess_kept_classes = added\(network\.addCast\(\*\w+, type\), "postprocess\.kept_classes"\);/);
    expect(cpp).toMatch(/auto\* postprocess_row_indices = added\(network\.addCast\(\*\w+, DataType::kINT32\), "postprocess\.row_indices"\);/);
    // Its index tables stay FLOAT under --fp16 (HALF is exact only up to 2048); the half factor follows the precision.
    expect(cpp).toMatch(/weights\.addInteger\("w\d+", valueRuns\(300, 1, \{\{0\.0, 1\.0, 300\}\}\)\);/);
    expect(cpp).toMatch(/weights\.addInteger\("w\d+", std::vector<float>\{300\.0\}\);/);
    expect(cpp).toMatch(/weights\.add\("w\d+", std::vector<float>\{0\.5\}\);/);
    const dir = mkdtempSync(join(tmpdir(), 'codegen-post-'));
    const py = unwrap(generatePython(program.value));
    expect(py).toMatch(/\n {4}postprocess_is_best = network\.add_cast\(\w+, dtype\)\n/);
    expect(py).toMatch(/\n {4}postprocess_row_indices = network\.add_cast\(\w+, trt\.DataType\.INT32\)\n/);
    const tables = ['box_column', 'box_class_columns', 'class_column', 'row_indices', 'zero', 'max_detections'];
    const tableIds = tables.map((t) => program.value.ops.find((o) => o.layerName === `postprocess.${t}.values`)!.weights['weights']!);
    expect(py).toContain(`    integer = {${tableIds.map((id) => `"${id}"`).join(', ')}}\n`);
    writeFileSync(join(dir, 'post.py'), py);
    execFileSync('python3', ['-m', 'py_compile', join(dir, 'post.py')], { env: { ...process.env, PYTHONPYCACHEPREFIX: dir } });
  });

  test.skipIf(!TRT_INCLUDE_DIR || !CUDA_INCLUDE)('the C++ compiles against TRT_INCLUDE_DIR (skipped when unset)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codegen-post-'));
    writeFileSync(join(dir, 'post.cpp'), unwrap(generateCpp(program.value, { detector })));
    execFileSync('g++', ['-c', '-o', '/dev/null', ...compileArgs(join(dir, 'post.cpp'))], { stdio: 'pipe' });
  });
});

describe('value_runs in the generated Python', () => {
  test('computes what the runs spell, interleaved pairs included (skipped without numpy)', () => {
    const py = unwrap(generatePython(templateProgram('lenet5')));
    const helper = /def value_runs[\s\S]*?\n\n\n/.exec(py)![0];
    const runs = {
      period: 2,
      runs: [
        { start: -4, step: 8, count: 3 },
        { start: 4, step: 8, count: 3 },
        { start: -4, step: 0, count: 3 },
        { start: 4, step: 0, count: 3 },
      ],
    };
    const call = `print(list(value_runs(12, 2, [${runs.runs.map((r) => `(${r.start}, ${r.step}, ${r.count})`).join(', ')}])))`;
    let printed: string;
    try {
      printed = execFileSync('python3', ['-c', `import numpy as np\n${helper}${call}`], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      if (String((e as { stderr?: string }).stderr).includes("No module named 'numpy'")) return;
      throw e;
    }
    expect(printed.trim().replace(/np\.float32\(([^)]*)\)/g, '$1')).toBe(
      `[${expandValueRuns(12, runs)
        .map((v) => v.toFixed(1))
        .join(', ')}]`,
    );
  });
});

/** A deterministic v8 head output [1, 4 + nc, A] in quarter pixels (exact in float32 and double). */
function headOutput(nc: number, anchors: number): Float32Array {
  let seed = 7;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const data = new Float32Array((4 + nc) * anchors);
  for (let a = 0; a < anchors; a++) {
    data[a] = 12 + (a % 5) * 8 + random(32) / 4;
    data[anchors + a] = 20 + (a % 3) * 8 + random(32) / 4;
    data[2 * anchors + a] = 4 + random(64) / 4;
    data[3 * anchors + a] = 4 + random(64) / 4;
    for (let c = 0; c < nc; c++) data[(4 + c) * anchors + a] = random(1024) / 1024;
  }
  return data;
}

describe.skipIf(!TRT_INCLUDE_DIR || !CUDA_INCLUDE)('the generated C++ detection code, compiled on its own (skipped without TRT_INCLUDE_DIR)', () => {
  test('letterboxes a PPM as the host does and prints the detections the host finds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpp-detection-'));
    const [width, height, nc, anchors] = [50, 30, 3, 60];
    const rgb = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 37 + (i >> 5) * 11) % 256);
    writeFileSync(join(dir, 'image.ppm'), Buffer.concat([Buffer.from(`P6\n# made by a test\n${width} ${height}\n255\n`), Buffer.from(rgb)]));
    const head = headOutput(nc, anchors);
    writeFileSync(join(dir, 'head.f32'), Buffer.from(head.buffer));
    const harness = `#include <NvInfer.h>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>
using namespace nvinfer1;
namespace {
${detectionHelpers({ output: 'output0', format: 'v8', classes: 80 }, 0.25, 0.45)}
}  // namespace
int main(int, char** argv) {
  Image image;
  if (!readPpm(argv[1], image)) return 1;
  Letterbox g;
  std::vector<float> const input = letterbox(image, 64, 64, g);
  std::ofstream(argv[2], std::ios::binary).write(reinterpret_cast<char const*>(input.data()), static_cast<std::streamsize>(input.size() * sizeof(float)));
  std::vector<float> out(${(4 + nc) * anchors});
  std::ifstream(argv[3], std::ios::binary).read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size() * sizeof(float)));
  Dims shape{};
  shape.nbDims = 3;
  shape.d[0] = 1;
  shape.d[1] = ${4 + nc};
  shape.d[2] = ${anchors};
  printDetections(out, shape, kDefaultConf, kDefaultIou, g, image);
  return 0;
}
`;
    writeFileSync(join(dir, 'harness.cpp'), harness);
    execFileSync('g++', ['-o', join(dir, 'harness'), ...compileArgs(join(dir, 'harness.cpp'))], { stdio: 'pipe' });
    const printed = execFileSync(join(dir, 'harness'), [join(dir, 'image.ppm'), join(dir, 'input.f32'), join(dir, 'head.f32')], { encoding: 'utf8' });

    // The input: the host's letterbox (OpenCV geometry, pad 114), RGB / 255, NCHW.
    const boxed = letterboxImage({ width, height, channels: 3, data: rgb }, 64, 64);
    const expectedInput = new Float32Array(3 * 64 * 64);
    for (let c = 0; c < 3; c++) for (let i = 0; i < 64 * 64; i++) expectedInput[c * 64 * 64 + i] = boxed.data[i * 3 + c]! * (1 / 255);
    const input = new Float32Array(new Uint8Array(readFileSync(join(dir, 'input.f32'))).buffer);
    expect(input).toEqual(expectedInput);

    // The detections: the host's decode and NMS, mapped back to the 50×30 image, printed as the CLI prints them.
    const found = detectionsInImage(
      decodeYolo(head, [1, 4 + nc, anchors], { format: 'v8', conf: 0.25, iou: 0.45 }),
      { width: 64, height: 64, resize: 'letterbox' },
      { width, height },
      COCO_CLASSES,
    );
    expect(found.length).toBeGreaterThan(3);
    // The C++ prints with printf's rounding (an exact half to even), the CLI with JavaScript's (half up): boxes agree within 0.05.
    const [count, ...lines] = printed.trim().split('\n');
    expect(count).toBe(`${found.length} detections`);
    expect(lines.map((line) => /^ {2}(\w[\w ]*) (\d\.\d{4}) \[(.*)\]$/.exec(line)!.slice(1))).toEqual(
      found.map((d) => [d.name, d.score.toFixed(4), expect.any(String)]),
    );
    lines.forEach((line, i) => {
      const box = /\[(.*)\]/.exec(line)![1]!.split(', ').map(Number);
      box.forEach((v, k) => expect(Math.abs(v - found[i]!.box[k]!)).toBeLessThanOrEqual(0.05 + 1e-9));
    });
  });
});
