/**
 * Browser mode: the browser fetches a file the host wrote (an export, saved outputs) so a user on
 * another machine (SSH tunnel) gets it too. Every download goes through here: first a one-time
 * ticket (`POST /api/download/ticket`, the launch token in a header), then `GET /api/download?ticket=`
 * — the token never appears in a URL the browser keeps in its download list or history.
 */
import type { HostApi } from '../../core/api/client.js';
import { webHostToken } from './host-connection.js';

/** Whether files on the host can be downloaded: browser mode with a launch token (Electron saves through its own dialogs). */
export function canDownloadFromHost(host: HostApi | undefined): boolean {
  return host?.kind === 'web' && webHostToken() !== undefined;
}

/** Downloads the host's file at `path` as `name`; resolves with an error message, or undefined when the browser got it. */
export async function downloadFromHost(path: string, name: string): Promise<string | undefined> {
  const token = webHostToken();
  if (!token) return `${name} cannot be downloaded: this page was not opened by the web host (no launch token).`;
  let response: Response;
  try {
    response = await fetch(`/api/download/ticket?path=${encodeURIComponent(path)}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  } catch {
    return `The download of ${name} could not reach the host.`;
  }
  const body = (await response.json().catch(() => undefined)) as { url?: unknown; diagnostics?: { message?: unknown }[] } | undefined;
  if (!response.ok || typeof body?.url !== 'string') {
    const message = body?.diagnostics?.[0]?.message;
    return typeof message === 'string' ? message : `The download of ${name} failed with status ${response.status}.`;
  }
  const a = document.createElement('a');
  a.href = body.url;
  a.download = name;
  a.click();
  return undefined;
}
