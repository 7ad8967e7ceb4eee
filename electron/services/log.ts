/** The host's log: refused messages, service failures and job ends, one line each with a timestamp. */

export interface HostLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Writes to stderr; `quiet` drops info lines (the CLI's default keeps stdout for the URL). */
export function consoleLog(quiet = false): HostLog {
  const write = (level: string, message: string) => process.stderr.write(`${new Date().toISOString()} ${level} ${message}\n`);
  return {
    info: (m) => (quiet ? undefined : write('info', m)),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
  };
}

/** Keeps lines in memory: for tests, which assert what was logged. */
export function memoryLog(): HostLog & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
}
