// `npm run bench [-- NAME ...]`: run the benchmarks of bench/README.md, generating their data in
// bench/data/ (gitignored) when it is missing. Without names it runs all but `wts-import-large` and
// `tensor-file-import`, which write 1.2 GB and 340 MB of files (delete bench/data/ afterwards).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const tsx = (...args) => ['npx', ['tsx', ...args]];
const node = (...args) => ['node', args];

function data(model) {
  return existsSync(`bench/data/${model}.wts`) ? [] : [tsx('bench/wts-generate.ts', model)];
}

const BENCHES = {
  shapes: () => [tsx('bench/shapes.bench.ts')],
  'wts-decode': () => [...data('resnet50'), node('--expose-gc', '--import', 'tsx', 'bench/wts-decode.ts', 'bench/data/resnet50.wts', '--runs', '5')],
  'wts-ifstream': () => [
    ...data('resnet50'),
    ['g++', ['-O2', '-o', 'bench/data/wts_ifstream', 'bench/wts_ifstream.cpp']],
    ['bench/data/wts_ifstream', ['bench/data/resnet50.wts']],
  ],
  'wts-import-large': () => [...data('vgg11_bn'), node('--import', 'tsx', 'bench/wts-import-large.ts', 'bench/data/vgg11_bn.wts')],
  'tensor-file-import': () =>
    ['safetensors', 'npz'].flatMap((format) => [
      ...(existsSync(`bench/data/resnet101.${format}`) ? [] : [tsx('bench/tensor-file-generate.ts', 'resnet101', format)]),
      node('--import', 'tsx', 'bench/wts-import-large.ts', `bench/data/resnet101.${format}`),
    ]),
  'onnx-latency': () => [
    tsx('bench/onnx-latency.ts', 'resnet18', 'mobilenet_v2', ...(existsSync('bench/data/torch') ? ['--torch-dir', 'bench/data/torch'] : [])),
  ],
};

/** Large files: run only when named. */
const ONLY_WHEN_NAMED = ['wts-import-large', 'tensor-file-import'];

const names = process.argv.slice(2);
const unknown = names.filter((n) => !(n in BENCHES));
if (unknown.length > 0) {
  console.error(`Unknown benchmark ${unknown.join(', ')}; expected ${Object.keys(BENCHES).join(', ')}.`);
  process.exit(2);
}
for (const name of names.length > 0 ? names : Object.keys(BENCHES).filter((n) => !ONLY_WHEN_NAMED.includes(n))) {
  console.error(`# ${name}`);
  for (const [command, args] of BENCHES[name]()) {
    const result = spawnSync(command, args, { stdio: 'inherit' });
    if (result.status !== 0) {
      console.error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}).`);
      process.exit(1);
    }
  }
}
