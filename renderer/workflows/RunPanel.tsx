/**
 * The run panel: pick test images (file browser, upload or drop), set the preprocessing (ImageNet
 * and MNIST presets, every field editable) and see each image as the network will (RunImages.tsx);
 * run them through the built engines and see the top-5 classes with probabilities per image, the
 * agreement between backends when more than one engine ran, and any output tensor. A detector's
 * results are boxes on each image instead (DetectionView.tsx).
 */
import { memo, useEffect, useMemo, useState, type DragEvent } from 'react';
import { FILE_PURPOSE_EXTENSIONS } from '../../core/api/project-schemas.js';
import { type Preprocessing, type RunResult } from '../../core/api/job-schemas.js';
import type { MethodResult } from '../../core/api/contract.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { count } from '../../core/words.js';
import { useEditor, useEditorStore } from '../react/editor-context.js';
import { canDownloadFromHost, downloadFromHost } from '../host/download.js';
import { useHost, usePickFiles } from '../react/host-context.js';
import { backendLabel } from './BuildPanel.js';
import { DiagnosticList, JobProgressBar, useTicker, type RunningJob } from './common.js';
import { formatDimsList, formatMs, formatNumber, formatPercent } from './format.js';
import { cancelJob, describeEnd, runJob } from '../host/jobs.js';
import { PREPROCESSING_PRESETS, parseChannelList, presetForInput } from './preprocessing.js';
import { presetSizedFor } from '../../core/run/preprocessing.js';
import { DetectionResults, DetectorSettings } from './DetectionView.js';
import { classNamesFor, detectorInDocument, parseClassNames, type DetectorChoice } from '../../core/run/detector.js';
import { uploadFile } from '../host/upload.js';
import { fileName } from '../host/host-paths.js';
import { PendingImages, useImagePreviews, withAddedImages } from './RunImages.js';

type RunImage = RunResult['images'][number];

const OutputInspector = memo(function OutputInspector({ image }: { image: RunImage }) {
  const host = useHost();
  const [index, setIndex] = useState(0);
  const store = useEditorStore();
  const out = image.outputs[Math.min(index, image.outputs.length - 1)];
  if (!out) return null;
  const npyPath = out.npyPath;
  return (
    <div className="wf-output" data-testid="output-inspector">
      <div className="wf-row">
        <select value={index} onChange={(e) => setIndex(Number(e.target.value))}>
          {image.outputs.map((o, i) => (
            <option key={o.name} value={i}>
              {o.name}
            </option>
          ))}
        </select>
        <span className="mono">{formatDimsList(out.dims)}</span>
        <span className="muted">
          min {formatNumber(out.min)} · max {formatNumber(out.max)} · mean {formatNumber(out.mean)}
        </span>
        {out.npyPath && (
          <span className="mono muted" data-testid="output-npy" title="The whole tensor, saved as float32 .npy">
            {fileName(out.npyPath)}
          </span>
        )}
        {npyPath && canDownloadFromHost(host) && (
          <a
            href="#"
            onClick={(e) => {
              e.preventDefault();
              void downloadFromHost(npyPath, fileName(npyPath)).then((failed) => failed && store.getState().notify('error', failed));
            }}
            title={`Download ${npyPath} from the host to this computer`}
            data-testid="output-download"
          >
            ⤓ Download .npy
          </a>
        )}
      </div>
      <div className="wf-values mono">
        {out.values.slice(0, 256).map((v, i) => (
          <span key={i} title={`[${i}] ${v}`} data-testid="output-value">
            {formatNumber(v)}
          </span>
        ))}
        {(out.truncated || out.values.length > 256) && (
          <span className="muted">… ({out.values.length > 256 ? `${out.values.length} values sent` : 'more values in the host'})</span>
        )}
      </div>
    </div>
  );
});

