/**
 * The project-file corpus: each case is a file (as text or a change to a valid one), the exact
 * Diagnostic it must produce, and why the case exists. Nothing is ever half-loaded.
 */
import { describe, expect, it } from 'vitest';
import { parseProject, serializeProject, validateDocument } from './project-file.js';
import { emptyDocument, type NetworkDocument } from './types.js';

const FILE = 'net.trtstudio';

function validDoc(): NetworkDocument {
  const doc = emptyDocument('tiny');
  doc.inputs.push({ id: 'in1', name: 'data', dtype: 'FLOAT', dims: [1, 3, 32, 32] });
  doc.nodes.push(
    {
      id: 'n1',
      type: 'addConvolutionNd',
      name: 'conv1',
      params: {
        nbOutputMaps: 8,
        kernelSize: [3, 3],
        stride: [1, 1],
        prePadding: [1, 1],
        postPadding: [1, 1],
        paddingMode: 'EXPLICIT_ROUND_DOWN',
        dilation: [1, 1],
        nbGroups: 1,
      },
    },
    { id: 'n2', type: 'addActivation', name: 'relu1', params: { type: 'RELU', alpha: 0, beta: 0 } },
    { id: 'n3', type: 'addConcatenation', name: 'cat', params: { axis: 1 } },
  );
  doc.edges.push(
    { id: 'e1', from: { node: 'in1', port: 'output' }, to: { node: 'n1', port: 'input' } },
    { id: 'e2', from: { node: 'n1', port: 'output' }, to: { node: 'n2', port: 'input' } },
    { id: 'e3', from: { node: 'n2', port: 'output' }, to: { node: 'n3', port: 'inputs.0' } },
    { id: 'e4', from: { node: 'n1', port: 'output' }, to: { node: 'n3', port: 'inputs.1' } },
  );
  doc.outputs.push({ name: 'prob', from: { node: 'n3', port: 'output' } });
  doc.bindings = { n1: { kernel: 'conv1.weight' } };
  doc.ui.positions = { in1: { x: 0, y: 0 }, n1: { x: 200, y: 0 } };
  doc.ui.groups = [{ id: 'g1', name: 'stem', nodeIds: ['n1', 'n2'], collapsed: true }];
  return doc;
}

/** A valid file with one change applied to its JSON. */
function mutated(change: (file: { format: unknown; version: unknown; network: Record<string, unknown> & NetworkDocument }) => void): string {
  const file = JSON.parse(serializeProject(validDoc()));
  change(file);
  return JSON.stringify(file);
}

interface Case {
  name: string;
  why: string;
  text: string;
  expected: { code: string; message: string; nodeId?: string; field?: string }[];
}

