/**
 * The corpus of broken manifests: each test/fixtures/broken/NAME.yaml must make `ecsdeploy validate` exit 1 with
 * exactly the text in NAME.expected on stderr, nothing on stdout, and never a stack trace. A first line
 * `# args: ...` adds command-line arguments. A few run through the built binary too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from './run-cli.js';

const DIR = join(REPO, 'test/fixtures/broken');
const cases = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

function argsOf(file: string): string[] {
  const first = readFileSync(join(DIR, file), 'latin1').split('\n')[0] ?? '';
  const m = /^# args: (.*)$/.exec(first);
  return m ? (m[1] as string).trim().split(/\s+/) : [];
}

const STACK = /^\s+at .+:\d+:\d+\)?$/m;

describe('the broken-manifest corpus', () => {
  it('holds at least 30 broken manifests, each with its expected message', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    for (const c of cases) expect(existsSync(join(DIR, c.replace(/\.yaml$/, '.expected'))), c).toBe(true);
  });

  it.each(cases)('%s fails validation with exactly the expected message', async (file) => {
    const expected = readFileSync(join(DIR, file.replace(/\.yaml$/, '.expected')), 'utf8');
    const r = await runCli(['validate', '-f', `test/fixtures/broken/${file}`, ...argsOf(file)]);
    expect(r.stderr).toBe(expected);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(STACK);
  });

  it('a syntax error early in the file gives a few positioned issues, never the text that follows it', async () => {
    const file = 'test/fixtures/broken/yaml-error-before-secrets.yaml';
    const text = readFileSync(join(REPO, file), 'utf8');
    expect(text.match(/hunter2-SECRET-\d+/g)?.length).toBe(200);
    const r = await runCli(['validate', '-f', file]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^[2-4] problems in the manifest:$/);
    expect(lines.length).toBeLessThanOrEqual(5);
    for (const line of lines.slice(1)) expect(line).toMatch(new RegExp(`^${file}:\\d+:\\d+: YAML: `));
    expect(r.stderr).not.toContain('hunter2');
    expect(r.stderr).not.toContain('DB_PASSWORD');
  });

  it.each([
    ['an unexpected scalar', 'a: b\n}\nsecret-value-7\n'],
    ['a bad escape in a double-quoted string', 'version: 1\nx: "sec\\qret-value-8"\n'],
    ['extra characters after a block scalar header', 'version: 1\nx: |2secret-value-9\n  text\n'],
    ['an unclosed quote', "version: 1\nx: 'secret-value-10\ny: z\n"],
  ])('a syntax error on %s does not quote the text', async (_what, yaml) => {
    const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-yaml-'));
    writeFileSync(join(dir, 'ecsdeploy.yaml'), yaml);
    const r = await runCli(['validate'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ecsdeploy\.yaml:\d+:\d+: YAML: /m);
    expect(r.stderr).not.toMatch(/secret|value-\d/);
  });

  it('a manifest larger than 1 MiB is refused with its size, before parsing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-large-'));
    const file = join(dir, 'ecsdeploy.yaml');
    const service = (i: number) =>
      `  svc${i}:\n    cluster: shop\n    taskDefinition: { family: f${i}, containerDefinitions: [{ name: app, image: 'nginx:1' }] }\n`;
    let text = 'version: 1\nservices:\n';
    for (let i = 0; text.length < 2.5 * 1024 * 1024; i++) text += service(i);
    writeFileSync(file, text);
    const r = await runCli(['validate'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `1 problem in the manifest:\necsdeploy.yaml:1:1: the file is ${(text.length / 1024 / 1024).toFixed(1)} MiB; a manifest may be at most 1 MiB\n`,
    );
  });
  // Linear validation time for large manifests is measured by bench/manifest-scale.mjs (timings are not asserted in tests).
});

describe('the built binary on broken manifests', () => {
  const bin = join(REPO, 'bin/ecsdeploy.js');
  const built = existsSync(join(REPO, 'dist/cli.mjs'));

  it.each([
    'binary-junk.yaml',
    'yaml-unclosed-flow.yaml',
    'depends-on-cycle.yaml',
    'missing-env-variable.yaml',
    'unknown-environment.yaml',
  ])('%s exits 1 with the expected message and no stack trace', (file) => {
    expect(built, 'run `npm run build` first: dist/cli.mjs is missing').toBe(true);
    const r = spawnSync(process.execPath, [bin, 'validate', '-f', `test/fixtures/broken/${file}`, ...argsOf(file)], {
      cwd: REPO,
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe(readFileSync(join(DIR, file.replace(/\.yaml$/, '.expected')), 'utf8'));
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(STACK);
  });

  it('a missing manifest file is a one-line error with a hint, exit 1', () => {
    expect(built, 'run `npm run build` first: dist/cli.mjs is missing').toBe(true);
    const r = spawnSync(process.execPath, [bin, 'validate', '-f', 'no/such/ecsdeploy.yaml'], {
      cwd: REPO,
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('error [MANIFEST_NOT_FOUND]: no/such/ecsdeploy.yaml: no such file\nhint: check the path given with -f/--file\n');
  });
});
