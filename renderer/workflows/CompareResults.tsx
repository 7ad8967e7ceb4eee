/**
 * A comparison's results: a sentence naming the first failing layer, the compared layers in
 * topological order with their errors (a row selects its node and asks for its two tensors), and
 * the reference keys that named no layer.
 */
import { memo } from 'react';
import type { CompareLayer, CompareReport } from '../../core/api/compare-schemas.js';
import { count } from '../../core/words.js';
import { errorHeat, formatTolerance, heatColor } from '../editor/heat.js';
import { formatDimsList, formatNumber } from './format.js';
import { layerVerdict } from './compare-overlay.js';

/** The comparison in one sentence: the first failing layer and how many fail, or that all pass. */
export function compareSummary(report: CompareReport): string {
  const tolerance = formatTolerance(report.tolerance);
  if (report.layers.length === 0) return 'No layer was compared: no reference key names a layer of this network.';
  const failing = report.layers.filter((l) => !l.pass).length;
  const first = report.layers.find((l) => l.layer === report.firstFailing);
  if (!first || failing === 0)
    return `All ${count(report.layers.length, 'compared layer')} pass: every error is within ${tolerance} of the reference's largest value.`;
  return `The first layer that fails is ${first.layer} (${layerVerdict(first, report.tolerance)}); ${failing} of ${count(report.layers.length, 'compared layer')} fail.`;
}

export const CompareResults = memo(function CompareResults({
  report,
  selected,
  onPick,
}: {
  report: CompareReport;
  /** The layer whose tensors are shown. */
  selected: string | undefined;
  onPick: (layer: CompareLayer) => void;
}) {
  return (
    <div className="cmp-results">
      <div className={`wf-summary${report.firstFailing ? ' cmp-fails' : ''}`} data-testid="compare-summary">
        {compareSummary(report)}
      </div>
      <div className="wf-table-wrap">
        <table className="wf-table cmp-table" data-testid="compare-table">
          <thead>
            <tr>
              <th>#</th>
              <th>layer</th>
              <th>reference</th>
              <th>max abs error</th>
              <th title="The max abs error divided by the reference's largest absolute value">rel error</th>
              <th>cosine</th>
              <th>result</th>
            </tr>
          </thead>
          <tbody>
            {report.layers.map((l, i) => (
              <tr
                key={l.layer}
                className={`clickable${l.layer === selected ? ' selected' : ''}${l.pass ? '' : ' cmp-row-fail'}`}
                onClick={() => onPick(l)}
                data-testid="compare-row"
                data-layer={l.layer}
                title={`${formatDimsList(l.dims)}: ${layerVerdict(l, report.tolerance)}`}
              >
                <td className="num muted">{i + 1}</td>
                <td className="mono">{l.layer}</td>
                <td className="mono">{l.reference}</td>
                <td className="num">{formatNumber(l.maxAbsError)}</td>
                <td className="num">
                  <span className="wf-heat-dot" style={{ background: heatColor(l.note ? 1 : errorHeat(l.relError, report.tolerance)) }} />
                  {formatNumber(l.relError)}
                </td>
                <td className="num">{Number.isFinite(l.cosine) ? l.cosine.toFixed(6) : String(l.cosine)}</td>
                <td className={l.pass ? 'cmp-pass' : 'cmp-fail'} data-testid="compare-result">
                  {l.pass ? 'pass' : 'FAIL'}
                  {l.note && <span className="muted"> ({l.note})</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {report.unmatched.length > 0 && (
        <div className="cmp-unmatched" data-testid="compare-unmatched">
          <span className="muted">
            {count(report.unmatched.length, 'reference key')} named no layer of this network and {report.unmatched.length === 1 ? 'was' : 'were'} not compared:
          </span>{' '}
          {report.unmatched.map((key) => (
            <span key={key} className="mono cmp-key" data-testid="compare-unmatched-key">
              {key}
            </span>
          ))}
        </div>
      )}
    </div>
  );
});
