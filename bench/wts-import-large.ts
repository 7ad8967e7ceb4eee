/**
 * Import a large weights file (`.wts`, `.safetensors` or `.npz`) through the weight store (decode
 * worker) with a progress bar, then import it again and cancel half-way; report time, peak memory
 * and that the cancelled import kept nothing.
 *   npx tsx bench/wts-generate.ts vgg11_bn && node --import tsx bench/wts-import-large.ts bench/data/vgg11_bn.wts
 *   npx tsx bench/tensor-file-generate.ts resnet101 safetensors && node --import tsx bench/wts-import-large.ts bench/data/resnet101.safetensors
 */
import { WeightStore, type ImportProgress } from '../electron/services/weight-store.js';

const path = process.argv[2];
if (!path) throw new Error('Usage: bench/wts-import-large.ts FILE.wts|FILE.safetensors|FILE.npz');

const mb = (n: number): number => Math.round(n / 1e5) / 10;
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

function bar(p: ImportProgress): void {
  const width = 40;
  const filled = Math.round(p.fraction * width);
  process.stderr.write(
    `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(p.fraction * 100).toFixed(0).padStart(3)}%  ${mb(p.bytes)} / ${mb(p.totalBytes)} MB`,
  );
}

const store = new WeightStore();
const baseline = process.memoryUsage().rss;
const start = performance.now();
const full = await store.load(path, { onProgress: bar });
process.stderr.write('\n');
if (!full.ok) throw new Error(full.diagnostic.message);
const seconds = (performance.now() - start) / 1000;
const payload = full.file.valueCount * 4;
const afterFull = peakRss();
store.unload(full.file.id);

const controller = new AbortController();
let cancelledAt = 0;
const cancelStart = performance.now();
const cancelled = await store.load(path, {
  onProgress: (p) => {
    bar(p);
    if (p.fraction >= 0.5 && !controller.signal.aborted) {
      cancelledAt = p.fraction;
      controller.abort();
    }
  },
  signal: controller.signal,
});
process.stderr.write('\n');
const cancelSeconds = (performance.now() - cancelStart) / 1000;
await store.dispose();
console.log(
  JSON.stringify({
    file: path,
    fileBytes: full.file.bytes,
    tensors: full.file.tensors.length,
    payloadMB: mb(payload),
    importSeconds: Number(seconds.toFixed(2)),
    decodeSeconds: Number(full.file.decodeSeconds.toFixed(2)),
    statisticsSeconds: Number(full.file.statisticsSeconds.toFixed(2)),
    baselineRssMB: mb(baseline),
    peakRssMB: mb(afterFull),
    peakGrowthOverPayload: Number(((afterFull - baseline) / payload).toFixed(2)),
    cancelledAtFraction: Number(cancelledAt.toFixed(2)),
    cancelResult: cancelled.ok ? 'loaded (unexpected)' : cancelled.diagnostic.code,
    secondsUntilCancelled: Number(cancelSeconds.toFixed(2)),
    filesLoadedAfterCancel: store.list().length,
  }),
);