const ImageResult = memo(function ImageResult({ image, preview }: { image: RunImage; preview: string | undefined }) {
  const [inspect, setInspect] = useState(false);
  return (
    <div className="wf-image-result" data-testid="run-result" data-file={fileName(image.path)}>
      <div className="wf-image-head">
        {preview && <img src={preview} alt={fileName(image.path)} className="wf-thumb" />}
        <div>
          <div className="mono">{fileName(image.path)}</div>
          <div className="muted">{formatMs(image.elapsedMs)}</div>
          <button className="small" onClick={() => setInspect((v) => !v)}>
            {inspect ? 'Hide outputs' : 'Outputs'}
          </button>
        </div>
        <ol className="wf-top" data-testid="run-top">
          {image.top.map((t, rank) => (
            <li key={t.index} className={rank === 0 ? 'top1' : ''} data-testid={rank === 0 ? 'run-top1' : undefined}>
              <span className="wf-top-label" title={`${t.label ?? `class ${t.index}`} (index ${t.index})`}>
                {t.label ?? `class ${t.index}`}
              </span>
              <span className="wf-top-bar">
                <span style={{ width: `${Math.max(0, Math.min(1, t.probability)) * 100}%` }} />
              </span>
              <span className="num">{formatPercent(t.probability)}</span>
            </li>
          ))}
        </ol>
      </div>
      {inspect && <OutputInspector image={image} />}
    </div>
  );
});

/** A run's request: the engines, the images and how they were preprocessed. */
interface RunRequest {
  engineIds: string[];
  images: string[];
  preprocessing: Preprocessing;
}

type SavedOutputs = MethodResult<'run.saveOutputs'>['files'];

/** The result with each saved output naming its `.npy` file. */
function withNpyPaths(result: RunResult, files: SavedOutputs): RunResult {
  const where = new Map(files.map((f) => [JSON.stringify([f.engineId, f.image, f.output]), f.npyPath]));
  const mark = (engineId: string, images: RunImage[]): RunImage[] =>
    images.map((image) => ({
      ...image,
      outputs: image.outputs.map((o) => {
        const npyPath = where.get(JSON.stringify([engineId, image.path, o.name]));
        return npyPath ? { ...o, npyPath } : o;
      }),
    }));
  return {
    ...result,
    images: mark(result.engineId, result.images),
    ...(result.others ? { others: result.others.map((o) => ({ ...o, images: mark(o.engineId, o.images) })) } : {}),
  };
}

