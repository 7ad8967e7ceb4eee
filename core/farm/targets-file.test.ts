import { describe, expect, it } from 'vitest';
import { formatTargetsFile, parseTargetsFile } from './targets-file.js';

const GOOD = {
  targets: [
    {
      name: 'h100',
      partition: 'gpu',
      gres: 'gpu:h100:1',
      setup: ['module load tensorrt/10.8'],
      precisions: ['fp16'],
      profiles: [{ name: 'b8', min: 1, opt: 8, max: 16 }],
    },
    { name: 'cpu', backend: 'onnxruntime' },
  ],
};

/** Each bad file and the exact message it gets: the file, the field, what was expected and what was found. */
const BAD: { text: string; message: string }[] = [
  { text: '{"targets": [', message: 'targets.json is not JSON: Unexpected end of JSON input.' },
  { text: '{"targets":[{"name":"a","gres":3}]}', message: 'targets.json: targets[0].gres: Invalid input: expected string, received number (found 3).' },
  {
    text: '{"targets":[{"name":"a","precisions":["fp64"]}]}',
    message: 'targets.json: targets[0].precisions[0]: Invalid option: expected one of "fp32"|"fp16"|"bf16"|"int8"|"fp8" (found "fp64").',
  },
  { text: '{"targets":[{"name":"a","gpu":"t4"}]}', message: "targets.json: in targets[0], the field(s) 'gpu' are not part of a targets file." },
  { text: '{"targets":[]}', message: 'targets.json: targets: Too small: expected array to have >=1 items (found []).' },
  {
    text: '{"targets":[{"name":"a","profiles":[{"name":"b","min":1,"opt":0,"max":2}]}]}',
    message: 'targets.json: targets[0].profiles[0].opt: Too small: expected number to be >=1 (found 0).',
  },
  {
    text: '{"targets":[{"name":"a"},{"name":"a"}]}',
    message: "targets.json: targets[1].name: the name 'a' is used by an earlier target; target names must be unique.",
  },
  { text: '[]', message: 'targets.json: the top level: Invalid input: expected object, received array (found []).' },
];

describe('targets files', () => {
  it('reads a good file with the defaults filled in', () => {
    const r = parseTargetsFile(JSON.stringify(GOOD), 'targets.json');
    expect(r.ok && r.value).toEqual([
      { ...GOOD.targets[0], scheduler: 'slurm', backend: 'tensorrt' },
      { name: 'cpu', scheduler: 'slurm', setup: [], backend: 'onnxruntime', precisions: ['fp32'], profiles: [] },
    ]);
  });

  it.each(BAD)('names the file and the field: $message', ({ text, message }) => {
    const r = parseTargetsFile(text, 'targets.json');
    expect(r.ok).toBe(false);
    expect((r.diagnostics ?? []).map((d) => d.message)).toEqual([message]);
  });

  it('writes what it reads back unchanged', () => {
    const first = parseTargetsFile(JSON.stringify(GOOD), 'targets.json');
    if (!first.ok) throw new Error('the good file was refused');
    const again = parseTargetsFile(formatTargetsFile(first.value), 'again.json');
    expect(again.ok && again.value).toEqual(first.value);
  });
});
