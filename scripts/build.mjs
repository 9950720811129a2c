// Bundles the CLI so a cold start loads a few files instead of hundreds (issue 2: cold start). Code splitting
// keeps the AWS SDK and the sandbox in chunks that only commands talking to AWS import (lazily), so
// `validate`, `render` and `schema` never parse them. The library entry (src/index.ts → dist/index.mjs) shares
// those chunks, and its declaration files come from tsc (dist/types/).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// Chunk names carry a content hash, so every build whose code changed adds new files; without this, dist/ (and
// the npm package, which ships dist/) keeps every earlier build's chunks.
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

await build({
  entryPoints: { cli: 'src/cli/main.ts', index: 'src/index.ts' },
  outdir: 'dist',
  entryNames: '[name]',
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

// Declarations of the library's public types. tsc declares every file src/index.ts reaches, values included; only
// the files its types reach are kept (the package would otherwise ship the declarations of the whole engine).
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const declared = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.declarations.json'], { cwd: root, stdio: 'inherit' });
if (declared.status !== 0) throw new Error(`tsc -p tsconfig.declarations.json failed (exit ${declared.status})`);
pruneDeclarations(join(root, 'dist', 'types'), 'index.d.ts');

function pruneDeclarations(dir, entry) {
  const kept = new Set();
  const visit = (file) => {
    if (kept.has(file)) return;
    if (!existsSync(file)) throw new Error(`a declaration file names ${file}, which tsc did not write`);
    kept.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\()['"](\.{1,2}\/[^'"]+)\.js['"]/g)) visit(resolve(dirname(file), `${m[1]}.d.ts`));
  };
  visit(join(dir, entry));
  const sweep = (path) => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path)) sweep(join(path, name));
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
    } else if (!kept.has(path)) {
      rmSync(path);
    }
  };
  sweep(dir);
}
