/// <reference lib="webworker" />
// Runs elkjs's layered layout off the UI thread; large networks take long enough to drop frames.
import { runLayout } from './elk-run.js';
import type { LayoutRequest, LayoutResponse } from './layout-protocol.js';

self.onmessage = async (event: MessageEvent<LayoutRequest>) => {
  const request = event.data;
  try {
    const response: LayoutResponse = { serial: request.serial, positions: await runLayout(request) };
    self.postMessage(response);
  } catch (e) {
    const response: LayoutResponse = { serial: request.serial, positions: {}, error: `Auto-layout failed: ${(e as Error).message}.` };
    self.postMessage(response);
  }
};