const CASES: Case[] = [
  {
    name: 'not JSON',
    why: 'a truncated save',
    text: '{"format": "trtstudio", "version": 1, "network": {',
    expected: [{ code: 'project.json', message: `${FILE} is not valid JSON: it ends too early.` }],
  },
  {
    name: 'empty file',
    why: 'a zero-byte file after a failed copy',
    text: '',
    expected: [{ code: 'project.json', message: `${FILE} is empty; expected a TRT Studio project (JSON).` }],
  },
  {
    name: 'a syntax error',
    why: 'a hand edit with a trailing comma',
    text: '{\n  "format": "trtstudio",\n  "version": 1,\n}',
    expected: [{ code: 'project.json', message: `${FILE} is not valid JSON: it has a syntax error at line 4, column 1.` }],
  },
  {
    name: 'an ONNX-like JSON',
    why: 'the wrong file picked in the dialog',
    text: '{"graph": {}}',
    expected: [{ code: 'project.format', message: `${FILE} is not a TRT Studio project: expected a JSON object with "format": "trtstudio".` }],
  },
  {
    name: 'a JSON array',
    why: 'a catalog dump opened by mistake',
    text: '[]',
    expected: [{ code: 'project.format', message: `${FILE} is not a TRT Studio project: expected a JSON object with "format": "trtstudio".` }],
  },
  {
    name: 'future version',
    why: 'a file from a newer release',
    text: mutated((f) => (f.version = 7)),
    expected: [
      {
        code: 'project.version.future',
        message: `${FILE} was saved by a newer TRT Studio (format version 7); this version reads format 1. Update TRT Studio to open it.`,
      },
    ],
  },
  {
    name: 'version as string',
    why: 'hand-edited file',
    text: mutated((f) => (f.version = '1')),
    expected: [{ code: 'project.version', message: `${FILE} has an invalid format version "1"; expected a positive integer.` }],
  },
  {
    name: 'no network',
    why: 'hand-edited file',
    text: '{"format": "trtstudio", "version": 1}',
    expected: [{ code: 'project.network', message: `${FILE} has no "network" object.` }],
  },
  {
    name: 'unknown layer type',
    why: 'a layer from TensorRT 8 (addFullyConnected was removed in 10)',
    text: mutated((f) => (f.network.nodes[1]!.type = 'addFullyConnected')),
    expected: [{ code: 'project.node.type', message: "Node 'relu1' has the unknown layer type 'addFullyConnected'.", nodeId: 'n2', field: 'type' }],
  },
  {
    name: 'duplicate node id',
    why: 'a bad merge',
    text: mutated((f) => (f.network.nodes[1]!.id = 'n1')),
    expected: [
      { code: 'project.id.duplicate', message: "Node 'relu1' reuses the id 'n1'; ids must be unique.", nodeId: 'n1' },
      // The wires and the group that named 'n2' now point nowhere, and say so.
      { code: 'project.edge.dangling', message: "Edge 'e2' ends at the node 'n2', which does not exist." },
      { code: 'project.edge.dangling', message: "Edge 'e3' \"from\" starts at the node 'n2', which does not exist." },
      { code: 'project.ui.group', message: 'Group \'stem\' lists nodes that do not exist: "n2".' },
    ],
  },
  {
    name: 'id shared by input and node',
    why: 'ids are one namespace',
    text: mutated((f) => (f.network.nodes[2]!.id = 'in1')),
    expected: [
      { code: 'project.id.duplicate', message: "Node 'cat' reuses the id 'in1'; ids must be unique.", nodeId: 'in1' },
      { code: 'project.edge.dangling', message: "Edge 'e3' ends at the node 'n3', which does not exist." },
      { code: 'project.edge.dangling', message: "Edge 'e4' ends at the node 'n3', which does not exist." },
      { code: 'project.edge.dangling', message: "Output 'prob' \"from\" starts at the node 'n3', which does not exist." },
    ],
  },
  {
    name: 'duplicate layer name',
    why: 'names are TensorRT layer names and must be unique',
    text: mutated((f) => (f.network.nodes[1]!.name = 'conv1')),
    expected: [{ code: 'project.name.duplicate', message: "Two layers are named 'conv1'; layer names must be unique.", nodeId: 'n2', field: 'name' }],
  },
  {
    name: 'duplicate input name',
    why: 'tensor names must be unique',
    text: mutated((f) => f.network.inputs.push({ id: 'in2', name: 'data', dtype: 'FLOAT', dims: [1] })),
    expected: [{ code: 'project.name.duplicate', message: "Two inputs are named 'data'; input names must be unique.", nodeId: 'in2', field: 'name' }],
  },
  {
    name: 'wrong parameter type',
    why: 'a string where TensorRT takes an int64',
    text: mutated((f) => (f.network.nodes[0]!.params.nbOutputMaps = '8')),
    expected: [
      {
        code: 'project.param.invalid',
        message: `Node 'conv1' (addConvolutionNd) parameter 'nbOutputMaps': expected a number, got "8".`,
        nodeId: 'n1',
        field: 'nbOutputMaps',
      },
    ],
  },
  {
    name: 'parameter out of range',
    why: 'groups must be positive',
    text: mutated((f) => (f.network.nodes[0]!.params.nbGroups = 0)),
    expected: [
      {
        code: 'project.param.invalid',
        message: "Node 'conv1' (addConvolutionNd) parameter 'nbGroups': 0 is below the minimum 1.",
        nodeId: 'n1',
        field: 'nbGroups',
      },
    ],
  },
  {
    name: 'unknown enum value',
    why: 'an ActivationType TensorRT does not have',
    text: mutated((f) => (f.network.nodes[1]!.params.type = 'SWISH')),
    expected: [
      {
        code: 'project.param.invalid',
        message:
          "Node 'relu1' (addActivation) parameter 'type': 'SWISH' is not a ActivationType; expected one of RELU, SIGMOID, TANH, LEAKY_RELU, ELU, SELU, SOFTSIGN, SOFTPLUS, CLIP, HARD_SIGMOID, SCALED_TANH, THRESHOLDED_RELU, GELU_ERF, GELU_TANH.",
        nodeId: 'n2',
        field: 'type',
      },
    ],
  },
  {
    name: 'enum as number',
    why: 'files carry enum names, never numbers (they differ between TensorRT 10 and 11)',
    text: mutated((f) => (f.network.nodes[0]!.params.paddingMode = 2)),
    expected: [
      {
        code: 'project.param.invalid',
        message:
          "Node 'conv1' (addConvolutionNd) parameter 'paddingMode': expected one of EXPLICIT_ROUND_DOWN, EXPLICIT_ROUND_UP, SAME_UPPER, SAME_LOWER, got 2.",
        nodeId: 'n1',
        field: 'paddingMode',
      },
    ],
  },
  {
    name: 'unknown parameter',
    why: 'a TensorRT 8 parameter name',
    text: mutated((f) => (f.network.nodes[0]!.params.padding = [1, 1])),
    expected: [
      {
        code: 'project.param.unknown',
        message:
          "Node 'conv1' (addConvolutionNd) has the unknown parameter 'padding'; addConvolutionNd takes nbOutputMaps, kernelSize, stride, prePadding, postPadding, paddingMode, dilation, nbGroups.",
        nodeId: 'n1',
        field: 'padding',
      },
    ],
  },
  {
    name: 'non-integer list value',
    why: 'kernel sizes are integers',
    text: mutated((f) => (f.network.nodes[0]!.params.kernelSize = [3, 2.5])),
    expected: [
      {
        code: 'project.param.invalid',
        message: "Node 'conv1' (addConvolutionNd) parameter 'kernelSize': expected integers, got [3,2.5].",
        nodeId: 'n1',
        field: 'kernelSize',
      },
    ],
  },
  {
    name: 'dangling edge source',
    why: 'a node deleted by hand',
    text: mutated((f) => (f.network.edges[1]!.from.node = 'gone')),
    expected: [{ code: 'project.edge.dangling', message: "Edge 'e2' \"from\" starts at the node 'gone', which does not exist." }],
  },
  {
    name: 'dangling edge target',
    why: 'a node deleted by hand',
    text: mutated((f) => (f.network.edges[1]!.to.node = 'gone')),
    expected: [{ code: 'project.edge.dangling', message: "Edge 'e2' ends at the node 'gone', which does not exist." }],
  },
  {
    name: 'wire into an input',
    why: 'network inputs take no wires',
    text: mutated((f) => (f.network.edges[1]!.to = { node: 'in1', port: 'output' })),
    expected: [{ code: 'project.edge.dangling', message: "Edge 'e2' ends at the node 'in1', which is a network input and takes no wires." }],
  },
  {
    name: 'unknown target port',
    why: 'a renamed port',
    text: mutated((f) => (f.network.edges[1]!.to.port = 'x')),
    expected: [
      {
        code: 'project.edge.port',
        message: "Edge 'e2' ends at the port 'x' of 'relu1' (addActivation), which has the inputs input.",
        nodeId: 'n2',
        field: 'x',
      },
    ],
  },
  {
    name: 'unknown source port',
    why: 'a renamed port',
    text: mutated((f) => (f.network.edges[1]!.from.port = 'out')),
    expected: [
      {
        code: 'project.edge.port',
        message: "Edge 'e2' \"from\" starts at the port 'out' of 'conv1' (addConvolutionNd), which has the outputs output.",
        nodeId: 'n1',
      },
    ],
  },
  {
    name: 'variadic port index malformed',
    why: 'inputs.01 is not an index',
    text: mutated((f) => (f.network.edges[2]!.to.port = 'inputs.01')),
    expected: [
      {
        code: 'project.edge.port',
        message: "Edge 'e3' ends at the port 'inputs.01' of 'cat' (addConcatenation), which has the inputs inputs.0, inputs.1, ....",
        nodeId: 'n3',
        field: 'inputs.01',
      },
    ],
  },
  {
    name: 'two wires into one input',
    why: 'an input takes one wire',
    text: mutated((f) => (f.network.edges[3]!.to = { node: 'n2', port: 'input' })),
    expected: [
      {
        code: 'project.edge.duplicate',
        message: "Edge 'e4' is a second wire into the input 'input' of 'relu1'; an input takes one wire.",
        nodeId: 'n2',
        field: 'input',
      },
    ],
  },
  {
    name: 'bad input dtype',
    why: 'a data type TensorRT lacks',
    text: mutated((f) => (f.network.inputs[0]!.dtype = 'FLOAT64' as never)),
    expected: [
      {
        code: 'project.input.dtype',
        message: 'Input \'data\' has the data type "FLOAT64"; expected one of FLOAT, HALF, INT8, INT32, BOOL, UINT8, FP8, BF16, INT64, INT4, FP4, E8M0.',
        nodeId: 'in1',
        field: 'dtype',
      },
    ],
  },
  {
    name: 'zero input dim',
    why: 'dims are positive or −1',
    text: mutated((f) => (f.network.inputs[0]!.dims = [1, 0, 32, 32])),
    expected: [
      {
        code: 'project.dims',
        message: 'Input \'data\' "dims" must be a list of at most 8 positive integers (−1 for a dynamic dimension); found [1,0,32,32].',
        nodeId: 'in1',
        field: 'dims',
      },
    ],
  },
  {
    name: 'profile min above max',
    why: 'an optimization profile must be ordered',
    text: mutated((f) => {
      f.network.inputs[0]!.dims = [-1, 3, 32, 32];
      f.network.inputs[0]!.profile = { min: [8, 3, 32, 32], opt: [4, 3, 32, 32], max: [16, 3, 32, 32] };
    }),
    expected: [
      {
        code: 'project.input.profile',
        message: "Input 'data' profile needs min ≤ opt ≤ max in every dimension; dimension 0 has 8, 4, 16.",
        nodeId: 'in1',
        field: 'profile',
      },
    ],
  },
  {
    name: 'profile changes a static dim',
    why: 'only dynamic dims may vary',
    text: mutated((f) => {
      f.network.inputs[0]!.dims = [-1, 3, 32, 32];
      f.network.inputs[0]!.profile = { min: [1, 1, 32, 32], opt: [4, 3, 32, 32], max: [16, 3, 32, 32] };
    }),
    expected: [
      { code: 'project.input.profile', message: "Input 'data' profile must keep the static dimension 1 at 3; found 1..3.", nodeId: 'in1', field: 'profile' },
    ],
  },
  {
    name: 'dimNames of the wrong length',
    why: 'an imported input names its dynamic dims, one entry per dim',
    text: mutated((f) => {
      f.network.inputs[0]!.dims = [-1, 1, 32, 32];
      (f.network.inputs[0] as { dimNames?: string[] }).dimNames = ['batch'];
    }),
    expected: [
      {
        code: 'project.input.dimNames',
        message: 'Input \'data\' "dimNames" must list one name (or \'\') per dimension, 4 in all; found ["batch"].',
        nodeId: 'in1',
        field: 'dimNames',
      },
    ],
  },
  {
    name: 'output from a missing node',
    why: 'a node deleted by hand',
    text: mutated((f) => (f.network.outputs[0]!.from.node = 'gone')),
    expected: [{ code: 'project.edge.dangling', message: "Output 'prob' \"from\" starts at the node 'gone', which does not exist." }],
  },
  {
    name: 'duplicate output name',
    why: 'output tensor names must be unique',
    text: mutated((f) => f.network.outputs.push({ name: 'prob', from: { node: 'n1', port: 'output' } })),
    expected: [{ code: 'project.name.duplicate', message: "Two outputs are named 'prob'; output names must be unique.", field: 'name' }],
  },
  {
    name: 'binding for a missing node',
    why: 'stale bindings',
    text: mutated((f) => (f.network.bindings = { zz: { kernel: 'a' } })),
    expected: [{ code: 'project.bindings', message: "Weight bindings name the node 'zz', which does not exist." }],
  },
  {
    name: 'binding to a non-string',
    why: 'tensor names are strings',
    text: mutated((f) => (f.network.bindings = { n1: { kernel: 5 } as never })),
    expected: [
      {
        code: 'project.bindings',
        message: 'Weight bindings of \'conv1\' must map slot names (at most 256 characters) to tensor names (at most 1024); found {"kernel":5}.',
        nodeId: 'n1',
      },
    ],
  },
  {
    name: 'deeply nested JSON in a parameter',
    why: 'a stack overflow here once ended in an internal error',
    // Built as text: JSON.stringify itself cannot write such a value.
    text: mutated((f) => (f.network.nodes[1]!.params = { alpha: 'DEEP' })).replace('"DEEP"', `${'['.repeat(100_000)}${']'.repeat(100_000)}`),
    expected: [
      {
        code: 'project.limit',
        message: `${FILE} was refused: network.nodes[1].params.alpha${'[0]'.repeat(27)} is nested deeper than 32 levels; expected a flatter payload.`,
      },
    ],
  },
  {
    name: 'a layer name longer than the API accepts',
    why: 'the loader and the API share one set of limits',
    text: mutated((f) => (f.network.nodes[0]!.name = 'c'.repeat(2000))),
    expected: [
      {
        code: 'project.node',
        message: `Node 'n1' "name" is 2000 characters long; the limit is 1024. It starts "${'c'.repeat(40)}".`,
        nodeId: 'n1',
        field: 'name',
      },
    ],
  },
  {
    name: 'a huge string parameter',
    why: 'a message quotes at most 200 characters of a bad value',
    text: mutated((f) => (f.network.nodes[1]!.params = { type: 'x'.repeat(1_000_000) })),
    expected: [
      {
        code: 'project.param.invalid',
        message: `Node 'relu1' (addActivation) parameter 'type': the text is 1000000 characters long; the limit is 65536.`,
        nodeId: 'n2',
        field: 'type',
      },
    ],
  },
  {
    name: 'group with a missing node',
    why: 'stale UI state',
    text: mutated((f) => (f.network.ui.groups[0]!.nodeIds = ['n1', 'zz'])),
    expected: [{ code: 'project.ui.group', message: 'Group \'stem\' lists nodes that do not exist: "zz".' }],
  },
  {
    name: 'position not numeric',
    why: 'hand-edited UI state',
    text: mutated((f) => (f.network.ui.positions = { n1: { x: 'a', y: 0 } as never })),
    expected: [{ code: 'project.ui', message: 'The position of node \'n1\' must be {"x": number, "y": number}; found {"x":"a","y":0}.', nodeId: 'n1' }],
  },
];

