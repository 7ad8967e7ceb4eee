/**
 * Write a model's formula weights (fixtures/models.json) as a `.safetensors` (F32, num_batches_tracked
 * as I64) or as a NumPy `.npz` (deflated, as numpy.savez_compressed writes it) into bench/data/, for
 * bench/wts-import-large.ts, which imports any weights file through the weight store.
 *   npx tsx bench/tensor-file-generate.ts resnet101 safetensors|npz
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';
import type { StateDictEntry } from '../core/weights/formula.js';
import { encodeNpy, encodeZip, formulaSafetensors } from '../core/weights/tensor-file-writers.testing.js';

const [model, format] = process.argv.slice(2);
const models = JSON.parse(readFileSync('fixtures/models.json', 'utf8')) as Record<string, { state_dict?: StateDictEntry[] }>;
const entries = model ? models[model]?.state_dict : undefined;
if (!entries || (format !== 'safetensors' && format !== 'npz')) throw new Error('Usage: bench/tensor-file-generate.ts MODEL safetensors|npz');

mkdirSync('bench/data', { recursive: true });
const path = `bench/data/${model}.${format}`;
if (format === 'safetensors') {
  // The header first (offsets from the shapes), then each tensor as it is computed: one tensor in memory at a time.
  const header: Record<string, unknown> = {};
  let at = 0;
  for (const [name, shape, dtype] of entries) {
    const bytes = shape.reduce((a, b) => a * b, 1) * (dtype.startsWith('float') ? 4 : 8);
    header[name] = { dtype: dtype.startsWith('float') ? 'F32' : 'I64', shape, data_offsets: [at, at + bytes] };
    at += bytes;
  }
  let text = JSON.stringify(header);
  text += ' '.repeat((8 - (text.length % 8)) % 8);
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32LE(Buffer.byteLength(text), 0);
  const fd = openSync(path, 'w');
  writeSync(fd, prefix);
  writeSync(fd, text);
  for (const entry of entries) writeSync(fd, formulaSafetensors([entry])[0]!.data);
  closeSync(fd);
} else {
  const files = formulaSafetensors(entries).map((t) => ({
    name: `${t.name}.npy`,
    data: encodeNpy(t.dtype === 'F32' ? '<f4' : '<i8', t.shape, t.data),
    deflate: true,
  }));
  writeFileSync(path, encodeZip(files, { deflateRaw: (b) => new Uint8Array(deflateRawSync(b)), crc32: (b) => crc32(b) }));
}
console.log(`Wrote ${path}.`);
