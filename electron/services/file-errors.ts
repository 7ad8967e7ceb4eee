/**
 * Why a file operation failed, in the words every "Cannot read PATH: …" message ends with. One table,
 * so the app, the web host and the CLI say the same thing for the same error.
 */
const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'it does not exist',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a folder on its path is a file',
  ENOSPC: 'the disk is full',
};

/** The reason an fs call failed, to end a sentence that names the path; the system's message for errors the table lacks. */
export function fileErrorReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && REASONS[code] !== undefined) return REASONS[code];
  return e instanceof Error ? e.message : String(e);
}
