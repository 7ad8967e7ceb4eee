/**
 * The canvas heat overlay, shared by the profile (each layer's share of the slowest layer's time) and
 * the comparison (each layer's error against its reference): one colour scale, one legend shape, and
 * the store's `heat` (per node id, 0..1) that each node reads for itself.
 */

/** Cool to hot: a fraction 0..1 of the scale as a colour (hue 200°, blue, to 0°, red). */
export function heatColor(fraction: number): string {
  const f = Math.max(0, Math.min(1, fraction));
  return `hsl(${Math.round(200 - 200 * f)}, 80%, ${Math.round(55 - 8 * f)}%)`;
}

/** What the overlay's colours mean: the canvas draws it as a legend beside the nodes. */
export interface HeatLegend {
  /** Which panel set the overlay; a panel clears or toggles only its own. */
  source: 'profile' | 'compare';
  title: string;
  /** Labelled points along the scale (fractions 0..1), in order. */
  stops: { at: number; label: string }[];
  /** Per node id: what its colour stands for, in words (the node's tooltip); nodes without one say their share of the scale. */
  notes: Record<string, string>;
}

export const PROFILE_HEAT_LEGEND: HeatLegend = {
  source: 'profile',
  title: "Profile: share of the slowest layer's time",
  stops: [
    { at: 0, label: '0%' },
    { at: 0.5, label: '50%' },
    { at: 1, label: '100%' },
  ],
  notes: {},
};

/** A node's tooltip on the heat overlay. */
export function heatNote(legend: HeatLegend | undefined, nodeId: string, fraction: number): string {
  return legend?.notes[nodeId] ?? `${Math.round(fraction * 100)}% of the slowest layer's time`;
}

/** Decades of error below the tolerance that the comparison's scale shows before it is all blue. */
const DECADES_BELOW = 3;
/** Decades above the tolerance where the scale is all red. */
const DECADES_ABOVE = 1;

/**
 * A compared layer's relative error on the comparison's scale, logarithmic: 1000× below the tolerance
 * (or exact) is 0, the tolerance itself 0.75, ten times the tolerance or more 1. Errors span many
 * decades (1e-7 for float rounding, 1e-1 for a wrong layer), so a linear scale would show one red node.
 */
export function errorHeat(relError: number, tolerance: number): number {
  if (!(relError > 0)) return Number.isNaN(relError) ? 1 : 0;
  const decades = Math.log10(relError / tolerance);
  const f = (decades + DECADES_BELOW) / (DECADES_BELOW + DECADES_ABOVE);
  return Math.round(Math.max(0, Math.min(1, f)) * 100) / 100;
}

/** A tolerance (or an error near one) as the user writes it: `1e-4`, `2.5e-3`. */
export function formatTolerance(value: number): string {
  return Number(value.toPrecision(3)).toExponential().replace('e+', 'e');
}

/** The comparison's legend stops for a tolerance: the scale's ends and the tolerance between them. */
export function errorHeatStops(tolerance: number): HeatLegend['stops'] {
  return [
    { at: 0, label: `≤ ${formatTolerance(tolerance / 10 ** DECADES_BELOW)}` },
    { at: errorHeat(tolerance, tolerance), label: `tol ${formatTolerance(tolerance)}` },
    { at: 1, label: `≥ ${formatTolerance(tolerance * 10 ** DECADES_ABOVE)}` },
  ];
}
