import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { fileErrorReason } from './file-errors.js';

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (e) {
    return e;
  }
  throw new Error('expected the action to throw');
}

describe('fileErrorReason', () => {
  const dir = mkdtempSync(join(tmpdir(), 'file-errors-'));
  writeFileSync(join(dir, 'plain.txt'), 'x');

  test('names the common errors of real fs calls in words', () => {
    expect(fileErrorReason(thrownBy(() => readFileSync(join(dir, 'missing.txt'))))).toBe('it does not exist');
    expect(fileErrorReason(thrownBy(() => readFileSync(dir)))).toBe('it is a folder');
    expect(fileErrorReason(thrownBy(() => readFileSync(join(dir, 'plain.txt', 'inner'))))).toBe('a folder on its path is a file');
  });

  test("falls back to the system's message, or the thrown value, for anything else", () => {
    expect(fileErrorReason(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }))).toBe('EIO: i/o error, read');
    expect(fileErrorReason('gone')).toBe('gone');
  });
});
