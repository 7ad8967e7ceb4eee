import { describe, expect, it } from 'vitest';
import { formatBytes, formatMs, formatNumber, formatPercent, formatSpeed, shortReason } from './format.js';

describe('workflow formatting', () => {
  it('writes sizes, speeds and times the way file managers and profilers do', () => {
    expect([formatBytes(64), formatBytes(812_000), formatBytes(1_500_000), formatBytes(230_500_995)]).toEqual(['64 B', '812 KB', '1.5 MB', '231 MB']);
    expect(formatSpeed(12_300_000)).toBe('12 MB/s');
    expect([formatMs(0.042), formatMs(4.2), formatMs(12.54), formatMs(3210)]).toEqual(['0.042 ms', '4.20 ms', '12.5 ms', '3.2 s']);
    expect([formatNumber(0), formatNumber(-0.32801), formatNumber(8.12e-4), formatNumber(123456)]).toEqual(['0', '-0.328', '8.12e-4', '1.23e+5']);
  });

  it('never rounds a probability below 1 up to 100%', () => {
    expect([formatPercent(1), formatPercent(0), formatPercent(0.873), formatPercent(0.99993), formatPercent(0.999999)]).toEqual([
      '100%',
      '0%',
      '87.3%',
      '99.99%',
      '> 99.99%',
    ]);
  });

  it('keeps the first sentence of a missing backend’s reason', () => {
    expect(shortReason('TensorRT is not available: the native addon was built without TensorRT. No headers were found.\nPossible solutions:\n- install')).toBe(
      'the native addon was built without TensorRT',
    );
    expect(shortReason('no GPU')).toBe('no GPU');
  });
});
