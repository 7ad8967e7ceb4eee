/** What the heat overlay's colours mean (a profile's time or a comparison's error), shown while the canvas has one. */
import { memo } from 'react';
import { Panel } from '@xyflow/react';
import { heatColor } from '../editor/heat.js';
import { useEditor } from '../react/editor-context.js';

/** The scale as a CSS gradient, sampled finely enough that the hues between the ends show. */
const GRADIENT = `linear-gradient(to right, ${Array.from({ length: 11 }, (_, i) => `${heatColor(i / 10)} ${i * 10}%`).join(', ')})`;

export const HeatLegend = memo(function HeatLegend() {
  const legend = useEditor((s) => s.heatLegend);
  if (!legend) return null;
  return (
    <Panel position="top-left" className="canvas-legend heat-legend" data-testid="heat-legend" data-source={legend.source}>
      <div className="heat-legend-title">{legend.title}</div>
      <div className="heat-legend-bar" style={{ background: GRADIENT }} />
      <div className="heat-legend-stops">
        {legend.stops.map((s) => (
          <span key={s.label} style={{ left: `${s.at * 100}%` }} className={s.at >= 1 ? 'end' : s.at <= 0 ? 'start' : ''}>
            {s.label}
          </span>
        ))}
      </div>
    </Panel>
  );
});
