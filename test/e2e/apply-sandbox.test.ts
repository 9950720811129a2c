/**
 * `ecsdeploy apply` end to end against the sandbox: the real CLI (in-process `run()`), the real SDK clients, the
 * sandbox's AWS account on a virtual clock. Assertions are on exit codes, NDJSON events and the account's state.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import type { CliContext } from '../../src/cli/context.js';
import { loadManifest } from '../../src/manifest/index.js';
import { type CliRun, cli, ofType, sandboxContext } from '../_helpers/cli.js';
import { startInProcessSandbox } from '../_helpers/sandbox.js';

const EXAMPLES = resolve(__dirname, '../../examples');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-apply-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('apply against the sandbox', () => {
  it('deploys the rolling example healthily, after which plan shows no changes', async () => {
    const cwd = join(EXAMPLES, 'rolling');
    const state = join(dir, 'account.json');
    const env = { IMAGE_TAG: '1.2.3' };
    const applied = await cli(['apply', '--sandbox', '--state', state, '--yes', '--format', 'json'], { cwd, env });
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const finished = ofType(applied.events, 'apply.finished')[0];
    expect(finished).toMatchObject({ outcome: 'succeeded', services: [{ key: 'web', outcome: 'succeeded' }] });
    const started = ofType(applied.events, 'service.started')[0];
    expect(started?.deploymentId).toMatch(/^ecs-svc\//);
    expect(ofType(applied.events, 'service.progress').at(-1)).toMatchObject({
      rolloutState: 'COMPLETED',
      deploymentId: started?.deploymentId,
    });

    const planned = await cli(['plan', '--sandbox', '--state', state, '--detailed-exitcode'], { cwd, env });
    expect(planned.stdout).toContain('No changes');
    expect(planned.code).toBe(0);

    const status = await cli(['status', '--sandbox', '--state', state, '--format', 'json'], { cwd, env });
    const reports = JSON.parse(status.stdout) as { revision: string; inProgress: boolean }[];
    expect(reports[0]).toMatchObject({ revision: finished?.services[0]?.taskDefinitionArn?.split('/')[1], inProgress: false });
  });

  it('reports a crashing image caught by the circuit breaker as a failure with the stop reason, exit 1', async () => {
    const cwd = join(EXAMPLES, 'rolling');
    const crashing = join(EXAMPLES, 'scenarios', 'crashing.yaml');
    const r = await cli(['apply', '--sandbox', '--scenario', crashing, '--yes', '--format', 'json'], { cwd, env: { IMAGE_TAG: 'bad' } });
    expect(r.code).toBe(1);
    const fin = ofType(r.events, 'service.finished')[0];
    expect(fin?.outcome).toBe('rolled-back');
    expect(fin?.reason).toMatch(/circuit breaker/i);
    expect(fin?.stoppedTasks?.length).toBeGreaterThan(0);
    expect(fin?.stoppedTasks?.[0]?.containers.some((c) => c.exitCode === 1)).toBe(true);
    expect(fin?.stoppedTasks?.[0]?.stoppedReason).toBeTruthy();
    expect(ofType(r.events, 'apply.finished')[0]?.outcome).toBe('failed');
  });

  it('stops before any service changes when the migration fails (examples/multi)', async () => {
    const cwd = join(EXAMPLES, 'multi');
    const env = { IMAGE_TAG: '2.0.0' };
    const manifest = loadManifest({ cwd, env, environment: 'staging' });
    const sb = startInProcessSandbox({ manifest, scenario: { images: [{ match: '*shop-api:2.0.0', exitCode: 3 }] } });
    const r = await cli(['apply', '-e', 'staging', '--yes', '--format', 'json'], { cwd, env, context: sandboxContext(sb) });
    expect(r.code).toBe(1);
    const oneoff = ofType(r.events, 'oneoff.finished')[0];
    expect(oneoff).toMatchObject({ name: 'migrate', outcome: 'failed' });
    expect(oneoff?.task?.containers.find((c) => c.name === 'api')?.exitCode).toBe(3);
    expect(sb.runtime.calls().counts['ecs.RunTask']).toBe(1);
    expect(sb.runtime.calls().counts['ecs.UpdateService'] ?? 0).toBe(0);
    expect(ofType(r.events, 'service.started')).toEqual([]);
    expect(ofType(r.events, 'apply.finished')[0]?.services.every((s) => s.outcome === 'skipped')).toBe(true);
  });

  it('on Ctrl-C mid-deploy starts nothing new, rolls the service back and exits 130', async () => {
    const cwd = join(EXAMPLES, 'rolling');
    const env = { IMAGE_TAG: '1.2.3' };
    const manifest = loadManifest({ cwd, env });
    const sb = startInProcessSandbox({ manifest, scenario: { images: [{ match: '*:1.2.3', startSeconds: 600 }] } });
    const before = (await createAwsPorts(sb.awsConfig()).ecs.describeServices({ cluster: 'hello', services: ['hello-web'] })).services?.[0]
      ?.taskDefinition;
    const ctl = new AbortController();
    const r = await cli(['apply', '--yes', '--format', 'json'], {
      cwd,
      env,
      context: sandboxContext(sb, ctl.signal),
      onStdout: (text) => {
        if (text.includes('"type":"service.progress"')) ctl.abort(new Error('SIGINT'));
      },
    });
    expect(r.code).toBe(130);
    const fin = ofType(r.events, 'apply.finished')[0];
    expect(fin?.outcome).toBe('interrupted');
    expect(fin?.services[0]).toMatchObject({ key: 'web', outcome: 'interrupted', taskDefinitionArn: before });
    expect(sb.runtime.calls().counts['ecs.UpdateService']).toBe(2);
  });

  it('still deploys under 30 % throttling and 5 % server errors, its retries waiting on the simulated clock', async () => {
    const cwd = join(EXAMPLES, 'rolling');
    const throttled = join(EXAMPLES, 'scenarios', 'throttled.yaml');
    // Real timers stand still: a retry that waited in real time (the SDK's own backoff) would never wake.
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      const r = await cli(['apply', '--sandbox', '--scenario', throttled, '--yes', '--format', 'json'], {
        cwd,
        env: { IMAGE_TAG: '1.2.3' },
      });
      expect(r.code).toBe(0);
      expect(ofType(r.events, 'apply.finished')[0]?.outcome).toBe('succeeded');
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a second apply while another one holds the service', async () => {
    const cwd = join(EXAMPLES, 'rolling');
    const env = { IMAGE_TAG: '1.2.3' };
    const manifest = loadManifest({ cwd, env });
    const sb = startInProcessSandbox({ manifest });
    // Hold the first run in its wait (a real await, so its simulated time stands still) until the second is done.
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let second: Promise<CliRun> | undefined;
    const firstContext = sandboxContext(sb);
    const factory = firstContext.portsFactory as NonNullable<CliContext['portsFactory']>;
    firstContext.portsFactory = (o) => {
      const ports = factory(o);
      const describe = ports.ecs.describeServices;
      ports.ecs.describeServices = async (input, options) => {
        if (second) await gate;
        return describe(input, options);
      };
      return ports;
    };
    const first = cli(['apply', '--yes', '--format', 'json'], {
      cwd,
      env,
      context: firstContext,
      onStdout: (text) => {
        if (!second && text.includes('"type":"service.started"')) {
          second = cli(['apply', '--yes', '--format', 'json', '--image', 'web=example/other:9'], { cwd, env, context: sandboxContext(sb) });
          void second.finally(release);
        }
      },
    });
    const done = await first;
    expect(done.code).toBe(0);
    const refused = await (second as Promise<CliRun>);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/SERVICE_BUSY/);
    // The first run's deployment is in flight, and its lock names the run.
    expect(refused.stderr).toMatch(/rollout in progress: ecs-svc\/\d+ \(IN_PROGRESS to hello-web:2\), started by ecsdeploy run \d{8}T/);
    expect(sb.runtime.calls().counts['ecs.UpdateService']).toBe(1);
  });

  it('refuses a saved plan when live state moved since it was made', async () => {
    const cwd = join(EXAMPLES, 'rolling');
    const state = join(dir, 'account.json');
    const planFile = join(dir, 'plan.json');
    const p = await cli(['plan', '--sandbox', '--state', state, '--out', planFile], { cwd, env: { IMAGE_TAG: '1.2.3' } });
    expect(p.code).toBe(0);
    // Someone deploys another version in between.
    const other = await cli(['apply', '--sandbox', '--state', state, '--yes', '--format', 'json'], { cwd, env: { IMAGE_TAG: '1.2.4' } });
    expect(other.code).toBe(0);
    const stale = await cli(['apply', planFile, '--sandbox', '--state', state, '--format', 'json'], { cwd, env: { IMAGE_TAG: '1.2.3' } });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/PLAN_STALE/);
    expect(stale.stderr).toMatch(/task definition/);
    expect(ofType(stale.events, 'apply.started')).toEqual([]);
    expect(JSON.parse(readFileSync(state, 'utf8')).format).toBe('ecsdeploy-sandbox-state');
  });

  it('applies a fresh saved plan without asking', async () => {
    const cwd = join(EXAMPLES, 'rolling');
    const state = join(dir, 'account.json');
    const planFile = join(dir, 'plan.json');
    await cli(['plan', '--sandbox', '--state', state, '--out', planFile], { cwd, env: { IMAGE_TAG: '1.2.3' } });
    const r = await cli(['apply', planFile, '--sandbox', '--state', state, '--format', 'json'], { cwd, env: { IMAGE_TAG: '1.2.3' } });
    expect(r.code).toBe(0);
    expect(ofType(r.events, 'apply.finished')[0]?.outcome).toBe('succeeded');
  });

  it('refuses to apply without a terminal unless --yes, and changes nothing', async () => {
    const cwd = join(EXAMPLES, 'rolling');
    const state = join(dir, 'account.json');
    const r = await cli(['apply', '--sandbox', '--state', state, '--format', 'plain'], { cwd, env: { IMAGE_TAG: '1.2.3' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('apply needs --yes when not running in a terminal');
    const planned = await cli(['plan', '--sandbox', '--state', state, '--detailed-exitcode'], { cwd, env: { IMAGE_TAG: '1.2.3' } });
    expect(planned.code).toBe(2);
  });

  it('writes only NDJSON to stdout with --format json, and a Markdown summary to $GITHUB_STEP_SUMMARY', async () => {
    const cwd = join(EXAMPLES, 'rolling');
    const summary = join(dir, 'summary.md');
    const r = await cli(['apply', '--sandbox', '--yes', '--format', 'json'], {
      cwd,
      env: { IMAGE_TAG: '1.2.3', GITHUB_STEP_SUMMARY: summary },
    });
    expect(r.code).toBe(0);
    for (const line of r.stdout.split('\n').filter((l) => l.trim())) expect(() => JSON.parse(line)).not.toThrow();
    expect(readFileSync(summary, 'utf8')).toMatch(/web/);
  });

  it.each([
    ['y', 0, 0],
    ['n', 1, 2],
  ])('on a terminal asks before applying; answering %s exits %i and plan then exits %i', async (answer, code, planCode) => {
    const cwd = join(EXAMPLES, 'rolling');
    const state = join(dir, 'account.json');
    const env = { IMAGE_TAG: '1.2.3' };
    const r = await cli(['apply', '--sandbox', '--state', state, '--format', 'plain'], {
      cwd,
      env,
      context: { stdinIsTTY: true, stdin: Readable.from([`${answer}\n`]) },
    });
    expect(r.stderr).toContain('Apply this plan? (y/N)');
    expect(r.code).toBe(code);
    if (answer === 'n') expect(r.stderr).toContain('apply cancelled: nothing was changed');
    expect((await cli(['plan', '--sandbox', '--state', state, '--detailed-exitcode'], { cwd, env })).code).toBe(planCode);
  });

  it('deploys examples/multi in order: migration, api, then web and worker together, then the scheduled target', async () => {
    const cwd = join(EXAMPLES, 'multi');
    const state = join(dir, 'account.json');
    const env = { IMAGE_TAG: '2.0.0' };
    const r = await cli(['apply', '-e', 'staging', '--sandbox', '--state', state, '--yes', '--format', 'json'], { cwd, env });
    expect(r.code).toBe(0);
    const order = r.events
      .filter((e) => ['oneoff.finished', 'service.started', 'service.finished', 'scheduled-target.updated'].includes(e.type))
      .map((e) => `${e.type}:${'service' in e ? e.service : 'name' in e ? e.name : 'rule' in e ? e.rule : ''}`);
    const at = (x: string) => order.indexOf(x);
    expect(at('oneoff.finished:migrate')).toBe(0);
    expect(at('service.finished:api')).toBeLessThan(at('service.started:web'));
    expect(at('service.finished:api')).toBeLessThan(at('service.started:worker'));
    // web and worker are independent of each other: both start before either finishes.
    expect(Math.max(at('service.started:web'), at('service.started:worker'))).toBeLessThan(
      Math.min(at('service.finished:web'), at('service.finished:worker')),
    );
    expect(order.at(-1)).toBe('scheduled-target.updated:shop-nightly-report');
    const moved = ofType(r.events, 'scheduled-target.updated')[0];
    expect(moved?.to).toBe(ofType(r.events, 'service.finished').find((e) => e.service === 'worker')?.taskDefinitionArn);
    const planned = await cli(['plan', '-e', 'staging', '--sandbox', '--state', state, '--detailed-exitcode'], { cwd, env });
    expect(planned.code).toBe(0);
  });
});
