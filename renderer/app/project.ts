/**
 * Project commands: new, new from template, open, save, save as, download, with the unsaved-changes
 * prompt. They go through the host (core/api/client.ts) when there is one, else through the browser (file
 * picker and download), so the editor is usable from a plain static server too.
 *
 * A project carries its weights file: opening a project (or restoring its unsaved work) loads the
 * weights it names, and New, a template or another project clears the ones shown.
 */
import type { HostApi } from '../../core/api/client.js';
import type { OpenedProject } from '../../core/api/project-schemas.js';
import { parseProject, serializeProject, PROJECT_EXTENSION } from '../../core/network/project-file.js';
import { emptyDocument } from '../../core/network/types.js';
import { buildTemplate, listTemplates as coreTemplates } from '../../core/templates/index.js';
import { isDirty, type EditorStore, type LoadedWeights } from '../editor/editor-store.js';
import { nativePick, startFolder } from '../host/file-picking.js';
import { importWeights } from '../workflows/WeightsPanel.js';
import { laidOut } from '../editor/commands.js';
import { projectFileChanged, reportSaveProblem, saveStatus } from './save-status.js';
import { count } from '../../core/words.js';
import { importModel, isOnnxFile } from './ModelImport.js';
import { fileName } from '../host/host-paths.js';

/** The dialogs project commands need from the UI. */
export interface ProjectDialogs {
  /** Ask whether to discard unsaved changes; true to go on. */
  confirmDiscard(name: string): Promise<boolean>;
  /** A path to open or save (the web host's file browser, starting in `folder` when the host allows it); undefined when cancelled. */
  pickPath(mode: 'open' | 'save', defaultName: string, folder?: string): Promise<string | undefined>;
  /** The file changed on disk since it was opened: overwrite it? `why` is the host's sentence. */
  confirmOverwrite(path: string, why: string): Promise<boolean>;
}

function report(store: EditorStore, diagnostics: readonly { message: string }[]): void {
  for (const d of diagnostics) store.getState().notify('error', d.message);
}

async function okToReplace(store: EditorStore, dialogs: ProjectDialogs): Promise<boolean> {
  const s = store.getState();
  return !isDirty(s) || dialogs.confirmDiscard(s.doc.name);
}

/** Another network replaces the one shown: its weights, file version and save problems go with it. */
/**
 * Show `doc` in place of the open project. `weights`, when the new project comes with a loaded set,
 * are set before the document, so a big network is checked and drawn once with its weights bound
 * (set after, every node would be drawn again as its problems cleared).
 */
export function replaceProject(
  store: EditorStore,
  doc: ReturnType<typeof emptyDocument>,
  path: string | undefined,
  version: string | null,
  weights?: LoadedWeights,
): void {
  store.getState().setWeights(weights);
  store.getState().load(doc, path);
  projectFileChanged(path ?? null, version);
}

export async function newProject(store: EditorStore, dialogs: ProjectDialogs): Promise<void> {
  if (!(await okToReplace(store, dialogs))) return;
  replaceProject(store, emptyDocument(), undefined, null);
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
  replaceProject(store, doc, undefined, null);
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
    replaceProject(store, parsed.value, picked.name, null);
    return;
  }
  await openPath(store, host, await pickPath(store, host, dialogs, 'open', ''));
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
  showUnsavedWork(store, host, r.value);
  store.getState().notify('info', `Restored “${r.value.document.name}” (${count(r.value.document.nodes.length, 'layer')}); save it to keep it.`);
  return true;
}

/** Unsaved work (a recovery file, or this tab's own work after a reload) opens as unsaved, with its weights. */
export function showUnsavedWork(store: EditorStore, host: HostApi, project: OpenedProject): void {
  // The version on disk is unknown here: a save over the file asks first if it changed.
  replaceProject(store, project.document, project.path ?? undefined, null);
  // Not what is on disk: marked unsaved, so Save writes it and closing asks first.
  store.setState({ savedDoc: emptyDocument() });
  if (project.weightsPath) void loadWeights(store, host, project.weightsPath);
}

/** Load a project's weights file and map it; problems are shown as notices. */
async function loadWeights(store: EditorStore, host: HostApi, path: string): Promise<void> {
  const imported = await importWeights(host, store, path);
  report(
    store,
    imported.diagnostics.filter((d) => (d as { severity?: string }).severity === 'error'),
  );
}

/** Open a project file, or import an ONNX model as a new project. */
export async function openPath(store: EditorStore, host: HostApi, path: string | undefined): Promise<void> {
  if (!path) return;
  if (isOnnxFile(path)) {
    await importModel(store, host, path);
    return;
  }
  const r = await host.call('project.open', { path });
  if (!r.ok) return report(store, r.diagnostics);
  replaceProject(store, r.value.document, r.value.path ?? undefined, r.value.version ?? null);
  for (const d of r.diagnostics ?? []) store.getState().notify(d.severity === 'error' ? 'error' : 'info', d.message);
  if (!r.value.weightsPath) return;
  const opened = store.getState().doc;
  await loadWeights(store, host, r.value.weightsPath);
  // Binding the project's own weights file by name is part of opening it, as the next open will do
  // again: no undo step, and the project is still saved. Any edit of the user's meanwhile keeps it unsaved.
  const s = store.getState();
  if (s.savedDoc === opened && s.past.length === 1 && s.past[0] === opened) store.setState({ savedDoc: s.doc, past: [] });
}

