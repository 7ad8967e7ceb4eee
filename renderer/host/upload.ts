/**
 * Browser mode: a file dropped or picked on this computer is sent to the web host
 * (`POST /api/upload?name=FILE`, same launch token), which answers with the path of its stored copy;
 * `weights.import` and `images.preview` then take that path like any other.
 */
import { UploadResultSchema, type UploadResult } from '../../core/api/project-schemas.js';
import type { Result } from '../../core/diagnostics.js';
import { webHostToken } from './host-connection.js';

/** Upload one file with progress (bytes sent, total). Resolves with the stored path or a Diagnostic. */
export function uploadFile(file: File, onProgress?: (done: number, total: number) => void): Promise<Result<UploadResult>> {
  const token = webHostToken();
  const failWith = (message: string): Result<UploadResult> => ({
    ok: false,
    diagnostics: [{ severity: 'error', code: 'upload.failed', message, detail: file.name }],
  });
  if (!token) return Promise.resolve(failWith(`${file.name} cannot be uploaded: this page was not opened by the web host (no launch token).`));
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/upload?name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => resolve(failWith(`The upload of ${file.name} could not reach the host.`));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        return resolve(failWith(`The host answered the upload of ${file.name} with status ${xhr.status} and no JSON.`));
      }
      if (xhr.status !== 200) {
        const diagnostics = (body as { diagnostics?: { message?: unknown }[] }).diagnostics;
        const message = typeof diagnostics?.[0]?.message === 'string' ? diagnostics[0].message : `The upload of ${file.name} failed with status ${xhr.status}.`;
        return resolve(failWith(message));
      }
      const parsed = UploadResultSchema.safeParse(body);
      resolve(
        parsed.success
          ? { ok: true, value: parsed.data }
          : failWith(`The host answered the upload of ${file.name} with something that is not an upload result.`),
      );
    };
    xhr.send(file);
  });
}