export const RunPanel = memo(function RunPanel() {
  const host = useHost();
  const pickFiles = usePickFiles();
  const store = useEditorStore();
  const engines = useEditor((s) => s.engines);
  const engineId = useEditor((s) => s.engineId);
  const inputDims = useEditor((s) => s.doc.inputs[0]?.dims);
  // Narrow selections (strings), so edits elsewhere in the document do not re-render the panel.
  const outputNames = useEditor((s) => s.doc.outputs.map((o) => o.name).join('\n'));
  const recognisedKey = useEditor((s) => JSON.stringify(detectorInDocument(s.doc) ?? null));
  const recognised = useMemo(() => (JSON.parse(recognisedKey) as DetectorChoice | null) ?? undefined, [recognisedKey]);
  const [detectorTouched, setDetectorTouched] = useState(false);
  const [chosenDetector, setChosenDetector] = useState<DetectorChoice | undefined>();
  const detector = detectorTouched ? chosenDetector : recognised;
  const [namesText, setNamesText] = useState('');
  const classNames = useMemo(() => (detector ? classNamesFor(detector.classes, parseClassNames(namesText)) : undefined), [detector, namesText]);
  const [images, setImages] = useState<string[]>([]);
  const [pre, setPre] = useState<Preprocessing>(() => presetForInput(inputDims));
  const [presetTouched, setPresetTouched] = useState(false);
  const [meanText, setMeanText] = useState(pre.mean.join(', '));
  const [stdText, setStdText] = useState(pre.std.join(', '));
  const [compare, setCompare] = useState<string[]>([]);
  const [job, setJob] = useState<RunningJob | undefined>();
  const [result, setResult] = useState<RunResult | undefined>();
  // The run whose result is on screen: "Save outputs…" saves its outputs, whatever was chosen since.
  const [shownJobId, setShownJobId] = useState<string | undefined>();
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  /** Where every output is also saved as float32 .npy (run.start's outputNpyDir), when chosen. */
  const [npyDir, setNpyDir] = useState<string | undefined>();
  useTicker(job !== undefined, () => setJob((j) => (j ? { ...j, now: Date.now() } : j)));

  const choosePreset = (p: Preprocessing) => {
    setPre(p);
    setMeanText(p.mean.join(', '));
    setStdText(p.std.join(', '));
  };
  // Until the user picks preprocessing, follow the network: a YOLO head gets the letterbox at the input's
  // size; otherwise the input decides (1 channel: MNIST; 3: ImageNet).
  const inputKey = inputDims?.join(',');
  const isDetector = recognised !== undefined;
  useEffect(() => {
    if (presetTouched) return;
    const dims = inputKey?.split(',').map(Number);
    const letterbox = isDetector && dims ? presetSizedFor(dims, 'letterbox') : undefined;
    choosePreset(letterbox && typeof letterbox !== 'string' ? letterbox : presetForInput(dims));
  }, [inputKey, presetTouched, isDetector]);

  const meanParsed = parseChannelList(meanText, pre.channels, 'mean');
  const stdParsed = parseChannelList(stdText, pre.channels, 'std');
  const fieldProblems = [meanParsed, stdParsed].flatMap((p) => (p.ok ? [] : [p.message]));
  const effective = useMemo<Preprocessing | undefined>(
    () => (meanParsed.ok && stdParsed.ok ? { ...pre, mean: meanParsed.value, std: stdParsed.value } : undefined),
    [pre, meanText, stdText],
  );

  const setField = <K extends keyof Preprocessing>(key: K, value: Preprocessing[K]) => {
    setPresetTouched(true);
    setPre((p) => ({ ...p, preset: 'custom', [key]: value }));
  };

  // The images as the network will see them, refreshed when the preprocessing changes or the host is back.
  const { previews, noteProblems, clearPreviews } = useImagePreviews(images, effective);

  const addImages = (paths: string[]) => {
    if (paths.length === 0) return;
    setImages((list) => withAddedImages(list, paths, previews));
    setResult(undefined);
  };
  // Images opened from the menu, dropped on the Electron window or given on a second launch.
  useEffect(() => {
    if (!host) return;
    return host.on('host.openFiles', ({ paths }) => {
      const pictures = paths.filter((p) => FILE_PURPOSE_EXTENSIONS.images.some((ext) => p.toLowerCase().endsWith(ext)));
      if (pictures.length > 0) addImages(pictures);
    });
  }, [host, previews]);
  const choose = async () => addImages(await pickFiles({ purpose: 'images', title: 'Test images', mode: 'open', multiple: true }));
  const onDrop = async (e: DragEvent) => {
    // In Electron the window hands dropped files to the host, which sends them back as host.openFiles.
    if (host?.kind !== 'web') return;
    e.preventDefault();
    const paths: string[] = [];
    for (const file of Array.from(e.dataTransfer.files)) {
      const r = await uploadFile(file);
      if (r.ok) paths.push(r.value.path);
      else setDiagnostics((d) => [...d, ...r.diagnostics]);
    }
    addImages(paths);
  };

  const engine = engines.find((e) => e.engineId === engineId);
  // Only engines built from the same network can be compared output for output.
  const comparable = engines.filter((e) => e.engineId !== engineId && e.networkName === engine?.networkName);
  const engineIds = engineId ? [engineId, ...compare.filter((id) => id !== engineId && comparable.some((e) => e.engineId === id))] : [];
  const docName = useEditor((s) => s.doc.name);
  const run = async () => {
    const request: RunRequest | undefined = effective && { engineIds, images, preprocessing: effective };
    if (!host || !request || request.engineIds.length === 0 || request.images.length === 0) return;
    setDiagnostics([]);
    setResult(undefined);
    setJob({ jobId: undefined, progress: { phase: 'Starting' }, startedAt: Date.now(), now: Date.now() });
    const outcome = await runJob(
      host,
      store,
      'run',
      `Run ${request.images.length} image${request.images.length === 1 ? '' : 's'}`,
      () =>
        host.call('run.start', {
          engineIds: request.engineIds,
          images: request.images.map((path) => ({ path, preprocessing: request.preprocessing })),
          topK: 5,
          ...(npyDir ? { outputNpyDir: npyDir } : {}),
          ...(detector ? { detector: detector.head } : {}),
        }),
      {
        onStarted: (jobId) => setJob((j) => (j ? { ...j, jobId } : j)),
        onProgress: (progress) => setJob((j) => (j ? { ...j, progress, now: Date.now() } : j)),
      },
    );
    setJob(undefined);
    if (!outcome.started) return (noteProblems(outcome.diagnostics), setDiagnostics(outcome.diagnostics));
    const { finished } = outcome;
    if (finished.status !== 'succeeded' || !finished.result) return (noteProblems(finished.diagnostics), setDiagnostics(describeEnd('The run', finished)));
    setResult(finished.result);
    setShownJobId(finished.jobId);
    setDiagnostics(finished.diagnostics);
  };
  // "Save outputs…" writes the outputs of the run on screen (the host kept them whole; nothing runs
  // again), and every later run saves its outputs there too.
  const saveOutputs = async () => {
    const [dir] = await pickFiles({ purpose: 'folder', title: 'Save every output as .npy in', mode: 'open' });
    if (!dir || !host) return;
    setNpyDir(dir);
    if (!result || shownJobId === undefined) return;
    const saved = await host.call('run.saveOutputs', { jobId: shownJobId, dir });
    if (!saved.ok) return setDiagnostics(saved.diagnostics);
    setResult((r) => (r ? withNpyPaths(r, saved.value.files) : r));
    store.getState().notify('info', `Saved ${count(saved.value.files.length, 'output')} of the run shown as .npy in ${dir}.`);
  };

  const unusable = images.filter((path) => previews[path]?.problem);
  const reason = !host
    ? 'Runs need the host.'
    : engines.length === 0
      ? 'Build an engine first (Build tab).'
      : images.length === 0
        ? 'Choose test images first.'
        : unusable.length > 0
          ? `${unusable.length === 1 ? fileName(unusable[0]!) : `${unusable.length} images`} cannot be used (marked ✕): remove or add again first.`
          : !effective
            ? 'Fix the preprocessing first.'
            : undefined;

  return (
    <div
      className="wf-panel"
      data-testid="run-panel"
      onDragOver={(e) => host?.kind === 'web' && e.dataTransfer.types.includes('Files') && e.preventDefault()}
      onDrop={(e) => void onDrop(e)}
    >
      <div className="wf-toolbar">
        <button onClick={() => void choose()} disabled={!host} data-testid="run-choose">
          Choose images…
        </button>
        <button onClick={() => (setImages([]), setResult(undefined), clearPreviews())} disabled={images.length === 0} data-testid="run-clear">
          Clear
        </button>
        <label>
          Engine
          <select value={engineId ?? ''} onChange={(e) => store.getState().setEngines(store.getState().engines, e.target.value)} data-testid="run-engine">
            {engines.length === 0 && <option value="">none built yet</option>}
            {engines.map((e) => (
              <option key={e.engineId} value={e.engineId}>
                {backendLabel(e.backend)} · {e.engineId}
              </option>
            ))}
          </select>
        </label>
        {comparable.length > 0 && (
          <label title="Run the same images through another engine of this network and compare the outputs">
            compare with
            <select multiple value={compare} onChange={(e) => setCompare(Array.from(e.target.selectedOptions).map((o) => o.value))} className="wf-multi">
              {comparable.map((e) => (
                <option key={e.engineId} value={e.engineId}>
                  {backendLabel(e.backend)} · {e.engineId}
                </option>
              ))}
            </select>
          </label>
        )}
        <button className="primary" onClick={() => void run()} disabled={reason !== undefined || job !== undefined} title={reason} data-testid="run-start">
          Run {images.length > 0 ? images.length : ''}
        </button>
        {npyDir ? (
          <span className="muted" data-testid="run-npy-dir" title={`Every output is also saved as float32 .npy in ${npyDir}`}>
            outputs → <span className="mono">{npyDir}</span>{' '}
            <button className="small" onClick={() => setNpyDir(undefined)} title="Stop saving outputs">
              ✕
            </button>
          </span>
        ) : (
          <button
            onClick={() => void saveOutputs()}
            disabled={!host || job !== undefined}
            title={
              result
                ? 'Save every output tensor of the run shown, whole, as float32 .npy in a folder (and those of later runs)'
                : 'Also save every output tensor of the next runs, whole, as float32 .npy in a folder'
            }
            data-testid="run-save-outputs"
          >
            Save outputs…
          </button>
        )}
        {reason && <span className="muted">{reason}</span>}
        {engine && engine.networkName !== docName && (
          <span className="wf-field-error" data-testid="run-engine-other">
            This engine was built from ‘{engine.networkName}’, not ‘{docName}’ on the canvas; build again to run this network.
          </span>
        )}
      </div>
      <div className="wf-form" data-testid="run-preprocessing">
        <label>
          Preset
          <select
            value={pre.preset}
            onChange={(e) => {
              setPresetTouched(true);
              if (e.target.value === 'imagenet' || e.target.value === 'mnist' || e.target.value === 'letterbox')
                choosePreset(PREPROCESSING_PRESETS[e.target.value]);
              else setPre((p) => ({ ...p, preset: 'custom' }));
            }}
            data-testid="run-preset"
          >
            <option value="imagenet">ImageNet</option>
            <option value="mnist">MNIST (digits)</option>
            <option value="letterbox">Letterbox (YOLO)</option>
            <option value="custom">Custom</option>
          </select>
        </label>
        <label>
          Size
          <span className="wf-pair">
            <input type="number" min={1} value={pre.width} onChange={(e) => setField('width', Math.max(1, Math.round(Number(e.target.value) || 1)))} />×
            <input type="number" min={1} value={pre.height} onChange={(e) => setField('height', Math.max(1, Math.round(Number(e.target.value) || 1)))} />
          </span>
        </label>
        <label>
          Channels
          <select value={pre.channels} onChange={(e) => setField('channels', Number(e.target.value) === 1 ? 1 : 3)}>
            <option value={1}>1 (gray)</option>
            <option value={3}>3 (colour)</option>
          </select>
        </label>
        <label>
          Order
          <select value={pre.colorOrder} onChange={(e) => setField('colorOrder', e.target.value === 'BGR' ? 'BGR' : 'RGB')} disabled={pre.channels === 1}>
            <option>RGB</option>
            <option>BGR</option>
          </select>
        </label>
        <label>
          Resize
          <select
            value={pre.resize}
            onChange={(e) => setField('resize', e.target.value === 'center-crop' || e.target.value === 'letterbox' ? e.target.value : 'stretch')}
          >
            <option value="stretch">stretch</option>
            <option value="center-crop">centre crop</option>
            <option value="letterbox">letterbox (pad 114)</option>
          </select>
        </label>
        <label>
          mean
          <input
            value={meanText}
            onChange={(e) => (setPresetTouched(true), setPre((p) => ({ ...p, preset: 'custom' })), setMeanText(e.target.value))}
            className={meanParsed.ok ? '' : 'invalid'}
          />
        </label>
        <label>
          std
          <input
            value={stdText}
            onChange={(e) => (setPresetTouched(true), setPre((p) => ({ ...p, preset: 'custom' })), setStdText(e.target.value))}
            className={stdParsed.ok ? '' : 'invalid'}
          />
        </label>
      </div>
      <DetectorSettings
        outputs={outputNames ? outputNames.split('\n') : []}
        choice={detector}
        onChoice={(choice) => (setDetectorTouched(true), setChosenDetector(choice))}
        namesText={namesText}
        onNamesText={setNamesText}
        namesProblem={classNames?.problem}
      />
      {fieldProblems.map((m) => (
        <div key={m} className="wf-field-error">
          {m}
        </div>
      ))}
      {job && (
        <JobProgressBar
          job={job}
          onCancel={() => host && job.jobId && void cancelJob(host, job.jobId).then((d) => d.length && setDiagnostics(d))}
          testId="run-progress"
        />
      )}
      <DiagnosticList diagnostics={diagnostics} />
      {result && result.comparisons.length > 0 && (
        <table className="wf-table" data-testid="run-comparisons">
          <thead>
            <tr>
              <th>engines</th>
              <th>max abs difference</th>
              <th>cosine similarity</th>
              <th>top-k agreement</th>
            </tr>
          </thead>
          <tbody>
            {result.comparisons.map((c) => (
              <tr key={`${c.a}-${c.b}`}>
                <td className="mono">
                  {c.a} vs {c.b}
                </td>
                <td className="num">{formatNumber(c.maxAbsDifference)}</td>
                <td className="num">{c.cosineSimilarity.toFixed(6)}</td>
                <td className="num">{formatPercent(c.topKAgreement)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="wf-results">
        {result && result.images.some((image) => image.detections) ? (
          <>
            <DetectionResults images={result.images} names={classNames?.names ?? []} />
            {/* Inputs without boxes (a .npy tensor has no picture to draw on) keep their usual result. */}
            {result.images
              .filter((image) => !image.detections)
              .map((image) => (
                <ImageResult key={image.path} image={image} preview={previews[image.path]?.url} />
              ))}
          </>
        ) : result ? (
          result.images.map((image) => <ImageResult key={image.path} image={image} preview={previews[image.path]?.url} />)
        ) : (
          <PendingImages images={images} previews={previews} onRemove={(path) => setImages((list) => list.filter((p) => p !== path))} />
        )}
        {images.length === 0 && !result && (
          <div className="muted wf-hint">Choose test images, or drop them here. Each is shown as the network sees it after preprocessing.</div>
        )}
      </div>
    </div>
  );
});
