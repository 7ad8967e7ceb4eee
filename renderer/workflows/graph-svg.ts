/**
 * The network as an SVG picture, drawn from the document's node positions (no DOM capture): each
 * layer a box with its type, name and output dims, each wire a curve labelled with its tensor dims.
 * A PNG is this SVG rasterised by the browser (`svgToPngDataUrl`).
 */
import { catalogFor } from '../../core/blocks/document-catalog.js';
import type { NetworkDocument } from '../../core/network/types.js';
import { formatDims } from '../../core/shapes/dims.js';
import type { ShapeReport } from '../../core/shapes/infer.js';
import { CATEGORY_COLORS } from '../editor/layer-look.js';
import { NODE_HEIGHT, NODE_WIDTH } from '../editor/flow-model.js';

const MARGIN = 40;

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  accent: string;
  type: string;
  name: string;
  dims: string;
}

/** Measured sizes (from React Flow) where known; the default node size otherwise. */
export type NodeSizes = Record<string, { width: number; height: number } | undefined>;

export function networkToSvg(doc: NetworkDocument, shapes: ShapeReport, sizes: NodeSizes = {}): string {
  const boxes = new Map<string, Box>();
  doc.inputs.forEach((input, i) => {
    const p = doc.ui.positions[input.id] ?? { x: 0, y: i * 120 };
    const size = sizes[input.id];
    boxes.set(input.id, {
      x: p.x,
      y: p.y,
      w: size?.width ?? NODE_WIDTH,
      h: size?.height ?? NODE_HEIGHT,
      accent: CATEGORY_COLORS['Input / Output'],
      type: 'Input',
      name: input.name,
      dims: formatDims(input.dims),
    });
  });
  doc.nodes.forEach((node, i) => {
    const p = doc.ui.positions[node.id] ?? { x: 240 * (i + 1), y: 0 };
    const size = sizes[node.id];
    const spec = catalogFor(doc).nodeSpec(node);
    const outs = Object.values(shapes.nodes[node.id]?.outputs ?? {});
    boxes.set(node.id, {
      x: p.x,
      y: p.y,
      w: size?.width ?? NODE_WIDTH,
      h: size?.height ?? NODE_HEIGHT,
      accent: spec ? CATEGORY_COLORS[spec.category] : '#888888',
      type: spec?.label ?? node.type,
      name: node.name,
      dims: outs.map((t) => formatDims(t.dims)).join(' '),
    });
  });
  const all = [...boxes.values()];
  const minX = Math.min(0, ...all.map((b) => b.x)) - MARGIN;
  const minY = Math.min(0, ...all.map((b) => b.y)) - MARGIN;
  const maxX = Math.max(0, ...all.map((b) => b.x + b.w)) + MARGIN;
  const maxY = Math.max(0, ...all.map((b) => b.y + b.h)) + MARGIN;
  const width = Math.round(maxX - minX);
  const height = Math.round(maxY - minY);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="${Math.round(minX)} ${Math.round(minY)} ${width} ${height}" font-family="DejaVu Sans, sans-serif">`,
  );
  out.push(`<title>${escapeXml(doc.name)}</title>`);
  out.push(`<rect x="${Math.round(minX)}" y="${Math.round(minY)}" width="${width}" height="${height}" fill="#111317"/>`);
  for (const e of doc.edges) {
    const a = boxes.get(e.from.node);
    const b = boxes.get(e.to.node);
    if (!a || !b) continue;
    const x1 = a.x + a.w;
    const y1 = a.y + 44;
    const x2 = b.x;
    const y2 = b.y + 44;
    const dx = Math.max(40, Math.abs(x2 - x1) / 2);
    out.push(`<path d="M${x1} ${y1} C${x1 + dx} ${y1} ${x2 - dx} ${y2} ${x2} ${y2}" fill="none" stroke="#6b7483" stroke-width="1.5"/>`);
    const t = doc.inputs.find((i) => i.id === e.from.node)?.dims ?? shapes.nodes[e.from.node]?.outputs[e.from.port]?.dims;
    if (t)
      out.push(`<text x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 4}" fill="#8b93a1" font-size="10" text-anchor="middle">${escapeXml(formatDims(t))}</text>`);
  }
  for (const b of boxes.values()) {
    out.push(`<g transform="translate(${b.x} ${b.y})">`);
    out.push(`<rect width="${b.w}" height="${b.h}" rx="6" fill="#20242c" stroke="#2c313b"/>`);
    out.push(`<rect width="${b.w}" height="22" rx="6" fill="${b.accent}"/>`);
    out.push(`<text x="8" y="15" fill="#111317" font-size="11" font-weight="bold">${escapeXml(b.type)}</text>`);
    out.push(`<text x="8" y="40" fill="#e6e9ee" font-size="12">${escapeXml(b.name)}</text>`);
    out.push(`<text x="8" y="58" fill="#8b93a1" font-size="10" font-family="DejaVu Sans Mono, monospace">${escapeXml(b.dims)}</text>`);
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n');
}

/** Rasterise an SVG (as produced above: no external resources) to a PNG data URL in the browser. */
export function svgToPngDataUrl(svg: string, scale = 2): Promise<string> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => {
      const canvas = document.createElement('canvas');
      canvas.width = Math.ceil(image.width * scale);
      canvas.height = Math.ceil(image.height * scale);
      const ctx = canvas.getContext('2d');
      if (!ctx) return reject(new Error('this browser gives no 2D canvas'));
      ctx.scale(scale, scale);
      ctx.drawImage(image, 0, 0);
      resolve(canvas.toDataURL('image/png'));
    };
    image.onerror = () => reject(new Error('the browser could not draw the SVG'));
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  });
}
