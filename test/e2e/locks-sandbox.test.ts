/**
 * The locks a dead run leaves behind, as a person meets them: `status` shows who holds each service and until when,
 * SERVICE_BUSY points at what helps, and `unlock` releases them (an expired one always, a live one only when told).
 * The real CLI on one in-process sandbox account, seeded from examples/multi (staging: web, api, worker).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import type { AwsPorts } from '../../src/aws/ports.js';
import { loadManifest } from '../../src/manifest/index.js';
import { cli, sandboxContext } from '../_helpers/cli.js';
import { type InProcessSandbox, startInProcessSandbox } from '../_helpers/sandbox.js';

const cwd = resolve(__dirname, '../../examples/multi');
const env = { IMAGE_TAG: '1.2.3' };
const LOCK = 'ecsdeploy:lock';

interface World {
  sb: InProcessSandbox;
  ports: AwsPorts;
  /** `cluster/service` of each manifest key. */
  names: Record<string, { cluster: string; service: string }>;
}

async function world(): Promise<World> {
  const manifest = loadManifest({ cwd, env, environment: 'staging' });
  const sb = startInProcessSandbox({ manifest });
  const names = Object.fromEntries(manifest.services.map((s) => [s.key, { cluster: s.cluster, service: s.service }]));
  return { sb, ports: createAwsPorts(sb.awsConfig()), names };
}

async function lockTag(w: World, key: string): Promise<string | undefined> {
  const { cluster, service } = w.names[key] as { cluster: string; service: string };
  const svc = (await w.ports.ecs.describeServices({ cluster, services: [service], include: ['TAGS'] })).services?.[0];
  return svc?.tags?.find((t) => t.key === LOCK)?.value;
}

/** Tags `key`'s service with `run`'s lock, expiring `inSeconds` from now (negative: expired). */
async function lock(w: World, key: string, run: string, inSeconds: number): Promise<void> {
  const { cluster, service } = w.names[key] as { cluster: string; service: string };
  const arn = (await w.ports.ecs.describeServices({ cluster, services: [service] })).services?.[0]?.serviceArn as string;
  await w.ports.ecs.tagResource({
    resourceArn: arn,
    tags: [{ key: LOCK, value: `${run}:${Math.floor(w.sb.clock.now() / 1000) + inSeconds}` }],
  });
}

const staging = ['-e', 'staging'];

