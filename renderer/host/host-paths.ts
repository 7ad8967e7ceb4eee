/** Paths on the host, as the page sees them: either separator, since the host may run on Windows. */

/** The last part of a path (`/a/b/c.onnx` → `c.onnx`). */
export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** The folder a path lives in (`/a/b/c.onnx` → `/a/b`; `/c.onnx` → `/`). */
export function folderOf(path: string): string {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return slash > 0 ? path.slice(0, slash) : path.slice(0, slash + 1);
}
