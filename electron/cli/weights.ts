/**
 * `trt-studio weights inspect FILE [--json]`: decode a .wts, .safetensors or .npz (in the decode worker) and print its
 * tensors, their shapes where the file gives them, and statistics.
 */
import type { TensorStatistics } from '../../core/weights/statistics.js';
import { formatShape } from '../../core/weights/tensor-file.js';
import { WeightStore } from '../services/weight-store.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, parseCommandArgs, type CliCommand } from './command.js';
import { formatDiagnostic } from './project-io.js';

/** A number in at most 6 significant digits, for the table. */
function short(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(6).replace(/\.?0+(e|$)/, '$1');
}

function statsColumns(s: TensorStatistics): string[] {
  return [short(s.min), short(s.max), short(s.mean), short(s.std), s.nanCount + s.infCount > 0 ? `${s.nanCount}/${s.infCount}` : '0'];
}

export const weightsCommand: CliCommand = {
  name: 'weights',
  summary: 'Inspect a weights file (.wts, .safetensors, .npz): tensors, element counts, shapes, statistics and decode time; exit 1 when it is malformed.',
  usage: 'weights inspect FILE.wts|FILE.safetensors|FILE.npz [--json]',
  async run(args, io) {
    const parsed = parseCommandArgs(this, args, { json: { type: 'boolean' } }, io);
    if (!parsed) return EXIT_USAGE;
    const [action, path, ...extra] = parsed.positionals;
    if (action !== 'inspect' || !path || extra.length > 0) {
      io.err(`Expected 'inspect' and one weights file.\nUsage: trt-studio ${this.usage}`);
      return EXIT_USAGE;
    }
    const json = parsed.values.json === true;
    const store = new WeightStore();
    try {
      const result = await store.load(path);
      if (!result.ok) {
        if (json) io.out(JSON.stringify({ file: path, ok: false, diagnostics: [result.diagnostic] }, null, 2));
        else io.err(formatDiagnostic(result.diagnostic));
        return result.unreadable ? EXIT_USAGE : EXIT_INVALID;
      }
      const file = result.file;
      if (json) {
        io.out(
          JSON.stringify(
            {
              file: path,
              ok: true,
              bytes: file.bytes,
              tensorCount: file.tensors.length,
              valueCount: file.valueCount,
              decodeSeconds: Number(file.decodeSeconds.toFixed(4)),
              statisticsSeconds: Number(file.statisticsSeconds.toFixed(4)),
              tensors: file.tensors.map(({ statistics, ...t }) => ({ ...t, ...statistics })),
              diagnostics: [],
            },
            null,
            2,
          ),
        );
        return EXIT_OK;
      }
      io.out(
        `${file.fileName}: ${file.tensors.length} tensors, ${file.valueCount} values, ${file.bytes} bytes, decoded in ${file.decodeSeconds.toFixed(3)} s (statistics ${file.statisticsSeconds.toFixed(3)} s)`,
      );
      // A .safetensors or .npz gives shapes; a .wts does not, and its table keeps its columns.
      const shaped = file.tensors.some((t) => t.shape);
      const header = ['name', 'count', ...(shaped ? ['shape'] : []), 'min', 'max', 'mean', 'std', 'nan/inf'];
      const rows = file.tensors.map((t) => [t.name, String(t.count), ...(shaped ? [t.shape ? formatShape(t.shape) : '—'] : []), ...statsColumns(t.statistics)]);
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      for (const r of [header, ...rows]) io.out(`  ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')}`);
      return EXIT_OK;
    } finally {
      await store.dispose();
    }
  },
};
