// End-to-end tests: a real Chromium (Debian's /usr/bin/chromium) driving the built editor.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    // The UI answers within a second on an idle machine; CI machines are shared and a loaded one can
    // take several (a layout, a host job). Polls wait up to 15 s; a wrong answer still fails (it never turns right).
    expect: { poll: { timeout: 15_000 } },
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/e2e.json' },
  },
});
