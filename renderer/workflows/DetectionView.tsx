/**
 * The run panel's detector view: which output is a detector head and how to read it, then each test
 * image with its boxes drawn, a table of its detections in the image's own pixels, and the annotated
 * image saved as PNG. The host sends each image's candidates (the boxes above a low score floor), so
 * the score and IoU thresholds apply live, without running the network again.
 */
import { memo, useEffect, useMemo, useState } from 'react';
import type { DetectorHead, Preprocessing, RunResult } from '../../core/api/job-schemas.js';
import { selectDetections } from '../../core/run/detection-candidates.js';
import { boxToImage, className, parseClassNames, type DetectorChoice } from '../../core/run/detector.js';
import { count } from '../../core/words.js';
import { useEditorStore } from '../react/editor-context.js';
import { useHost, usePickFiles } from '../react/host-context.js';
import { annotatedPng, boxLabel, classColour, labelSize } from './annotate-image.js';
import { formatBytes } from './format.js';
import { fileName } from '../host/host-paths.js';
import { useHostComebacks } from './RunImages.js';

type RunImage = RunResult['images'][number];
type Candidates = NonNullable<RunImage['detections']>;

/** Ultralytics' predict defaults for the score threshold; the IoU default is tensorrtx's (and YOLOv5's) 0.45. */
export const DEFAULT_THRESHOLDS = { conf: 0.25, iou: 0.45 };

/** One detection as the table lists it: corners in original-image pixels. */
export interface ShownDetection {
  class: number;
  name: string;
  score: number;
  box: [number, number, number, number];
}

/** The detections of one image's candidates at these thresholds, mapped onto the image. */
export function detectionsOf(c: Candidates, thresholds: { conf: number; iou: number }, names: readonly string[]): ShownDetection[] {
  return selectDetections(c, thresholds).map((d) => ({
    class: d.class,
    name: className(names, d.class),
    score: d.score,
    box: boxToImage(d.box, c.input, c.image.width, c.image.height),
  }));
}

/** The form that says which output holds detections and how to read it; the names are the user's text, one per line. */
export const DetectorSettings = memo(function DetectorSettings({
  outputs,
  choice,
  onChoice,
  namesText,
  onNamesText,
  namesProblem,
}: {
  outputs: readonly string[];
  choice: DetectorChoice | undefined;
  onChoice: (choice: DetectorChoice | undefined) => void;
  namesText: string;
  onNamesText: (text: string) => void;
  namesProblem: string | undefined;
}) {
  const setHead = (patch: Partial<DetectorHead>) => choice && onChoice({ ...choice, head: { ...choice.head, ...patch } });
  return (
    <div className="wf-form" data-testid="run-detector">
      <label title="A detector head's output is shown as boxes on each image">
        Detections from
        <select
          value={choice?.head.output ?? ''}
          onChange={(e) =>
            onChoice(
              e.target.value ? { head: { format: 'v8', box: 'cxcywh', ...choice?.head, output: e.target.value }, classes: choice?.classes ?? 80 } : undefined,
            )
          }
          data-testid="run-detector-output"
        >
          <option value="">— not a detector —</option>
          {outputs.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      {choice && (
        <>
          <label title="v8: [1, 4 + classes, anchors]; v5: [1, anchors, 5 + classes] with objectness; detections: x1, y1, x2, y2, score, class per row">
            Layout
            <select
              value={choice.head.format}
              onChange={(e) => setHead({ format: e.target.value === 'v5' || e.target.value === 'rows' ? e.target.value : 'v8' })}
              data-testid="run-detector-format"
            >
              <option value="v8">YOLOv8 [1, 4 + C, A]</option>
              <option value="v5">YOLOv5 [1, A, 5 + C]</option>
              <option value="rows">Detections [1, N, 6], NMS in the network</option>
            </select>
          </label>
          <label>
            Boxes
            <select value={choice.head.box} onChange={(e) => setHead({ box: e.target.value === 'xyxy' ? 'xyxy' : 'cxcywh' })} data-testid="run-detector-box">
              <option value="cxcywh">cx, cy, w, h</option>
              <option value="xyxy">x1, y1, x2, y2</option>
            </select>
          </label>
          <label>
            Classes
            <input
              type="number"
              min={1}
              value={choice.classes}
              onChange={(e) => onChoice({ ...choice, classes: Math.max(1, Math.round(Number(e.target.value) || 1)) })}
              data-testid="run-detector-classes"
            />
          </label>
          <label title="One class name per line; empty: COCO's 80 names for an 80-class head">
            Names
            <textarea
              rows={2}
              value={namesText}
              placeholder={choice.classes === 80 ? "COCO's 80 classes" : 'one name per line'}
              onChange={(e) => onNamesText(e.target.value)}
              data-testid="run-detector-names"
            />
          </label>
          <label className="wf-file-button" title="Read class names from a text file, one per line (a .names or .txt file)">
            Names file…
            <input
              type="file"
              accept=".names,.txt,text/plain"
              hidden
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) void file.text().then((text) => onNamesText(parseClassNames(text).join('\n')));
                e.target.value = '';
              }}
              data-testid="run-detector-names-file"
            />
          </label>
          {namesProblem && (
            <span className="wf-field-error" data-testid="run-detector-names-problem">
              {namesProblem}
            </span>
          )}
        </>
      )}
    </div>
  );
});

