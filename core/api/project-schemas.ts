/** What the project, file and settings methods carry. */
import { z } from 'zod';
import { FarmTargetSchema } from './farm-schemas.js';
import { BackendIdSchema, Count, IdSchema, NetworkDocumentSchema, PathSchema, Timestamp } from './schemas.js';

export const OpenedProjectSchema = z.object({
  /** null for a project that was never saved (a template, a restored recovery of a new project). */
  path: z.string().nullable(),
  document: NetworkDocumentSchema,
  /** True when the document differs from the file (restored from a recovery file). */
  dirty: z.boolean(),
  /** The file's content hash when read; `project.save` passes it back as `baseVersion` to detect changes made meanwhile. */
  version: z.string().nullable().optional(),
  /** The project's weights file (absolute), when it names one that exists. */
  weightsPath: z.string().nullable().optional(),
});
export type OpenedProject = z.infer<typeof OpenedProjectSchema>;

export const SavedProjectSchema = z.object({ path: z.string(), savedAt: Timestamp, bytes: Count, version: z.string() });
export type SavedProject = z.infer<typeof SavedProjectSchema>;

export const RecentEntrySchema = z.object({ path: z.string(), name: z.string(), openedAt: Timestamp, exists: z.boolean() });
export type RecentEntry = z.infer<typeof RecentEntrySchema>;

export const RecoveryOfferSchema = z.object({
  id: IdSchema,
  /** The network's name. */
  name: z.string(),
  /** The project file it belongs to; null for work never saved. */
  projectPath: z.string().nullable(),
  savedAt: Timestamp,
  nodeCount: Count,
  /** The window or tab whose work it is; a tab reconnecting after a host restart finds its own. */
  client: z.string().optional(),
});
export type RecoveryOffer = z.infer<typeof RecoveryOfferSchema>;

export const FileEntrySchema = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['file', 'directory']),
  size: Count,
  modifiedAt: Timestamp,
});
export type FileEntry = z.infer<typeof FileEntrySchema>;

export const FolderListingSchema = z.object({
  path: z.string(),
  /** null at an allowed root: browsing stops there. */
  parent: z.string().nullable(),
  entries: z.array(FileEntrySchema),
});
export type FolderListing = z.infer<typeof FolderListingSchema>;

/** `temporary`: deleted when the host stops (the uploads folder); files are read from it, never saved there. */
export const FileRootSchema = z.object({ path: z.string(), label: z.string(), temporary: z.boolean().optional() });
export type FileRoot = z.infer<typeof FileRootSchema>;

/** What a file dialog or the file browser is for; sets the filters. */
/** `openable`: what the editor's Open takes (a project, or an ONNX model imported as a new one). */
/** `arrays`: NumPy files, a comparison's reference activations and its input tensor. */
export const FilePurposeSchema = z.enum(['project', 'openable', 'weights', 'images', 'arrays', 'folder', 'onnx', 'engine', 'export']);
export type FilePurpose = z.infer<typeof FilePurposeSchema>;

/** File extensions (lower case, with the dot) each purpose shows. */
export const FILE_PURPOSE_EXTENSIONS: Record<FilePurpose, readonly string[]> = {
  project: ['.trtstudio'],
  openable: ['.trtstudio', '.onnx'],
  weights: ['.wts', '.safetensors', '.npz'],
  // Test inputs: images, or a NumPy array used as the input tensor as it is.
  images: ['.png', '.jpg', '.jpeg', '.bmp', '.webp', '.gif', '.tif', '.tiff', '.npy'],
  arrays: ['.npz', '.npy'],
  folder: [],
  onnx: ['.onnx'],
  engine: ['.engine', '.plan'],
  export: [],
};

export const UploadResultSchema = z.object({ path: z.string(), name: z.string(), bytes: Count });
export type UploadResult = z.infer<typeof UploadResultSchema>;

export const ThemeSchema = z.enum(['system', 'light', 'dark']);

/** Settings, stored as JSON in the config folder. Every field has a default, so a partial file is fine. */
export const SettingsSchema = z.object({
  /** Folders the file browser may show besides the ones the user opened (set in the file or with --root). */
  allowedRoots: z.array(PathSchema).max(100).default([]),
  recentLimit: z.number().int().min(0).max(50).default(10),
  autosaveIntervalSeconds: z.number().int().min(1).max(600).default(5),
  uploadLimitMiB: z.number().int().min(1).max(65536).default(4096),
  theme: ThemeSchema.default('system'),
  defaultBackend: BackendIdSchema.nullable().default(null),
  /** The Farm tab's targets as last edited (the same rows a targets.json holds), so a reload or a new launch keeps them. */
  farmTargets: z.array(FarmTargetSchema).max(100).default([]),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** What the UI may change; `allowedRoots` is deliberately absent (a token holder must not widen file access). */
export const SettingsPatchSchema = z.strictObject({
  recentLimit: z.number().int().min(0).max(50).optional(),
  autosaveIntervalSeconds: z.number().int().min(1).max(600).optional(),
  uploadLimitMiB: z.number().int().min(1).max(65536).optional(),
  theme: ThemeSchema.optional(),
  defaultBackend: BackendIdSchema.nullable().optional(),
  farmTargets: z.array(FarmTargetSchema).max(100).optional(),
});
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;
