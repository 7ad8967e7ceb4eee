import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FILE_PURPOSE_EXTENSIONS } from '../../core/api/project-schemas.js';

const builder = readFileSync('electron-builder.yml', 'utf8');
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { main: string; scripts: Record<string, string> };
const buildScript = readFileSync('electron/build.mjs', 'utf8');

/** The items of one top-level list in the YAML file (`key:` followed by `  - item` lines). */
function list(key: string): string[] {
  const block = new RegExp(`^${key}:\\n((?:(?:  - .*|  #.*)\\n)+)`, 'm').exec(builder)?.[1] ?? '';
  return block
    .split('\n')
    .filter((l) => l.startsWith('  - '))
    .map((l) => l.slice(4).replace(/^"|"$/g, ''));
}

/** The `key: value` lines of one top-level map in the YAML file. */
function map(key: string): Record<string, string> {
  const block = new RegExp(`^${key}:\\n((?: {2}\\w+: .*\\n)+)`, 'm').exec(builder)?.[1] ?? '';
  return Object.fromEntries(
    block
      .trim()
      .split('\n')
      .map((l) => l.trim().split(': ') as [string, string]),
  );
}

describe('the desktop packaging', () => {
  it('packages the entry package.json names, which the build writes, with the preload beside it', () => {
    expect(pkg.main).toBe('dist/electron-main.mjs');
    expect(list('files')).toContain('dist/**');
    expect(buildScript).toContain("{ in: 'electron/main.ts', out: 'electron-main', format: 'esm' }");
    expect(buildScript).toContain("{ in: 'electron/preload.ts', out: 'electron-preload', format: 'cjs' }");
    expect(readFileSync('electron/main.ts', 'utf8')).toContain("join(here, 'electron-preload.cjs')");
    expect(pkg.scripts.start).toBe('node electron/launch.mjs');
  });

  it('unpacks the native addon and the native dependencies from the asar, and ships what the addon loader looks for', () => {
    expect(list('files')).toEqual(
      expect.arrayContaining(['native/CMakeLists.txt', 'native/build/Release/*.node', 'native/build/Release/build-info.json', 'assets/**']),
    );
    expect(existsSync('native/CMakeLists.txt')).toBe(true);
    expect(list('asarUnpack')).toEqual(['native/build/Release/**', 'node_modules/onnxruntime-node/**', 'node_modules/sharp/**', 'node_modules/@img/**']);
  });

  it('flips the Electron fuses: no run-as-node, NODE_OPTIONS or --inspect; encrypted cookies; only the integrity-checked asar', () => {
    expect(map('electronFuses')).toEqual({
      runAsNode: 'false',
      enableNodeOptionsEnvironmentVariable: 'false',
      enableNodeCliInspectArguments: 'false',
      enableCookieEncryption: 'true',
      enableEmbeddedAsarIntegrityValidation: 'true',
      onlyLoadAppFromAsar: 'true',
    });
    // The fuses hold only if the app is in an asar with its hash: nothing turns either off.
    expect(builder).not.toMatch(/^asar:\s*false/m);
    expect(builder).not.toMatch(/disableIntegrity/);
    // With runAsNode off, child_process.fork does not work in the packaged app: the shell starts the engine host as a utility process.
    const main = readFileSync('electron/main.ts', 'utf8');
    expect(main).toContain('setDefaultEngineHostSpawner(utilityProcessEngineHost(utilityProcess));');
    expect(main).not.toMatch(/node:child_process/);
  });

  it('targets AppImage and deb, NSIS and dmg, and opens .trtstudio files', () => {
    expect(builder).toMatch(/^productName: TRT Studio$/m);
    expect(builder).toMatch(/^linux:\n {2}target:\n {4}- AppImage\n {4}- deb$/m);
    expect(builder).toMatch(/^win:\n {2}target:\n {4}- nsis$/m);
    expect(builder).toMatch(/^mac:\n {2}target:\n {4}- dmg$/m);
    expect(builder).toMatch(/^fileAssociations:\n {2}- ext: trtstudio$/m);
    expect(FILE_PURPOSE_EXTENSIONS.project).toEqual(['.trtstudio']);
  });
});
