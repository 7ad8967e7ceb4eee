import { describe, expect, it } from 'vitest';
import { hasErrors, type Diagnostic } from '../diagnostics.js';
import { lowerToProgram } from '../lower/lower.js';
import type { NetworkDocument, WeightBindings } from '../network/types.js';
import { buildOnnxModel, translateProgram } from '../onnx/translate.js';
import { inferShapes } from '../shapes/infer.js';
import { buildTemplate, listTemplates } from '../templates/index.js';
import { checkNetwork } from './check-network.js';
import { emptyDocument } from '../network/types.js';
import { addInput } from '../network/edit.js';
import { NAME_CLASH_MESSAGE, nameClash, ROUND_UP_MESSAGE, roundUpPooling } from './testing.js';

/**
 * What `run` does, independently of the check: every required slot bound by hand to its own tensor
 * of a `.wts` made for the project (values 0.5), lowered with those values, translated to ONNX and serialised.
 */
function runPipeline(doc: NetworkDocument): Diagnostic[] {
  const shapes = inferShapes(doc);
  const counts = new Map<string, number>();
  const bindings: WeightBindings = {};
  for (const node of doc.nodes)
    for (const slot of shapes.nodes[node.id]?.weights ?? [])
      if (!slot.optional) {
        counts.set(`${node.id}.${slot.name}`, slot.count ?? 0);
        (bindings[node.id] ??= {})[slot.name] = `${node.id}.${slot.name}`;
      }
  const lowered = lowerToProgram({ ...doc, bindings }, (name) => (counts.has(name) ? new Float32Array(counts.get(name)!).fill(0.5) : undefined));
  if (!lowered.ok) return lowered.diagnostics;
  // Serialising VGG's 138M values takes seconds and gigabytes; above 30M values the same translation runs without writing them out.
  const values = lowered.value.program.weights.reduce((sum, w) => sum + w.count, 0);
  const translate = values > 30_000_000 ? buildOnnxModel : translateProgram;
  const translated = translate(lowered.value.program, lowered.value.weights);
  return translated.ok ? [] : translated.diagnostics;
}

function errors(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
}

/** Small networks edited the ways a user would: each either runs or fails, and check must say which. */
function mutations(): { name: string; doc: NetworkDocument }[] {
  const cases: { name: string; doc: NetworkDocument }[] = [
    { name: 'name clash with a composite', doc: nameClash() },
    ...listTemplates().map((t) => ({ name: `template ${t.name}`, doc: t.build() })),
  ];
  // Pooling sweep: round-up and round-down, padding 0–2, input 4–7, window 2–3, stride 1–2.
  for (const mode of ['EXPLICIT_ROUND_UP', 'EXPLICIT_ROUND_DOWN', 'SAME_UPPER'])
    for (const pad of [0, 1, 2])
      for (const size of [4, 5, 6, 7])
        for (const window of [2, 3])
          for (const stride of [1, 2])
            cases.push({
              name: `pool ${mode} pad ${pad} size ${size} window ${window} stride ${stride}`,
              doc: roundUpPooling(size, {
                paddingMode: mode,
                prePadding: [pad, pad],
                postPadding: [pad, pad],
                windowSize: [window, window],
                stride: [stride, stride],
              }),
            });
  const lenet = buildTemplate('lenet5')!;
  const renamed = (from: string, to: string): NetworkDocument => ({ ...lenet, nodes: lenet.nodes.map((n) => (n.name === from ? { ...n, name: to } : n)) });
  cases.push({ name: 'two layers named alike', doc: renamed('relu2', 'relu1') });
  cases.push({ name: 'no output marked', doc: { ...lenet, outputs: [] } });
  cases.push({ name: 'output named as the input', doc: { ...lenet, outputs: [{ ...lenet.outputs[0]!, name: 'data' }] } });
  cases.push({ name: 'the same output twice', doc: { ...lenet, outputs: [lenet.outputs[0]!, lenet.outputs[0]!] } });
  cases.push({ name: 'a wire removed', doc: { ...lenet, edges: lenet.edges.slice(1) } });
  cases.push({ name: 'a dynamic batch', doc: { ...lenet, inputs: [{ ...lenet.inputs[0]!, dims: [-1, 1, 32, 32] }] } });
  cases.push({ name: 'a dynamic height', doc: { ...lenet, inputs: [{ ...lenet.inputs[0]!, dims: [1, 1, -1, 32] }] } });
  const resnet = buildTemplate('resnet18')!;
  const block = resnet.nodes.find((n) => n.name === 'layer2.0')!;
  cases.push({
    name: 'resnet18 fc renamed into layer2.0',
    doc: { ...resnet, nodes: resnet.nodes.map((n) => (n.name === 'fc' ? { ...n, name: 'layer2.0.downsample.0' } : n)) },
  });
  cases.push({ name: 'resnet18 layer2.0 renamed', doc: { ...resnet, nodes: resnet.nodes.map((n) => (n.id === block.id ? { ...n, name: 'layer2.1' } : n)) } });
  return cases;
}

