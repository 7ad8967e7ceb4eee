/** `trt-studio template NAME -o OUT.trtstudio` and `template --list`: start a project from a model template. */
import { writeFile } from 'node:fs/promises';
import { serializeProject } from '../../core/network/project-file.js';
import { buildTemplate, listTemplates } from '../../core/templates/index.js';
import { EXIT_OK, EXIT_USAGE, parseCommandArgs, type CliCommand } from './command.js';

export const templateCommand: CliCommand = {
  name: 'template',
  summary:
    'Write a model template (lenet5, resnet18…152, resnext50_32x4d, vgg11/16[_bn], mobilenet_v2/v3_small, squeezenet1_1, shufflenet_v2_x1_0, densenet121, efficientnet_b0, googlenet, regnet_x_400mf, yolov8n, yolov8s, yolov5s) as a project, or list them.',
  usage: 'template NAME -o OUT.trtstudio | template --list [--json]',
  async run(args, io) {
    const parsed = parseCommandArgs(this, args, { list: { type: 'boolean' }, json: { type: 'boolean' }, output: { type: 'string', short: 'o' } }, io);
    if (!parsed) return EXIT_USAGE;
    if (parsed.values.list === true) {
      const templates = listTemplates();
      if (parsed.values.json === true)
        io.out(
          JSON.stringify(
            templates.map((t) => ({ name: t.name, summary: t.summary })),
            null,
            2,
          ),
        );
      else {
        const width = Math.max(...templates.map((t) => t.name.length));
        for (const t of templates) io.out(`${t.name.padEnd(width)}  ${t.summary}`);
      }
      return EXIT_OK;
    }
    const [name, ...extra] = parsed.positionals;
    const output = parsed.values.output;
    if (!name || extra.length > 0 || typeof output !== 'string') {
      io.err(`Expected one template name and -o OUT.trtstudio.\nUsage: trt-studio ${this.usage}`);
      return EXIT_USAGE;
    }
    const doc = buildTemplate(name);
    if (!doc) {
      io.err(
        `There is no template '${name}'; expected one of ${listTemplates()
          .map((t) => t.name)
          .join(', ')}.`,
      );
      return EXIT_USAGE;
    }
    try {
      await writeFile(output, serializeProject(doc));
    } catch (e) {
      io.err(`Cannot write ${output}: ${(e as Error).message}.`);
      return EXIT_USAGE;
    }
    io.out(
      `Wrote ${output}: ${name}, ${doc.nodes.length} layers, input '${doc.inputs[0]!.name}' [${doc.inputs[0]!.dims.join(', ')}], output '${doc.outputs[0]!.name}'.`,
    );
    return EXIT_OK;
  },
};
