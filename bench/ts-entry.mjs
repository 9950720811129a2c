// The benches drive TypeScript (the sandbox, the engine, test worlds): each bundles a small entry with esbuild into a
// temporary module, imports it, and removes it afterwards. This is that step, written once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Bundles `source` (TypeScript, imports relative to the repository root), imports it and hands the module to `use`.
 * `dirnameOf` sets `__dirname` for bundled code that reads files beside itself (test worlds).
 */
export async function withTsEntry(source, use, { dirnameOf, define } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-bench-'));
  try {
    const out = join(dir, 'bench.mjs');
    const dirnameLine = dirnameOf === undefined ? '' : ` const __dirname = ${JSON.stringify(join(root, dirnameOf))};`;
    const result = await build({
      stdin: { contents: source, resolveDir: root, loader: 'ts', sourcefile: 'bench-entry.ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      logLevel: 'warning',
      define,
      banner: { js: `import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);${dirnameLine}` },
    });
    // test/bench/entries.test.ts sets this: each bench's entry still bundles against the code as it is now.
    if (process.env.ECSDEPLOY_BENCH_BUNDLE_ONLY === '1') return undefined;
    writeFileSync(out, result.outputFiles[0].contents);
    return await use(await import(pathToFileURL(out).href));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
