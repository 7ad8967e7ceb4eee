/**
 * What `import … from 'trt-studio'` gives a script (package.json `exports`, bundled to
 * dist/trt-studio.mjs): the network builder, and the functions that load, check and save projects.
 * Environment-free: a script writes the project file's text itself (`fs.writeFileSync`).
 */
export { BuiltNode, NetworkBuilder, type TensorSource } from './network-builder.js';
export { checkNetwork, type NetworkCheck } from '../check/check-network.js';
export type { Diagnostic } from '../diagnostics.js';
export { parseProject, serializeProject, validateDocument, PROJECT_EXTENSION } from '../network/project-file.js';
export type { DataType, NetworkDocument, ParamValue, PortRef } from '../network/types.js';
export { buildTemplate, listTemplates } from '../templates/index.js';
export { programForCodegen } from '../codegen/program.js';
