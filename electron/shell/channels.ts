/**
 * IPC channels private to the shell (the contract's two channels are in core/api/names.ts). Kept
 * free of imports: the sandboxed preload bundles this file.
 */

/** Preload → main: absolute paths of files dropped onto the window. */
export const IPC_DROP_CHANNEL = 'trt-studio:drop';
