/**
 * The keys a network document may hold, checked where edits enter the editor. A stray key (a UI
 * object spread into a wire, say `side` from a dragged endpoint) would make the document fail the
 * contract's strict schema, so saving, autosave and weight binding would all be refused later;
 * catching it at the edit names the culprit at once and leaves the document as it was.
 *
 * Hand-written rather than a schema parse: it runs on every edit of networks with thousands of
 * layers, and only looks at key names (the values are the edit operations' business).
 */
import type { NetworkDocument } from './types.js';

const DOCUMENT_KEYS = ['name', 'inputs', 'nodes', 'edges', 'outputs', 'bindings', 'ui', 'blocks'];
const INPUT_KEYS = ['id', 'name', 'dtype', 'dims', 'profile', 'dimNames'];
const PROFILE_KEYS = ['min', 'opt', 'max'];
const NODE_KEYS = ['id', 'type', 'name', 'params', 'repeat'];
const REPEAT_KEYS = ['count', 'start', 'first', 'firstType'];
const EDGE_KEYS = ['id', 'from', 'to'];
const PORT_KEYS = ['node', 'port'];
const OUTPUT_KEYS = ['name', 'from'];
const UI_KEYS = ['positions', 'groups', 'viewport'];
const POINT_KEYS = ['x', 'y'];
const GROUP_KEYS = ['id', 'name', 'nodeIds', 'collapsed'];
const VIEWPORT_KEYS = ['x', 'y', 'zoom'];

/** The first key of `value` not in `allowed`, as `where: unknown key "k"`; undefined when all are known. */
function strayKey(value: object, allowed: readonly string[], where: string): string | undefined {
  for (const key in value) if (!allowed.includes(key)) return `${where} has an unknown key ${JSON.stringify(key)}`;
  return undefined;
}

/**
 * Where the document holds a key the project format does not know, e.g.
 * `edges[0].from has an unknown key "side"`; undefined for a clean document.
 */
export function unknownKeyProblem(doc: NetworkDocument): string | undefined {
  const problem = strayKey(doc, DOCUMENT_KEYS, 'the network');
  if (problem) return problem;
  for (const [i, input] of doc.inputs.entries()) {
    const p = strayKey(input, INPUT_KEYS, `inputs[${i}]`) ?? (input.profile ? strayKey(input.profile, PROFILE_KEYS, `inputs[${i}].profile`) : undefined);
    if (p) return p;
  }
  for (const [i, node] of doc.nodes.entries()) {
    const p = strayKey(node, NODE_KEYS, `nodes[${i}]`) ?? (node.repeat ? strayKey(node.repeat, REPEAT_KEYS, `nodes[${i}].repeat`) : undefined);
    if (p) return p;
  }
  for (const [i, edge] of doc.edges.entries()) {
    const p = strayKey(edge, EDGE_KEYS, `edges[${i}]`) ?? strayKey(edge.from, PORT_KEYS, `edges[${i}].from`) ?? strayKey(edge.to, PORT_KEYS, `edges[${i}].to`);
    if (p) return p;
  }
  for (const [i, output] of doc.outputs.entries()) {
    const p = strayKey(output, OUTPUT_KEYS, `outputs[${i}]`) ?? strayKey(output.from, PORT_KEYS, `outputs[${i}].from`);
    if (p) return p;
  }
  const p = strayKey(doc.ui, UI_KEYS, 'ui') ?? strayKey(doc.ui.viewport, VIEWPORT_KEYS, 'ui.viewport');
  if (p) return p;
  for (const [id, point] of Object.entries(doc.ui.positions)) {
    const q = strayKey(point, POINT_KEYS, `ui.positions[${JSON.stringify(id)}]`);
    if (q) return q;
  }
  for (const [i, group] of doc.ui.groups.entries()) {
    const q = strayKey(group, GROUP_KEYS, `ui.groups[${i}]`);
    if (q) return q;
  }
  return undefined;
}
