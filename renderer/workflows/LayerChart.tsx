/**
 * Per-layer time as a horizontal bar chart (ECharts; only the bar chart, grid, tooltip and the SVG
 * renderer are imported, so the bundle carries none of the rest). SVG rather than canvas: crisp at any
 * zoom, and the labels are text a test or a screen reader can find.
 */
import { memo, useEffect, useMemo, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { heatColor } from '../editor/heat.js';

echarts.use([BarChart, GridComponent, TooltipComponent, SVGRenderer]);

export interface ChartLayer {
  name: string;
  ms: number;
  nodeId?: string;
}

/** Bars shown at most; the table lists every layer. */
export const CHART_LAYERS = 30;

export const LayerChart = memo(function LayerChart({ layers, onPick }: { layers: readonly ChartLayer[]; onPick: (layer: ChartLayer) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const pickRef = useRef(onPick);
  pickRef.current = onPick;
  const top = useMemo(
    () =>
      [...layers]
        .sort((a, b) => b.ms - a.ms)
        .slice(0, CHART_LAYERS)
        .reverse(),
    [layers],
  );

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = echarts.init(el, undefined, { renderer: 'svg' });
    const resize = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(() => chart.resize());
    resize?.observe(el);
    return () => {
      resize?.disconnect();
      chart.dispose();
    };
  }, []);

  useEffect(() => {
    const el = ref.current;
    const chart = el ? echarts.getInstanceByDom(el) : undefined;
    if (!chart) return;
    const max = Math.max(...top.map((l) => l.ms), 1e-9);
    chart.setOption(
      {
        animation: false,
        grid: { left: 8, right: 56, top: 6, bottom: 6, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
        tooltip: { trigger: 'item', valueFormatter: (v: unknown) => `${Number(v).toFixed(3)} ms` },
        xAxis: { type: 'value', axisLabel: { color: '#8b93a1', formatter: '{value} ms' }, splitLine: { lineStyle: { color: '#2c313b' } } },
        yAxis: { type: 'category', data: top.map((l) => l.name), axisLabel: { color: '#c5cbd5', fontSize: 11, width: 160, overflow: 'truncate' } },
        series: [
          {
            type: 'bar',
            data: top.map((l) => ({ value: Number(l.ms.toFixed(4)), itemStyle: { color: heatColor(l.ms / max) } })),
            label: { show: true, position: 'right', color: '#c5cbd5', fontSize: 10, formatter: (p: { value: unknown }) => `${Number(p.value).toFixed(3)}` },
            barMaxWidth: 14,
          },
        ],
      },
      { notMerge: true },
    );
    chart.off('click');
    chart.on('click', (p) => {
      const layer = top[p.dataIndex];
      if (layer) pickRef.current(layer);
    });
  }, [top]);

  return <div ref={ref} className="wf-chart" style={{ height: Math.max(120, top.length * 18 + 20) }} data-testid="profile-chart" />;
});
