import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['core/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'native/**/*.test.ts'],
    // Generous limits: several suites start real processes (engine host, web host, ONNX Runtime
    // workers), which take seconds on a loaded 2-core CI machine; a hang still fails.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    setupFiles: ['renderer/test-setup.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/unit.json' },
  },
});
