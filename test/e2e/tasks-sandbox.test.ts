/**
 * Task-only families and `ecsdeploy run` end to end: the nightly-report example (a `tasks:` family an EventBridge
 * rule runs) planned, applied and planned clean against the sandbox, then run by hand: its log lines streamed, its
 * exit code the command's, --no-wait, and Ctrl-C stopping the task. The real CLI, the real SDK clients, one
 * in-process sandbox account on a virtual clock.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import type { CliContext } from '../../src/cli/context.js';
import { loadManifest } from '../../src/manifest/index.js';
import { cli, ofType, sandboxContext } from '../_helpers/cli.js';
import { type InProcessSandbox, type InProcessSandboxOptions, startInProcessSandbox } from '../_helpers/sandbox.js';

const cwd = resolve(__dirname, '../../examples/nightly-report');
const env = { IMAGE_TAG: '1.1.0' };

function seeded(scenario?: InProcessSandboxOptions['scenario']): InProcessSandbox {
  return startInProcessSandbox({ manifest: loadManifest({ cwd, env }), ...(scenario ? { scenario } : {}) });
}

async function ruleTarget(sb: InProcessSandbox): Promise<string | undefined> {
  const out = await createAwsPorts(sb.awsConfig()).events.listTargetsByRule({ Rule: 'nightly-report' });
  return out.Targets?.[0]?.EcsParameters?.TaskDefinitionArn;
}

async function activeRevisions(sb: InProcessSandbox): Promise<string[]> {
  const out = await createAwsPorts(sb.awsConfig()).ecs.listTaskDefinitions({ familyPrefix: 'nightly-report', status: 'ACTIVE' });
  return (out.taskDefinitionArns ?? []).map((a) => a.split('/').pop() as string);
}

describe('a task-only family on an EventBridge rule (examples/nightly-report)', () => {
  it('plans the new revision against what the rule runs, applies it once, moves the target, then plans clean', async () => {
    const sb = seeded();
    const context = sandboxContext(sb);
    expect(await ruleTarget(sb)).toMatch(/nightly-report:1$/);

    const planned = await cli(['plan', '--format', 'json', '--detailed-exitcode'], { cwd, env, context });
    expect(planned.code).toBe(2);
    const plan = JSON.parse(planned.stdout);
    expect(plan.services).toEqual([]);
    expect(plan.tasks).toMatchObject([
      {
        key: 'report',
        family: 'nightly-report',
        action: 'update',
        taskDefinitionChanged: true,
        live: { from: 'scheduled-target' },
        targets: [{ rule: 'nightly-report' }],
      },
    ]);
    expect(plan.tasks[0].live.taskDefinitionArn).toMatch(/nightly-report:1$/);

    const applied = await cli(['apply', '--yes', '--format', 'json'], { cwd, env, context });
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(ofType(applied.events, 'apply.started')[0]).toMatchObject({ services: [], tasks: ['report'] });
    const registered = ofType(applied.events, 'taskdef.registered');
    expect(registered).toHaveLength(1);
    expect(registered[0]).toMatchObject({ service: 'report', task: true });
    expect(registered[0]?.taskDefinitionArn).toMatch(/nightly-report:2$/);
    expect(await ruleTarget(sb)).toMatch(/nightly-report:2$/);

    const again = await cli(['plan', '--detailed-exitcode'], { cwd, env, context });
    expect(again.stdout).toContain('No changes');
    expect(again.code).toBe(0);

    // A newer revision registered by hand is not what the rule runs: the plan still compares with the rule's.
    await createAwsPorts(sb.awsConfig()).ecs.registerTaskDefinition({
      family: 'nightly-report',
      containerDefinitions: [{ name: 'report', image: 'elsewhere/report:9', essential: true, memory: 512 }],
    });
    const still = await cli(['plan', '--format', 'json', '--detailed-exitcode'], { cwd, env, context });
    expect(still.code).toBe(0);
    expect(JSON.parse(still.stdout).tasks[0].live.taskDefinitionArn).toMatch(/nightly-report:2$/);
  });

  it('cleanup keeps keepRevisions spare revisions of the family and the one the rule runs', async () => {
    const sb = seeded();
    const context = sandboxContext(sb);
    for (let i = 1; i <= 8; i += 1) {
      const r = await cli(['apply', '--yes', '--format', 'json'], { cwd, env: { IMAGE_TAG: `1.${i}.0` }, context });
      expect(r.code).toBe(0);
    }
    const active = await activeRevisions(sb);
    expect(await ruleTarget(sb)).toMatch(/nightly-report:9$/);
    // :9 is in use (the rule and this run), five spare ones are kept: 4..8; 1..3 are gone.
    expect(active.sort()).toEqual([
      'nightly-report:4',
      'nightly-report:5',
      'nightly-report:6',
      'nightly-report:7',
      'nightly-report:8',
      'nightly-report:9',
    ]);
  });
});

describe('a task family in apply: before:, --image, saved plans, Markdown', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The example, with a migration run from the report family before anything else. */
  function withMigration(): string {
    dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-tasks-'));
    cpSync(cwd, dir, { recursive: true });
    const file = join(dir, 'ecsdeploy.yaml');
    writeFileSync(
      file,
      `${readFileSync(file, 'utf8')}\nbefore:\n  - { name: migrate, taskDefinitionOf: report, command: [./report, migrate] }\n`,
    );
    return dir;
  }

  it('registers the family once, runs the before: task with it, and honours --image for the task', async () => {
    const where = withMigration();
    const sb = startInProcessSandbox({ manifest: loadManifest({ cwd: where, env }) });
    const image = '123456789012.dkr.ecr.us-east-1.amazonaws.com/nightly-report:9.9.9';
    const r = await cli(['apply', '--yes', '--format', 'json', '--image', `report=${image}`], {
      cwd: where,
      env,
      context: sandboxContext(sb),
    });
    expect(r.code).toBe(0);
    const registered = ofType(r.events, 'taskdef.registered');
    expect(registered).toHaveLength(1);
    expect(ofType(r.events, 'oneoff.started')[0]).toMatchObject({ name: 'migrate', taskDefinitionArn: registered[0]?.taskDefinitionArn });
    expect(ofType(r.events, 'oneoff.finished')[0]).toMatchObject({ name: 'migrate', outcome: 'succeeded' });
    const td = await createAwsPorts(sb.awsConfig()).ecs.describeTaskDefinition({ taskDefinition: registered[0]?.taskDefinitionArn ?? '' });
    expect(td.taskDefinition?.containerDefinitions?.[0]?.image).toBe(image);
    expect(await ruleTarget(sb)).toBe(registered[0]?.taskDefinitionArn);
  });

  it('a family that cannot be registered stops the run before the before: task, and the target is not moved', async () => {
    const where = withMigration();
    const sb = startInProcessSandbox({
      manifest: loadManifest({ cwd: where, env }),
      scenario: { faults: [{ service: 'ecs', operation: 'RegisterTaskDefinition', serverErrorRate: 1 }] },
    });
    const r = await cli(['apply', '--yes', '--format', 'json'], { cwd: where, env, context: sandboxContext(sb) });
    expect(r.code).toBe(1);
    expect(ofType(r.events, 'log').map((e) => e.message)).toContainEqual(
      expect.stringMatching(/^could not register a new revision of task report \(family nightly-report\)/),
    );
    // The before: task was never tried.
    expect(ofType(r.events, 'oneoff.started')).toEqual([]);
    expect(ofType(r.events, 'oneoff.finished')).toEqual([]);
    expect(sb.runtime.calls().counts['ecs.RunTask']).toBeUndefined();
    expect(ofType(r.events, 'step.skipped').map((e) => e.step)).toContain('scheduled-target');
    expect(await ruleTarget(sb)).toMatch(/nightly-report:1$/);
  });

  it("a saved plan is refused once the rule's target moved; the Markdown plan shows the task", async () => {
    const sb = seeded();
    const context = sandboxContext(sb);
    const dirOut = mkdtempSync(join(tmpdir(), 'ecsdeploy-tasks-plan-'));
    dir = dirOut;
    const planFile = join(dirOut, 'plan.json');
    expect((await cli(['plan', '--out', planFile], { cwd, env, context })).code).toBe(0);
    const md = await cli(['plan', '--format', 'markdown'], { cwd, env, context });
    expect(md.stdout).toContain('| task | family | action | changes |');
    expect(md.stdout).toMatch(/\| report \| nightly-report \| ~ new task definition revision, move nightly-report\/\S+ \|/);
    // Someone else deploys another tag meanwhile: the target moves.
    expect((await cli(['apply', '--yes', '--format', 'json'], { cwd, env: { IMAGE_TAG: '1.5.0' }, context })).code).toBe(0);
    const stale = await cli(['apply', planFile, '--format', 'json'], { cwd, env, context });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/PLAN_STALE/);
    expect(stale.stderr).toMatch(/task report \(family nightly-report\): live revision nightly-report:1 → nightly-report:2/);
  });
});

