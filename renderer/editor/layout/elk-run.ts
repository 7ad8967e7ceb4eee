/** elkjs loaded once (by the layout worker, and by tests in Node), and one layout run. */
import * as elkBundle from 'elkjs/lib/elk.bundled.js';
import type { ELK } from 'elkjs/lib/elk-api.js';
import { elkGraph, positionsFrom } from './elk-graph.js';
import type { LayoutRequest } from './layout-protocol.js';

// elkjs is CommonJS: the class is the namespace's default, or that default's default under Node's resolution.
type ElkConstructor = new () => ELK;
const candidate = (elkBundle as unknown as { default: unknown }).default;
const Elk = (typeof candidate === 'function' ? candidate : (candidate as { default: unknown }).default) as ElkConstructor;
// Made when this module loads, before the worker sets its own `self.onmessage`: in a worker,
// elkjs's bundle installs a message handler of its own when an instance is made, which would
// otherwise replace the worker's and leave every later request unanswered.
const elk = new Elk();

export async function runLayout(request: Omit<LayoutRequest, 'serial'>): Promise<Record<string, { x: number; y: number }>> {
  return positionsFrom(await elk.layout(elkGraph(request)));
}