describe('the network check', () => {
  it('reports a user layer whose name a composite also lowers to, on the user layer', () => {
    const doc = nameClash();
    const user = doc.nodes.find((n) => n.name === 'layer1.0.conv1')!;
    expect(checkNetwork(doc).diagnostics).toEqual([{ severity: 'error', code: 'lower.name.duplicate', message: NAME_CLASH_MESSAGE, nodeId: user.id }]);
  });

  it('reports a round-up pooling whose padding reaches the window, on the pooling node', () => {
    const doc = roundUpPooling();
    expect(checkNetwork(doc).diagnostics).toEqual([
      { severity: 'error', code: 'onnx.layer', message: ROUND_UP_MESSAGE, nodeId: doc.nodes[0]!.id, field: 'windowSize' },
    ]);
  });

  it('passes every template', () => {
    for (const t of listTemplates())
      expect({ template: t.name, errors: errors(checkNetwork(t.build()).diagnostics) }).toEqual({ template: t.name, errors: [] });
  });

  it('finds an error exactly when lowering and the ONNX translation of the bound network fail, with the same messages', () => {
    const outcomes = mutations().map(({ name, doc }) => {
      const ran = errors(runPipeline(doc));
      const checked = errors(checkNetwork(doc).diagnostics);
      return { name, runs: ran.length === 0, checkPasses: checked.length === 0, missed: ran.filter((m) => !checked.includes(m)) };
    });
    expect(outcomes.filter((o) => o.runs !== o.checkPasses || o.missed.length > 0)).toEqual([]);
    // The sweep must hold both kinds, or it proves nothing.
    expect(outcomes.filter((o) => o.name.startsWith('template ') && o.runs)).toHaveLength(listTemplates().length);
    expect(outcomes.filter((o) => o.runs).length).toBeGreaterThan(20);
    expect(outcomes.filter((o) => !o.runs).length).toBeGreaterThan(10);
  });

  it('finds no error in a network with no layers yet, only what to do first; lowering still refuses it', () => {
    const firstStep = {
      severity: 'info',
      code: 'network.empty',
      message: "Network 'Untitled' has no layers yet: drag a layer from the palette onto the canvas, or start from a model template.",
    };
    expect(checkNetwork(emptyDocument()).diagnostics).toEqual([firstStep]);
    const withInput = addInput(emptyDocument(), { dims: [1, 3, 32, 32] });
    if (!withInput.ok) throw new Error('addInput failed');
    expect(checkNetwork(withInput.value.doc).diagnostics).toEqual([firstStep]);
    const lowered = lowerToProgram(emptyDocument(), () => undefined);
    expect(lowered.ok ? [] : lowered.diagnostics.map((d) => d.code)).toEqual(['lower.output.none']);
  });

  it('reports a network with layers and no output as an error, as build and run do', () => {
    const lenet = buildTemplate('lenet5')!;
    expect(checkNetwork({ ...lenet, outputs: [] }).diagnostics).toEqual([
      { severity: 'error', code: 'lower.output.none', message: "Network 'lenet5' marks no output; mark at least one layer output as a network output." },
    ]);
  });

  it('does not report the weights a project leaves unbound: a .wts file fills them at run time', () => {
    const doc = buildTemplate('lenet5')!;
    expect(doc.bindings).toEqual({});
    expect(hasErrors(checkNetwork(doc).diagnostics)).toBe(false);
  });
});
