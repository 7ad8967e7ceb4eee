/**
 * The run panel's preprocessing: the presets are core's one table (core/run/preprocessing.ts), shared
 * with the host and the CLI; here the panel parses what the user types.
 */
export { PREPROCESSING_PRESETS, presetForInput } from '../../core/run/preprocessing.js';

/** Parse `0.485, 0.456, 0.406` into one number per channel, or say what is wrong. */
export function parseChannelList(text: string, channels: number, what: string): { ok: true; value: number[] } | { ok: false; message: string } {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const values = parts.map(Number);
  if (values.length !== channels || values.some((v) => !Number.isFinite(v)))
    return { ok: false, message: `${what} needs ${channels} number${channels === 1 ? '' : 's'} (one per channel), got "${text}".` };
  if (what === 'std' && values.some((v) => v === 0)) return { ok: false, message: `std must not contain 0 (it divides), got "${text}".` };
  return { ok: true, value: values };
}
