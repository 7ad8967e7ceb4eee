/**
 * ONNX Runtime latency of the ONNX model TRT Studio generates (template → formula weights → lowering →
 * translation), and, when PyTorch's own `torch.onnx.export` of the same model with the same weights is
 * given (bench/onnx_reference.py writes it as `<model>_torch.onnx.NN` pieces), of that one too: same
 * process, same session options (sessionOptions() of the onnxruntime backend), same input, the two
 * measured in alternating blocks so that load on the machine hits both alike.
 *   npx tsx bench/onnx-latency.ts resnet18 [mobilenet_v2] [--runs 200] [--warmup 20] [--blocks 5] [--torch-dir DIR]
 * Prints one JSON line per model.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { lowerToProgram } from '../core/lower/lower.js';
import { translateProgram } from '../core/onnx/translate.js';
import { buildTemplate } from '../core/templates/index.js';
import { autoBindWeights } from '../core/weights/binding.js';
import { formulaInput, formulaTensor, type StateDictEntry } from '../core/weights/formula.js';
import { latencyStats, sessionOptions } from '../electron/backends/onnxruntime/session.js';

const { values, positionals } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    blocks: { type: 'string', default: '5' },
    'torch-dir': { type: 'string' },
  },
  allowPositionals: true,
});
const runs = Number(values.runs);
const warmup = Number(values.warmup);
const blocks = Number(values.blocks);
const models = JSON.parse(readFileSync(new URL('../fixtures/models.json', import.meta.url), 'utf8')) as Record<
  string,
  { input_shape: number[]; state_dict: StateDictEntry[] }
>;

function ourModel(name: string): Uint8Array {
  const facts = models[name];
  const template = buildTemplate(name);
  if (!facts || !template) throw new Error(`'${name}' needs both a template and an entry in fixtures/models.json.`);
  const tensors = new Map(facts.state_dict.map(([n, shape, dtype]) => [n, formulaTensor(n, shape, dtype)]));
  const doc = autoBindWeights(
    template,
    [...tensors].map(([n, v]) => ({ name: n, count: v.length })),
  );
  const lowered = lowerToProgram(doc, (n) => tensors.get(n));
  if (!lowered.ok) throw new Error(lowered.diagnostics.map((d) => d.message).join('\n'));
  const translated = translateProgram(lowered.value.program, lowered.value.weights);
  if (!translated.ok) throw new Error(translated.diagnostics.map((d) => d.message).join('\n'));
  return translated.value.bytes;
}

/** PyTorch's export, joined from its pieces, or undefined when it is not there. */
function torchModel(dir: string | undefined, name: string): Uint8Array | undefined {
  if (!dir || !existsSync(dir)) return undefined;
  const pieces = readdirSync(dir)
    .filter((f) => f.startsWith(`${name}_torch.onnx.`))
    .sort();
  if (pieces.length === 0) return undefined;
  return Buffer.concat(pieces.map((f) => readFileSync(join(dir, f))));
}

async function timeBlock(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>, n: number, into: number[]): Promise<void> {
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await session.run(feeds);
    into.push(performance.now() - start);
  }
}

const round = (x: number) => Number(x.toFixed(3));

for (const name of positionals) {
  const shape = models[name]!.input_shape;
  const input = formulaInput(shape);
  const ours = ourModel(name);
  const candidates: { label: string; bytes: Uint8Array }[] = [{ label: 'ours', bytes: ours }];
  const theirs = torchModel(values['torch-dir'], name);
  if (theirs) candidates.push({ label: 'torch', bytes: theirs });
  const sessions = await Promise.all(
    candidates.map(async (c) => {
      const session = await ort.InferenceSession.create(c.bytes, sessionOptions());
      const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', input, shape) };
      for (let i = 0; i < warmup; i++) await session.run(feeds);
      return { ...c, session, feeds, times: [] as number[] };
    }),
  );
  const perBlock = Math.ceil(runs / blocks);
  for (let b = 0; b < blocks; b++) for (const s of sessions) await timeBlock(s.session, s.feeds, perBlock, s.times);
  const stats = Object.fromEntries(
    sessions.map((s) => {
      const l = latencyStats(s.times, warmup, 1);
      return [
        s.label,
        {
          onnxBytes: s.bytes.length,
          runs: l.iterations,
          minMs: round(l.minMs),
          p50Ms: round(l.p50Ms),
          p90Ms: round(l.p90Ms),
          p99Ms: round(l.p99Ms),
          meanMs: round(l.meanMs),
        },
      ];
    }),
  );
  const ratio = stats.torch
    ? { p50OursOverTorch: round(stats.ours!.p50Ms / stats.torch.p50Ms), minOursOverTorch: round(stats.ours!.minMs / stats.torch.minMs) }
    : { torch: 'not given (--torch-dir with <model>_torch.onnx.NN pieces)' };
  console.log(JSON.stringify({ model: name, ortVersion: ort.env.versions.common, intraOpThreads: 'ORT default', ...stats, ...ratio }));
  await Promise.all(sessions.map((s) => s.session.release()));
}