/** "Download project": the document as a `.trtstudio` file through the browser, whatever the host. */
export function downloadProject(store: EditorStore): void {
  // An open block definition goes into the project first (or, refused, the download waits for it to be fixed).
  if (!store.getState().closeDefinition()) return;
  const doc = store.getState().doc;
  const blob = new Blob([serializeProject(doc)], { type: 'application/json' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `${doc.name.replace(/[^\w.-]+/g, '_') || 'network'}${PROJECT_EXTENSION}`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

/** The open and save dialogs' titles: Open takes a project or an ONNX model. */
export const OPEN_TITLES = { open: 'Open a project or an ONNX model', save: 'Save project as' } as const;

/** A path from the native dialog or the file browser, starting in the project's folder (or the one last used). */
async function pickPath(store: EditorStore, host: HostApi, dialogs: ProjectDialogs, mode: 'open' | 'save', defaultName: string): Promise<string | undefined> {
  const folder = startFolder({}, store.getState().filePath);
  const native = await nativePick(host, {
    purpose: mode === 'open' ? 'openable' : 'project',
    mode,
    title: OPEN_TITLES[mode],
    defaultName,
    ...(folder ? { folder } : {}),
  });
  return native ? native[0] : dialogs.pickPath(mode, defaultName, folder);
}

/** The network name a project file gives: its file name without the folder and extension (`~/nets/my-lenet.trtstudio` → `my-lenet`). */
export function projectName(path: string, fallback: string): string {
  const base = fileName(path);
  const name = base.endsWith(PROJECT_EXTENSION) ? base.slice(0, -PROJECT_EXTENSION.length) : base.replace(/\.json$/, '');
  return name.trim() || fallback;
}

/**
 * The weights file a saved project names. An imported model's weight set lives only in the host
 * (its path is ''): it is written next to the project first (`model.trtstudio` → `model.wts`), and
 * the set then belongs to that file. False when that write failed (the project is not saved then).
 */
async function weightsFileFor(store: EditorStore, host: HostApi, projectPath: string): Promise<string | null | false> {
  const weights = store.getState().weights;
  if (!weights) return null;
  if (weights.set.path) return weights.set.path;
  const dot = projectPath.lastIndexOf('.');
  const wtsPath = `${dot > projectPath.search(/[^\\/]*$/) ? projectPath.slice(0, dot) : projectPath}.wts`;
  const written = await host.call('weights.save', { setId: weights.set.id, path: wtsPath });
  if (!written.ok) {
    reportSaveProblem({ kind: 'save', message: `Not saved: ${written.diagnostics.map((d) => d.message).join(' ')}` });
    report(store, written.diagnostics);
    return false;
  }
  store.setState({ weights: { ...weights, set: { ...weights.set, path: written.value.path, fileName: fileName(written.value.path) } } });
  return written.value.path;
}

/** Save (or save as); returns whether the project was written. */
export async function saveProject(store: EditorStore, host: HostApi | undefined, dialogs: ProjectDialogs, saveAs: boolean): Promise<boolean> {
  // An open block definition goes into the project first; refused, nothing is saved until it is fixed.
  if (!store.getState().closeDefinition()) return false;
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
  const path = !saveAs && s.filePath ? s.filePath : await pickPath(store, host, dialogs, 'save', defaultName);
  if (!path) return false;
  const weightsPath = await weightsFileFor(store, host, path);
  if (weightsPath === false) return false;
  const current = store.getState().doc;
  // Saved under a new file name, the network takes that name: the title and every export's default file name follow it.
  const name = path === s.filePath ? current.name : projectName(path, current.name);
  const doc = name === current.name ? current : { ...current, name };
  const request = {
    path,
    document: doc,
    // Only the file this page read carries a version to compare; a new path has nothing to lose but what the file browser showed.
    baseVersion: path === s.filePath ? saveStatus().version : null,
    weightsPath,
  };
  let r = await host.call('project.save', request);
  if (!r.ok && r.diagnostics.some((d) => d.code === 'project.conflict')) {
    const why = r.diagnostics.find((d) => d.code === 'project.conflict')!.message;
    if (!(await dialogs.confirmOverwrite(path, why))) {
      reportSaveProblem({ kind: 'save', message: `Not saved: ${why}` });
      return false;
    }
    r = await host.call('project.save', { ...request, overwrite: true });
  }
  if (!r.ok) {
    reportSaveProblem({ kind: 'save', message: `Not saved: ${r.diagnostics.map((d) => d.message).join(' ')}` });
    report(store, r.diagnostics);
    return false;
  }
  // Marks the document that was written, even if an edit landed while the host wrote it.
  // The open document takes the new name too (not an edit to undo: it is the file's name); when
  // nothing else changed while the host wrote, it is exactly the saved one.
  const latest = store.getState().doc;
  if (latest === current) store.setState({ doc, savedDoc: doc, filePath: r.value.path });
  else store.setState({ doc: doc === current ? latest : { ...latest, name }, savedDoc: doc, filePath: r.value.path });
  projectFileChanged(r.value.path, r.value.version);
  store.getState().notify('info', `Saved ${r.value.path}.`);
  return true;
}
