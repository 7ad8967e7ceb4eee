/**
 * The farm's results side by side: one row per finished cell with its latency (mean, median, p90),
 * the engine's size and a download of the engine; then per-layer times with one column per cell.
 * The fastest value of each column (latency) or row (layer) is marked.
 */
import { memo, useMemo } from 'react';
import type { FarmResult } from '../../core/api/farm-schemas.js';
import { canDownloadFromHost, downloadFromHost } from '../host/download.js';
import { useHost } from '../react/host-context.js';
import { backendLabel } from './BuildPanel.js';
import { cellLabel, compareLayers, fastest } from './farm-model.js';
import { formatBytes, formatMs } from './format.js';
import { fileName } from '../host/host-paths.js';

const STATS = ['mean', 'median', 'p90'] as const;

/** The name a downloaded engine gets: which cell it is, so copies of several targets do not collide. */
export function engineDownloadName(r: FarmResult): string {
  return `${`${r.target}-${r.precision}-${r.profile}`.replace(/[^A-Za-z0-9._-]+/g, '_')}.engine`;
}

export const FarmResults = memo(function FarmResults({ results, onMessage }: { results: readonly FarmResult[]; onMessage: (message: string) => void }) {
  const host = useHost();
  const layers = useMemo(() => compareLayers(results), [results]);
  const best = useMemo(() => Object.fromEntries(STATS.map((k) => [k, fastest(results.map((r) => r.latencyMs[k]))])), [results]);
  const canDownload = canDownloadFromHost(host);

  const engineCell = (r: FarmResult) => {
    if (!r.enginePath) return <span className="muted">{r.backend === 'onnxruntime' ? 'none: the reference runtime builds no engine' : 'none'}</span>;
    const size = r.engineBytes !== undefined ? formatBytes(r.engineBytes) : '?';
    if (canDownload)
      return (
        <>
          {size}{' '}
          <button
            className="small"
            title={r.enginePath}
            onClick={() => void downloadFromHost(r.enginePath!, engineDownloadName(r)).then((m) => m && onMessage(m))}
            data-testid="farm-result-download"
          >
            Download
          </button>
        </>
      );
    // Electron (or a page without the web host): the engine stays on the shared filesystem; its path is what to copy.
    return (
      <>
        {size}{' '}
        <button
          className="small"
          title={r.enginePath}
          onClick={() =>
            void navigator.clipboard
              ?.writeText(r.enginePath!)
              .then(() => onMessage(`Copied the path of ${fileName(r.enginePath!)}: ${r.enginePath}`))
              .catch(() => onMessage(`The engine is at ${r.enginePath}`))
          }
          data-testid="farm-result-copy-path"
        >
          Copy path
        </button>
      </>
    );
  };

  if (results.length === 0) return null;
  return (
    <div className="wf-farm-results" data-testid="farm-results">
      <strong>Results</strong>
      <div className="wf-table-wrap">
        <table className="wf-table" data-testid="farm-latency-table">
          <thead>
            <tr>
              <th>target · precision · profile</th>
              <th>backend</th>
              {STATS.map((k) => (
                <th key={k}>{k}</th>
              ))}
              <th>engine</th>
            </tr>
          </thead>
          <tbody>
            {results.map((r, i) => (
              <tr key={r.job} data-testid="farm-latency-row">
                <td className="mono">{cellLabel(r)}</td>
                <td>{backendLabel(r.backend)}</td>
                {STATS.map((k) => (
                  <td key={k} className={`num${best[k] === i && results.length > 1 ? ' wf-best' : ''}`}>
                    {formatMs(r.latencyMs[k])}
                  </td>
                ))}
                <td className="num">{engineCell(r)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {layers.layers.length > 0 && (
        <details className="wf-farm-layers" open data-testid="farm-layers">
          <summary>Per-layer time ({layers.layers.length} layers)</summary>
          <div className="wf-table-wrap">
            <table className="wf-table" data-testid="farm-layer-table">
              <thead>
                <tr>
                  <th>layer</th>
                  {results.map((r) => (
                    <th key={r.job} className="mono">
                      {cellLabel(r)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {layers.layers.map((l) => {
                  const min = fastest(l.ms);
                  return (
                    <tr key={l.name} data-testid="farm-layer-row">
                      <td className="mono">{l.name}</td>
                      {l.ms.map((ms, i) => (
                        <td key={i} className={`num${min === i && results.length > 1 ? ' wf-best' : ''}`}>
                          {ms === undefined ? '—' : formatMs(ms)}
                        </td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </div>
  );
});
