import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    clearMocks: true,
    restoreMocks: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The emulator tests share one moto server per file; keep files in separate workers, two cores.
    pool: 'forks',
    maxWorkers: 2,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // clipanion 3's ESM build imports a directory (`../platform`), which Node's ESM loader refuses when vitest
    // externalizes the package; letting vite process it resolves the import (the esbuild bundle is unaffected).
    server: { deps: { inline: ['clipanion'] } },
  },
});
