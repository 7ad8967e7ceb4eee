/**
 * The run panel's test images before a run: each as the network will see it (a preview the host
 * makes from the very tensor a run feeds), or, without a picture, why not: still coming, past the
 * previewed count, a NumPy tensor, or a file the host cannot use any more.
 *
 * The page can outlive its host (browser mode: the host stops and a new one answers at the same
 * address). Previews lost with the connection are asked for again when it comes back, and pixels
 * already shown are kept when a later request fails; a file that went with the old host (an upload)
 * is marked with the host's reason and can be removed or uploaded again, which puts it back in place.
 */
import { memo, useCallback, useEffect, useState } from 'react';
import type { Preprocessing } from '../../core/api/job-schemas.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { hostConnection } from '../host/host-connection.js';
import { useHost } from '../react/host-context.js';
import { fileName } from '../host/host-paths.js';

/** Previews fetched at most for this many images (the rest run without one). */
export const MAX_PREVIEWS = 24;

/** A NumPy input is fed as it is: no preprocessing, no picture to preview. */
export function isNpy(path: string): boolean {
  return path.toLowerCase().endsWith('.npy');
}

/** What the panel knows of one image from the host. */
export interface ImagePreview {
  /** The image as the network sees it (a data URL); kept when a later request fails. */
  url?: string;
  /** Why the host cannot use the file now: an upload that went with a host that stopped, an unreadable file. */
  problem?: Diagnostic;
}

/** The host's code for a file uploaded to a host that has stopped since (electron/services/files.ts). */
const UPLOAD_GONE = 'files.uploadGone';

/** The images that get a preview: pictures, the first MAX_PREVIEWS of them. */
function previewed(images: readonly string[]): string[] {
  return images.filter((p) => !isNpy(p)).slice(0, MAX_PREVIEWS);
}

/**
 * The list with `added` appended; an added file with the name of one the host cannot use takes that
 * one's place (the user uploaded it again), so the list keeps its order and holds no dead entry twice.
 */
export function withAddedImages(list: readonly string[], added: readonly string[], previews: Readonly<Record<string, ImagePreview>>): string[] {
  const next = [...list];
  for (const path of added) {
    if (next.includes(path)) continue;
    const replaced = next.findIndex((p) => previews[p]?.problem !== undefined && fileName(p) === fileName(path));
    if (replaced >= 0) next[replaced] = path;
    else next.push(path);
  }
  return next;
}

/**
 * How many times a host has answered again after the connection was lost (browser mode): an effect
 * that asks the host for something shown keys on it, so what the old host never answered is asked again.
 */
export function useHostComebacks(): number {
  const [comebacks, setComebacks] = useState(0);
  useEffect(
    () =>
      hostConnection().subscribe((status) => {
        if (status.state === 'connected' && status.reconnected) setComebacks((n) => n + 1);
      }),
    [],
  );
  return comebacks;
}

/**
 * Previews of `images` under `preprocessing`, asked for when either changes and again whenever the
 * connection to the host comes back. `noteProblems` marks the uploads a run found gone (past the previewed ones).
 */
export function useImagePreviews(images: readonly string[], preprocessing: Preprocessing | undefined) {
  const host = useHost();
  const [previews, setPreviews] = useState<Record<string, ImagePreview>>({});
  const comebacks = useHostComebacks();
  const previewKey = preprocessing ? JSON.stringify(preprocessing) : '';
  useEffect(() => {
    if (!host || !preprocessing) return;
    let live = true;
    const timer = setTimeout(() => {
      for (const path of previewed(images)) {
        void host.call('images.preview', { path, preprocessing }).then((r) => {
          if (!live) return;
          if (r.ok) setPreviews((p) => ({ ...p, [path]: { url: r.value.previewDataUrl } }));
          // A lost connection is no fault of the file: the preview is asked for again when the host is back.
          else if (r.diagnostics[0] && r.diagnostics[0].code !== 'host.disconnected') {
            const problem = r.diagnostics[0];
            setPreviews((p) => ({ ...p, [path]: { ...p[path], problem } }));
          }
        });
      }
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [host, images, previewKey, comebacks]);

  const noteProblems = useCallback(
    (diagnostics: readonly Diagnostic[]) => {
      // Only an upload that went with its host is sure to stay unusable; other reasons a run gives may be fixed on disk.
      const named = diagnostics.filter((d) => d.code === UPLOAD_GONE && d.detail !== undefined && images.includes(d.detail));
      if (named.length > 0) setPreviews((p) => ({ ...p, ...Object.fromEntries(named.map((d) => [d.detail!, { ...p[d.detail!], problem: d }])) }));
    },
    [images],
  );
  const clearPreviews = useCallback(() => setPreviews({}), []);
  return { previews, noteProblems, clearPreviews };
}

/** Why an image has no picture (yet), shown in its place. */
function placeholder(path: string, getsPreview: boolean, preview: ImagePreview | undefined): { text: string; title: string } {
  if (isNpy(path)) return { text: '.npy', title: 'A NumPy tensor, fed to the input as it is (preprocessing does not apply)' };
  if (preview?.problem) return { text: '✕', title: preview.problem.message };
  if (!getsPreview) return { text: 'no preview', title: `Previews are made for the first ${MAX_PREVIEWS} images; this one runs all the same.` };
  return { text: '…', title: 'Waiting for the host to make the preview' };
}

const PendingImage = memo(function PendingImage({
  path,
  getsPreview,
  preview,
  onRemove,
}: {
  path: string;
  getsPreview: boolean;
  preview: ImagePreview | undefined;
  onRemove: (path: string) => void;
}) {
  const empty = preview?.url ? undefined : placeholder(path, getsPreview, preview);
  return (
    <div className={`wf-image-pending${preview?.problem ? ' unusable' : ''}`} data-testid="run-image" data-file={fileName(path)}>
      {empty ? (
        <div className="wf-thumb wf-thumb-empty" title={empty.title}>
          {empty.text}
        </div>
      ) : (
        <img src={preview?.url} alt={fileName(path)} className="wf-thumb" />
      )}
      <span className="mono">{fileName(path)}</span>
      {preview?.problem && (
        <>
          <span className="wf-image-problem" data-testid="run-image-problem">
            {preview.problem.message}
          </span>
          <button className="small" onClick={() => onRemove(path)} data-testid="run-image-remove">
            Remove
          </button>
        </>
      )}
    </div>
  );
});

/** The chosen images, before a run. */
export const PendingImages = memo(function PendingImages({
  images,
  previews,
  onRemove,
}: {
  images: readonly string[];
  previews: Readonly<Record<string, ImagePreview>>;
  onRemove: (path: string) => void;
}) {
  const getPreviews = new Set(previewed(images));
  return (
    <>
      {images.map((path) => (
        <PendingImage key={path} path={path} getsPreview={getPreviews.has(path)} preview={previews[path]} onRemove={onRemove} />
      ))}
    </>
  );
});
