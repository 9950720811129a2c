// Bundles the CLI so a cold start loads a few files instead of hundreds (issue 2: cold start). Code splitting
// keeps the AWS SDK and the sandbox in chunks that only commands talking to AWS import (lazily), so
// `validate`, `render` and `schema` never parse them.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// Chunk names carry a content hash, so every build whose code changed adds new files; without this, dist/ (and
// the npm package, which ships dist/) keeps every earlier build's chunks.
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

await build({
  entryPoints: ['src/cli/main.ts'],
  outdir: 'dist',
  entryNames: 'cli',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  minify: true,
  keepNames: true,
  define: { __ECSDEPLOY_VERSION__: JSON.stringify(pkg.version) },
  // Some SDK dependencies are CommonJS and call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __ecsdeployCreateRequire } from 'node:module'; const require = __ecsdeployCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
