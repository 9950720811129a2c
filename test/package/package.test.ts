/**
 * ecsdeploy as a user gets it: `npm pack`, the tarball installed into an empty folder with production
 * dependencies only, then `npx ecsdeploy --version`, `validate` of a shipped example and a sandbox `apply`.
 * Prints the package size and the install time. Slow (a build and an install), so it runs as its own CI step
 * (`.ci/run` sets ECSDEPLOY_PACKAGE_TEST=1), not in every `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const enabled = process.env.ECSDEPLOY_PACKAGE_TEST === '1';
if (!enabled) console.warn('package: skipped (slow); run with ECSDEPLOY_PACKAGE_TEST=1, as .ci/run does');

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

function sh(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const started = performance.now();
  const result = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: performance.now() - started };
}

function sizeOf(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((n, name) => n + sizeOf(join(path, name)), 0);
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

describe.skipIf(!enabled)('the npm package', { timeout: 600_000 }, () => {
  let work: string;
  let pack: PackResult;
  let installMs: number;
  let installed: string;
  const npx = (args: string[]) =>
    sh('npx', ['--no-install', 'ecsdeploy', ...args], work, { HOME: work, XDG_CACHE_HOME: join(work, '.cache') });

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'ecsdeploy-package-'));
    const packed = sh('npm', ['pack', '--json', '--pack-destination', work], ROOT);
    expect(packed.status, packed.stderr).toBe(0);
    pack = (JSON.parse(packed.stdout) as PackResult[])[0] as PackResult;

    writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'empty', private: true }));
    const install = sh('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', join(work, pack.filename)], work);
    expect(install.status, install.stderr).toBe(0);
    installMs = install.ms;
    installed = join(work, 'node_modules', 'ecsdeploy');
    console.log(
      [
        `package: ${pack.filename}: ${mb(pack.size)} packed, ${mb(pack.unpackedSize)} unpacked, ${pack.files.length} files`,
        `  of which source maps ${mb(pack.files.filter((f) => f.path.endsWith('.map')).reduce((n, f) => n + f.size, 0))}`,
        `  npm install --omit=dev of the tarball into an empty folder: ${(installMs / 1000).toFixed(1)} s, node_modules ${mb(sizeOf(join(work, 'node_modules')))}`,
      ].join('\n'),
    );
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ships the CLI, its bundle, the schema, the examples and the README, and nothing of the repository besides', () => {
    const paths = pack.files.map((f) => f.path);
    for (const needed of [
      'bin/ecsdeploy.js',
      'dist/cli.mjs',
      'schema/ecsdeploy.schema.json',
      'examples/rolling/ecsdeploy.yaml',
      'README.md',
      'package.json',
    ]) {
      expect(paths).toContain(needed);
    }
    const topLevel = new Set(paths.map((p) => p.split('/')[0]));
    expect([...topLevel].sort()).toEqual(['README.md', 'bin', 'dist', 'examples', 'package.json', 'schema']);
    expect(paths.filter((p) => p.endsWith('.ts'))).toEqual([]);
  });

  it('ships only the bundle files the CLI can load (no chunks left over from earlier builds)', () => {
    // Every .mjs in dist/ must be reachable from dist/cli.mjs through its static and dynamic imports.
    const dist = join(installed, 'dist');
    const reached = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/["'](\.{1,2}\/[^"']+\.mjs)["']/g)) visit(resolve(dirname(file), m[1] as string));
    };
    visit(join(dist, 'cli.mjs'));
    const shipped = pack.files.filter((f) => f.path.startsWith('dist/') && f.path.endsWith('.mjs')).map((f) => join(installed, f.path));
    expect(shipped.filter((f) => !reached.has(f)).map((f) => relative(installed, f))).toEqual([]);
  });

  it('installs with production dependencies only, and does not need to build', () => {
    for (const dev of ['esbuild', 'vitest', 'typescript', '@biomejs/biome', 'aws-sdk-client-mock']) {
      expect(existsSync(join(work, 'node_modules', dev)), dev).toBe(false);
    }
  });

  it('runs: --version, --help listing init, validate of a shipped example, and a sandbox apply', () => {
    const version = npx(['--version']);
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);

    expect(npx(['--help']).stdout).toMatch(/ecsdeploy init /);

    const example = join('node_modules', 'ecsdeploy', 'examples', 'rolling', 'ecsdeploy.yaml');
    const validate = npx(['validate', '-f', example]);
    expect(validate.status, validate.stderr).toBe(0);
    expect(validate.stderr).toContain('valid');

    const apply = npx(['apply', '--sandbox', '-f', example, '--yes', '--format', 'plain', '--no-color']);
    expect(apply.status, `${apply.stdout}\n${apply.stderr}`).toBe(0);
    expect(`${apply.stdout}${apply.stderr}`).toMatch(/hello-web/);
    console.log(`package: sandbox apply from the installed package took ${(apply.ms / 1000).toFixed(1)} s`);
  });
});
