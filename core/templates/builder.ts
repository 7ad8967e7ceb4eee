/**
 * A small builder for template networks: nodes are added in PyTorch's forward order with their
 * module names, parameters are completed from the catalog, and positions are laid out left to right
 * by depth so that a template opens readable in the editor.
 */
import { getLayerSpec } from '../layers/catalog.js';
import { completeParams } from '../layers/params.js';
import { emptyDocument, INPUT_NODE_PORT, type DataType, type NetworkDocument, type Params, type PortRef } from '../network/types.js';

/** Horizontal and vertical distance between laid-out nodes, in canvas units. */
const COLUMN_WIDTH = 240;
const ROW_HEIGHT = 140;

export interface TemplateBuilder {
  /** Add a network input; returns its output port. */
  input(name: string, dims: number[], dtype?: DataType): PortRef;
  /** Add a layer fed by `wires` (input port → source); returns its `output` port. */
  layer(type: string, name: string, params: Params, wires: Record<string, PortRef>): PortRef;
  /** Add a single-input layer fed by `from` on its `input` port. */
  chain(type: string, name: string, params: Params, from: PortRef): PortRef;
  /** Mark a tensor as a network output. */
  output(name: string, from: PortRef): void;
  /** The finished document, laid out left to right. */
  finish(): NetworkDocument;
}

export function templateBuilder(documentName: string): TemplateBuilder {
  const doc = emptyDocument(documentName);
  let nextNode = 1;
  let nextEdge = 1;
  const builder: TemplateBuilder = {
    input(name, dims, dtype = 'FLOAT') {
      const id = `input_${name}`;
      doc.inputs.push({ id, name, dtype, dims });
      return { node: id, port: INPUT_NODE_PORT };
    },
    layer(type, name, params, wires) {
      const spec = getLayerSpec(type);
      if (!spec) throw new Error(`Template '${documentName}' uses the unknown layer type '${type}'.`);
      const id = `n${nextNode++}`;
      doc.nodes.push({ id, type, name, params: completeParams(spec.params, params) });
      for (const [port, from] of Object.entries(wires)) doc.edges.push({ id: `e${nextEdge++}`, from, to: { node: id, port } });
      return { node: id, port: 'output' };
    },
    chain(type, name, params, from) {
      return builder.layer(type, name, params, { input: from });
    },
    output(name, from) {
      doc.outputs.push({ name, from });
    },
    finish() {
      doc.ui.positions = layOut(doc);
      return doc;
    },
  };
  return builder;
}

/** Column = longest path from an input, row = order within the column. */
export function layOut(doc: NetworkDocument): Record<string, { x: number; y: number }> {
  const depth = new Map<string, number>(doc.inputs.map((i) => [i.id, 0]));
  const sources = new Map<string, string[]>();
  for (const e of doc.edges) {
    const list = sources.get(e.to.node);
    if (list) list.push(e.from.node);
    else sources.set(e.to.node, [e.from.node]);
  }
  // Templates add nodes after their sources, so one pass in document order settles every depth.
  for (const n of doc.nodes) depth.set(n.id, 1 + Math.max(0, ...(sources.get(n.id) ?? []).map((s) => depth.get(s) ?? 0)));
  const rows = new Map<number, number>();
  const positions: Record<string, { x: number; y: number }> = {};
  for (const id of [...doc.inputs.map((i) => i.id), ...doc.nodes.map((n) => n.id)]) {
    const column = depth.get(id) ?? 0;
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    positions[id] = { x: column * COLUMN_WIDTH, y: row * ROW_HEIGHT };
  }
  return positions;
}
