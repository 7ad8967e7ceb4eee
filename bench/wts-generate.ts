/**
 * Regenerate a fixture model's `.wts` into bench/data/ with the weight formula and the encoder, and
 * check it against the SHA-256 in fixtures/models.json.
 *   npx tsx bench/wts-generate.ts resnet50 [vgg11_bn ...]
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { formulaTensor, type StateDictEntry } from '../core/weights/formula.js';
import { encodeWts } from '../core/weights/wts-encoder.js';

interface ModelFacts {
  wts_sha256: string;
  wts_bytes: number;
  state_dict: StateDictEntry[];
}

const models = JSON.parse(readFileSync(new URL('../fixtures/models.json', import.meta.url), 'utf8')) as Record<string, ModelFacts>;
const dataDir = new URL('./data/', import.meta.url);
mkdirSync(dataDir, { recursive: true });

for (const model of process.argv.slice(2)) {
  const facts = models[model];
  if (!facts) throw new Error(`'${model}' is not in fixtures/models.json; expected one of ${Object.keys(models).join(', ')}.`);
  const path = new URL(`${model}.wts`, dataDir);
  const fd = openSync(path, 'w');
  const hash = createHash('sha256');
  let size = 0;
  // Tensors are produced lazily so that a 1.2 GB file never sits in memory.
  const tensors = (function* () {
    for (const [name, shape, dtype] of facts.state_dict) yield { name, values: formulaTensor(name, shape, dtype) };
  })();
  for (const chunk of encodeWts(facts.state_dict.length, tensors, 4 << 20)) {
    writeSync(fd, chunk);
    hash.update(chunk);
    size += chunk.length;
  }
  closeSync(fd);
  const digest = hash.digest('hex');
  const same = digest === facts.wts_sha256 && size === facts.wts_bytes;
  console.log(
    `${model}.wts: ${size} bytes, sha256 ${digest} ${same ? 'matches models.json' : `DIFFERS from models.json (${facts.wts_sha256}, ${facts.wts_bytes} bytes)`}`,
  );
  if (!same) process.exitCode = 1;
}
