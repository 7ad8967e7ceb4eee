/** Messages between the editor and the auto-layout worker. */
export interface LayoutRequest {
  serial: number;
  direction: 'LR' | 'TB';
  /** Wrap long chains into rows (or columns) so the drawing comes near this width/height ratio. */
  aspectRatio?: number;
  nodes: { id: string; width: number; height: number }[];
  edges: { source: string; target: string }[];
}

export interface LayoutResponse {
  serial: number;
  positions: Record<string, { x: number; y: number }>;
  error?: string;
}
