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
          patterns: [
            ...nodeImports,
            ...electronImports,
            layer('electron', 'The renderer talks to the host only through the client in core/api/.'),
            layer('native', 'The renderer never loads native code.'),
            {
              group: ['**/core/api/host/**', '**/core/api/host'],
              message:
                'core/api/host/ is the host-side half of the contract (request validation, the wire format); the renderer uses core/api/client.ts and transports.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/main.ts', 'electron/preload.ts', 'electron/shell/**', 'electron/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...electronImports, layer('renderer', 'The host never imports the renderer.')] }],
    },
  },
);
