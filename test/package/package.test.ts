/**
 * ecsdeploy as a user gets it: `npm pack`, the tarball installed into an empty folder with production
 * dependencies only, then `npx ecsdeploy --version`, `validate` of a shipped example and a sandbox `apply`; and as
 * a program gets it: docs/library.md's example (`import { loadManifest, plan, apply } from 'ecsdeploy'`) run by
 * `node`, and a TypeScript consumer type-checked against the shipped declarations by this repository's tsc.
 * Prints the package size and the install time. Slow (a build and an install), so it runs as its own CI step
 * (`.ci/run` sets ECSDEPLOY_PACKAGE_TEST=1), not in every `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeBlocks } from '../api/markdown.js';

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
    // npm pack builds (esbuild, then tsc for the declarations) and the install downloads: minutes on a busy machine.
  }, 600_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ships the CLI, its bundle, the schema, the examples and the README, and nothing of the repository besides', () => {
    const paths = pack.files.map((f) => f.path);
    for (const needed of [
      'bin/ecsdeploy.js',
      'dist/cli.mjs',
      'dist/index.mjs',
      'dist/types/index.d.ts',
      'schema/ecsdeploy.schema.json',
      'examples/rolling/ecsdeploy.yaml',
      'README.md',
      'package.json',
    ]) {
      expect(paths).toContain(needed);
    }
    const topLevel = new Set(paths.map((p) => p.split('/')[0]));
    expect([...topLevel].sort()).toEqual(['README.md', 'bin', 'dist', 'examples', 'package.json', 'schema']);
    expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
  });

  it('ships only the bundle files the CLI and the library can load (no chunks left over from earlier builds)', () => {
    // Every .mjs in dist/ must be reachable from dist/cli.mjs or dist/index.mjs through their static and dynamic imports.
    const dist = join(installed, 'dist');
    const reached = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/["'](\.{1,2}\/[^"']+\.mjs)["']/g)) visit(resolve(dirname(file), m[1] as string));
    };
    visit(join(dist, 'cli.mjs'));
    visit(join(dist, 'index.mjs'));
    const shipped = pack.files.filter((f) => f.path.startsWith('dist/') && f.path.endsWith('.mjs')).map((f) => join(installed, f.path));
    expect(shipped.filter((f) => !reached.has(f)).map((f) => relative(installed, f))).toEqual([]);
  });

  it('ships only the declaration files the entry declaration reaches', () => {
    const types = join(installed, 'dist', 'types');
    const reached = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\()["'](\.{1,2}\/[^"']+)\.js["']/g)) {
        visit(resolve(dirname(file), `${m[1] as string}.d.ts`));
      }
    };
    visit(join(types, 'index.d.ts'));
    const shipped = pack.files.filter((f) => f.path.endsWith('.d.ts')).map((f) => join(installed, f.path));
    expect(shipped.filter((f) => !reached.has(f)).map((f) => relative(installed, f))).toEqual([]);
    expect([...reached].filter((f) => !existsSync(f)).map((f) => relative(installed, f))).toEqual([]);
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

  it('serves programs: the docs/library.md example plans and deploys in a sandbox through `import ... from "ecsdeploy"`', () => {
    const [example] = codeBlocks('docs/library.md', 'js');
    const app = join(work, 'app');
    mkdirSync(app);
    for (const name of ['ecsdeploy.yaml', 'web.task.json']) copyFileSync(join(installed, 'examples', 'rolling', name), join(app, name));
    writeFileSync(join(app, 'deploy.mjs'), example as string);
    // Resolved from the folder up, as a user's project would: work/node_modules/ecsdeploy.
    const run = sh(process.execPath, ['deploy.mjs'], app);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')).toEqual(['web: update', 'web: succeeded', 'deploy succeeded', '']);
    console.log(`package: the library example (plan + sandbox apply) took ${(run.ms / 1000).toFixed(1)} s`);

    // Only the root is public: a deep import is refused by the exports map.
    const deep = sh(process.execPath, ['--input-type=module', '-e', "await import('ecsdeploy/dist/cli.mjs')"], app);
    expect(deep.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
    const meta = sh(
      process.execPath,
      ['--input-type=module', '-e', "import p from 'ecsdeploy/package.json' with { type: 'json' }; console.log(p.name)"],
      app,
    );
    expect(meta.stdout.trim()).toBe('ecsdeploy');
  });

  it('type-checks a TypeScript consumer against the shipped declarations, and rejects misuse', () => {
    const consumer = join(work, 'consumer');
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'uses-api.ts'), CONSUMER_TS);
    const [eventsExample] = codeBlocks('docs/library.md', 'ts');
    writeFileSync(join(consumer, 'docs-example.ts'), `${eventsExample as string}\nexport { show };\n`);
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          // The package's own declarations (and the SDK's they name) are checked too.
          skipLibCheck: false,
          // A TypeScript project on Node has @types/node; the installed folder has production dependencies only.
          typeRoots: [join(ROOT, 'node_modules', '@types')],
          types: ['node'],
        },
        include: ['*.ts'],
      }),
    );
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    const tsc = sh(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], consumer);
    expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
    expect(tsc.status).toBe(0);
    console.log(`package: tsc of the TypeScript consumer took ${(tsc.ms / 1000).toFixed(1)} s`);
  });
});

/**
 * A consumer of every public type, and of misuse the declarations must refuse (each `@ts-expect-error` fails the
 * check when the line it covers type-checks: a declaration that went `any` is caught).
 */
