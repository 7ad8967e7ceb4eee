import { describe, expect, it } from 'vitest';
import { buildTemplate } from '../templates/index.js';
import { codegenFiles, defaultCodeFileName, GENERATED_CMAKE_MARK, mayReplace } from './files.js';
import { programForCodegen } from './program.js';

describe('code export files', () => {
  const program = programForCodegen(buildTemplate('lenet5')!);
  if (!program.ok) throw new Error(program.diagnostics[0]!.message);

  it('Python is one script; C++ is the program and the CMakeLists.txt that builds the file named', () => {
    const python = codegenFiles(program.value, 'python', 'net.py');
    const cpp = codegenFiles(program.value, 'cpp', 'net.cpp');
    if (!python.ok || !cpp.ok) throw new Error('codegen failed');
    expect(python.value.map((f) => [f.name, f.replace])).toEqual([['net.py', 'always']]);
    expect(cpp.value.map((f) => [f.name, f.replace])).toEqual([
      ['net.cpp', 'always'],
      ['CMakeLists.txt', 'if-generated'],
    ]);
    expect(cpp.value[1]!.text).toContain('add_executable(lenet5 net.cpp)');
    expect([defaultCodeFileName(program.value, 'python'), defaultCodeFileName(program.value, 'cpp')]).toEqual(['build_lenet5.py', 'lenet5.cpp']);
  });

  it('a CMakeLists.txt is replaced only when TRT Studio generated it', () => {
    const cmake = { name: 'CMakeLists.txt', text: '', replace: 'if-generated' as const };
    expect([mayReplace(cmake, undefined), mayReplace(cmake, `${GENERATED_CMAKE_MARK} for x\n`), mayReplace(cmake, 'project(mine)\n')]).toEqual([
      true,
      true,
      false,
    ]);
    expect(mayReplace({ ...cmake, replace: 'always' }, 'project(mine)\n')).toBe(true);
  });
});
