import { describe, expect, it } from 'vitest';
import { error } from '../../core/diagnostics.js';
import { buildTemplate } from '../../core/templates/index.js';
import { failureReporter } from './check-weights.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('failureReporter', () => {
  const doc = buildTemplate('lenet5')!;
  const node = doc.nodes[0]!;
  const diagnostics = [{ ...error('run.input', 'The input is not a tensor.'), nodeId: node.id }];

  it('prints the Diagnostics on stderr, naming the node, and gives back the exit code', () => {
    const c = capture();
    expect(failureReporter(c.io, false)(diagnostics, 2, doc)).toBe(2);
    expect([c.out, c.err]).toEqual([[], [`error [run.input] The input is not a tensor. (node '${node.name}')`]]);
  });

  it('with --json, writes them as { ok: false, diagnostics } on stdout', () => {
    const c = capture();
    expect(failureReporter(c.io, true)(diagnostics, 1, doc)).toBe(1);
    expect(c.err).toEqual([]);
    expect(JSON.parse(c.out.join('\n'))).toEqual({ ok: false, diagnostics });
  });
});
