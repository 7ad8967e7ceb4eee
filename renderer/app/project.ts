/**
 * Project commands: new, new from template, open, save, save as, with the unsaved-changes prompt.
 * They go through the host (core/api/client.ts) when there is one, else through the browser (file picker
 * and download), so the editor is usable from a plain static server too.
 */
import type { HostApi } from '../../core/api/client.js';
import { parseProject, serializeProject, PROJECT_EXTENSION } from '../../core/network/project-file.js';
import { emptyDocument } from '../../core/network/types.js';
import { buildTemplate, listTemplates as coreTemplates } from '../../core/templates/index.js';
import { isDirty, type EditorStore } from '../editor/editor-store.js';
import { nativePick } from '../host/file-picking.js';
import { laidOut } from '../editor/commands.js';

/** The dialogs project commands need from the UI. */
export interface ProjectDialogs {
  /** Ask whether to discard unsaved changes; true to go on. */
  confirmDiscard(name: string): Promise<boolean>;
  /** A path to open or save (the web host's file browser); undefined when cancelled. */
  pickPath(mode: 'open' | 'save', defaultName: string): Promise<string | undefined>;
}

function report(store: EditorStore, diagnostics: readonly { message: string }[]): void {
  for (const d of diagnostics) store.getState().notify('error', d.message);
}

async function okToReplace(store: EditorStore, dialogs: ProjectDialogs): Promise<boolean> {
  const s = store.getState();
  return !isDirty(s) || dialogs.confirmDiscard(s.doc.name);
}

export async function newProject(store: EditorStore, dialogs: ProjectDialogs): Promise<void> {
  if (!(await okToReplace(store, dialogs))) return;
  store.getState().load(emptyDocument());
}

/** One entry of the "New from template" dialog. */
export interface TemplateChoice {
  id: string;
  name: string;
  description: string;
  category: string;
}

/**
 * The model zoo. Templates are pure data in core/templates, so the renderer builds them itself: no
 * weights are involved and the host has nothing to add.
 */
export function listTemplates(): TemplateChoice[] {
  return coreTemplates().map((t) => ({ id: t.name, name: t.name, description: t.summary, category: t.name === 'lenet5' ? 'Digits' : 'ImageNet' }));
}

export async function newFromTemplate(store: EditorStore, dialogs: ProjectDialogs, templateId: string): Promise<boolean> {
  if (!(await okToReplace(store, dialogs))) return false;
  let doc = buildTemplate(templateId);
  if (!doc) {
    store.getState().notify(
      'error',
      `There is no template named ${JSON.stringify(templateId)}; expected one of ${listTemplates()
        .map((t) => t.id)
        .join(', ')}.`,
    );
    return false;
  }
  // Laid out before it is shown: one document, nothing to undo, nothing unsaved yet.
  try {
    doc = await laidOut(doc, 'LR');
  } catch (e) {
    store.getState().notify('error', (e as Error).message);
  }
  store.getState().load(doc);
  return true;
}

/** Pick a file in the browser and read it as text (no host). */
function browserPickFile(): Promise<{ name: string; text: string } | undefined> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = `${PROJECT_EXTENSION},.json`;
    input.onchange = async () => {
      const file = input.files?.[0];
      resolve(file ? { name: file.name, text: await file.text() } : undefined);
    };
    input.click();
  });
}

export async function openProject(store: EditorStore, host: HostApi | undefined, dialogs: ProjectDialogs): Promise<void> {
  if (!(await okToReplace(store, dialogs))) return;
  if (!host) {
    const picked = await browserPickFile();
    if (!picked) return;
    const parsed = parseProject(picked.text, picked.name);
    if (!parsed.ok) return report(store, parsed.diagnostics);
    store.getState().load(parsed.value, picked.name);
    return;
  }
  await openPath(store, host, await pickPath(host, dialogs, 'open', ''));
}

/** Open a recent project, asking first about unsaved changes; a missing file leaves the list. */
export async function openRecent(store: EditorStore, host: HostApi, dialogs: ProjectDialogs, path: string): Promise<void> {
  if (!(await okToReplace(store, dialogs))) return;
  await openPath(store, host, path);
}

/** Bring back the document of a recovery file: it opens as unsaved work, with its project path. */
export async function restoreRecovery(store: EditorStore, host: HostApi, dialogs: ProjectDialogs, id: string): Promise<boolean> {
  if (!(await okToReplace(store, dialogs))) return false;
  const r = await host.call('project.restore', { id });
  if (!r.ok) {
    report(store, r.diagnostics);
    return false;
  }
  store.getState().load(r.value.document, r.value.path ?? undefined);
  // Not what is on disk: marked unsaved, so Save writes it and closing asks first.
  store.setState({ savedDoc: emptyDocument() });
  store.getState().notify('info', `Restored “${r.value.document.name}” (${r.value.document.nodes.length} layers); save it to keep it.`);
  return true;
}

export async function openPath(store: EditorStore, host: HostApi, path: string | undefined): Promise<void> {
  if (!path) return;
  const r = await host.call('project.open', { path });
  if (!r.ok) return report(store, r.diagnostics);
  store.getState().load(r.value.document, r.value.path ?? undefined);
}

async function pickPath(host: HostApi, dialogs: ProjectDialogs, mode: 'open' | 'save', defaultName: string): Promise<string | undefined> {
  const native = await nativePick(host, { purpose: 'project', mode, title: mode === 'open' ? 'Open project' : 'Save project as', defaultName });
  return native ? native[0] : dialogs.pickPath(mode, defaultName);
}

/** Save (or save as); returns whether the project was written. */
export async function saveProject(store: EditorStore, host: HostApi | undefined, dialogs: ProjectDialogs, saveAs: boolean): Promise<boolean> {
  const s = store.getState();
  const defaultName = `${s.doc.name.replace(/[^\w.-]+/g, '_') || 'network'}${PROJECT_EXTENSION}`;
  if (!host) {
    const blob = new Blob([serializeProject(s.doc)], { type: 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = s.filePath && !saveAs ? s.filePath : defaultName;
    link.click();
    URL.revokeObjectURL(link.href);
    s.markSaved(link.download);
    return true;
  }
  const path = !saveAs && s.filePath ? s.filePath : await pickPath(host, dialogs, 'save', defaultName);
  if (!path) return false;
  const doc = store.getState().doc;
  const r = await host.call('project.save', { path, document: doc });
  if (!r.ok) {
    report(store, r.diagnostics);
    return false;
  }
  // Marks the document that was written, even if an edit landed while the host wrote it.
  store.setState({ savedDoc: doc, filePath: r.value.path });
  store.getState().notify('info', `Saved ${r.value.path}.`);
  return true;
}
