/**
 * Blue-green deployments that outlive one run, end to end with the real CLI on the sandbox: one someone else
 * started (plan shows it, apply refuses it naming it), an approval hold continued by `promote` from another run, a
 * run lost in the ready wait found by the next apply and aborted, `--wait-until traffic-shifted` and the
 * termination wait ended by `promote`, `rollback` before and after success, and `apply --wait` following someone
 * else's deployment (to its success, or until it waits Ready for a person).
 */
import { describe, expect, it } from 'vitest';
import { buildAppSpec } from '../../src/strategies/appspec.js';
import { cli, ofType } from '../_helpers/cli.js';
import {
  blueGreenExample,
  blueGreenWorld,
  type BlueGreenWorld,
  deployments,
  ENV,
  JSON_APPLY,
  lifecycleIn,
  listenerWeights,
  servingRevision,
} from './blue-green-world.js';

const APPROVAL = `    strategy:
      type: blue-green
      application: orders
      deploymentGroup: orders-api
      container: { name: api, port: 8080 }
      testTrafficGate:
        hold: 2m
        approval: true
        alarms: [orders-api-green-5xx]
`;

/** No gate: the seeded group reroutes production traffic without waiting Ready. */
const UNGATED = `    strategy:
      type: blue-green
      application: orders
      deploymentGroup: orders-api
      deploymentConfig: CodeDeployDefault.ECSAllAtOnce
      container: { name: api, port: 8080 }
`;

async function someoneElsesDeployment(world: BlueGreenWorld): Promise<string> {
  const svc = (await world.ports.ecs.describeServices({ cluster: 'orders', services: ['orders-api'] })).services?.[0];
  const spec = buildAppSpec({ taskDefinitionArn: svc?.taskDefinition ?? '', container: { name: 'api', port: 8080 } });
  const out = await world.ports.codedeploy.createDeployment({
    applicationName: 'orders',
    deploymentGroupName: 'orders-api',
    revision: { revisionType: 'AppSpecContent', appSpecContent: { content: spec.content } },
    description: 'a console deploy',
  });
  return out.deploymentId ?? '';
}

