/** The profile's heat scale, shared by the chart, the table and the canvas nodes. */

/** Cool to hot: a fraction 0..1 of the slowest layer's time as a colour (hue 200°, blue, to 0°, red). */
export function heatColor(fraction: number): string {
  const f = Math.max(0, Math.min(1, fraction));
  return `hsl(${Math.round(200 - 200 * f)}, 80%, ${Math.round(55 - 8 * f)}%)`;
}
