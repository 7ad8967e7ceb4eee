/**
 * Project comforts around the toolbar: the recent-projects menu and the offer to bring back work
 * that a session left unsaved when it ended (a crash, a killed host, a closed tab).
 */
import { memo, useEffect, useState } from 'react';
import type { RecentEntry, RecoveryOffer as Offer } from '../../core/api/project-schemas.js';
import { useEditorStore } from '../react/editor-context.js';
import { useHost } from '../react/host-context.js';
import { openRecent, restoreRecovery, type ProjectDialogs } from './project.js';
import { count } from '../../core/words.js';

/** "3 min ago" for a timestamp; the full date for anything older than a day. */
function age(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return new Date(t).toLocaleString();
}

/** The toolbar's "Recent" button and its list, newest first; a file that is gone can be forgotten. */
export const RecentProjects = memo(function RecentProjects({ dialogs }: { dialogs: ProjectDialogs }) {
  const host = useHost();
  const store = useEditorStore();
  const [entries, setEntries] = useState<RecentEntry[] | undefined>();
  if (!host) return null;
  const show = async () => {
    if (entries) return setEntries(undefined);
    const r = await host.call('project.recent', {});
    setEntries(r.ok ? r.value.entries : []);
  };
  const forget = async (path: string) => {
    const r = await host.call('project.forgetRecent', { path });
    if (r.ok) setEntries(r.value.entries);
  };
  return (
    <span className="menu-anchor">
      <button onClick={() => void show()} title="Recent projects" data-testid="btn-recent">
        Recent ▾
      </button>
      {entries && (
        <>
          <div className="overlay-backdrop transparent" onMouseDown={() => setEntries(undefined)} />
          <div className="dropdown" data-testid="recent-menu">
            {entries.length === 0 && <div className="muted">No recent projects yet: what you open or save appears here.</div>}
            {entries.map((e) => (
              <div key={e.path} className={`dropdown-item${e.exists ? '' : ' missing'}`} data-testid="recent-entry" title={e.path}>
                <span
                  className="dropdown-main"
                  onClick={() => {
                    if (!e.exists) return;
                    setEntries(undefined);
                    void openRecent(store, host, dialogs, e.path);
                  }}
                >
                  <span className="dropdown-name">{e.name}</span>
                  <span className="dropdown-detail mono">{e.exists ? e.path : `${e.path} (file not found)`}</span>
                </span>
                <button className="small" title="Remove from the list" onClick={() => void forget(e.path)}>
                  ×
                </button>
              </div>
            ))}
          </div>
        </>
      )}
    </span>
  );
});

/**
 * Asks the host once for recovery files of sessions that ended without saving and offers each
 * back. Not modal: the editor stays usable while the offer waits.
 */
export const RecoveryOffer = memo(function RecoveryOffer({ dialogs }: { dialogs: ProjectDialogs }) {
  const host = useHost();
  const store = useEditorStore();
  const [offers, setOffers] = useState<Offer[]>([]);
  useEffect(() => {
    if (!host) return;
    let live = true;
    void host.call('project.recovery', {}).then((r) => {
      if (live && r.ok) setOffers(r.value.offers);
    });
    return () => {
      live = false;
    };
  }, [host]);
  const offer = offers[0];
  if (!host || !offer) return null;
  const next = () => setOffers((list) => list.slice(1));
  return (
    <div className="recovery-offer" data-testid="recovery-offer">
      <div className="recovery-title">Recover unsaved work?</div>
      <div>
        “{offer.name}”, {count(offer.nodeCount, 'layer')}, autosaved {age(offer.savedAt)}
        {offer.projectPath ? ` from ${offer.projectPath}` : ' (never saved)'}, was left by a session that ended without saving.
      </div>
      {offers.length > 1 && <div className="muted">{offers.length - 1} more after this one.</div>}
      <div className="modal-actions">
        <button
          onClick={() => {
            next();
            void host.call('project.discardRecovery', { id: offer.id });
          }}
          data-testid="recovery-discard"
        >
          Discard
        </button>
        <button
          className="primary"
          onClick={() => {
            void restoreRecovery(store, host, dialogs, offer.id).then((restored) => restored && setOffers([]));
          }}
          data-testid="recovery-restore"
        >
          Restore
        </button>
      </div>
    </div>
  );
});
