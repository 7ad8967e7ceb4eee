/**
 * Decode a `.wts` with the streaming decoder, reading the file in fixed-size chunks as the weight
 * store's worker does, and report time and memory.
 *   node --expose-gc --import tsx bench/wts-decode.ts bench/data/resnet50.wts [--runs 5] [--chunk 1048576]
 * Prints one JSON line: best and median decode seconds (wall and CPU), MB/s, the decoded payload, and peak RSS
 * (absolute and growth over the RSS before decoding).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { WtsDecoder } from '../core/weights/wts-decoder.js';
import type { WtsTensor } from '../core/weights/wts-format.js';

const { values, positionals } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, chunk: { type: 'string', default: String(1 << 20) } },
  allowPositionals: true,
});
const file = positionals[0];
if (!file) throw new Error('Usage: bench/wts-decode.ts FILE.wts [--runs N] [--chunk BYTES]');
const chunkBytes = Number(values.chunk);

function decodeFile(path: string): { tensors: WtsTensor[]; seconds: number; cpuSeconds: number } {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const fd = openSync(path, 'r');
  const totalBytes = fstatSync(fd).size;
  const decoder = new WtsDecoder({ fileName: path, totalBytes });
  const buffer = new Uint8Array(chunkBytes);
  const tensors: WtsTensor[] = [];
  for (;;) {
    const n = readSync(fd, buffer, 0, chunkBytes, null);
    if (n === 0) break;
    for (const t of decoder.push(buffer.subarray(0, n))) tensors.push(t);
  }
  for (const t of decoder.finish()) tensors.push(t);
  closeSync(fd);
  const used = process.cpuUsage(cpu);
  return { tensors, seconds: (performance.now() - start) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const baselineRss = process.memoryUsage().rss;
const times: number[] = [];
const cpuTimes: number[] = [];
let payload = 0;
let count = 0;
let values32 = 0;
let peakRss = baselineRss;
/** One decode; its tensors are unreachable once this returns, so the next run starts from an empty heap. */
function measureOnce(): void {
  const { tensors, seconds, cpuSeconds } = decodeFile(file!);
  times.push(seconds);
  cpuTimes.push(cpuSeconds);
  peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
  payload = tensors.reduce((s, t) => s + t.values.byteLength, 0);
  values32 = tensors.reduce((s, t) => s + t.count, 0);
  count = tensors.length;
}
for (let run = 0; run < Number(values.runs); run++) {
  measureOnce();
  gc?.();
}
const sorted = [...times].sort((a, b) => a - b);
const mb = (n: number): number => Math.round(n / 1e5) / 10;
const fileBytes = fstatSync(openSync(file, 'r')).size;
console.log(
  JSON.stringify({
    file,
    fileBytes,
    tensors: count,
    values: values32,
    chunkBytes,
    runs: times.length,
    bestSeconds: Number(sorted[0]!.toFixed(3)),
    medianSeconds: Number(sorted[Math.floor(sorted.length / 2)]!.toFixed(3)),
    // CPU time of the process (user + system, GC threads included): what wall time is on an idle machine.
    bestCpuSeconds: Number(Math.min(...cpuTimes).toFixed(3)),
    mbPerSecond: Math.round(fileBytes / 1e6 / sorted[0]!),
    payloadMB: mb(payload),
    baselineRssMB: mb(baselineRss),
    peakRssMB: mb(peakRss),
    peakGrowthMB: mb(peakRss - baselineRss),
    peakGrowthOverPayload: Number(((peakRss - baselineRss) / payload).toFixed(2)),
  }),
);
