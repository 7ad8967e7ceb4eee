// Lint, including the import boundaries of ARCHITECTURE.md's layer table (also enforced by one tsconfig per layer).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'fs',
  'path',
  'os',
  'child_process',
  'worker_threads',
  'crypto',
  'http',
  'https',
  'net',
  'url',
  'stream',
  'util',
  'events',
  'zlib',
  'buffer',
];
const nodeImports = [
  { group: ['node:*', ...NODE_BUILTINS, ...NODE_BUILTINS.map((m) => `${m}/*`)], message: 'This layer must not use Node (ARCHITECTURE.md layer table).' },
];
const electronImports = [{ group: ['electron', 'electron/*'], message: 'Only the Electron shell files may import Electron.' }];
const layer = (folder, message) => ({ group: [`**/${folder}/**`, `**/${folder}`], message });

/** The renderer's UI folders: each draws the editor and host layers and imports no other UI folder. */
const UI_FOLDERS = ['canvas', 'panels', 'workflows'];

/** What every renderer file may not import (Node, Electron, the host's code, native code). */
const rendererBase = [
  ...nodeImports,
  ...electronImports,
  layer('electron', 'The renderer talks to the host only through the client in core/api/.'),
  layer('native', 'The renderer never loads native code.'),
  {
    group: ['**/core/api/host/**', '**/core/api/host'],
    message:
      'core/api/host/ is the host-side half of the contract (request validation, the wire format); the renderer uses core/api/client.ts and transports.ts.',
  },
];

/**
 * One lint block per renderer layer: the renderer's rules plus the layer's own. (A later
 * `no-restricted-imports` replaces an earlier one for the same file, so each block repeats the base.)
 */
function rendererLayers(layers) {
  return layers.map(({ folder, paths = [], patterns }) => ({
    files: [`renderer/${folder}/**/*.ts`, `renderer/${folder}/**/*.tsx`],
    ignores: ['renderer/**/*.test.ts', 'renderer/**/*.test.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: paths.map((name) => ({ name, message: `renderer/${folder}/ is framework-free: ${name} belongs to renderer/react/ and the UI folders.` })),
          patterns: [...rendererBase, ...patterns],
        },
      ],
    },
  }));
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'native/build/**', 'coverage/**', 'e2e/artifacts/**', 'bench/data/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
  },
  {
    files: ['core/**/*.ts'],
    ignores: ['core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...nodeImports,
            ...electronImports,
            layer('electron', 'core/ imports nothing outside core/.'),
            layer('renderer', 'core/ imports nothing outside core/.'),
            layer('native', 'core/ imports nothing outside core/.'),
            { group: ['react', 'react-dom', '@xyflow/*', 'zustand'], message: 'core/ is environment-free.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/**/*.test.ts', 'renderer/**/*.test.tsx', 'renderer/vite.config.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: rendererBase,
        },
      ],
    },
  },
  // The renderer's own layers, lowest first (like vscode's layer table): editor/ is the editor
  // without React or the host, host/ talks to the host, react/ binds both to React, the UI folders
  // (canvas/, panels/, workflows/) draw them, and app/ is the shell on top.
  ...rendererLayers([
    {
      folder: 'editor',
      paths: ['react', 'react-dom', 'zustand'],
      patterns: [
        {
          group: ['react-dom/*', '@xyflow/react', '@xyflow/react/*'],
          message: 'renderer/editor/ is framework-free: React and React Flow belong to the UI folders.',
        },
        layer('host', 'renderer/editor/ does not talk to the host; renderer/host/ builds on the editor, not the other way round.'),
        ...['react', 'canvas', 'panels', 'workflows', 'app'].map((f) =>
          layer(f, 'renderer/editor/ imports only core/ (and xyflow types from @xyflow/system).'),
        ),
      ],
    },
    {
      folder: 'host',
      paths: ['react', 'react-dom', 'zustand'],
      patterns: [
        { group: ['react-dom/*', '@xyflow/react', '@xyflow/react/*'], message: 'renderer/host/ is framework-free: its React binding is renderer/react/.' },
        ...['react', 'canvas', 'panels', 'workflows', 'app'].map((f) => layer(f, 'renderer/host/ imports only core/ and renderer/editor/.')),
      ],
    },
    {
      folder: 'react',
      patterns: ['canvas', 'panels', 'workflows', 'app'].map((f) => layer(f, 'renderer/react/ binds the editor and host layers; it imports no UI.')),
    },
    ...UI_FOLDERS.map((folder) => ({
      folder,
      patterns: [
        layer('app', 'The UI folders do not import the app shell (renderer/app/).'),
        ...UI_FOLDERS.filter((other) => other !== folder).map((other) =>
          layer(other, `renderer/${folder}/ shares with renderer/${other}/ only through renderer/editor/, renderer/host/ and renderer/react/.`),
        ),
      ],
    })),
  ]),
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/main.ts', 'electron/preload.ts', 'electron/shell/**', 'electron/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...electronImports, layer('renderer', 'The host never imports the renderer.')] }],
    },
  },
);
