/**
 * The compare panel: the network's layers against PyTorch reference activations (an `.npz`, or a
 * folder of `.npy`, keyed by module names) or against a second backend, for one input tensor and a
 * tolerance. The result colours every compared layer on the canvas by its error, selects and centres
 * the first failing layer, and lists the layers in order; a row shows its two tensors side by side.
 */
import { memo, useRef, useState } from 'react';
import type { CompareAgainst, CompareLayer, CompareReport, CompareTensors } from '../../core/api/compare-schemas.js';
import type { BackendId } from '../../core/api/schemas.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { useEditor, useEditorStore } from '../react/editor-context.js';
import { useHost, usePickFiles } from '../react/host-context.js';
import { cancelJob, describeEnd, runJob } from '../host/jobs.js';
import { BackendSelect, backendLabel, useBackendChoice } from './BuildPanel.js';
import { DiagnosticList, JobProgressBar, useTicker, type RunningJob } from './common.js';
import { compareOverlay, nodeOfLayer } from './compare-overlay.js';
import { CompareResults } from './CompareResults.js';
import { shortReason } from './format.js';
import { TensorPair } from './TensorPair.js';
import './compare.css';
import { fileName } from '../host/host-paths.js';

const DEFAULT_TOLERANCE = '1e-4';

/** The tolerance field's number, or the sentence saying what is wrong with it. */
export function parseTolerance(text: string): { ok: true; value: number } | { ok: false; message: string } {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || value > 1)
    return { ok: false, message: `The tolerance must be a number above 0 and at most 1 (a fraction of the reference's largest value), got "${text}".` };
  return { ok: true, value };
}

/** The backend a comparison between backends checks against: the other of the two. */
function otherBackend(backend: BackendId): BackendId {
  return backend === 'tensorrt' ? 'onnxruntime' : 'tensorrt';
}

/** A finished comparison on screen, with the job that made it (`compare.tensors` asks that job). */
interface Shown {
  jobId: string;
  report: CompareReport;
}

