// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are manifest interpolation syntax, not templates
/**
 * The library (`src/index.ts`, what `import ... from 'ecsdeploy'` gives): loadManifest, plan and apply against a
 * sandbox made by createSandbox. Assertions are on what a program sees (values, typed errors, the events
 * onEvent receives) and on the state the sandbox account reaches.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  apply,
  createSandbox,
  type EngineEvent,
  EventHandlerError,
  ExitCode,
  exitCodeFor,
  InterruptedError,
  loadManifest,
  ManifestError,
  plan,
  UsageError,
  validateManifest,
} from '../../src/index.js';
import { EVENT_REGISTRY } from '../../src/render/events-registry.js';
import { cli } from '../_helpers/cli.js';

const ROLLING = resolve(__dirname, '../../examples/rolling');
const env = { IMAGE_TAG: '1.2.3' };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-api-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A manifest with a secret in it, written to the test's folder. */
function writeManifest(text: string): string {
  const file = join(dir, 'ecsdeploy.yaml');
  writeFileSync(file, text);
  return file;
}

const SECRET = 'hunter2-db-password';
const WITH_SECRET = `version: 1
region: us-east-1
services:
  web:
    cluster: shop
    launchType: FARGATE
    desiredCount: 1
    networkConfiguration: { awsvpcConfiguration: { subnets: [subnet-1] } }
    taskDefinition:
      family: web
      networkMode: awsvpc
      cpu: "256"
      memory: "512"
      requiresCompatibilities: [FARGATE]
      containerDefinitions:
        - name: web
          image: nginx:1.27
          essential: true
          environment:
            - { name: DB_PASSWORD, value: ${SECRET} }
`;

describe('loadManifest', () => {
  it('returns the resolved manifest, interpolated from the env it is given', () => {
    const manifest = loadManifest('ecsdeploy.yaml', { cwd: ROLLING, env });
    expect(manifest.services.map((s) => [s.key, s.service, s.cluster])).toEqual([['web', 'hello-web', 'hello']]);
    expect(JSON.stringify(manifest.services[0]?.taskDefinition)).toContain(':1.2.3');
  });

  it('throws a ManifestError carrying every issue with its file, line and column', () => {
    const file = writeManifest(
      'version: 1\nregion: us-east-1\nservices:\n  web:\n    cluster: shop\n    desiredCount: -1\n    colour: blue\n',
    );
    let caught: unknown;
    try {
      loadManifest(file, { env: {} });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ManifestError);
    const issues = (caught as ManifestError).issues;
    expect(issues.length).toBeGreaterThanOrEqual(2);
    expect(issues).toContainEqual(expect.objectContaining({ file, line: 6, path: 'services.web.desiredCount' }));
    expect(issues).toContainEqual(expect.objectContaining({ file, line: 7, column: 5 }));
  });

  it('says which file is missing with a UsageError', () => {
    expect(() => loadManifest('nowhere.yaml', { cwd: dir, env: {} })).toThrow(UsageError);
    expect(() => loadManifest('nowhere.yaml', { cwd: dir, env: {} })).toThrow(/nowhere\.yaml: no such file/);
  });

  it('validateManifest checks every environment, as `ecsdeploy validate` does', () => {
    const file = writeManifest(
      `${WITH_SECRET.replace('desiredCount: 1', 'desiredCount: ${var:count}')}environments:\n  staging: { vars: { count: "1" } }\n  production: { vars: { count: "3" } }\n`,
    );
    expect(validateManifest(file, { env: {} }).map((m) => [m.environment, m.services[0]?.desiredCount])).toEqual([
      ['staging', 1],
      ['production', 3],
    ]);
  });
});

