/**
 * File access for the UI: which folders it may browse, read and write. In both hosts (the browser
 * page and the Electron window alike, since either page could be made to ask for any path) every
 * path a request names must lie inside an allowed root — a folder from the settings or `--root`, the
 * folder of a file opened from the command line, a native dialog, a drop or the recent projects, or
 * the upload folder. Paths are compared after resolving symbolic links, so a link cannot lead outside.
 * A temporary root (the upload folder, removed when the host stops) can be read but never
 * written: saved work must outlive the host.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { FILE_PURPOSE_EXTENSIONS, type FileEntry, type FilePurpose, type FileRoot, type FolderListing } from '../../core/api/project-schemas.js';
import { fail, ok, type Diagnostic, type Result } from '../../core/diagnostics.js';
import { TEMP_SUFFIX } from './atomic-write.js';
import { fileErrorReason } from './file-errors.js';
import { isLaunchUpload } from './temp-folders.js';

/** Most entries one listing returns; a folder with more is cut with a warning. */
const MAX_LISTING = 5000;

export type AccessMode = 'read' | 'write';

/** True when `child` is `root` or inside it (both already resolved). */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function denied(path: string, roots: readonly string[]): Diagnostic {
  const where = roots.length > 0 ? `the folders opened in this session (${roots.join(', ')})` : 'a folder opened in this session, and none is open yet';
  return {
    severity: 'error',
    code: 'files.outsideRoots',
    message: `The path ${JSON.stringify(path)} is outside the folders TRT Studio may access; expected a path inside ${where}. Start the host with --root FOLDER or add the folder to allowedRoots in the settings file.`,
  };
}

/**
 * A file uploaded to another launch of the web host (one that stopped, with its upload folder): said
 * as such, so the user uploads it again instead of reading about allowed folders.
 */
function uploadGone(path: string): Diagnostic {
  return {
    severity: 'error',
    code: 'files.uploadGone',
    message: `${basename(path)} was uploaded to a host that has stopped since, and its uploads went with it (${path}). Upload it again from this computer.`,
    detail: path,
  };
}

/** Where a path that cannot be resolved would be: its deepest existing folder, resolved through links, plus the rest. */
async function realAncestorPath(path: string): Promise<string> {
  let folder = resolve(path);
  const rest: string[] = [];
  for (;;) {
    try {
      return join(await realpath(folder), ...rest);
    } catch {
      if (dirname(folder) === folder) return resolve(path);
      rest.unshift(basename(folder));
      folder = dirname(folder);
    }
  }
}

export class FileAccess {
  /** Resolved roots and the label each one shows. */
  private readonly roots = new Map<string, string>();
  /** Resolved roots that are removed when the host stops. */
  private readonly temporary = new Set<string>();

  /** Adds a folder (resolved through symbolic links) to the allowed roots; missing folders are skipped. */
  async addRoot(folder: string, label?: string, options: { temporary?: boolean } = {}): Promise<void> {
    try {
      const real = await realpath(resolve(folder));
      if (!(await stat(real)).isDirectory()) return;
      if (options.temporary) this.temporary.add(real);
      if (!this.roots.has(real)) this.roots.set(real, label ?? basename(real) ?? real);
    } catch {
      // A configured root that does not exist (any more) is simply not offered.
    }
  }

  /** Adds the folder a file lives in. */
  async addFolderOf(file: string): Promise<void> {
    await this.addRoot(dirname(resolve(file)));
  }

  /** The temporary roots (deleted when the host stops). */
  temporaryRoots(): string[] {
    return [...this.temporary];
  }

  listRoots(): FileRoot[] {
    return [...this.roots].map(([path, label]) => (this.temporary.has(path) ? { path, label, temporary: true } : { path, label }));
  }

