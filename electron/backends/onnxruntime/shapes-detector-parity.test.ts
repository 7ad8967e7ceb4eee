/**
 * The trained shapes detector (fixtures/detector) on ONNX Runtime as the app runs it: its project file,
 * the trained .wts bound by name, lowered, and the first test image letterboxed by the run's preprocessing.
 * The raw output0 equals PyTorch's (shape-0.output0.f32, written by bench/train_shapes_detector.py) within
 * 1e-4 of its largest value, so the boxes the run panel draws are PyTorch's boxes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { lowerToProgram } from '../../../core/lower/lower.js';
import { parseProject } from '../../../core/network/project-file.js';
import { PREPROCESSING_PRESETS } from '../../../core/run/preprocessing.js';
import { autoBindWeights } from '../../../core/weights/binding.js';
import { decodeSafetensors } from '../../../core/weights/safetensors-decoder.js';
import { memorySource } from '../../../core/weights/tensor-file.js';
import type { BackendSession } from '../backend.js';
import { imageToTensor, loadImage } from '../../services/images.js';
import { onnxRuntimeBackend } from './backend.js';

const DETECTOR = new URL('../../../fixtures/detector/', import.meta.url);
const FILES = ['shapes.trtstudio', 'shapes.safetensors', 'images/shape-0.png', 'shape-0.output0.f32'];
const missing = FILES.find((f) => !existsSync(new URL(f, DETECTOR)));

const sessions: BackendSession[] = [];
afterAll(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.dispose()));
});

describe.skipIf(missing !== undefined)(
  `the trained shapes detector on ONNX Runtime${missing ? ` (skipped: fixtures/detector/${missing} is missing)` : ''}`,
  () => {
    it("gives PyTorch's output0 for the first letterboxed test image, within 1e-4 of the largest value", { timeout: 120_000 }, async () => {
      const project = parseProject(readFileSync(new URL('shapes.trtstudio', DETECTOR), 'utf8'), 'shapes.trtstudio');
      if (!project.ok) throw new Error(project.diagnostics.map((d) => d.message).join('\n'));
      const decoded = await decodeSafetensors(memorySource(new Uint8Array(readFileSync(new URL('shapes.safetensors', DETECTOR)))), {
        fileName: 'shapes.safetensors',
      });
      const tensors = new Map(decoded.map((t) => [t.name, t.values]));
      const doc = autoBindWeights(
        project.value,
        decoded.map((t) => ({ name: t.name, count: t.values.length })),
      );
      const lowered = lowerToProgram(doc, (name) => tensors.get(name));
      if (!lowered.ok) throw new Error(lowered.diagnostics.map((d) => d.message).join('\n'));
      const built = await onnxRuntimeBackend.build(lowered.value);
      if (!built.ok) throw new Error(built.diagnostics.map((d) => d.message).join('\n'));
      sessions.push(built.value);

      const image = await loadImage(new URL('images/shape-0.png', DETECTOR).pathname);
      if (!image.ok) throw new Error(image.diagnostics[0]!.message);
      expect([image.value.width, image.value.height]).toEqual([320, 240]);
      const input = await imageToTensor(image.value, { ...PREPROCESSING_PRESETS.letterbox, width: 320, height: 320 });
      const ran = await built.value.run([{ name: 'data', dtype: 'FLOAT', dims: [1, 3, 320, 320], data: input }]);
      if (!ran.ok) throw new Error(ran.diagnostics.map((d) => d.message).join('\n'));
      const out = ran.value.find((o) => o.name === 'output0')!;
      expect(out.dims).toEqual([1, 7, 2100]);

      const bytes = readFileSync(new URL('shape-0.output0.f32', DETECTOR));
      const reference = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      expect(reference.length).toBe(7 * 2100);
      let largest = 0;
      let worst = 0;
      for (let i = 0; i < reference.length; i++) {
        largest = Math.max(largest, Math.abs(reference[i]!));
        worst = Math.max(worst, Math.abs(Number(out.data[i]) - reference[i]!));
      }
      expect(worst).toBeLessThanOrEqual(1e-4 * largest);
    });
  },
);