describe('plan and apply against a sandbox', () => {
  it('deploys the rolling example, reports the documented events, and the account then plans no changes', async () => {
    const manifest = loadManifest('ecsdeploy.yaml', { cwd: ROLLING, env });
    const sandbox = await createSandbox({ manifest });
    const events: EngineEvent[] = [];
    const onEvent = (e: EngineEvent) => events.push(e);

    const planned = await plan(manifest, { sandbox, onEvent });
    expect(planned.hasChanges).toBe(true);
    expect(planned.services[0]).toMatchObject({ key: 'web', action: 'update', taskDefinitionChanged: true });
    const result = await apply(planned, { sandbox, onEvent });

    expect(result.outcome).toBe('succeeded');
    expect(result.services).toEqual([expect.objectContaining({ key: 'web', outcome: 'succeeded' })]);
    const documented = new Set(Object.keys(EVENT_REGISTRY));
    expect(events.filter((e) => !documented.has(e.type))).toEqual([]);
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['plan.computed', 'apply.started', 'taskdef.registered', 'apply.finished']),
    );
    for (const e of events) expect(e.time).toMatch(/^\d{4}-\d\d-\d\dT/);

    const again = await plan(manifest, { sandbox });
    expect(again.hasChanges).toBe(false);
    expect(again.services[0]?.live?.taskDefinitionArn).toBe(result.services[0]?.taskDefinitionArn);
  });

  it('gives onEvent the events `apply --format json` prints, in the same order', async () => {
    const viaCli = await cli(['apply', '--sandbox', '--yes', '--format', 'json', '--verbose'], { cwd: ROLLING, env });
    expect(viaCli.code).toBe(0);

    const manifest = loadManifest('ecsdeploy.yaml', { cwd: ROLLING, env });
    const sandbox = await createSandbox({ manifest });
    const events: EngineEvent[] = [];
    await apply(await plan(manifest, { sandbox, onEvent: (e) => events.push(e) }), { sandbox, onEvent: (e) => events.push(e) });

    // Ids, times and durations differ between two runs; the story must not. (--verbose: the CLI prints debug events
    // only then; a program gets them all.)
    const story = (list: EngineEvent[]) =>
      list.map((e) => [e.type, e.level, 'service' in e ? e.service : undefined, 'outcome' in e ? e.outcome : undefined]);
    expect(story(events)).toEqual(story(viaCli.events));
  });

  it('never gives onEvent a secret of the manifest, and the plan holds it for apply but prints it redacted', async () => {
    const manifest = loadManifest(writeManifest(WITH_SECRET), { env: {} });
    const sandbox = await createSandbox({ manifest });
    const events: EngineEvent[] = [];
    const planned = await plan(manifest, { sandbox, onEvent: (e) => events.push(e) });
    const result = await apply(planned, { sandbox, onEvent: (e) => events.push(e) });
    expect(result.outcome).toBe('succeeded');
    // apply needs the value; whoever prints the plan sees it redacted.
    expect(JSON.stringify(planned.services[0]?.desired.taskDefinition)).toContain(SECRET);
    expect(JSON.stringify(planned)).not.toContain(SECRET);
    expect(inspect(planned, { depth: null })).not.toContain(SECRET);
    expect(JSON.stringify(planned)).toContain('DB_PASSWORD');
    expect(events.some((e) => e.type === 'plan.computed')).toBe(true);
    expect(JSON.stringify(events)).not.toContain(SECRET);
    expect(JSON.stringify(events)).toContain('DB_PASSWORD');
  });

  it('stops when the signal aborts: the outcome is interrupted and the service was rolled back', async () => {
    const manifest = loadManifest('ecsdeploy.yaml', { cwd: ROLLING, env });
    const sandbox = await createSandbox({ manifest });
    const planned = await plan(manifest, { sandbox });
    const controller = new AbortController();
    const events: EngineEvent[] = [];
    const result = await apply(planned, {
      sandbox,
      signal: controller.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'service.progress') controller.abort();
      },
    });
    expect(result.outcome).toBe('interrupted');
    // the exit code `ecsdeploy apply` gives an interrupted run
    expect(exitCodeFor(result)).toBe(130);
    expect(events.at(-1)).toMatchObject({ type: 'apply.finished', outcome: 'interrupted' });
    // The rollback (onInterrupt's default) put the service back on the revision it ran: planning again shows the
    // same change to make, and no rollout in flight.
    expect(result.services[0]).toMatchObject({ outcome: 'interrupted', taskDefinitionArn: expect.stringMatching(/hello-web:1$/) });
    const again = (await plan(manifest, { sandbox })).services[0];
    expect(again).toMatchObject({ action: 'update', live: { taskDefinitionArn: expect.stringMatching(/hello-web:1$/) } });
    expect(again?.inFlight).toBeUndefined();
  });

  it('goes on to a declared end when onEvent throws, then rejects with the run’s result', async () => {
    const manifest = loadManifest('ecsdeploy.yaml', { cwd: ROLLING, env });
    const sandbox = await createSandbox({ manifest });
    const planned = await plan(manifest, { sandbox });
    const seen: string[] = [];
    const failure = apply(planned, {
      sandbox,
      onEvent: (e) => {
        seen.push(e.type);
        if (e.type === 'service.started') throw new Error('dashboard unreachable');
      },
    });
    await expect(failure).rejects.toBeInstanceOf(EventHandlerError);
    const error = (await failure.catch((e: unknown) => e)) as EventHandlerError;
    expect(error.message).toContain('dashboard unreachable');
    expect(error.result?.outcome).toBe('succeeded');
    expect(seen.at(-1)).toBe('apply.finished');
    expect((await plan(manifest, { sandbox })).hasChanges).toBe(false);
  });

  it('rejects with an InterruptedError when the signal aborted before anything changed', async () => {
    const manifest = loadManifest('ecsdeploy.yaml', { cwd: ROLLING, env });
    const controller = new AbortController();
    controller.abort();
    await expect(plan(manifest, { sandbox: true, signal: controller.signal })).rejects.toBeInstanceOf(InterruptedError);
  });
});

