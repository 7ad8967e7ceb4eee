/**
 * Code generation (ARCHITECTURE.md rule 3): the lowered `TrtProgram` printed as a Python script for
 * the `tensorrt` package and as a tensorrtx-style C++ program, both for TensorRT 10 and 11. The
 * output is deterministic; core/codegen/golden holds what lenet5 and resnet18 print.
 */
export { CODEGEN_OPS, type CodegenOptions } from './common.js';
export { generateCpp } from './cpp.js';
export { cppTargetName, generateCppCMake } from './cpp-cmake.js';
export { programForCodegen } from './program.js';
export { generatePython } from './python.js';
export { codegenFiles, defaultCodeFileName, mayReplace, GENERATED_CMAKE_MARK, type CodegenFile, type CodegenLanguage } from './files.js';
