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
    // A worker runs its files one after another in one module graph instead of re-importing everything (the AWS
    // SDK, the sandbox, the CLI) for each file: that import was most of the suite's CPU time. Test files leave no
    // state behind them (mocks are restored, fake timers reset, moto servers stopped, env changes undone), and
    // isolation.ts puts back AWS SDK clients a file left mocked.
    isolate: false,
    setupFiles: ['test/_helpers/isolation.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // clipanion 3's ESM build imports a directory (`../platform`), which Node's ESM loader refuses when vitest
    // externalizes the package; letting vite process it resolves the import (the esbuild bundle is unaffected).
    server: { deps: { inline: ['clipanion'] } },
  },
});