describe('parseProject', () => {
  it('round-trips a document exactly', () => {
    const doc = validDoc();
    const parsed = parseProject(serializeProject(doc), FILE);
    expect(parsed).toEqual({ ok: true, value: doc });
  });

  it('fills parameters a file lacks with their defaults', () => {
    const text = mutated((f) => (f.network.nodes[1]!.params = { type: 'LEAKY_RELU' }));
    const parsed = parseProject(text, FILE);
    expect(parsed.ok && parsed.value.nodes[1]!.params).toEqual({ type: 'LEAKY_RELU', alpha: 0, beta: 0 });
  });

  it('has a corpus of at least 20 invalid files', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
  });

  for (const c of CASES) {
    it(`rejects ${c.name} (${c.why})`, () => {
      const parsed = parseProject(c.text, FILE);
      expect(parsed.ok).toBe(false);
      const got = parsed.diagnostics!.map((d) => ({
        code: d.code,
        message: d.message,
        ...(d.nodeId ? { nodeId: d.nodeId } : {}),
        ...(d.field ? { field: d.field } : {}),
      }));
      expect(got).toEqual(c.expected);
      expect(parsed.diagnostics!.every((d) => d.severity === 'error' && d.detail === FILE)).toBe(true);
    });
  }
});

describe('validateDocument', () => {
  it('returns the typed document for a valid one, with missing parameters completed', () => {
    const doc = validDoc();
    expect(validateDocument(structuredClone(doc), 'the request')).toEqual({ ok: true, value: doc });
  });

  it('refuses what loading a file refuses, with the same messages', () => {
    const doc = validDoc();
    doc.nodes[0]!.type = 'addTeleport';
    const fromFile = parseProject(serializeProject(doc), 'the request');
    const direct = validateDocument(doc, 'the request');
    expect(direct).toEqual(fromFile);
    expect(direct.ok ? 'accepted' : direct.diagnostics[0]!.message).toBe("Node 'conv1' has the unknown layer type 'addTeleport'.");
  });

  it('refuses something that is not a document, and deep nesting, without recursing', () => {
    expect(validateDocument([1, 2], 'the request')).toEqual({
      ok: false,
      diagnostics: [{ severity: 'error', code: 'project.network', message: 'the request must be a network object; found [1,2].', detail: 'the request' }],
    });
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const r = validateDocument({ ...validDoc(), name: deep }, 'the request');
    expect(r.ok ? 'accepted' : r.diagnostics[0]!.message).toBe(
      `the request was refused: network.name${'[0]'.repeat(31)} is nested deeper than 32 levels; expected a flatter payload.`,
    );
  });
});
