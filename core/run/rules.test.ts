import { describe, expect, it } from 'vitest';
import { classCount, topPerSample } from './classes.js';
import { PREPROCESSING_PRESETS, presetForInput, presetSizedFor } from './preprocessing.js';

describe('class outputs', () => {
  it('are [N, K] or [N, K, 1, 1] with K > 1; anything else is not read as classes', () => {
    expect([classCount([1, 1000]), classCount([4, 10, 1, 1]), classCount([1, 21, 224, 224]), classCount([1, 1]), classCount([1000])]).toEqual([
      1000,
      10,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('give the top classes of every sample, named by the labels', () => {
    const logits = new Float32Array([0, 2, 1, 5, 0, 0]);
    expect(topPerSample([2, 3], logits, 1, ['a', 'b', 'c'])!.map((s) => s.map((t) => t.label))).toEqual([['b'], ['a']]);
    expect(topPerSample([1, 3, 2, 2], new Float32Array(12), 5)).toBeUndefined();
  });
});

describe('preprocessing presets', () => {
  it('one channel means digits, three ImageNet, sized to the input', () => {
    expect(presetSizedFor([1, 1, 28, 28], undefined)).toEqual({ ...PREPROCESSING_PRESETS.mnist, height: 28, width: 28 });
    expect(presetSizedFor([1, 3, 224, 224], undefined)).toEqual(PREPROCESSING_PRESETS.imagenet);
    expect(presetSizedFor([1, 3, 64, 64], 'mnist')).toEqual({ ...PREPROCESSING_PRESETS.mnist, channels: 3, height: 64, width: 64 });
    expect(presetSizedFor([1, 2, 8, 8], undefined)).toBe('images need an input of dims [N, 1 or 3, H, W], but it is [1, 2, 8, 8]');
    expect(presetForInput([1, 3, 299, 299])).toEqual({ ...PREPROCESSING_PRESETS.imagenet, height: 299, width: 299 });
  });
});