describe('ecsdeploy run', () => {
  it('runs the task with the manifest’s revision, streams its log lines and exits 0 when it exits 0', async () => {
    const sb = seeded({ images: [{ match: '*:1.1.0', logs: ['report for 2026-01-01: 42 rows'] }] });
    const r = await cli(['run', 'report', '--format', 'json', '--', './report', '--day', '2026-01-01'], {
      cwd,
      env,
      context: sandboxContext(sb),
    });
    expect(r.code).toBe(0);
    const started = ofType(r.events, 'oneoff.started')[0];
    expect(started?.taskDefinitionArn).toMatch(/nightly-report:2$/);
    expect(ofType(r.events, 'oneoff.log').map((e) => e.message)).toContain('report for 2026-01-01: 42 rows');
    expect(ofType(r.events, 'run.finished')[0]).toMatchObject({ name: 'report', outcome: 'succeeded' });
    expect(ofType(r.events, 'run.finished')[0]?.task?.containers).toEqual([expect.objectContaining({ name: 'report', exitCode: 0 })]);
    // The command went to the container.
    const d = await createAwsPorts(sb.awsConfig()).ecs.describeTasks({ cluster: 'jobs', tasks: [started?.taskArn ?? ''] });
    expect(d.tasks?.[0]?.overrides?.containerOverrides?.[0]).toMatchObject({
      name: 'report',
      command: ['./report', '--day', '2026-01-01'],
    });
  });

  it('exits 1 with the exit code, the stop reason and the last log lines when the container fails', async () => {
    const sb = seeded({ images: [{ match: '*', exitCode: 3, logs: ['Error: bucket acme-reports not found'] }] });
    const r = await cli(['run', 'report', '--live', '--format', 'plain'], { cwd, env, context: sandboxContext(sb) });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Run FAILED');
    expect(r.stdout).toContain('report=3');
    // --live: the revision the family runs now (the seeded :1, image :previous), no registration.
    expect(r.stdout).toContain('nightly-report:1');
    const json = await cli(['run', 'report', '--format', 'json'], { cwd, env, context: sandboxContext(sb) });
    expect(json.code).toBe(1);
    const fin = ofType(json.events, 'run.finished')[0];
    expect(fin).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('report=3') });
    expect(fin?.task?.containers[0]).toMatchObject({ name: 'report', exitCode: 3 });
    expect(fin?.task?.logs?.lines).toContain('Error: bucket acme-reports not found');
  });

  it('masks the value of a secret-looking --env-var wherever the container prints it', async () => {
    const sb = seeded({ images: [{ match: '*', logs: ['connecting with s3cr3t-Value-42'] }] });
    const r = await cli(['run', 'report', '--format', 'json', '--env-var', 'API_TOKEN=s3cr3t-Value-42'], {
      cwd,
      env,
      context: sandboxContext(sb),
    });
    expect(r.code).toBe(0);
    expect(ofType(r.events, 'oneoff.log').map((e) => e.message)).toContain('connecting with (sensitive)');
    expect(r.stdout).not.toContain('s3cr3t-Value-42');
  });

  it('--no-wait prints the task ARN and exits 0 while the task still runs', async () => {
    const sb = seeded();
    const r = await cli(['run', 'report', '--no-wait'], { cwd, env, context: sandboxContext(sb) });
    expect(r.code).toBe(0);
    const arn = r.stdout.trim();
    expect(arn).toMatch(/^arn:aws:ecs:us-east-1:\d+:task\/jobs\/[0-9a-f]+$/);
    const d = await createAwsPorts(sb.awsConfig()).ecs.describeTasks({ cluster: 'jobs', tasks: [arn] });
    expect(d.tasks?.[0]?.lastStatus).not.toBe('STOPPED');
  });

  it('Ctrl-C while it runs stops the task and exits 130', async () => {
    const sb = seeded();
    const ctl = new AbortController();
    let taskArn: string | undefined;
    const context: Partial<CliContext> = {
      clock: sb.clock,
      signal: ctl.signal,
      portsFactory: () => {
        const ports = createAwsPorts(sb.awsConfig());
        const describe = ports.ecs.describeTasks;
        // The first poll of the running task is when the user presses Ctrl-C.
        ports.ecs.describeTasks = ((input, options) => {
          taskArn = input.tasks?.[0];
          if (!ctl.signal.aborted) ctl.abort(new Error('received SIGINT'));
          return describe(input, options);
        }) as typeof describe;
        return ports;
      },
    };
    const r = await cli(['run', 'report', '--format', 'json'], { cwd, env, context });
    expect(r.code).toBe(130);
    expect(ofType(r.events, 'run.finished')[0]).toMatchObject({ outcome: 'interrupted' });
    expect(sb.runtime.calls().counts['ecs.StopTask']).toBe(1);
    const d = await createAwsPorts(sb.awsConfig()).ecs.describeTasks({ cluster: 'jobs', tasks: [taskArn ?? ''] });
    expect(d.tasks?.[0]?.desiredStatus).toBe('STOPPED');
  });

  it('refuses a name that is neither a service nor a task, touching nothing', async () => {
    const sb = seeded();
    const r = await cli(['run', 'nope'], { cwd, env, context: sandboxContext(sb) });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unknown service or task `nope`.*report/);
    expect(Object.keys(sb.runtime.calls().counts).filter((k) => !/\.(Describe|List|Get)/.test(k))).toEqual([]);
  });
});

describe("the README's ecsdeploy run", () => {
  it('runs the exact command line it shows, with the log lines and the exit code it shows', async () => {
    const readme = readFileSync(resolve(__dirname, '../../README.md'), 'utf8');
    const block = /\$ cd examples\/nightly-report\n\$ npx (ecsdeploy run [^\n]+)\n([\s\S]*?)\n\$ echo \$\?\n(\d+)\n```/.exec(readme);
    expect(block).not.toBeNull();
    const [, commandLine = '', shown = '', exitCode = ''] = block ?? [];
    const [progress = '', summary = ''] = shown.split('\n...\n');
    const args = commandLine.split(' ').slice(1);
    const r = await cli(args, { cwd, context: {} });
    expect(r.code).toBe(Number(exitCode));
    // Times on the sandbox clock may differ by a tick from run to run; everything else is as shown.
    const untimed = (text: string) => text.replace(/^\d\d:\d\d:\d\d /gm, 'T ').replace(/\b\d+(m\d+)?s\b/g, 'Ns');
    for (const line of progress.split('\n')) expect(untimed(r.stderr)).toContain(untimed(line));
    expect(untimed(r.stdout.trimEnd())).toBe(untimed(summary));
  });
});
