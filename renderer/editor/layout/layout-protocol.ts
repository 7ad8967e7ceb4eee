/** Messages between the editor and the auto-layout worker. */
import type { FlowDirection } from '../ports.js';

export interface LayoutNode {
  id: string;
  width: number;
  height: number;
  /** Handle names in the order the canvas draws them: ELK puts its ports where the handles are. */
  inputs: string[];
  outputs: string[];
  /** The expanded group whose frame holds this node. */
  group?: string;
}

export interface LayoutRequest {
  serial: number;
  direction: FlowDirection;
  nodes: LayoutNode[];
  /** Expanded groups: each is laid out as a box around its members, so its frame holds them and nothing else. */
  groups: string[];
  edges: { source: string; sourcePort: string; target: string; targetPort: string }[];
}

export interface LayoutResponse {
  serial: number;
  positions: Record<string, { x: number; y: number }>;
  error?: string;
}
