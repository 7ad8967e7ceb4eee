/**
 * Searching the catalog for a layer (palette and quick-add menu): by label, type, the aliases each
 * catalog entry brings (PyTorch and ONNX names, common words) and its description. An alias with
 * preset parameters (`relu`, `maxpool`, `add`) is a choice of its own that creates the layer with them.
 */
import { listLayerSpecs } from '../../core/layers/catalog.js';
import type { LayerCategory, LayerSpec, Params } from '../../core/layers/types.js';
import { fuzzyScore } from './fuzzy.js';

/** One thing the user can pick: a catalog layer, possibly with preset parameters. */
export interface LayerChoice {
  /** Unique among choices: the type, or `type:alias` for a preset. */
  key: string;
  type: string;
  label: string;
  category: LayerCategory;
  doc: string;
  /** Parameter values the new layer gets on top of its defaults. */
  params?: Params;
  /** Other names it is found by. */
  names: readonly string[];
  composite: boolean;
}

/** Network inputs are not catalog layers, but they are added from the same menus. */
export const INPUT_CHOICE: LayerChoice = {
  key: 'Input',
  type: 'Input',
  label: 'Input',
  category: 'Input / Output',
  doc: 'A network input (addInput): name, data type and dims, −1 for a dynamic dimension.',
  names: ['input', 'placeholder', 'data'],
  composite: false,
};

function formatValue(v: unknown): string {
  return Array.isArray(v) ? `[${v.join(', ')}]` : typeof v === 'number' ? String(Math.round(v * 1e4) / 1e4) : String(v);
}

/** The catalog entry itself, then one choice per alias that presets parameters. */
export function choicesOf(spec: LayerSpec): LayerChoice[] {
  const composite = spec.kind === 'composite';
  const plainNames = (spec.aliases ?? []).filter((a) => !a.params).flatMap((a) => a.names);
  const choices: LayerChoice[] = [{ key: spec.type, type: spec.type, label: spec.label, category: spec.category, doc: spec.doc, names: plainNames, composite }];
  for (const alias of spec.aliases ?? []) {
    if (!alias.params) continue;
    const preset = Object.entries(alias.params)
      .map(([k, v]) => `${k} ${formatValue(v)}`)
      .join(', ');
    choices.push({
      key: `${spec.type}:${alias.names[0]!}`,
      type: spec.type,
      label: alias.label ?? alias.names[0]!,
      category: spec.category,
      doc: `${spec.label} with ${preset}. ${spec.doc}`,
      params: alias.params,
      names: alias.names,
      composite,
    });
  }
  return choices;
}

/** Every choice: Input, then each catalog layer followed by its presets. */
export function allLayerChoices(specs: readonly LayerSpec[] = listLayerSpecs()): LayerChoice[] {
  return [INPUT_CHOICE, ...specs.flatMap(choicesOf)];
}

/** `addConvolutionNd` is searched as `ConvolutionNd`: every primitive starts with `add`, which would match `add` everywhere. */
function bareType(type: string): string {
  return type.startsWith('add') ? type.slice(3) : type;
}

/** A whole name typed exactly beats every partial match. */
const EXACT_BONUS = 1000;
/** A description mentions the word: below any name that contains the query, above scattered letters. */
const DOC_SCORE = 300;
const CATEGORY_SCORE = 250;
/** A composite ranks below a plain layer that matches as well. */
const COMPOSITE_PENALTY = 5;

/** How well `choice` matches `query` (higher is better), or undefined when it does not. */
export function choiceScore(query: string, choice: LayerChoice): number | undefined {
  const q = query.trim().toLowerCase();
  if (q.length === 0) return 0;
  let best: number | undefined;
  const consider = (s: number | undefined) => {
    if (s !== undefined && (best === undefined || s > best)) best = s;
  };
  for (const key of [choice.label, bareType(choice.type), ...choice.names]) {
    const s = fuzzyScore(q, key);
    consider(s === undefined ? undefined : s + (key.toLowerCase() === q ? EXACT_BONUS : 0));
  }
  // The full TensorRT method name, for people who type it.
  if (q.length > 3 && q.startsWith('add')) consider(fuzzyScore(q, choice.type));
  const word = new RegExp(`(^|[^a-z0-9])${q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).exec(choice.doc.toLowerCase());
  if (word) consider(DOC_SCORE - word.index * 0.1);
  if (choice.category.toLowerCase().includes(q)) consider(CATEGORY_SCORE);
  return best === undefined ? undefined : best - (choice.composite ? COMPOSITE_PENALTY : 0);
}

/**
 * The choices that match `query`, best first (catalog order among equals). With no query, the
 * catalog entries alone (presets show once something is typed).
 */
export function searchLayers(query: string, choices: readonly LayerChoice[]): LayerChoice[] {
  if (query.trim().length === 0) return choices.filter((c) => !c.params);
  const scored: { choice: LayerChoice; score: number }[] = [];
  for (const choice of choices) {
    const score = choiceScore(query, choice);
    if (score !== undefined) scored.push({ choice, score });
  }
  return scored.sort((a, b) => b.score - a.score).map((s) => s.choice);
}
