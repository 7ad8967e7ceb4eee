import { describe, expect, it } from 'vitest';
import { findJsonProblem, formatBytes, quote } from './limits.js';

describe('quote', () => {
  it('quotes short values whole, as JSON', () => {
    expect(quote('abc')).toBe('"abc"');
    expect(quote({ a: [1, 2], b: null })).toBe('{"a":[1,2],"b":null}');
    expect(quote(undefined)).toBe('undefined');
  });

  it('cuts a long string at 200 characters and says how long it was', () => {
    expect(quote('x'.repeat(50_000_000))).toBe(`"${'x'.repeat(200)}"… (50000000 characters)`);
  });

  it('cuts a huge list without serialising it', () => {
    const text = quote(new Array(10_000_000).fill(7));
    expect(text).toBe(`[${'7,'.repeat(99)}7… (10000000 items)`);
  });
});

describe('findJsonProblem', () => {
  it('names the path of the first problem only when there is one', () => {
    expect(findJsonProblem({ a: [1, { b: 2 }] }, { root: 'params', strict: true })).toBeUndefined();
    expect(findJsonProblem({ a: [1, { b: Infinity }] }, { root: 'params', strict: true })).toEqual({
      bound: 'content',
      message: 'params.a[1].b is Infinity; expected a finite number.',
    });
  });

  it('stops at the byte limit with an estimate no larger than the JSON text', () => {
    const value = { list: new Array(1000).fill('abcdefgh') };
    const exact = JSON.stringify(value).length;
    expect(findJsonProblem(value, { root: 'params', maxBytes: exact })).toBeUndefined();
    expect(findJsonProblem(value, { root: 'params', maxBytes: 1024 })).toEqual({
      bound: 'bytes',
      message: 'params is larger than 1 KiB; large data goes by file.',
    });
  });

  it('counts values', () => {
    expect(findJsonProblem([[1, 2], [3]], { root: 'x', maxValues: 4 })?.message).toBe('x[1] holds more than 4 values; expected a smaller payload.');
  });
});

describe('formatBytes', () => {
  it('reads as people write sizes', () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(16 * 1024 * 1024), formatBytes(33_554_432 + 524_288)]).toEqual([
      '512 bytes',
      '1.5 KiB',
      '16 MiB',
      '32.5 MiB',
    ]);
  });
});