export const ComparePanel = memo(function ComparePanel() {
  const host = useHost();
  const store = useEditorStore();
  const pickFiles = usePickFiles();
  const backends = useEditor((s) => s.backends);
  const weightSetId = useEditor((s) => s.weights?.set.id ?? null);
  const tensorrt = backends?.find((b) => b.name === 'tensorrt');
  const [backend, setBackend] = useBackendChoice(tensorrt);
  const [againstKind, setAgainstKind] = useState<CompareAgainst['kind']>('reference');
  const [reference, setReference] = useState<string | undefined>();
  const [input, setInput] = useState<string | undefined>();
  const [toleranceText, setToleranceText] = useState(DEFAULT_TOLERANCE);
  const [job, setJob] = useState<RunningJob | undefined>();
  const [shown, setShown] = useState<Shown | undefined>();
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const [picked, setPicked] = useState<string | undefined>();
  const pickedRef = useRef<string | undefined>(undefined);
  const [tensors, setTensors] = useState<CompareTensors | undefined>();
  const [tensorDiagnostics, setTensorDiagnostics] = useState<Diagnostic[]>([]);
  useTicker(job !== undefined, () => setJob((j) => (j ? { ...j, now: Date.now() } : j)));

  const tolerance = parseTolerance(toleranceText);
  // Two backends means TensorRT and the reference runtime: without TensorRT there is nothing to compare between.
  const backendsReason = tensorrt?.available
    ? undefined
    : backends === undefined
      ? 'Comparing two backends needs the host.'
      : `TensorRT is not available here (${shortReason(tensorrt?.detail ?? 'not found')}); comparing two backends needs it. Compare against a reference file instead.`;
  const against: CompareAgainst | undefined =
    againstKind === 'backend' ? { kind: 'backend', backend: otherBackend(backend) } : reference ? { kind: 'reference', path: reference } : undefined;
  const inputProblem = input && !input.toLowerCase().endsWith('.npy') ? `The input must be a float32 .npy file, not ${fileName(input)}.` : undefined;
  const reason = !host
    ? 'Comparisons need the host.'
    : againstKind === 'backend' && backendsReason
      ? backendsReason
      : !against
        ? 'Choose the reference activations first.'
        : !input
          ? 'Choose the input tensor (.npy) first.'
          : (inputProblem ?? (tolerance.ok ? undefined : tolerance.message));

  const clearOverlay = () => {
    if (store.getState().heatLegend?.source === 'compare') store.getState().setHeat({});
  };
  const clear = () => {
    setShown(undefined);
    pickedRef.current = undefined;
    setPicked(undefined);
    setTensors(undefined);
    setTensorDiagnostics([]);
    setDiagnostics([]);
    clearOverlay();
  };

  /** Select a layer's node on the canvas and fetch its two tensors from the comparison's job. */
  const pick = async (layer: Pick<CompareLayer, 'layer' | 'nodeId'>, of: Shown) => {
    const nodeId = nodeOfLayer(layer, store.getState().doc.nodes);
    if (nodeId) store.getState().focusNode(nodeId);
    pickedRef.current = layer.layer;
    setPicked(layer.layer);
    setTensorDiagnostics([]);
    if (!host) return;
    const r = await host.call('compare.tensors', { jobId: of.jobId, layer: layer.layer });
    // A later pick may have answered first; show the tensors of the layer picked last.
    if (pickedRef.current !== layer.layer) return;
    setTensors(r.ok ? r.value : undefined);
    setTensorDiagnostics(r.ok ? [] : r.diagnostics);
  };

  const compare = async () => {
    if (!host || !against || !input || !tolerance.ok) return;
    clear();
    const options = { document: store.getState().doc, weightSetId, backend, against, inputPath: input, tolerance: tolerance.value };
    setJob({ jobId: undefined, progress: { phase: 'Starting' }, startedAt: Date.now(), now: Date.now() });
    const outcome = await runJob(host, store, 'compare', `Compare (${backendLabel(backend)})`, () => host.call('compare.start', options), {
      onStarted: (jobId) => setJob((j) => (j ? { ...j, jobId } : j)),
      onProgress: (progress) => setJob((j) => (j ? { ...j, progress, now: Date.now() } : j)),
    });
    setJob(undefined);
    if (!outcome.started) return setDiagnostics(outcome.diagnostics);
    const { finished } = outcome;
    if (finished.status !== 'succeeded' || !finished.result) return setDiagnostics(describeEnd('The comparison', finished));
    const next = { jobId: finished.jobId, report: finished.result };
    setShown(next);
    setDiagnostics(finished.diagnostics);
    const { heat, legend } = compareOverlay(next.report, store.getState().doc.nodes);
    store.getState().setHeat(heat, legend);
    const first = next.report.layers.find((l) => l.layer === next.report.firstFailing);
    if (first) void pick(first, next);
  };

  const chooseReference = async (folder: boolean) => {
    const [path] = await pickFiles(
      folder
        ? { purpose: 'folder', title: 'A folder of .npy reference activations', mode: 'open' }
        : { purpose: 'arrays', title: 'Reference activations (.npz)', mode: 'open' },
    );
    if (path) setReference(path);
  };
  const chooseInput = async () => {
    const [path] = await pickFiles({ purpose: 'arrays', title: 'The input tensor (.npy)', mode: 'open' });
    if (path) setInput(path);
  };

  const report = shown?.report;
  const referenceTitle = report?.against.kind === 'backend' ? backendLabel(report.against.backend) : `Reference (${report ? reportKey(report, picked) : ''})`;
  return (
    <div className="wf-panel" data-testid="compare-panel">
      <div className="wf-form cmp-form">
        <label>
          Reference
          <button onClick={() => void chooseReference(false)} disabled={!host} data-testid="compare-choose-reference">
            .npz…
          </button>
          <button onClick={() => void chooseReference(true)} disabled={!host} data-testid="compare-choose-reference-folder">
            Folder of .npy…
          </button>
          <span className="mono cmp-path" data-testid="compare-reference-path" title={reference}>
            {reference ? fileName(reference) : 'none'}
          </span>
        </label>
        <label>
          Input
          <button onClick={() => void chooseInput()} disabled={!host} data-testid="compare-choose-input">
            .npy…
          </button>
          <span className="mono cmp-path" data-testid="compare-input-path" title={input}>
            {input ? fileName(input) : 'none'}
          </span>
        </label>
        <label title="A layer passes when its max abs error is at most this fraction of the reference tensor's largest absolute value">
          Tolerance
          <input
            value={toleranceText}
            onChange={(e) => setToleranceText(e.target.value)}
            className={tolerance.ok ? 'cmp-tolerance' : 'cmp-tolerance invalid'}
            data-testid="compare-tolerance"
          />
        </label>
        <button
          className="primary"
          onClick={() => void compare()}
          disabled={reason !== undefined || job !== undefined}
          title={reason}
          data-testid="compare-start"
        >
          Compare
        </button>
        <button
          onClick={clear}
          disabled={!shown && diagnostics.length === 0}
          data-testid="compare-clear"
          title="Remove the results and the colours on the canvas"
        >
          Clear
        </button>
        {reason && (
          <span className={inputProblem || !tolerance.ok ? 'wf-field-error' : 'muted'} data-testid="compare-reason">
            {reason}
          </span>
        )}
      </div>
      <div className="wf-form cmp-against" role="radiogroup" aria-label="Compare against" data-testid="compare-against">
        <label>
          Backend
          <BackendSelect value={backend} onChange={setBackend} tensorrt={tensorrt} testId="compare-backend" />
        </label>
        <span className="muted">against</span>
        <label>
          <input type="radio" checked={againstKind === 'reference'} onChange={() => setAgainstKind('reference')} data-testid="compare-against-reference" />
          the reference file
        </label>
        <label className={backendsReason ? 'disabled' : ''} title={backendsReason ? tensorrt?.detail : undefined}>
          <input
            type="radio"
            checked={againstKind === 'backend'}
            disabled={backendsReason !== undefined}
            onChange={() => setAgainstKind('backend')}
            data-testid="compare-against-backend"
          />
          another backend: {backendLabel(otherBackend(backend))}
        </label>
        {backendsReason && (
          <span className="muted cmp-reason" data-testid="compare-against-backend-reason">
            {backendsReason}
          </span>
        )}
      </div>
      {job && (
        <JobProgressBar
          job={job}
          onCancel={() => host && job.jobId && void cancelJob(host, job.jobId).then((d) => d.length && setDiagnostics(d))}
          testId="compare-progress"
        />
      )}
      <DiagnosticList diagnostics={diagnostics} />
      {shown && report && (
        <div className="cmp-split">
          <CompareResults report={report} selected={picked} onPick={(l) => void pick(l, shown)} />
          <div className="cmp-detail">
            <DiagnosticList diagnostics={tensorDiagnostics} testId="compare-tensor-diagnostics" />
            {tensors && tensors.layer === picked ? (
              <TensorPair tensors={tensors} actualTitle={backendLabel(report.backend)} referenceTitle={referenceTitle} />
            ) : (
              tensorDiagnostics.length === 0 && <div className="muted wf-hint">Click a row to see its two tensors side by side.</div>
            )}
          </div>
        </div>
      )}
    </div>
  );
});

/** The reference key of the picked layer, for the reference side's title. */
function reportKey(report: CompareReport, layer: string | undefined): string {
  return report.layers.find((l) => l.layer === layer)?.reference ?? '';
}