describe('bad input touches nothing', () => {
  it('refuses a sandbox and AWS settings together, and a sandbox that createSandbox did not make', async () => {
    const manifest = loadManifest('ecsdeploy.yaml', { cwd: ROLLING, env });
    await expect(plan(manifest, { sandbox: true, aws: { region: 'us-east-1' } })).rejects.toMatchObject({ code: 'API_SANDBOX_WITH_AWS' });
    const fake = { region: 'us-east-1', save() {} };
    await expect(plan(manifest, { sandbox: fake })).rejects.toMatchObject({ code: 'API_NOT_A_SANDBOX' });
  });

  it('refuses to apply a plan to another region than the one it was made in, and to seed a sandbox without a manifest', async () => {
    const manifest = loadManifest('ecsdeploy.yaml', { cwd: ROLLING, env });
    const planned = await plan(manifest, { sandbox: true });
    expect(planned.region).toBe('us-east-1');
    const elsewhere = await createSandbox({ manifest, region: 'eu-west-1' });
    const events: EngineEvent[] = [];
    await expect(apply(planned, { sandbox: elsewhere, onEvent: (e) => events.push(e) })).rejects.toMatchObject({
      code: 'API_PLAN_OTHER_REGION',
    });
    expect(events).toEqual([]);
    // The account in the other region was not touched: it still plans the same change.
    expect((await plan(manifest, { sandbox: elsewhere })).services[0]).toMatchObject({ action: 'update', taskDefinitionChanged: true });
    await expect(apply(planned, { sandbox: true })).rejects.toMatchObject({ code: 'API_SANDBOX_NEEDS_MANIFEST' });
  });

  it('beside a sandbox reads lookups only from an emulator the environment names: none named, nothing is read', async () => {
    const file = writeManifest(WITH_SECRET.replace('image: nginx:1.27', 'image: ${ssm:/shop/web-image}'));
    const manifest = loadManifest(file, { env: {} });
    const sandbox = await createSandbox({ manifest });
    const events: EngineEvent[] = [];
    await expect(plan(manifest, { sandbox, env: {}, onEvent: (e) => events.push(e) })).rejects.toMatchObject({
      code: 'LOOKUP_SERVICE_NOT_IN_SANDBOX',
      hint: expect.stringContaining('AWS_ENDPOINT_URL_SSM'),
    });
    expect(events).toEqual([]);
  });

  it('refuses a copy of a manifest with lookups (it cannot be loaded again with their values), before reading anything', async () => {
    const file = writeManifest(WITH_SECRET.replace('image: nginx:1.27', 'image: ${ssm:/shop/web-image}'));
    const manifest = { ...loadManifest(file, { env: {} }) };
    await expect(plan(manifest, { sandbox: true, env: {} })).rejects.toMatchObject({ code: 'API_MANIFEST_NOT_LOADED' });
  });

  it('maps each outcome to the exit code the CLI gives it', () => {
    const codes = (['succeeded', 'no-change', 'failed', 'paused', 'interrupted'] as const).map((outcome) => exitCodeFor({ outcome }));
    expect(codes).toEqual([0, 0, 1, 3, 130]);
    expect(ExitCode).toEqual({ Ok: 0, Failed: 1, Changes: 2, Paused: 3, Interrupted: 130 });
  });
});
