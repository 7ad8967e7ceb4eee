/**
 * One compared layer's two tensors side by side: statistics and a histogram of each, and the
 * elements with the largest errors with their indices (what `compare.tensors` answers).
 */
import { memo } from 'react';
import type { CompareTensors } from '../../core/api/compare-schemas.js';
import { formatDimsList, formatNumber } from './format.js';

type Summary = CompareTensors['actual'];

const HISTOGRAM_WIDTH = 180;
const HISTOGRAM_HEIGHT = 56;

/** A histogram as bars; each bar's tooltip gives its range and count. */
const Histogram = memo(function Histogram({ histogram }: { histogram: Summary['histogram'] }) {
  const { edges, counts } = histogram;
  const most = Math.max(1, ...counts);
  const width = HISTOGRAM_WIDTH / Math.max(1, counts.length);
  return (
    <div className="cmp-histogram">
      <svg width={HISTOGRAM_WIDTH} height={HISTOGRAM_HEIGHT} role="img" aria-label="histogram" data-testid="tensor-histogram">
        {counts.map((c, i) => {
          const h = c === 0 ? 0 : Math.max(1, (c / most) * HISTOGRAM_HEIGHT);
          return (
            <rect key={i} x={i * width} y={HISTOGRAM_HEIGHT - h} width={Math.max(1, width - 1)} height={h} data-testid="histogram-bar" data-count={c}>
              <title>{`${formatNumber(edges[i] ?? 0)} to ${formatNumber(edges[i + 1] ?? 0)}: ${c}`}</title>
            </rect>
          );
        })}
      </svg>
      <div className="cmp-histogram-axis mono" style={{ width: HISTOGRAM_WIDTH }}>
        <span>{formatNumber(edges[0] ?? 0)}</span>
        <span>{formatNumber(edges.at(-1) ?? 0)}</span>
      </div>
    </div>
  );
});

const TensorSide = memo(function TensorSide({ title, summary, testId }: { title: string; summary: Summary; testId: string }) {
  return (
    <div className="cmp-side" data-testid={testId}>
      <div className="cmp-side-title">{title}</div>
      <div className="mono muted">{formatDimsList(summary.dims)}</div>
      <dl className="cmp-stats" data-testid={`${testId}-stats`}>
        {(['min', 'max', 'mean', 'std'] as const).map((k) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd className="mono">{formatNumber(summary[k])}</dd>
          </div>
        ))}
      </dl>
      <Histogram histogram={summary.histogram} />
    </div>
  );
});

/** The two tensors of `tensors.layer`: this backend's (`actualTitle`) and the reference's (`referenceTitle`). */
export const TensorPair = memo(function TensorPair({
  tensors,
  actualTitle,
  referenceTitle,
}: {
  tensors: CompareTensors;
  actualTitle: string;
  referenceTitle: string;
}) {
  return (
    <div className="cmp-pair" data-testid="compare-tensors" data-layer={tensors.layer}>
      <div className="cmp-pair-title">
        <span className="mono">{tensors.layer}</span>
      </div>
      <div className="cmp-sides">
        <TensorSide title={actualTitle} summary={tensors.actual} testId="compare-actual" />
        <TensorSide title={referenceTitle} summary={tensors.reference} testId="compare-reference" />
        <div className="cmp-worst">
          <div className="cmp-side-title">Largest errors</div>
          {tensors.worst.length === 0 ? (
            <div className="muted">The tensors are equal.</div>
          ) : (
            <table className="wf-table" data-testid="compare-worst">
              <thead>
                <tr>
                  <th>index</th>
                  <th>actual</th>
                  <th>reference</th>
                  <th>abs error</th>
                </tr>
              </thead>
              <tbody>
                {tensors.worst.map((w) => (
                  <tr key={w.index.join(',')} data-testid="compare-worst-row">
                    <td className="mono">{formatDimsList(w.index)}</td>
                    <td className="num">{formatNumber(w.actual)}</td>
                    <td className="num">{formatNumber(w.reference)}</td>
                    <td className="num">{formatNumber(w.absError)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </div>
  );
});