describe('locks left by a run that died', () => {
  it('status shows each lock: the run, until when, and whether it expired', async () => {
    const w = await world();
    await lock(w, 'web', 'run-dead', 600);
    await lock(w, 'api', 'run-old', -60);
    const text = await cli(['status', ...staging], { cwd, env, context: sandboxContext(w.sb) });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/locked by ecsdeploy run run-dead until .*\(if that run died: `ecsdeploy unlock --run run-dead`\)/);
    expect(text.stdout).toMatch(/lock: run run-old, expired /);
    const json = await cli(['status', ...staging, '--format', 'json'], { cwd, env, context: sandboxContext(w.sb) });
    const reports = JSON.parse(json.stdout) as { key: string; lock?: unknown }[];
    const expiry = (s: number) => new Date((Math.floor(w.sb.clock.now() / 1000) + s) * 1000).toISOString();
    expect(Object.fromEntries(reports.map((r) => [r.key, r.lock]))).toEqual({
      web: { runId: 'run-dead', expiresAt: expiry(600), expired: false },
      api: { runId: 'run-old', expiresAt: expiry(-60), expired: true },
      worker: undefined,
    });
  });

  it('apply refuses a service a live lock holds and says how to release it; unlock --run RUN --force does, and the next apply deploys', async () => {
    const w = await world();
    await lock(w, 'web', 'run-dead', 600);
    await lock(w, 'worker', 'run-other', 600);
    const refused = await cli(['apply', ...staging, '-n', 'web', '--yes'], { cwd, env, context: sandboxContext(w.sb) });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error [SERVICE_BUSY]');
    expect(refused.stderr).toMatch(/being deployed by another ecsdeploy run \(run-dead, lock until /);
    expect(refused.stderr).toContain('`ecsdeploy status` shows');
    expect(refused.stderr).toContain('`ecsdeploy unlock --run run-dead --force` releases the locks of a run that died');

    // Without --force a live lock stays (its run may be alive), and the command says so with exit 1.
    const kept = await cli(['unlock', ...staging, '--run', 'run-dead'], { cwd, env, context: sandboxContext(w.sb) });
    expect(kept.code).toBe(1);
    expect(kept.stdout).toMatch(
      /^web: locked by run run-dead, until .*: left alone \(the run may still be deploying; --force releases it\)$/m,
    );
    expect(kept.stderr).toMatch(/^error \[LOCK_NOT_RELEASED\]: 1 lock not released: web\nhint: /);
    expect(await lockTag(w, 'web')).toMatch(/^run-dead:/);

    const released = await cli(['unlock', ...staging, '--run', 'run-dead', '--force'], { cwd, env, context: sandboxContext(w.sb) });
    expect(released.code, released.stderr).toBe(0);
    expect(released.stdout.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^web: released the lock of run run-dead, until /),
      'api: not locked',
      expect.stringMatching(/^worker: locked by run run-other, until .*: left alone \(not the run named with --run\)$/),
    ]);
    expect(await lockTag(w, 'web')).toBeUndefined();
    // Another run's lock is not touched.
    expect(await lockTag(w, 'worker')).toMatch(/^run-other:/);

    const deployed = await cli(['apply', ...staging, '-n', 'web', '--yes'], { cwd, env, context: sandboxContext(w.sb) });
    expect(deployed.code, deployed.stderr).toBe(0);
  });

  it('unlock without --force releases an expired lock and leaves a live one', async () => {
    const w = await world();
    await lock(w, 'web', 'run-a', -1);
    await lock(w, 'api', 'run-b', 300);
    const r = await cli(['unlock', ...staging], { cwd, env, context: sandboxContext(w.sb) });
    expect(r.code).toBe(1);
    expect(await lockTag(w, 'web')).toBeUndefined();
    expect(await lockTag(w, 'api')).toMatch(/^run-b:/);
    expect(r.stdout).toContain('web: released the lock of run run-a, expired ');
  });

  it('unlock reads the lookups the manifest names its services with (a cluster from a Terraform state)', async () => {
    const manifest = (cluster: string) => `version: 1
region: us-east-1
tfstate:
  app: { path: ./app.tfstate }
services:
  web:
    cluster: ${cluster}
    taskDefinition: { family: web, containerDefinitions: [{ name: web, image: "nginx:1", memory: 128 }] }
`;
    const project = (text: string) => {
      const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-unlock-lookups-'));
      writeFileSync(join(dir, 'ecsdeploy.yaml'), text);
      writeFileSync(join(dir, 'app.tfstate'), JSON.stringify({ version: 4, outputs: { cluster: { value: 'shop' } }, resources: [] }));
      return dir;
    };
    const seeded = loadManifest({ cwd: project(manifest('shop')), env: {} });
    const sb = startInProcessSandbox({ manifest: seeded });
    const w: World = { sb, ports: createAwsPorts(sb.awsConfig()), names: { web: { cluster: 'shop', service: 'web' } } };
    await lock(w, 'web', 'run-dead', 300);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: manifest lookup syntax, not a template
    const fromState = '${tfstate:output.cluster}';
    const r = await cli(['unlock', '--force'], { cwd: project(manifest(fromState)), env: {}, context: sandboxContext(w.sb) });
    expect(r.stdout).toContain('web: released the lock of run run-dead, until ');
    expect(r.code, r.stderr).toBe(0);
    expect(await lockTag(w, 'web')).toBeUndefined();
  });
});

describe('a refusal to go on without confirmation', () => {
  it('is an error like any other: error [CONFIRMATION_REQUIRED], and a hint', async () => {
    const w = await world();
    const r = await cli(['apply', ...staging], { cwd, env, context: sandboxContext(w.sb) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /\nerror \[CONFIRMATION_REQUIRED\]: apply needs --yes when not running in a terminal\nhint: review the plan .*--yes/,
    );
  });
});
