/**
 * Level of detail. Zoomed out below readability, nodes draw no text and wires no labels, and the
 * components stop watching shapes: a parameter edit on a 2,000-node network then re-renders
 * nothing it would not show (the React Flow docs' and n8n's advice for big graphs).
 */
import { useStore } from '@xyflow/react';

/** Below this zoom node text is unreadable (12 px type under 5 px). */
export const DETAIL_ZOOM = 0.4;

/** Whether the canvas is zoomed out past readability; a boolean, so it changes only at the threshold. */
export function useFarView(): boolean {
  return useStore((s) => s.transform[2] < DETAIL_ZOOM);
}
