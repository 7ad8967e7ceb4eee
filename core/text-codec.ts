/**
 * UTF-8 through the platform's TextEncoder and TextDecoder, which every place core/ runs has (Node,
 * Electron's renderer, workers). core's tsconfig loads neither DOM nor Node types, so that `fs` or
 * `document` do not type-check here; the two constructors are typed by what core uses. They are read
 * from globalThis rather than declared as ambient globals, because a global declaration here would
 * clash with the DOM and Node ones in the layers that load those types.
 */
interface PlatformText {
  TextEncoder: new () => { encode(text: string): Uint8Array };
  TextDecoder: new (label: 'utf-8', options: { ignoreBOM: boolean }) => { decode(bytes: Uint8Array): string };
}

const platform = globalThis as unknown as PlatformText;
const encoder = new platform.TextEncoder();
// ignoreBOM keeps a leading U+FEFF as text: the bytes decoded here are names inside a file, not a file.
const decoder = new platform.TextDecoder('utf-8', { ignoreBOM: true });

/** The UTF-8 bytes of a string. */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decode UTF-8 bytes; an invalid sequence becomes U+FFFD. */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
