/**
 * The native open and save dialogs' options for each purpose of the contract (`dialog.open`,
 * `dialog.save`), as plain data the shell hands to Electron's dialog module.
 */
import { join } from 'node:path';
import { FILE_PURPOSE_EXTENSIONS, type FilePurpose } from '../../core/api/project-schemas.js';

export interface FileFilter {
  name: string;
  /** Without the dot; '*' for all files. */
  extensions: string[];
}

export type OpenProperty = 'openFile' | 'openDirectory' | 'multiSelections' | 'showHiddenFiles';

export interface OpenDialogSettings {
  title: string;
  filters: FileFilter[];
  properties: OpenProperty[];
  defaultPath?: string;
}

export interface SaveDialogSettings {
  title: string;
  filters: FileFilter[];
  defaultPath?: string;
}

const PURPOSE_NAMES: Record<FilePurpose, string> = {
  project: 'TRT Studio projects',
  openable: 'Projects and ONNX models',
  weights: 'Weights (.wts, .safetensors, .npz)',
  images: 'Images',
  arrays: 'NumPy arrays (.npz, .npy)',
  folder: 'Folders',
  onnx: 'ONNX models',
  engine: 'TensorRT engines',
  export: 'Exported files',
};

const OPEN_TITLES: Record<FilePurpose, string> = {
  project: 'Open a project',
  openable: 'Open a project or an ONNX model',
  weights: 'Import weights',
  images: 'Choose test images',
  arrays: 'Choose NumPy arrays',
  folder: 'Choose a folder',
  onnx: 'Open an ONNX model',
  engine: 'Open a TensorRT engine',
  export: 'Choose a file',
};

const ALL_FILES: FileFilter = { name: 'All files', extensions: ['*'] };

/** The filter list for a purpose: its own extensions first, then all files. */
function purposeFilters(purpose: FilePurpose): FileFilter[] {
  const extensions = FILE_PURPOSE_EXTENSIONS[purpose].map((e) => e.slice(1));
  return extensions.length > 0 ? [{ name: PURPOSE_NAMES[purpose], extensions }, ALL_FILES] : [ALL_FILES];
}

/** An open dialog, starting in `folder` when given (the project's folder or the last one used). */
export function openDialogSettings(purpose: FilePurpose, multiple: boolean, title?: string, folder?: string): OpenDialogSettings {
  const start = folder ? { defaultPath: folder } : {};
  if (purpose === 'folder') return { title: title ?? OPEN_TITLES.folder, filters: [], properties: ['openDirectory'], ...start };
  return {
    title: title ?? OPEN_TITLES[purpose],
    filters: purposeFilters(purpose),
    properties: multiple ? ['openFile', 'multiSelections'] : ['openFile'],
    ...start,
  };
}

/**
 * A save dialog, suggesting `defaultName` in `folder`. For exports the suggested name's extension sets
 * the filter (`resnet18.onnx` offers ONNX models), since one purpose covers several formats.
 */
export function saveDialogSettings(purpose: FilePurpose, defaultName?: string, title?: string, folder?: string): SaveDialogSettings {
  const dot = defaultName ? defaultName.lastIndexOf('.') : -1;
  const extension = defaultName && dot > 0 ? defaultName.slice(dot + 1).toLowerCase() : '';
  const filters =
    purpose === 'export' || purpose === 'folder'
      ? extension
        ? [{ name: `.${extension} files`, extensions: [extension] }, ALL_FILES]
        : [ALL_FILES]
      : purposeFilters(purpose);
  return {
    title: title ?? (purpose === 'project' ? 'Save the project' : purpose === 'export' ? 'Export' : 'Save'),
    filters,
    ...(defaultName || folder ? { defaultPath: folder ? join(folder, defaultName ?? '') : defaultName } : {}),
  };
}

/**
 * A path the save dialog returned, with the purpose's extension added when the user typed none
 * (GTK's dialog does not add it), so that a project is always saved as `.trtstudio`.
 */
export function withDefaultExtension(path: string, purpose: FilePurpose): string {
  const first = FILE_PURPOSE_EXTENSIONS[purpose][0];
  if (!first) return path;
  const name = path.split(/[\\/]/).pop() ?? path;
  return name.includes('.') ? path : `${path}${first}`;
}
