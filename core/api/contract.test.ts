import { describe, expect, it } from 'vitest';
import { EVENTS, METHODS } from './contract.js';
import { EVENT_NAMES, METHOD_NAMES } from './names.js';

describe('the contract tables', () => {
  it('declare exactly the names the preload checks against', () => {
    expect(Object.keys(METHODS).sort()).toEqual([...METHOD_NAMES].sort());
    expect(Object.keys(EVENTS).sort()).toEqual([...EVENT_NAMES].sort());
  });
});
