/**
 * `ecsdeploy rollback` and `ecsdeploy status` end to end against the sandbox, the account carried between
 * commands in a `--state` file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { EngineEvent } from '../../src/events/types.js';
import type { ServiceStatusReport } from '../../src/model/status.js';
import { capture } from '../_helpers/capture.js';

const CWD = resolve(__dirname, '../../examples/rolling');

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = capture();
  const stderr = capture();
  const code = await run([...args, '--sandbox', '--state', state, '--no-color'], {
    env,
    cwd: CWD,
    stdout: stdout.stream,
    stderr: stderr.stream,
    isTTY: false,
    stdinIsTTY: false,
    isCI: true,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const ndjson = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EngineEvent);

async function status(): Promise<ServiceStatusReport> {
  const r = await cli(['status', '--format', 'json']);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as ServiceStatusReport[])[0] as ServiceStatusReport;
}

let dir: string;
let state: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-rollback-'));
  state = join(dir, 'account.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('rollback and status against the sandbox', () => {
  it('rolls back to the revision of the previous successful deployment, skipping one that failed', async () => {
    expect((await cli(['apply', '--yes', '--format', 'json'], { IMAGE_TAG: '1.1.0' })).code).toBe(0);
    const good = (await status()).revision;
    // A later deploy crashes and is rolled back by the circuit breaker: its revision must not be a target.
    const crashing = join(dir, 'crashing.yaml');
    writeFileSync(crashing, 'images:\n  - match: "*:bad"\n    crashOnStart: true\n');
    const bad = await run(['apply', '--sandbox', '--state', state, '--scenario', crashing, '--yes', '--format', 'json', '--no-color'], {
      env: { IMAGE_TAG: 'bad' },
      cwd: CWD,
      stdout: capture().stream,
      stderr: capture().stream,
      isTTY: false,
      stdinIsTTY: false,
      isCI: true,
    });
    expect(bad).toBe(1);
    expect((await cli(['apply', '--yes', '--format', 'json'], { IMAGE_TAG: '1.2.0' })).code).toBe(0);
    const current = (await status()).revision;
    expect(current).not.toBe(good);

    const r = await cli(['rollback', '--yes', '--format', 'json']);
    expect(r.code).toBe(0);
    const events = ndjson(r.stdout);
    expect(events.find((e) => e.type === 'apply.finished')).toMatchObject({ outcome: 'succeeded' });
    const after = await status();
    expect(after.revision).toBe(good);
    expect(after.inProgress).toBe(false);
  });

  it('rolls back to an explicit revision with --to', async () => {
    expect((await cli(['apply', '--yes', '--format', 'json'], { IMAGE_TAG: '1.1.0' })).code).toBe(0);
    const r = await cli(['rollback', '--to', '1', '--yes', '--format', 'json']);
    expect(r.code).toBe(0);
    expect((await status()).revision).toBe('hello-web:1');
  });

  it('refuses without a terminal unless --yes', async () => {
    expect((await cli(['apply', '--yes', '--format', 'json'], { IMAGE_TAG: '1.1.0' })).code).toBe(0);
    const r = await cli(['rollback', '--to', '1', '--format', 'plain']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('rollback needs --yes when not running in a terminal');
    expect((await status()).revision).toBe('hello-web:2');
  });

  it('says where each service stands: revision, counts, deployments and events', async () => {
    const r = await cli(['status']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('hello-web');
    const report = await status();
    expect(report).toMatchObject({ key: 'web', found: true, strategy: 'rolling', running: report.desired });
    expect(report.deployments[0]?.rolloutState).toBe('COMPLETED');
  });
});
