/** Messages between the editor and the auto-layout worker. */
export interface LayoutRequest {
  serial: number;
  direction: 'LR' | 'TB';
  nodes: { id: string; width: number; height: number }[];
  edges: { source: string; target: string }[];
}

export interface LayoutResponse {
  serial: number;
  positions: Record<string, { x: number; y: number }>;
  error?: string;
}
