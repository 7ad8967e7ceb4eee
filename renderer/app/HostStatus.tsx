/**
 * What the status bar says about the host and the project file: a host that went away (the bar
 * turns red until one answers again) and a refused save or failed autosave, kept in view with its
 * reason until a save succeeds. Also the dialog that asks before a save overwrites a file that
 * changed on disk.
 */
import { memo, useEffect, useState, useSyncExternalStore } from 'react';
import { hostConnection } from '../host/host-connection.js';
import { useSaveStatus } from './save-status.js';

/** The connection's state, re-rendered on each change. */
function useConnection() {
  return useSyncExternalStore(
    (listener) => hostConnection().subscribe(listener),
    () => hostConnection().get(),
  );
}

export const HostStatus = memo(function HostStatus() {
  const connection = useConnection();
  const { problem } = useSaveStatus();
  const [, tick] = useState(0);
  // "for 12 s": the age of the loss advances while it lasts.
  useEffect(() => {
    if (connection.state !== 'lost') return;
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [connection.state]);
  return (
    <>
      {connection.state === 'lost' && (
        <span className="host-lost" data-testid="host-status" title={connection.reason}>
          ✕ Host disconnected {Math.max(0, Math.round((Date.now() - connection.since) / 1000))} s ago: {connection.reason}. Reconnecting…
        </span>
      )}
      {problem && (
        <span className="save-problem" data-testid="save-problem" title={problem.message}>
          ⚠ {problem.message}
        </span>
      )}
    </>
  );
});

export function OverwriteDialog({ path, why, answer, close }: { path: string; why: string; answer: (ok: boolean) => void; close: () => void }) {
  const reply = (ok: boolean) => {
    answer(ok);
    close();
  };
  return (
    <div className="modal-backdrop">
      <div className="modal" data-testid="overwrite-dialog">
        <div className="modal-title">The file changed on disk</div>
        <p>{why}</p>
        <p>Overwrite {path} with this window’s version?</p>
        <div className="modal-actions">
          <button onClick={() => reply(false)}>Cancel</button>
          <button className="danger" onClick={() => reply(true)} data-testid="overwrite-confirm">
            Overwrite
          </button>
        </div>
      </div>
    </div>
  );
}