  /**
   * Resolves a path a request named and checks it against the roots. For `write`, the file may not
   * exist yet: its folder must. Returns the resolved path to use.
   */
  async check(path: string, mode: AccessMode): Promise<Result<string>> {
    if (!isAbsolute(path)) {
      return fail({ severity: 'error', code: 'files.relative', message: `The path ${JSON.stringify(path)} is relative; expected an absolute path.` });
    }
    let real: string;
    try {
      real = await realpath(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Outside the roots, a missing path gets the same answer as an existing one: no probing for files.
      if (!this.allows(await realAncestorPath(path))) return fail(this.refusal(path));
      // A root that holds old launches' folders (`--root /tmp`) still lets an upload that went with its launch be named so.
      if (code === 'ENOENT' && this.isEarlierUpload(path)) return fail(uploadGone(path));
      if (mode === 'read' || code !== 'ENOENT') return fail(this.missing(path, e));
      try {
        real = join(await realpath(dirname(path)), basename(path));
      } catch (inner) {
        return fail(this.missing(dirname(path), inner));
      }
    }
    const temporary = mode === 'write' ? [...this.temporary].find((root) => isInside(root, real)) : undefined;
    if (temporary) {
      const keep = this.listRoots().find((r) => !this.temporary.has(r.path));
      return fail({
        severity: 'error',
        code: 'files.temporary',
        message: `Cannot write ${JSON.stringify(path)}: ${temporary} is a temporary folder that is deleted when the host stops; save ${keep ? `into a real folder such as ${keep.path}` : 'into a folder given with --root'}, or download the file.`,
      });
    }
    if (this.allows(real)) return ok(real);
    return fail(this.refusal(path));
  }

  /** Why a path outside the roots is refused. */
  private refusal(path: string): Diagnostic {
    return this.isEarlierUpload(path) ? uploadGone(path) : denied(path, [...this.roots.keys()]);
  }

  /** A file in the upload folder of a launch other than this one (compared by the launch folder's name, which links do not change). */
  private isEarlierUpload(path: string): boolean {
    const launch = basename(dirname(dirname(path)));
    return isLaunchUpload(path) && ![...this.temporary].some((root) => basename(dirname(root)) === launch);
  }

  private allows(real: string): boolean {
    return [...this.roots.keys()].some((root) => isInside(root, real));
  }

  private missing(path: string, e: unknown): Diagnostic {
    return { severity: 'error', code: 'files.missing', message: `Cannot open ${JSON.stringify(path)}: ${fileErrorReason(e)}.` };
  }

  /** One folder's entries: folders first, then files (filtered by purpose), each sorted by name; hidden files left out. */
  async list(path: string, purpose?: FilePurpose): Promise<Result<FolderListing>> {
    const checked = await this.check(path, 'read');
    if (!checked.ok) return checked;
    const folder = checked.value;
    let names: string[];
    try {
      names = (await readdir(folder)).filter((n) => !n.startsWith('.') && !n.endsWith(TEMP_SUFFIX));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') return fail({ severity: 'error', code: 'files.notFolder', message: `${JSON.stringify(path)} is a file; expected a folder.` });
      return fail(this.missing(path, e));
    }
    const extensions = purpose ? FILE_PURPOSE_EXTENSIONS[purpose] : [];
    const entries: FileEntry[] = [];
    for (const name of names.sort((a, b) => a.localeCompare(b))) {
      const full = join(folder, name);
      let info;
      try {
        info = await stat(full);
      } catch {
        continue; // A dangling link or a file removed meanwhile.
      }
      const kind = info.isDirectory() ? 'directory' : 'file';
      if (kind === 'file' && purpose === 'folder') continue;
      if (kind === 'file' && extensions.length > 0 && !extensions.includes(extname(name).toLowerCase())) continue;
      entries.push({ name, path: full, kind, size: kind === 'file' ? info.size : 0, modifiedAt: info.mtime.toISOString() });
    }
    entries.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'directory' ? -1 : 1));
    const atRoot = this.roots.has(folder);
    const parent = atRoot || dirname(folder) === folder ? null : dirname(folder);
    const listing: FolderListing = {
      path: folder,
      parent: parent && this.allows(parent) ? parent : null,
      entries: entries.slice(0, MAX_LISTING),
    };
    if (entries.length > MAX_LISTING) {
      return ok(listing, [
        {
          severity: 'warning',
          code: 'files.listingCut',
          message: `${JSON.stringify(folder)} holds ${entries.length} entries; only the first ${MAX_LISTING} are shown.`,
        },
      ]);
    }
    return ok(listing);
  }
}
