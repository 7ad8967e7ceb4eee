/**
 * `trt-studio`: the command-line interface. Each command is one file in this folder and one line in
 * COMMANDS. Exit codes: 0 success, 1 the input has errors (the network, the weights), 2 a file
 * cannot be read or the command line is wrong.
 */
import { buildCommand } from './build.js';
import { checkCommand } from './check.js';
import { codegenCommand } from './codegen.js';
import { doctorCommand } from './doctor.js';
import { exportCommand } from './export.js';
import { farmCommand } from './farm.js';
import { importCommand } from './import.js';
import { layersCommand } from './layers.js';
import { profileCommand } from './profile.js';
import { runCommand } from './run.js';
import { serveCommand } from './serve.js';
import { templateCommand } from './template.js';
import { weightsCommand } from './weights.js';
import { EXIT_USAGE, type CliCommand, type CliIo } from './command.js';

const COMMANDS: readonly CliCommand[] = [
  layersCommand,
  checkCommand,
  weightsCommand,
  templateCommand,
  importCommand,
  serveCommand,
  runCommand,
  profileCommand,
  exportCommand,
  doctorCommand,
  buildCommand,
  codegenCommand,
  farmCommand,
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: trt-studio <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Weights (--weights FILE, weights inspect FILE): a tensorrtx .wts, a .safetensors or a NumPy .npz, by its extension.',
    "Run 'trt-studio <command> --help' for a command's options.",
  ].join('\n');
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? 0 : EXIT_USAGE;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`Unknown command '${name}'.\n\n${usage()}`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`Usage: trt-studio ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  return command.run(rest, io);
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};
