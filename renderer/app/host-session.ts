/**
 * The page's life with its host: what to show at start (the command line's project and weights, or
 * this tab's own work after a reload), autosave of unsaved work with its outcome shown, and what to
 * do when the connection comes back after the host went away.
 */
import { useEffect, useRef } from 'react';
import type { HostApi } from '../../core/api/client.js';
import { clientId, hostConnection } from '../host/host-connection.js';
import { followWhileConnected } from '../host/jobs.js';
import { shareWorkWithCopies, tabIdentity } from '../host/tab-identity.js';
import { isDirty, projectDocument, type EditorState, type EditorStore } from '../editor/editor-store.js';
import { reloadWeights, showWeightSet } from '../workflows/WeightsPanel.js';
import { openPath, showUnsavedWork } from './project.js';
import { autosaveSucceeded, reportSaveProblem, sessionProjectPath } from './save-status.js';

/** Ask the host which backends it found; shown in the status bar. */
async function loadCapabilities(host: HostApi, store: EditorStore): Promise<void> {
  const r = await host.call('host.capabilities', {});
  if (r.ok)
    store.getState().setBackends(
      r.value.backends.map((b) => ({
        name: b.id,
        available: b.available,
        detail: b.available ? [b.version, b.device].filter(Boolean).join(', ') || 'available' : (b.reason ?? 'not available'),
      })),
    );
  else store.getState().notify('error', r.diagnostics[0]?.message ?? 'The host did not answer.');
}

/**
 * What the page shows first: for a copy of a tab (the browser's "Duplicate tab"), the work the
 * original showed; else `?open=`, the command line's project, this tab's own work, or the project it
 * had open before a reload.
 */
async function restoreAtStart(host: HostApi, store: EditorStore): Promise<void> {
  const copied = host.kind === 'web' ? (await tabIdentity()).copyOf : undefined;
  if (copied) {
    const work = copied.work;
    if (work?.dirty) {
      showUnsavedWork(store, host, work);
      // Into this tab's own recovery file at once: the copy is its own work from now on.
      autosave(host, store);
    } else if (work?.path) await openPath(store, host, work.path);
    return;
  }
  const open = new URLSearchParams(window.location.search).get('open');
  if (open) return openPath(store, host, open);
  const startup = await host.call('host.startup', {});
  if (startup.ok && startup.value.project) {
    store.getState().load(startup.value.project.document, startup.value.project.path ?? undefined);
  } else {
    const resumed = await host.call('project.resume', {});
    if (resumed.ok && resumed.value.project) showUnsavedWork(store, host, resumed.value.project);
    else {
      const path = sessionProjectPath();
      if (path) await openPath(store, host, path);
    }
  }
  // Weights named on the command line (`--weights`): shown once their import has finished.
  const job = startup.ok ? startup.value.weightsJob : null;
  if (job && !store.getState().weights) {
    // Listen first, then look: a job that ended before the listener existed is no longer listed.
    const notListed = new AbortController();
    const done = followWhileConnected(host, job.id, undefined, undefined, notListed.signal);
    const listed = await host.call('jobs.list', {});
    if (!listed.ok || !listed.value.jobs.some((j) => j.id === job.id)) notListed.abort();
    if ('lost' in (await done)) return;
    const sets = await host.call('weights.list', {});
    const last = sets.ok ? sets.value.sets.at(-1) : undefined;
    if (last) await showWeightSet(host, store, last);
  }
}

/**
 * The weights file recovered work names, so it comes back with its weights: none for a set that lives
 * only in the host (an imported model's, written next to the project at its first save).
 */
function recoverableWeights(s: EditorState): string | null {
  return s.weights?.set.path || null;
}

/** Send unsaved work to the host's recovery file for this tab (it throttles the writes). */
function autosave(host: HostApi, store: EditorStore): void {
  const s = store.getState();
  void host.call('project.autosave', { document: projectDocument(s), projectPath: s.filePath ?? null, weightsPath: recoverableWeights(s) }).then((r) => {
    if (!r.ok && r.diagnostics[0]?.code !== 'host.disconnected')
      reportSaveProblem({ kind: 'autosave', message: `Autosave was refused, so crash recovery is off: ${r.diagnostics.map((d) => d.message).join(' ')}` });
  });
}

export function useHostSession(host: HostApi | undefined, store: EditorStore): void {
  const startedRef = useRef(false);
  useEffect(() => {
    if (!host || startedRef.current) return;
    startedRef.current = true;
    void loadCapabilities(host, store);
    void restoreAtStart(host, store);
  }, [host, store]);

  useEffect(() => {
    if (!host) return;
    if (host.kind === 'web')
      shareWorkWithCopies(() => {
        const s = store.getState();
        return { path: s.filePath ?? null, document: projectDocument(s), dirty: isDirty(s), weightsPath: recoverableWeights(s) };
      });
    const offAutosaved = host.on('project.autosaved', (e) => {
      // The host sends a client only its own; this guards against a host that broadcasts.
      const me = clientId();
      if (me !== undefined && e.client !== me) return;
      if (e.ok) autosaveSucceeded();
      else reportSaveProblem({ kind: 'autosave', message: e.diagnostics.map((d) => d.message).join(' ') });
    });
    const offEdits = store.subscribe((s, prev) => {
      // An edit, or work that becomes unsaved without one (an imported model, restored work: marked unsaved after loading).
      if (isDirty(s) && (s.doc !== prev.doc || !isDirty(prev))) autosave(host, store);
      // Saved, discarded or replaced: nothing is left to recover.
      else if (isDirty(prev) && !isDirty(s)) void host.call('project.discardAutosave', {});
    });
    // A host is back after it went away: take over this tab's recovery file from the host that died,
    // then hand the new host the work as it is now.
    const offConnection = hostConnection().subscribe((status) => {
      if (status.state !== 'connected' || !status.reconnected) return;
      void loadCapabilities(host, store);
      // Built engines lived in the host's process: the list is the new host's, not the gone one's.
      void host.call('build.history', {}).then((r) => r.ok && store.getState().setEngines(r.value.builds));
      // So were the weights: the new host loads the same file again, or the page says why it cannot.
      void reloadWeights(host, store).then(({ reloaded, diagnostics }) => {
        if (reloaded) store.getState().notify('info', `The new host has the weights again: ${reloaded} was loaded into it.`);
        for (const d of diagnostics) store.getState().notify('error', d.message);
      });
      void host.call('project.resume', {}).then(() => {
        if (isDirty(store.getState())) autosave(host, store);
        else void host.call('project.discardAutosave', {});
      });
    });
    return () => {
      offAutosaved();
      offEdits();
      offConnection();
    };
  }, [host, store]);
}