/** The original image as a data URL, fetched from the host at its own size (a stretch to the same size changes nothing). */
function useOriginalImage(path: string, width: number, height: number): string | undefined {
  const host = useHost();
  const [url, setUrl] = useState<string | undefined>();
  // Asked again when a host is back after the connection was lost; a picture already shown is kept.
  const comebacks = useHostComebacks();
  useEffect(() => {
    if (!host) return;
    let live = true;
    const original: Preprocessing = {
      preset: 'custom',
      width,
      height,
      channels: 3,
      colorOrder: 'RGB',
      resize: 'stretch',
      scale: 1 / 255,
      mean: [0, 0, 0],
      std: [1, 1, 1],
    };
    void host.call('images.preview', { path, preprocessing: original }).then((r) => live && r.ok && setUrl(r.value.previewDataUrl));
    return () => {
      live = false;
    };
  }, [host, path, width, height, comebacks]);
  return url;
}

const px = (v: number) => v.toFixed(1);

export const DetectionImage = memo(function DetectionImage({
  image,
  names,
  thresholds,
}: {
  image: RunImage & { detections: Candidates };
  names: readonly string[];
  thresholds: { conf: number; iou: number };
}) {
  const host = useHost();
  const pickFiles = usePickFiles();
  const store = useEditorStore();
  const c = image.detections;
  const { width, height } = c.image;
  const url = useOriginalImage(image.path, width, height);
  const shown = useMemo(() => detectionsOf(c, thresholds, names), [c, thresholds, names]);
  const size = labelSize(width, height);
  const save = async () => {
    if (!host || !url) return;
    const drawn = shown.map((d) => ({ box: d.box, label: boxLabel(d.name, d.score), colour: classColour(d.class) }));
    let png: string;
    try {
      png = await annotatedPng(url, width, height, drawn);
    } catch (e) {
      return store.getState().notify('error', `The annotated image could not be drawn: ${(e as Error).message}.`);
    }
    const stem = fileName(image.path).replace(/\.[^.]*$/, '');
    const [path] = await pickFiles({ purpose: 'export', title: 'Save the annotated image', mode: 'save', defaultName: `${stem}-detections.png` });
    if (!path) return;
    const r = await host.call('files.write', { path, data: png.slice(png.indexOf(',') + 1), encoding: 'base64' });
    if (r.ok) store.getState().notify('info', `Wrote ${r.value.path} (${formatBytes(r.value.bytes)}).`);
    else store.getState().notify('error', r.diagnostics[0]?.message ?? 'The annotated image was not written.');
  };
  return (
    <div className="wf-detection" data-testid="detection-image" data-file={fileName(image.path)}>
      <div className="wf-detection-picture" style={{ aspectRatio: `${width} / ${height}` }}>
        {url && <img src={url} alt={fileName(image.path)} />}
        <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" data-testid="detection-overlay">
          {shown.map((d, i) => {
            const colour = classColour(d.class);
            const label = boxLabel(d.name, d.score);
            const top = d.box[1] - size - 4 >= 0 ? d.box[1] - size - 4 : d.box[1];
            return (
              <g key={i} data-testid="detection-box" data-class={d.name}>
                <rect
                  x={d.box[0]}
                  y={d.box[1]}
                  width={d.box[2] - d.box[0]}
                  height={d.box[3] - d.box[1]}
                  stroke={colour}
                  fill="none"
                  strokeWidth={2}
                  vectorEffect="non-scaling-stroke"
                />
                <rect x={d.box[0]} y={top} width={label.length * size * 0.55 + 6} height={size + 4} fill={colour} />
                <text x={d.box[0] + 3} y={top + size} fontSize={size} fill="#fff">
                  {label}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
      <div className="wf-detection-side">
        <div className="wf-row">
          <span className="mono">{fileName(image.path)}</span>
          <span className="muted" data-testid="detection-count">
            {count(shown.length, 'detection')} · {count(c.scores.length, 'candidate')} above {c.floor}
            {c.dropped > 0 ? ` (${c.dropped} more not sent)` : ''}
          </span>
          <button className="small" onClick={() => void save()} disabled={!url || !host} data-testid="detection-save">
            Save annotated PNG…
          </button>
        </div>
        <table className="wf-table" data-testid="detections-table">
          <thead>
            <tr>
              <th>class</th>
              <th>name</th>
              <th>score</th>
              <th title="Corners in the original image's pixels">x1</th>
              <th>y1</th>
              <th>x2</th>
              <th>y2</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((d, i) => (
              <tr key={i} data-testid="detection-row">
                <td className="num">{d.class}</td>
                <td>
                  <span className="wf-swatch" style={{ background: classColour(d.class) }} />
                  {d.name}
                </td>
                <td className="num">{d.score.toFixed(3)}</td>
                {d.box.map((v, k) => (
                  <td key={k} className="num">
                    {px(v)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
});

/** Every image's detections, with the score and IoU thresholds that apply to all of them. */
export const DetectionResults = memo(function DetectionResults({ images, names }: { images: readonly RunImage[]; names: readonly string[] }) {
  const [conf, setConf] = useState(DEFAULT_THRESHOLDS.conf);
  const [iou, setIou] = useState(DEFAULT_THRESHOLDS.iou);
  const thresholds = useMemo(() => ({ conf, iou }), [conf, iou]);
  const withBoxes = images.filter((i): i is RunImage & { detections: Candidates } => i.detections !== undefined);
  const floor = Math.min(...withBoxes.map((i) => i.detections.floor));
  return (
    <div className="wf-detections" data-testid="detection-results">
      <div className="wf-toolbar">
        <label title={`Show boxes scoring above this (the host sent every box above ${floor})`}>
          Score &gt;
          <input type="range" min={floor} max={1} step={0.01} value={conf} onChange={(e) => setConf(Number(e.target.value))} data-testid="run-conf" />
          <span className="num mono" data-testid="run-conf-value">
            {conf.toFixed(2)}
          </span>
        </label>
        <label title="Non-maximum suppression: a box overlapping a higher-scoring box of its class by more than this IoU is dropped">
          IoU &gt;
          <input type="range" min={0.05} max={1} step={0.01} value={iou} onChange={(e) => setIou(Number(e.target.value))} data-testid="run-iou" />
          <span className="num mono" data-testid="run-iou-value">
            {iou.toFixed(2)}
          </span>
        </label>
        <span className="muted">{count(withBoxes.length, 'image')}</span>
      </div>
      {withBoxes.map((image) => (
        <DetectionImage key={image.path} image={image} names={names} thresholds={thresholds} />
      ))}
    </div>
  );
});
