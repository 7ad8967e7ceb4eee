// The .wts decoder's error type and the helpers that quote bad input in its messages.
import type { Diagnostic } from '../diagnostics.js';

/** Thrown by `WtsDecoder` on the first format error; carries the Diagnostic to show. */
export class WtsFormatError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

/** Shorten a quoted token so a binary blob does not flood a message. */
export function quote(text: string): string {
  return `'${text.length > 24 ? `${text.slice(0, 24)}…` : text}'`;
}
