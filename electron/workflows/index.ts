/** The workflows the app's services and the CLI share; see context.ts. */
export { buildEngine, lowerNetwork, ONNXRUNTIME_NOTE, type BuiltEngine, type EngineBuildOptions, type NetworkSource } from './build.js';
export { cancelled, jobWorkflowContext, type LogSeverity, type WorkflowContext, type WorkflowFiles } from './context.js';
export { exportFiles, prepareExport, writeExport, type ExportFile, type ExportKind, type ExportSource, type WrittenFile } from './export.js';
export { nodeFiles } from './node-files.js';
export { profileEngine, syntheticInput, type ProfileOutcome, type ProfileRequest } from './profile.js';
export { imagesInput, npyInput, runInputs, type RunOptions, type RunOutcome, type RunOutput } from './run.js';
export { compareLayers, readReferences, type CompareOutcome, type CompareRequest } from './compare.js';
