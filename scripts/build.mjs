// Bundles the CLI into one ES module so a cold start loads one file instead of hundreds (issue 2: cold start).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  define: { __ECSDEPLOY_VERSION__: JSON.stringify(pkg.version) },
  // Some SDK dependencies are CommonJS and call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __ecsdeployCreateRequire } from 'node:module'; const require = __ecsdeployCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
