/**
 * The export menu: an ONNX model, the bound weights as .wts, a TensorRT .engine (only with TensorRT),
 * the generated Python and C++ code, and a picture of the graph as SVG or PNG. Each item that cannot
 * be used says why in its tooltip and its line.
 */
import { memo, useEffect, useRef, useState } from 'react';
import type { ExportFormat } from '../../core/api/job-schemas.js';
import { canDownloadFromHost, downloadFromHost } from '../host/download.js';
import { useEditor, useEditorStore } from '../react/editor-context.js';
import { useHost, usePickFiles } from '../react/host-context.js';
import type { EditorStore } from '../editor/editor-store.js';
import { formatBytes, shortReason } from './format.js';
import { describeEnd, runJob } from '../host/jobs.js';
import { networkToSvg, svgToPngDataUrl, type NodeSizes } from './graph-svg.js';
import { fileName } from '../host/host-paths.js';

interface ExportItem {
  id: ExportFormat | 'svg' | 'png';
  label: string;
  extension: string;
  /** Why it cannot be used now, or undefined. */
  disabled?: string;
}

function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_') || 'network';
}

function measuredSizes(store: EditorStore): NodeSizes {
  const sizes: NodeSizes = {};
  for (const n of store.getState().flowNodes) if (n.measured?.width && n.measured.height) sizes[n.id] = { width: n.measured.width, height: n.measured.height };
  return sizes;
}

function download(name: string, href: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.click();
}

export const ExportMenu = memo(function ExportMenu() {
  const host = useHost();
  const pickFiles = usePickFiles();
  const store = useEditorStore();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState<string | undefined>();
  /** The last file this menu wrote, offered for download in browser mode. */
  const [written, setWritten] = useState<string | undefined>();
  const ref = useRef<HTMLDivElement>(null);
  const tensorrt = useEditor((s) => s.backends?.find((b) => b.name === 'tensorrt'));
  const hasWeights = useEditor((s) => s.weights !== undefined);
  const engine = useEditor((s) => s.engines.find((e) => e.engineId === s.engineId));
  // Another network on the canvas: the last export's link belonged to the one before.
  const docName = useEditor((s) => s.doc.name);
  useEffect(() => setWritten(undefined), [docName]);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => ref.current && !ref.current.contains(e.target as Node) && setOpen(false);
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);

  const noHost = host ? undefined : 'Exports are written by the host; this page was opened without one.';
  const items: ExportItem[] = [
    { id: 'onnx', label: 'ONNX model', extension: '.onnx', disabled: noHost },
    {
      id: 'wts',
      label: 'Weights (.wts, bound tensors)',
      extension: '.wts',
      disabled: noHost ?? (hasWeights ? undefined : 'Import a .wts first: the export writes the tensors bound to this network.'),
    },
    {
      id: 'engine',
      label: 'TensorRT engine',
      extension: '.engine',
      disabled:
        noHost ??
        (!tensorrt?.available
          ? `TensorRT is not available here (${shortReason(tensorrt?.detail ?? 'not found')}); an .engine can only be built by TensorRT.`
          : engine?.backend !== 'tensorrt'
            ? 'Build with the TensorRT backend first (Build tab).'
            : undefined),
    },
    { id: 'python', label: 'Python (tensorrt package)', extension: '.py', disabled: noHost },
    { id: 'cpp', label: 'C++ (tensorrtx style)', extension: '.cpp', disabled: noHost },
    { id: 'svg', label: 'Graph image (SVG)', extension: '.svg' },
    { id: 'png', label: 'Graph image (PNG)', extension: '.png' },
  ];

  const run = async (item: ExportItem) => {
    setOpen(false);
    const s = store.getState();
    const base = safeFileName(s.doc.name);
    const defaultName = item.id === 'python' ? `${base}_build_engine.py` : `${base}${item.extension}`;
    if (item.id === 'svg' || item.id === 'png') {
      const svg = networkToSvg(s.doc, s.shapes, measuredSizes(store));
      let data: string;
      let encoding: 'utf8' | 'base64' = 'utf8';
      try {
        data = item.id === 'svg' ? svg : await svgToPngDataUrl(svg);
      } catch (e) {
        return s.notify('error', `The ${item.label} could not be drawn: ${(e as Error).message}.`);
      }
      if (!host) return download(defaultName, item.id === 'svg' ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}` : data);
      if (item.id === 'png') {
        data = data.slice(data.indexOf(',') + 1);
        encoding = 'base64';
      }
      const [path] = await pickFiles({ purpose: 'export', title: `Export ${item.label}`, mode: 'save', defaultName });
      if (!path) return;
      const r = await host.call('files.write', { path, data, encoding });
      if (r.ok) {
        s.notify('info', `Wrote ${r.value.path} (${formatBytes(r.value.bytes)}).`);
        setWritten(r.value.path);
      } else s.notify('error', r.diagnostics[0]?.message ?? 'The image was not written.');
      return;
    }
    if (!host) return;
    const [path] = await pickFiles({
      purpose: item.id === 'onnx' ? 'onnx' : item.id === 'engine' ? 'engine' : 'export',
      title: `Export ${item.label}`,
      mode: 'save',
      defaultName,
    });
    if (!path) return;
    setWritten(undefined);
    setBusy(item.label);
    const outcome = await runJob(host, store, 'export', `Export ${item.label}`, () =>
      host.call('export.start', {
        format: item.id as ExportFormat,
        path,
        document: s.doc,
        weightSetId: s.weights?.set.id ?? null,
        engineId: item.id === 'engine' ? (engine?.engineId ?? null) : null,
      }),
    );
    setBusy(undefined);
    if (!outcome.started) return s.notify('error', outcome.diagnostics[0]?.message ?? 'The export did not start.');
    const { finished } = outcome;
    if (finished.status === 'succeeded' && finished.result) {
      s.notify('info', `Wrote ${finished.result.path} (${formatBytes(finished.result.bytes)}).`);
      setWritten(finished.result.path);
    } else s.notify('error', describeEnd(`The ${item.label} export`, finished)[0]!.message);
  };

  return (
    <div className="wf-export" ref={ref}>
      <button onClick={() => setOpen((o) => !o)} data-testid="export-menu" disabled={busy !== undefined}>
        {busy ? `Exporting ${busy}…` : 'Export ▾'}
      </button>
      {written && canDownloadFromHost(host) && (
        <a
          className="wf-download"
          href="#"
          onClick={(e) => {
            e.preventDefault();
            void downloadFromHost(written, fileName(written)).then((failed) => failed && store.getState().notify('error', failed));
          }}
          title={`Download ${written} from the host to this computer`}
          data-testid="export-download"
        >
          ⤓ Download {fileName(written)}
        </a>
      )}
      {open && (
        <div className="wf-menu" data-testid="export-items">
          {items.map((item) => (
            <button
              key={item.id}
              className="wf-menu-item"
              disabled={item.disabled !== undefined}
              title={item.disabled}
              onClick={() => void run(item)}
              data-testid={`export-${item.id}`}
            >
              <span>{item.label}</span>
              <span className="muted">{item.disabled ? item.disabled : item.extension}</span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
});