describe('blue-green deployments in flight', () => {
  it('shows a deployment someone else started (plan exit 2), refuses apply naming it, and abort stops it with rollback', async () => {
    const world = blueGreenWorld({ scenario: 'healthy-canary.yaml' });
    const id = await someoneElsesDeployment(world);
    await world.sb.clock.sleep(30_000);

    const plan = await cli(['plan', '--detailed-exitcode'], { cwd: world.cwd, env: ENV, context: world.record().context });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(`rollout in progress: CodeDeploy deployment ${id} (InProgress: installing orders-api:1)`);

    const { rec, context } = world.record();
    const r = await cli(JSON_APPLY, { cwd: world.cwd, env: ENV, context });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SERVICE_BUSY');
    expect(r.stderr).toContain(`CodeDeploy deployment ${id}`);
    expect(r.stderr).toContain('ecsdeploy abort -n api');
    expect(rec.mutatingCalls().filter((c) => !c.op.startsWith('BatchGet'))).toEqual([]);

    const aborted = await cli(['abort', '-n', 'api', '--yes', '--format', 'json'], {
      cwd: world.cwd,
      env: ENV,
      context: world.record().context,
    });
    expect(aborted.code).toBe(1);
    expect(ofType(aborted.events, 'codedeploy.stopped')[0]).toMatchObject({ deploymentId: id, trigger: 'command', trafficRestored: true });
    expect((await deployments(world.ports, world.strategy))[0]).toMatchObject({ id, status: 'Stopped' });
    const after = await cli(['plan', '--detailed-exitcode'], { cwd: world.cwd, env: ENV, context: world.record().context });
    expect(after.stdout).not.toContain('rollout in progress');
  });

  it('apply --wait follows a deployment someone else started to its verdict, plans again, and then deploys', async () => {
    const cwd = blueGreenExample({ strategy: UNGATED });
    const world = blueGreenWorld({ cwd, scenario: 'healthy-canary.yaml' });
    const theirs = await someoneElsesDeployment(world);
    const { rec, context } = world.record();
    const r = await cli([...JSON_APPLY, '--wait'], { cwd, env: ENV, context });
    expect(r.code).toBe(0);
    const statuses = await deployments(world.ports, world.strategy);
    // Theirs succeeded first; ours was created only after it did.
    expect(statuses.find((d) => d.id === theirs)).toMatchObject({ status: 'Succeeded' });
    expect(rec.count('CreateDeployment')).toBe(1);
    expect(statuses.filter((d) => d.id !== theirs)).toEqual([expect.objectContaining({ status: 'Succeeded' })]);
    expect(await servingRevision(world.ports)).toBe('orders-api:2');
  });

  it('apply --wait stops, deploying nothing, when the deployment it follows comes to wait Ready for a person', async () => {
    const world = blueGreenWorld({ scenario: 'healthy-canary.yaml' });
    const theirs = await someoneElsesDeployment(world);
    const { rec, context } = world.record();
    const r = await cli([...JSON_APPLY, '--wait'], { cwd: world.cwd, env: ENV, context });
    expect(r.code).toBe(1);
    expect(ofType(r.events, 'service.finished')[0]?.reason).toContain(
      `CodeDeploy deployment ${theirs} waits Ready for someone to reroute production traffic: ecsdeploy promote -n api or ecsdeploy abort -n api`,
    );
    expect(rec.count('CreateDeployment')).toBe(0);
    expect((await deployments(world.ports, world.strategy))[0]).toMatchObject({ id: theirs, status: 'Ready' });
  });

  it('stops for approval with test traffic judged (exit 3); plan shows it, apply refuses it, promote moves production from another run', async () => {
    const cwd = blueGreenExample({ strategy: APPROVAL });
    const world = blueGreenWorld({ cwd, scenario: 'healthy-canary.yaml' });
    const first = await cli(JSON_APPLY, { cwd, env: ENV, context: world.record().context });
    expect(first.code).toBe(3);
    const paused = ofType(first.events, 'codedeploy.paused')[0];
    expect(paused).toMatchObject({ wait: 'ready', next: ['ecsdeploy promote -n api', 'ecsdeploy abort -n api'] });
    expect(ofType(first.events, 'gate.finished').map((e) => e.verdict)).toEqual(['pass']);
    expect(await listenerWeights(world.ports, world.strategy, 'test')).toEqual({ 'orders-blue': 0, 'orders-green': 100 });
    // Production still forwards to blue alone, as seeded.
    expect(await listenerWeights(world.ports, world.strategy, 'prod')).toEqual({ 'orders-blue': 1 });

    const plan = await cli(['plan', '--detailed-exitcode'], { cwd, env: ENV, context: world.record().context });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(
      /rollout awaiting approval: CodeDeploy deployment d-\w+ \(Ready: test traffic on orders-api:2, production not moved yet\), started by ecsdeploy run /,
    );
    expect(plan.stdout).toContain('next: ecsdeploy promote -n api');
    const again = await cli(JSON_APPLY, { cwd, env: ENV, context: world.record().context });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('SERVICE_BUSY');

    const { rec, context } = world.record();
    const promoted = await cli(['promote', '-n', 'api', '--yes', '--format', 'json'], { cwd, env: ENV, context });
    expect(promoted.code).toBe(0);
    expect(rec.callsOf('ContinueDeployment')).toEqual([{ deploymentId: paused?.deploymentId, deploymentWaitType: 'READY_WAIT' }]);
    expect(rec.count('CreateDeployment')).toBe(0);
    expect(await listenerWeights(world.ports, world.strategy, 'prod')).toEqual({ 'orders-blue': 0, 'orders-green': 100 });
    expect(await servingRevision(world.ports)).toBe('orders-api:2');
    expect((await deployments(world.ports, world.strategy))[0]).toMatchObject({ status: 'Succeeded' });
  });

  it('promote --wait-until traffic-shifted reroutes from the approval hold and returns once production moved, the termination wait still in flight', async () => {
    const cwd = blueGreenExample({ strategy: APPROVAL });
    const world = blueGreenWorld({ cwd, scenario: 'healthy-canary.yaml' });
    expect((await cli(JSON_APPLY, { cwd, env: ENV, context: world.record().context })).code).toBe(3);
    const { rec, context } = world.record();
    const promoted = await cli(['promote', '-n', 'api', '--yes', '--format', 'json', '--wait-until', 'traffic-shifted'], {
      cwd,
      env: ENV,
      context,
    });
    expect(promoted.code).toBe(0);
    expect(rec.callsOf('ContinueDeployment').map((c) => (c as { deploymentWaitType?: string }).deploymentWaitType)).toEqual(['READY_WAIT']);
    expect(ofType(promoted.events, 'service.finished')[0]?.reason).toMatch(
      /production traffic is all on orders-api:2; deployment d-\w+ is still in flight/,
    );
    expect(await listenerWeights(world.ports, world.strategy, 'prod')).toEqual({ 'orders-blue': 0, 'orders-green': 100 });
    expect((await deployments(world.ports, world.strategy))[0]).toMatchObject({ status: 'InProgress' });
  });

  it('promote --full reroutes from the approval hold without holding the production-traffic gate', async () => {
    const strategy = `${APPROVAL}      productionTrafficGate:
        bake: 2m
        alarms: [orders-api-green-5xx]
`;
    const cwd = blueGreenExample({ strategy });
    const world = blueGreenWorld({ cwd, scenario: 'healthy-canary.yaml' });
    expect((await cli(JSON_APPLY, { cwd, env: ENV, context: world.record().context })).code).toBe(3);
    const full = await cli(['promote', '-n', 'api', '--full', '--yes', '--format', 'json'], {
      cwd,
      env: ENV,
      context: world.record().context,
    });
    expect(full.code).toBe(0);
    expect(ofType(full.events, 'gate.evaluated')).toEqual([]);
    expect(ofType(full.events, 'gate.finished')).toEqual([]);
    expect((await deployments(world.ports, world.strategy))[0]).toMatchObject({ status: 'Succeeded' });

    // Without --full, the same hold's promotion holds the production-traffic gate.
    const other = blueGreenWorld({ cwd, scenario: 'healthy-canary.yaml' });
    expect((await cli(JSON_APPLY, { cwd, env: ENV, context: other.record().context })).code).toBe(3);
    const plain = await cli(['promote', '-n', 'api', '--yes', '--format', 'json'], { cwd, env: ENV, context: other.record().context });
    expect(plain.code).toBe(0);
    expect(ofType(plain.events, 'gate.finished').map((e) => [e.gate, e.verdict])).toEqual([['production-traffic', 'pass']]);
  });

  it('a run lost in the ready wait leaves the deployment there; the next apply says so and offers promote and abort; abort rolls it back', async () => {
    const world = blueGreenWorld({ scenario: 'healthy-canary.yaml' });
    const ctrlC = new AbortController();
    const { rec, context } = world.record(ctrlC.signal);
    rec.afterCall = (call) => {
      // The test-traffic gate is holding: the runner goes away (--on-interrupt leave keeps everything as it is).
      if (call.op === 'GetMetricData') ctrlC.abort();
    };
    const lost = await cli([...JSON_APPLY, '--on-interrupt', 'leave'], { cwd: world.cwd, env: ENV, context });
    expect(lost.code).toBe(130);
    expect(rec.count('StopDeployment')).toBe(0);
    expect((await deployments(world.ports, world.strategy))[0]).toMatchObject({ status: 'Ready' });

    const next = await cli(JSON_APPLY, { cwd: world.cwd, env: ENV, context: world.record().context });
    expect(next.code).toBe(1);
    expect(next.stderr).toMatch(/SERVICE_BUSY/);
    expect(next.stderr).toMatch(
      /rollout awaiting approval: CodeDeploy deployment d-\w+ \(Ready: test traffic on orders-api:2, production not moved yet\), started by ecsdeploy run \S+; to move it on: ecsdeploy promote -n api or ecsdeploy abort -n api/,
    );
    expect(next.stderr).toContain('ecsdeploy promote -n api');
    expect(next.stderr).toContain('ecsdeploy abort -n api');

    const aborted = await cli(['abort', '-n', 'api', '--yes', '--format', 'json'], {
      cwd: world.cwd,
      env: ENV,
      context: world.record().context,
    });
    expect(aborted.code).toBe(1);
    expect(ofType(aborted.events, 'codedeploy.stopped')[0]).toMatchObject({
      trigger: 'command',
      trafficRestored: true,
      productionWeight: 0,
    });
    expect(await listenerWeights(world.ports, world.strategy, 'test')).toEqual({ 'orders-blue': 100, 'orders-green': 0 });
    expect(await servingRevision(world.ports)).toBe('orders-api:1');
  });

  it('--wait-until traffic-shifted returns once production is on green; the termination wait shows in plan, and promote ends it', async () => {
    const world = blueGreenWorld({ scenario: 'healthy-canary.yaml' });
    const r = await cli([...JSON_APPLY, '--wait-until', 'traffic-shifted'], { cwd: world.cwd, env: ENV, context: world.record().context });
    expect(r.code).toBe(0);
    const done = ofType(r.events, 'service.finished')[0];
    expect(done).toMatchObject({ outcome: 'succeeded' });
    expect(done?.reason).toMatch(
      /production traffic is all on orders-api:2; deployment d-\w+ is still in flight: the original task set is kept for 5 minute/,
    );
    expect(await listenerWeights(world.ports, world.strategy, 'prod')).toEqual({ 'orders-blue': 0, 'orders-green': 100 });
    const [deployment] = await deployments(world.ports, world.strategy);
    expect(deployment).toMatchObject({ status: 'InProgress' });

    const plan = await cli(['plan', '--detailed-exitcode'], { cwd: world.cwd, env: ENV, context: world.record().context });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(
      'production on orders-api:2, the original task set kept for the termination wait (ecsdeploy promote ends it now)',
    );

    // status: the deployment, where it stands, its lifecycle and the task sets' weights, and what moves it on.
    const status = await cli(['status', '--format', 'json'], { cwd: world.cwd, env: ENV, context: world.record().context });
    expect(status.code).toBe(0);
    const codedeploy = JSON.parse(status.stdout)[0].codedeploy;
    expect(codedeploy).toMatchObject({
      application: 'orders',
      deploymentGroup: 'orders-api',
      deployment: { id: deployment?.id, status: 'InProgress', inFlight: true, stage: 'termination-wait', runId: expect.any(String) },
      next: ['ecsdeploy promote -n api', 'ecsdeploy abort -n api'],
    });
    expect(codedeploy.deployment.lifecycle.find((e: { name: string }) => e.name === 'AllowTraffic')).toEqual({
      name: 'AllowTraffic',
      status: 'Succeeded',
    });
    expect(
      codedeploy.deployment.taskSets.map((t: { label: string; weight: number; targetGroup: string }) => [t.label, t.weight, t.targetGroup]),
    ).toEqual(
      expect.arrayContaining([
        ['Blue', 0, 'orders-blue'],
        ['Green', 100, 'orders-green'],
      ]),
    );
    const text = await cli(['status'], { cwd: world.cwd, env: ENV, context: world.record().context });
    expect(text.stdout).toContain(`CodeDeploy orders/orders-api: deployment ${deployment?.id} InProgress (termination-wait)`);

    const { rec, context } = world.record();
    const promoted = await cli(['promote', '-n', 'api', '--yes', '--format', 'json'], { cwd: world.cwd, env: ENV, context });
    expect(promoted.code).toBe(0);
    expect(rec.callsOf('ContinueDeployment')).toEqual([{ deploymentId: deployment?.id, deploymentWaitType: 'TERMINATION_WAIT' }]);
    expect((await deployments(world.ports, world.strategy))[0]).toMatchObject({ status: 'Succeeded' });
  });

  it('rollback stops a deployment in flight with rollback; after a success it deploys the previous revision through CodeDeploy', async () => {
    const cwd = blueGreenExample({ strategy: APPROVAL });
    const world = blueGreenWorld({ cwd, scenario: 'healthy-canary.yaml' });
    expect((await cli(JSON_APPLY, { cwd, env: ENV, context: world.record().context })).code).toBe(3);
    const stop = world.record();
    const stopped = await cli(['rollback', '-n', 'api', '--yes', '--format', 'json'], { cwd, env: ENV, context: stop.context });
    expect(stopped.code).toBe(0);
    expect(stop.rec.callsOf('StopDeployment')).toEqual([{ deploymentId: expect.stringMatching(/^d-/), autoRollbackEnabled: true }]);
    expect(stop.rec.count('CreateDeployment')).toBe(0);
    expect(await servingRevision(world.ports)).toBe('orders-api:1');

    // Two successful releases, then a rollback: a CodeDeploy deployment of the one before, without the gates.
    const done = blueGreenWorld({ scenario: 'healthy-canary.yaml' });
    expect((await cli(JSON_APPLY, { cwd: done.cwd, env: ENV, context: done.record().context })).code).toBe(0);
    expect((await cli(JSON_APPLY, { cwd: done.cwd, env: { IMAGE_TAG: '2.1.0' }, context: done.record().context })).code).toBe(0);
    expect(await servingRevision(done.ports)).toBe('orders-api:3');
    const back = done.record();
    const rolled = await cli(['rollback', '-n', 'api', '--yes', '--format', 'json'], { cwd: done.cwd, env: ENV, context: back.context });
    expect(rolled.code).toBe(0);
    expect(ofType(rolled.events, 'gate.evaluated')).toEqual([]);
    expect(back.rec.count('CreateDeployment')).toBe(1);
    expect(await servingRevision(done.ports)).toBe('orders-api:2');
    // Third deployment on this group: the target groups alternated blue → green → blue → green.
    expect(await listenerWeights(done.ports, done.strategy, 'prod')).toEqual({ 'orders-blue': 0, 'orders-green': 100 });
  });

  it('a run lost while a lifecycle hook runs: the next plan and apply name the hook and what moves it on', async () => {
    const cwd = blueGreenExample({
      strategy: `    strategy:
      type: blue-green
      application: orders
      deploymentGroup: orders-api
      container: { name: api, port: 8080 }
      hooks: { AfterAllowTestTraffic: orders-api-smoke }
`,
    });
    // The smoke test takes ten minutes to answer.
    const world = blueGreenWorld({ cwd, scenario: { hooks: [{ match: 'orders-api-smoke', status: 'Succeeded', seconds: 600 }] } });
    const ctrlC = new AbortController();
    const { rec, context } = world.record(ctrlC.signal);
    rec.afterCall = (call, output) => {
      if (call.op === 'BatchGetDeploymentTargets' && lifecycleIn(output)?.AfterAllowTestTraffic === 'InProgress') ctrlC.abort();
    };
    expect((await cli([...JSON_APPLY, '--on-interrupt', 'leave'], { cwd, env: ENV, context })).code).toBe(130);

    const plan = await cli(['plan', '--detailed-exitcode'], { cwd, env: ENV, context: world.record().context });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(
      /rollout in progress: CodeDeploy deployment d-\w+ \(InProgress: AfterAllowTestTraffic in progress for orders-api:2, production not moved yet\), started by ecsdeploy run /,
    );
    const next = await cli(JSON_APPLY, { cwd, env: ENV, context: world.record().context });
    expect(next.code).toBe(1);
    expect(next.stderr).toContain('AfterAllowTestTraffic in progress for orders-api:2');
    expect(next.stderr).toContain('to move it on: ecsdeploy abort -n api or ecsdeploy apply --resume');
  });

  it('names the lifecycle stage when Ctrl-C leaves a deployment installing, and resume follows it with its gates', async () => {
    const world = blueGreenWorld({ scenario: 'healthy-canary.yaml' });
    const ctrlC = new AbortController();
    const { rec, context } = world.record(ctrlC.signal);
    rec.afterCall = (call, output) => {
      if (call.op === 'BatchGetDeploymentTargets' && lifecycleIn(output)?.Install === 'InProgress') ctrlC.abort();
    };
    const left = await cli([...JSON_APPLY, '--on-interrupt', 'leave'], { cwd: world.cwd, env: ENV, context });
    expect(left.code).toBe(130);
    expect(ofType(left.events, 'service.finished')[0]?.reason).toMatch(
      /left in flight \(--on-interrupt leave\): ecsdeploy promote -n api, ecsdeploy abort -n api, ecsdeploy apply --resume/,
    );
    const resumed = await cli([...JSON_APPLY, '--resume'], { cwd: world.cwd, env: ENV, context: world.record().context });
    expect(resumed.code).toBe(0);
    expect(ofType(resumed.events, 'gate.finished').map((e) => [e.gate, e.verdict])).toEqual([
      ['test-traffic', 'pass'],
      ['production-traffic', 'pass'],
    ]);
    expect(await servingRevision(world.ports)).toBe('orders-api:2');
  });
});
