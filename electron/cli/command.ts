/** What every CLI command implements, and the shared exit codes. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export const EXIT_OK = 0;
/** The input (network, weights, image) has errors. */
export const EXIT_INVALID = 1;
/** A file cannot be read, or the command line is wrong. */
export const EXIT_USAGE = 2;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export interface CliCommand {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Arguments after the command name, e.g. `check PROJECT.trtstudio [--json]`. */
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

export type ParsedArgs = ReturnType<typeof parseArgs>;

/** parseArgs that reports a bad command line as a message instead of throwing. */
export function parseCommandArgs(
  command: CliCommand,
  args: string[],
  options: NonNullable<ParseArgsConfig['options']>,
  io: CliIo,
): { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] } | undefined {
  try {
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: parsed.values, positionals: parsed.positionals };
  } catch (e) {
    io.err(`${(e as Error).message}\nUsage: trt-studio ${command.usage}`);
    return undefined;
  }
}
