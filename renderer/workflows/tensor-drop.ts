/**
 * Dragging a tensor from the weights table onto a layer on the canvas binds it to that layer's slot
 * of the same element count. The canvas is not touched: a window listener recognises the drag by its
 * type and the node under the pointer by React Flow's `data-id`.
 */
import { useEffect } from 'react';
import { fail, ok, type Result } from '../../core/diagnostics.js';
import type { NetworkDocument } from '../../core/network/types.js';
import type { ShapeReport } from '../../core/shapes/infer.js';
import { bindSlot } from '../../core/weights/binding.js';
import type { EditorStore } from '../editor/editor-store.js';

/** The drag data type of a tensor row: its name. */
export const TENSOR_DRAG_TYPE = 'application/x-trtstudio-tensor';

/**
 * The slot of `nodeId` a tensor of `count` values goes to: an unbound slot of that count first, then
 * any slot of that count; a refusal names the counts the layer's slots expect.
 */
export function slotForTensor(doc: NetworkDocument, shapes: ShapeReport, nodeId: string, tensor: { name: string; count: number }): Result<string> {
  const node = doc.nodes.find((n) => n.id === nodeId);
  if (!node) return fail({ severity: 'error', code: 'weights.drop.node', message: `The tensor '${tensor.name}' can only be dropped on a layer.` });
  const slots = shapes.nodes[nodeId]?.weights ?? [];
  if (slots.length === 0)
    return fail({
      severity: 'error',
      code: 'weights.drop.noSlots',
      message: `Layer '${node.name}' (${node.type}) has no weight slots to bind '${tensor.name}' to.`,
      nodeId,
    });
  const bound = doc.bindings[nodeId] ?? {};
  const fits = slots.filter((s) => s.count === tensor.count);
  const slot = fits.find((s) => bound[s.name] === undefined) ?? fits[0];
  if (!slot) {
    const wanted = slots.map((s) => `'${s.name}' ${s.count === undefined ? '(count unknown)' : `${s.count} values`}`).join(', ');
    return fail({
      severity: 'error',
      code: 'weights.drop.count',
      message: `The tensor '${tensor.name}' has ${tensor.count} values; no slot of layer '${node.name}' takes that many (${wanted}).`,
      nodeId,
    });
  }
  return ok(slot.name);
}

function nodeIdUnder(target: EventTarget | null): string | undefined {
  const el = target instanceof Element ? target.closest('.react-flow__node[data-id]') : null;
  return el?.getAttribute('data-id') ?? undefined;
}

/** While mounted, tensors dropped on canvas layers are bound (one undo step each). */
export function useTensorDropOnNodes(store: EditorStore): void {
  useEffect(() => {
    const over = (e: DragEvent) => {
      if (!e.dataTransfer?.types.includes(TENSOR_DRAG_TYPE) || !nodeIdUnder(e.target)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'link';
    };
    const drop = (e: DragEvent) => {
      if (!e.dataTransfer?.types.includes(TENSOR_DRAG_TYPE)) return;
      const nodeId = nodeIdUnder(e.target);
      const name = e.dataTransfer.getData(TENSOR_DRAG_TYPE);
      if (!nodeId || !name) return;
      e.preventDefault();
      e.stopPropagation();
      const s = store.getState();
      const tensor = s.weights?.tensors.find((t) => t.name === name);
      if (!tensor) return s.notify('error', `The tensor '${name}' is not in the loaded weights.`);
      const slot = slotForTensor(s.doc, s.shapes, nodeId, tensor);
      if (!slot.ok) return s.notify('error', slot.diagnostics[0]!.message);
      const nodeName = s.doc.nodes.find((n) => n.id === nodeId)?.name ?? nodeId;
      if (s.apply((doc) => bindSlot(doc, nodeId, slot.value, name, store.getState().shapes))) s.notify('info', `Bound '${name}' to ${nodeName}.${slot.value}.`);
    };
    window.addEventListener('dragover', over, true);
    window.addEventListener('drop', drop, true);
    return () => {
      window.removeEventListener('dragover', over, true);
      window.removeEventListener('drop', drop, true);
    };
  }, [store]);
}
