/**
 * How a farm job starts the CLI on its node: this process's node (Electron's, run as node, in the
 * app) with the checkout's `bin/trt-studio.mjs`, which loads the bundle `npm run build` writes to
 * dist/cli.mjs. Both must be on the filesystem the nodes share, as the job folders are.
 */
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { error, fail, ok, type Result } from '../../core/diagnostics.js';

export interface CliInvocation {
  /** The program and the arguments before the command: [node, …/bin/trt-studio.mjs]. */
  command: string[];
  /** Environment the job exports before running it. */
  env: Record<string, string>;
}

const isFile = async (path: string) => (await stat(path).catch(() => undefined))?.isFile() === true;

/** The checkout this code runs from: the nearest folder above it with bin/trt-studio.mjs (dist/ in the app, electron/farm/ in tests). */
export async function findCheckout(from = dirname(fileURLToPath(import.meta.url))): Promise<string | undefined> {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    if (await isFile(join(dir, 'bin', 'trt-studio.mjs'))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

export async function farmCliInvocation(): Promise<Result<CliInvocation>> {
  const checkout = await findCheckout();
  if (checkout === undefined)
    return fail(error('farm.cli.missing', 'Cannot find bin/trt-studio.mjs above this program; farm jobs run the CLI of a TRT Studio checkout.'));
  if (!(await isFile(join(checkout, 'dist', 'cli.mjs'))))
    return fail(error('farm.cli.unbuilt', `${join(checkout, 'dist', 'cli.mjs')} is missing; run 'npm run build' in ${checkout} before submitting farm jobs.`));
  const env: Record<string, string> = process.versions['electron'] !== undefined ? { ELECTRON_RUN_AS_NODE: '1' } : {};
  return ok({ command: [process.execPath, join(checkout, 'bin', 'trt-studio.mjs')], env });
}