const CONSUMER_TS = `import {
  type ApplyOutcome,
  type ApplyResult,
  apply,
  createSandbox,
  type EngineEvent,
  loadManifest,
  type Manifest,
  ManifestError,
  type ManifestIssue,
  type Plan,
  plan,
  type Sandbox,
  type ServicePlan,
  UsageError,
  validateManifest,
  version,
} from 'ecsdeploy';

export async function deploy(path: string): Promise<ApplyOutcome> {
  let manifest: Manifest;
  try {
    manifest = loadManifest(path, { environment: 'staging', vars: { tag: '1.2.3' } });
  } catch (error) {
    if (error instanceof ManifestError) {
      const first: ManifestIssue | undefined = error.issues[0];
      throw new Error(\`\${first?.file}:\${first?.line}:\${first?.column}\`);
    }
    throw error;
  }
  const environments: Manifest[] = validateManifest(path);
  const sandbox: Sandbox = await createSandbox({ manifest });
  const planned: Plan = await plan(manifest, { sandbox, onEvent: (e: EngineEvent) => e.time });
  const services: ServicePlan[] = planned.services;
  const result: ApplyResult = await apply(planned, {
    sandbox,
    signal: AbortSignal.timeout(60_000),
    onEvent: (event) => {
      if (event.type === 'service.progress') return event.running + event.desired;
      return event.type;
    },
  });
  await apply(planned, { aws: { region: 'eu-west-1', profile: 'deploy' }, concurrency: 2, onInterrupt: 'leave' });
  return services.length + environments.length > 0 && version.length > 0 ? result.outcome : 'no-change';
}

export function misuse(manifest: Manifest, planned: Plan): void {
  // @ts-expect-error: a plan is not a manifest
  void plan(planned);
  // @ts-expect-error: no such option
  void apply(planned, { sandboxes: true });
  // @ts-expect-error: onInterrupt is 'rollback' or 'leave'
  void apply(planned, { onInterrupt: 'ignore' });
  // @ts-expect-error: the outcome is a closed union
  const outcome: ApplyOutcome = 'exploded';
  // @ts-expect-error: events are discriminated by type; 'service.progress' has no outcome
  const never = (e: EngineEvent) => e.type === 'service.progress' && e.outcome;
  // @ts-expect-error: loadManifest returns a manifest, not a promise
  void loadManifest('ecsdeploy.yaml').then;
  void [manifest, outcome, never, UsageError];
}
`;
