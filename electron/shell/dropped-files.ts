/**
 * What the window does with dropped files (or files handed over by a second launch or the OS):
 * each path is classified by its extension; what TRT Studio opens goes out in one `host.openFiles`
 * event, projects first so that weights and images land in the project they belong to.
 */
import { FILE_PURPOSE_EXTENSIONS } from '../../core/api/project-schemas.js';

export type OpenableKind = 'project' | 'weights' | 'onnx' | 'engine' | 'image';

/** In the order files are opened. */
const KIND_EXTENSIONS: readonly (readonly [OpenableKind, readonly string[]])[] = [
  ['project', FILE_PURPOSE_EXTENSIONS.project],
  ['weights', FILE_PURPOSE_EXTENSIONS.weights],
  ['onnx', FILE_PURPOSE_EXTENSIONS.onnx],
  ['engine', FILE_PURPOSE_EXTENSIONS.engine],
  ['image', FILE_PURPOSE_EXTENSIONS.images],
];

/** The kind of file a path names, from its extension (case-insensitive); undefined when TRT Studio does not open it. */
export function openableKind(path: string): OpenableKind | undefined {
  const name = path.split(/[\\/]/).pop() ?? '';
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const extension = name.slice(dot).toLowerCase();
  return KIND_EXTENSIONS.find(([, extensions]) => extensions.includes(extension))?.[0];
}

export interface ClassifiedFiles {
  /** Openable paths, projects first, then weights, ONNX models, engines and images; duplicates removed. */
  open: { path: string; kind: OpenableKind }[];
  /** Paths TRT Studio does not open. */
  ignored: string[];
}

export function classifyFiles(paths: readonly string[]): ClassifiedFiles {
  const seen = new Set<string>();
  const open: ClassifiedFiles['open'] = [];
  const ignored: string[] = [];
  for (const path of paths) {
    if (typeof path !== 'string' || path === '' || seen.has(path)) continue;
    seen.add(path);
    const kind = openableKind(path);
    if (kind) open.push({ path, kind });
    else ignored.push(path);
  }
  const rank = (kind: OpenableKind) => KIND_EXTENSIONS.findIndex(([k]) => k === kind);
  open.sort((a, b) => rank(a.kind) - rank(b.kind));
  return { open, ignored };
}

/** Every extension the window accepts, for messages and the packager's file associations. */
export function openableExtensions(): string[] {
  return KIND_EXTENSIONS.flatMap(([, extensions]) => extensions);
}

/** The sentence shown when some dropped files were not opened; undefined when all were. */
export function ignoredFilesMessage(ignored: readonly string[]): string | undefined {
  if (ignored.length === 0) return undefined;
  const names = ignored.map((p) => JSON.stringify(p.split(/[\\/]/).pop() ?? p));
  const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
  return `TRT Studio cannot open ${shown}; it opens ${openableExtensions().join(', ')} files.`;
}
