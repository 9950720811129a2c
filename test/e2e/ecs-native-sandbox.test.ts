/**
 * `ecsdeploy apply` with ECS's own strategies (ecs-blue-green, ecs-linear, ecs-canary), end to end: the real CLI
 * (in-process `run()`), the real SDK clients, the sandbox's account on its virtual clock, the ecs-native example.
 * Assertions are on exit codes, NDJSON events, the AWS calls made, and the state reached: the rules' shares
 * (DescribeRules), the service's revision, ecsdeploy's pause hooks and state tags, the service deployments.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/events/types.js';
import { cli, ofType } from '../_helpers/cli.js';
import { ENV, type Key, nativeExample, nativeWorld, SERVICES, serviceDeployment, shares, snapshot } from './ecs-native-world.js';

const JSON_APPLY = ['apply', '--yes', '--format', 'json'];
const KEYS: Key[] = ['blue-green', 'linear', 'canary'];
const GREEN: Record<Key, string> = { 'blue-green': 'shop-web-green', linear: 'shop-api-green', canary: 'shop-search-green' };
const BLUE: Record<Key, string> = { 'blue-green': 'shop-web-blue', linear: 'shop-api-blue', canary: 'shop-search-blue' };
const FAMILY: Record<Key, string> = { 'blue-green': 'shop-web', linear: 'shop-api', canary: 'shop-search' };

function finished(events: EngineEvent[]) {
  return ofType(events, 'service.finished')[0];
}

/** The highest share of production the new revision was asked to carry, by the stage events. */
function maxProduction(events: EngineEvent[]): number {
  return Math.max(0, ...ofType(events, 'ecs-native.stage').map((e) => e.productionWeight ?? 0));
}

describe('ECS-native strategies on the sandbox: a healthy release', () => {
  it.each(KEYS)('%s: succeeded, all traffic on the new revision, no pause hook or state left; plan then shows no changes', async (key) => {
    const world = nativeWorld({ scenario: 'healthy-canary.yaml' });
    const s = world.strategyOf(key);
    const { rec, context } = world.record();
    const r = await cli([...JSON_APPLY, '-n', key], { cwd: world.cwd, env: ENV, context });
    expect(r.code).toBe(0);
    expect(finished(r.events)).toMatchObject({
      service: key,
      outcome: 'succeeded',
      taskDefinitionArn: expect.stringMatching(`/${FAMILY[key]}:2$`),
    });

    // ECS walked its stages; ecsdeploy answered each of its pauses, only ever with CONTINUE.
    const stages = ofType(r.events, 'ecs-native.stage').map((e) => e.stage);
    expect(stages.at(-1)).toBe('CLEAN_UP');
    expect(ofType(r.events, 'ecs-native.stage').at(-1)?.status).toBe('SUCCESSFUL');
    const answers = rec.callsOf('ContinueServiceDeployment').map((i) => i.action);
    expect(answers.length).toBe(ofType(r.events, 'ecs-native.hold').length);
    expect(new Set(answers)).toEqual(new Set(['CONTINUE']));
    // The test-traffic gate judged test traffic with production untouched.
    const testHold = ofType(r.events, 'ecs-native.hold').find((e) => e.stage === 'POST_TEST_TRAFFIC_SHIFT');
    if (s.testTrafficGate) expect(testHold).toMatchObject({ gate: 'test-traffic', productionWeight: 0, decision: 'continue' });
    // LINEAR and CANARY: the production gate held before every step after the first, each at the share reached.
    const stepHolds = ofType(r.events, 'ecs-native.hold')
      .filter((e) => e.stage === 'PRE_PRODUCTION_TRAFFIC_SHIFT' && e.gate === 'production')
      .map((e) => e.productionWeight);
    expect(stepHolds).toEqual({ 'blue-green': [], linear: [25, 50, 75], canary: [10] }[key]);

    // Where AWS stands: both rules send everything to the new revision's target group (the alternate one).
    expect(await shares(world.ports, s.productionListenerRule)).toEqual({ [BLUE[key]]: 0, [GREEN[key]]: 100 });
    expect(await shares(world.ports, s.testListenerRule ?? '')).toEqual({ [BLUE[key]]: 0, [GREEN[key]]: 100 });
    const after = await snapshot(world.ports, key);
    expect(after).toMatchObject({ taskDefinition: `${FAMILY[key]}:2`, pauseHooks: 0, stateTags: {} });
    expect((await serviceDeployment(world.ports, after.currentServiceDeployment ?? ''))?.status).toBe('SUCCESSFUL');
    // ecsdeploy's pauses were on the service for a moment only: taken off right after the deployment showed them.
    const updates = rec.callsOf('UpdateService');
    expect(updates.length).toBe(2);
    expect(updates[1]).toMatchObject({ deploymentConfiguration: expect.anything() });
    expect(updates[1]?.taskDefinition).toBeUndefined();

    const plan = await cli(['plan', '--detailed-exitcode', '-n', key], { cwd: world.cwd, env: ENV, context: world.record().context });
    expect(plan.stdout).toContain('No changes');
    expect(plan.code).toBe(0);
  });

  it('the next deployment goes the other way: the primary target group takes the traffic back', async () => {
    const world = nativeWorld({ scenario: 'healthy-canary.yaml' });
    const s = world.strategyOf('blue-green');
    expect((await cli(['apply', '--yes', '-n', 'blue-green'], { cwd: world.cwd, env: ENV, context: world.record().context })).code).toBe(0);
    const again = await cli(['apply', '--yes', '-n', 'blue-green'], {
      cwd: world.cwd,
      env: { IMAGE_TAG: '3.0.0' },
      context: world.record().context,
    });
    expect(again.code).toBe(0);
    expect(await shares(world.ports, s.productionListenerRule)).toEqual({ [BLUE['blue-green']]: 100, [GREEN['blue-green']]: 0 });
    expect((await snapshot(world.ports, 'blue-green')).taskDefinition).toBe('shop-web:3');
  });
});

describe('ECS-native strategies on the sandbox: a bad release', () => {
  it.each(KEYS)(
    '%s: caught on test traffic (a gate, or the Lambda smoke test), rolled back, production never saw it, exit 1',
    async (key) => {
      const world = nativeWorld({ scenario: 'bad-release.yaml' });
      const s = world.strategyOf(key);
      const { rec, context } = world.record();
      const r = await cli([...JSON_APPLY, '-n', key], { cwd: world.cwd, env: ENV, context });
      expect(r.code).toBe(1);
      expect(finished(r.events)).toMatchObject({ outcome: 'rolled-back', taskDefinitionArn: expect.stringMatching(`/${FAMILY[key]}:1$`) });
      expect(maxProduction(r.events)).toBe(0);
      if (s.testTrafficGate) {
        // ecsdeploy's gate decided: ROLLBACK at its pause, with the evidence.
        const hold = ofType(r.events, 'ecs-native.hold').find((e) => e.decision === 'rollback');
        expect(hold).toMatchObject({ stage: 'POST_TEST_TRAFFIC_SHIFT', gate: 'test-traffic', productionWeight: 0 });
        expect(hold?.checks?.find((c) => c.name === 'error-rate')).toMatchObject({ outcome: 'fail', threshold: { max: 5 } });
        expect(rec.callsOf('ContinueServiceDeployment').map((i) => i.action)).toEqual(['ROLLBACK']);
        expect(finished(r.events)?.reason).toMatch(
          /^test-traffic gate failed at POST_TEST_TRAFFIC_SHIFT \(on test traffic\).*production never saw it$/,
        );
      } else {
        // ECS rolled back on its own (the smoke-test Lambda said FAILED): a failure all the same.
        expect(rec.count('ContinueServiceDeployment')).toBe(0);
        expect(finished(r.events)?.reason).toMatch(/rolled back by ECS: .*smoke-test failed at POST_TEST_TRAFFIC_SHIFT/);
      }
      expect(await shares(world.ports, s.productionListenerRule)).toEqual({ [BLUE[key]]: 100, [GREEN[key]]: 0 });
      expect(await shares(world.ports, s.testListenerRule ?? '')).toEqual({ [BLUE[key]]: 100, [GREEN[key]]: 0 });
      const after = await snapshot(world.ports, key);
      expect(after).toMatchObject({ taskDefinition: `${FAMILY[key]}:1`, pauseHooks: 0, stateTags: {} });
      expect((await serviceDeployment(world.ports, after.currentServiceDeployment ?? ''))?.status).toBe('ROLLBACK_SUCCESSFUL');
    },
  );

  it.each(['linear', 'canary'] as const)(
    '%s: a deployment alarm going off during the production shift makes ECS roll back; exit 1 with the alarm named',
    async (key) => {
      // No test traffic and no gates: only production traffic reaches the new revision, and only the alarm judges.
      const cwd = nativeExample((doc) => {
        for (const k of ['testListenerRule', 'testTrafficGate', 'productionGate', 'hooks']) doc.deleteIn(['services', key, 'strategy', k]);
        doc.setIn(['services', key, 'deployment'], { alarms: { alarmNames: [`${SERVICES[key]}-5xx`] } });
      });
      const world = nativeWorld({ cwd, scenario: 'bad-release.yaml' });
      const s = world.strategyOf(key);
      const r = await cli([...JSON_APPLY, '-n', key], { cwd, env: ENV, context: world.record().context });
      expect(r.code).toBe(1);
      expect(finished(r.events)).toMatchObject({ outcome: 'rolled-back' });
      expect(finished(r.events)?.reason).toMatch(new RegExp(`rolled back by ECS: .*alarms: ${SERVICES[key]}-5xx`));
      // It happened while production was shifting: the new revision carried production traffic.
      expect(maxProduction(r.events)).toBeGreaterThan(0);
      expect(maxProduction(r.events)).toBeLessThan(100);
      expect(await shares(world.ports, s.productionListenerRule)).toEqual({ [BLUE[key]]: 100, [GREEN[key]]: 0 });
      expect((await snapshot(world.ports, key)).taskDefinition).toBe(`${FAMILY[key]}:1`);
    },
  );
});

describe('ECS-native strategies on the sandbox: Ctrl-C', () => {
  const CASES: [Key, string][] = [
    ['linear', 'SCALE_UP'],
    ['linear', 'POST_TEST_TRAFFIC_SHIFT'],
    ['linear', 'PRE_PRODUCTION_TRAFFIC_SHIFT'],
    ['linear', 'PRODUCTION_TRAFFIC_SHIFT'],
    ['linear', 'BAKE_TIME'],
    ['blue-green', 'BAKE_TIME'],
    ['canary', 'PRODUCTION_TRAFFIC_SHIFT'],
  ];
  it.each(CASES)('%s at %s: ECS rolls back at ecsdeploy request, all traffic back on the old revision, exit 130', async (key, stage) => {
    const world = nativeWorld({ scenario: 'healthy-canary.yaml' });
    const s = world.strategyOf(key);
    const ctl = new AbortController();
    const { rec, context } = world.record();
    const r = await cli([...JSON_APPLY, '-n', key], {
      cwd: world.cwd,
      env: ENV,
      context: { ...context, signal: ctl.signal },
      onStdout: (text) => {
        if (!ctl.signal.aborted && text.includes('"type":"ecs-native.stage"') && text.includes(`"stage":"${stage}"`)) {
          ctl.abort(new Error('received SIGINT'));
        }
      },
    });
    expect(r.code).toBe(130);
    expect(finished(r.events)).toMatchObject({ outcome: 'interrupted', taskDefinitionArn: expect.stringMatching(`/${FAMILY[key]}:1$`) });
    // ecsdeploy asked ECS for the rollback: at its pause (ContinueServiceDeployment) or anywhere else (Stop...).
    const asked = [
      ...rec.callsOf('ContinueServiceDeployment').filter((i) => i.action === 'ROLLBACK'),
      ...rec.callsOf('StopServiceDeployment').filter((i) => i.stopType === 'ROLLBACK'),
    ];
    expect(asked.length).toBe(1);
    expect(await shares(world.ports, s.productionListenerRule)).toEqual({ [BLUE[key]]: 100, [GREEN[key]]: 0 });
    const after = await snapshot(world.ports, key);
    expect(after).toMatchObject({ taskDefinition: `${FAMILY[key]}:1`, pauseHooks: 0, stateTags: {} });
    expect((await serviceDeployment(world.ports, after.currentServiceDeployment ?? ''))?.status).toBe('ROLLBACK_SUCCESSFUL');
  });
});

describe('ECS-native strategies on the sandbox: a deployment already in progress', () => {
  /** The blue-green service asking a person before production moves. */
  const withApproval = () =>
    nativeExample((doc) => doc.setIn(['services', 'blue-green', 'strategy', 'approval'], { at: 'before-production', timeout: '30m' }));

  it('held for approval: exit 3; plan shows it in flight, apply refuses it even with --force; promote takes it to 100 %', async () => {
    const cwd = withApproval();
    const world = nativeWorld({ cwd, scenario: 'healthy-canary.yaml' });
    const s = world.strategyOf('blue-green');
    const held = await cli([...JSON_APPLY, '-n', 'blue-green'], { cwd, env: ENV, context: world.record().context });
    expect(held.code).toBe(3);
    expect(ofType(held.events, 'ecs-native.paused')[0]).toMatchObject({ stage: 'PRE_PRODUCTION_TRAFFIC_SHIFT' });
    expect(await shares(world.ports, s.productionListenerRule)).toEqual({ [BLUE['blue-green']]: 100, [GREEN['blue-green']]: 0 });

    const plan = await cli(['plan', '--detailed-exitcode', '-n', 'blue-green'], { cwd, env: ENV, context: world.record().context });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('rollout awaiting approval');
    expect(plan.stdout).toContain('ecsdeploy promote -n blue-green');

    const { rec: busyRec, context: busyContext } = world.record();
    const busy = await cli(['apply', '--yes', '--force', '-n', 'blue-green'], { cwd, env: { IMAGE_TAG: '3.0.0' }, context: busyContext });
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain('error [SERVICE_BUSY]');
    expect(busy.stderr).toContain('to move it on: ecsdeploy promote -n blue-green or ecsdeploy abort -n blue-green');
    // Neither waiting nor forcing moves a deployment held for a person on: the hint offers neither.
    expect(busy.stderr).not.toMatch(/--force deploys anyway|apply --wait/);
    expect(busyRec.count('UpdateService') + busyRec.count('ContinueServiceDeployment')).toBe(0);

    const { rec, context } = world.record();
    const promoted = await cli(['promote', '--yes', '--format', 'json', '-n', 'blue-green'], { cwd, env: ENV, context });
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(finished(promoted.events)).toMatchObject({ outcome: 'succeeded' });
    expect(rec.callsOf('ContinueServiceDeployment').map((i) => i.action)).toEqual(['CONTINUE']);
    expect(rec.count('UpdateService')).toBeLessThanOrEqual(1);
    expect(await shares(world.ports, s.productionListenerRule)).toEqual({ [BLUE['blue-green']]: 0, [GREEN['blue-green']]: 100 });
    expect(await snapshot(world.ports, 'blue-green')).toMatchObject({ taskDefinition: 'shop-web:2', pauseHooks: 0, stateTags: {} });
  });

  it('held for approval, then aborted: ECS rolls it back, production never moved, exit 1', async () => {
    const cwd = withApproval();
    const world = nativeWorld({ cwd, scenario: 'healthy-canary.yaml' });
    const s = world.strategyOf('blue-green');
    expect((await cli([...JSON_APPLY, '-n', 'blue-green'], { cwd, env: ENV, context: world.record().context })).code).toBe(3);
    const { rec, context } = world.record();
    const aborted = await cli(['abort', '--yes', '--format', 'json', '-n', 'blue-green'], { cwd, env: ENV, context });
    expect(aborted.code).toBe(1);
    expect(finished(aborted.events)).toMatchObject({ outcome: 'rolled-back' });
    expect(rec.callsOf('ContinueServiceDeployment').map((i) => i.action)).toEqual(['ROLLBACK']);
    expect(await shares(world.ports, s.productionListenerRule)).toEqual({ [BLUE['blue-green']]: 100, [GREEN['blue-green']]: 0 });
    expect(await snapshot(world.ports, 'blue-green')).toMatchObject({ taskDefinition: 'shop-web:1', pauseHooks: 0, stateTags: {} });
  });

  it("someone else's deployment in progress: plan shows it, apply refuses it, --wait follows it to its end (never held, never answered) and deploys", async () => {
    const world = nativeWorld({ scenario: 'healthy-canary.yaml' });
    // Another tool: a plain UpdateService, no pause hook of anybody's.
    const other = (await world.ports.ecs.updateService({ cluster: 'shop', service: 'shop-web', forceNewDeployment: true })).service
      ?.currentServiceDeployment as string;
    expect(other).toBeTruthy();

    const plan = await cli(['plan', '--detailed-exitcode', '-n', 'blue-green'], {
      cwd: world.cwd,
      env: ENV,
      context: world.record().context,
    });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(`rollout in progress: ${other}`);
    const busy = await cli(['apply', '--yes', '-n', 'blue-green'], { cwd: world.cwd, env: ENV, context: world.record().context });
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain('error [SERVICE_BUSY]');

    const { rec, context } = world.record();
    const r = await cli([...JSON_APPLY, '--wait', '-n', 'blue-green'], { cwd: world.cwd, env: ENV, context });
    expect(r.code, r.stderr).toBe(0);
    expect(finished(r.events)).toMatchObject({ outcome: 'succeeded' });
    expect((await serviceDeployment(world.ports, other))?.status).toBe('SUCCESSFUL');
    // ecsdeploy answered pauses of its own deployment only.
    const ours = (await snapshot(world.ports, 'blue-green')).currentServiceDeployment;
    expect(ours).not.toBe(other);
    expect(new Set(rec.callsOf('ContinueServiceDeployment').map((i) => i.serviceDeploymentArn))).toEqual(new Set([ours]));
  });

  it("someone else's deployment replacing ours mid-way: ecsdeploy fails its run, never rolls the other back; it succeeds", async () => {
    const world = nativeWorld({ scenario: 'healthy-canary.yaml' });
    const { rec, context } = world.record();
    let other: Promise<string | undefined> | undefined;
    const r = await cli([...JSON_APPLY, '-n', 'linear'], {
      cwd: world.cwd,
      env: ENV,
      context,
      onStdout: (text) => {
        // While ecsdeploy's test-traffic gate holds: another tool deploys the service.
        if (!other && text.includes('"type":"ecs-native.stage"') && text.includes('"stage":"POST_TEST_TRAFFIC_SHIFT"')) {
          other = world.ports.ecs
            .updateService({ cluster: 'shop', service: 'shop-api', forceNewDeployment: true })
            .then((o) => o.service?.currentServiceDeployment);
        }
      },
    });
    const otherArn = (await other) as string;
    expect(otherArn).toBeTruthy();
    expect(r.code).toBe(1);
    expect(finished(r.events)?.reason).toMatch(/replaced by/);
    expect(rec.callsOf('ContinueServiceDeployment').filter((i) => i.action === 'ROLLBACK')).toEqual([]);
    expect(rec.callsOf('StopServiceDeployment')).toEqual([]);
    // The other deployment goes its way: ecsdeploy's pauses are not on it, nothing holds it.
    await world.sb.clock.sleep(30 * 60_000);
    const theirs = await serviceDeployment(world.ports, otherArn);
    expect(theirs?.status).toBe('SUCCESSFUL');
    expect(await snapshot(world.ports, 'linear')).toMatchObject({ pauseHooks: 0, stateTags: {} });
  });
});

describe("ECS-native strategies on the sandbox: someone else's deployment carrying ecsdeploy's pause hooks", () => {
  it('another tool deploys right after ecsdeploy: its deployment carries the pauses, ecsdeploy releases them (CONTINUE only)', async () => {
    const world = nativeWorld({ scenario: 'healthy-canary.yaml' });
    const { rec, context } = world.record();
    let other: string | undefined;
    rec.afterCall = async (call) => {
      // ecsdeploy's UpdateService put its pauses on the service; before it takes them off, another tool deploys.
      if (!other && call.op === 'UpdateService' && call.input.taskDefinition) {
        const out = await world.ports.ecs.updateService({ cluster: 'shop', service: 'shop-api', forceNewDeployment: true });
        other = out.service?.currentServiceDeployment;
      }
    };
    const r = await cli([...JSON_APPLY, '-n', 'linear'], { cwd: world.cwd, env: ENV, context });
    expect(other).toBeTruthy();
    const theirs = await serviceDeployment(world.ports, other as string);
    // The other deployment does carry ecsdeploy's pauses (the service had them when it started)...
    expect((theirs?.deploymentConfiguration?.lifecycleHooks ?? []).filter((h) => h.targetType === 'PAUSE').length).toBeGreaterThan(0);
    expect(r.code).toBe(1);
    expect(finished(r.events)?.reason).toMatch(/replaced by/);
    // ...and ecsdeploy answered them, on that deployment, only ever with CONTINUE: never held, never rolled back.
    const answers = rec.callsOf('ContinueServiceDeployment');
    expect(answers.length).toBeGreaterThan(0);
    expect(new Set(answers.map((i) => `${i.serviceDeploymentArn} ${i.action}`))).toEqual(new Set([`${other} CONTINUE`]));
    expect(rec.count('StopServiceDeployment')).toBe(0);
    await world.sb.clock.sleep(30 * 60_000);
    expect((await serviceDeployment(world.ports, other as string))?.status).toBe('SUCCESSFUL');
    expect(await snapshot(world.ports, 'linear')).toMatchObject({ pauseHooks: 0, stateTags: {} });
  });
});

describe('ECS-native strategies on the sandbox: --on-interrupt leave, then apply --resume', () => {
  it('the deployment waits at the next pause with its state recorded; apply --resume takes it up and finishes it', async () => {
    const world = nativeWorld({ scenario: 'healthy-canary.yaml' });
    const s = world.strategyOf('linear');
    const ctl = new AbortController();
    const { rec, context } = world.record();
    const left = await cli([...JSON_APPLY, '--on-interrupt', 'leave', '-n', 'linear'], {
      cwd: world.cwd,
      env: ENV,
      context: { ...context, signal: ctl.signal },
      onStdout: (text) => {
        if (!ctl.signal.aborted && text.includes('"type":"ecs-native.stage"') && text.includes('"stage":"PRODUCTION_TRAFFIC_SHIFT"')) {
          ctl.abort(new Error('received SIGINT'));
        }
      },
    });
    expect(left.code).toBe(130);
    expect(finished(left.events)).toMatchObject({ outcome: 'interrupted' });
    expect(rec.callsOf('ContinueServiceDeployment').filter((i) => i.action === 'ROLLBACK')).toEqual([]);
    expect(rec.count('StopServiceDeployment')).toBe(0);
    expect((await snapshot(world.ports, 'linear')).stateTags).toMatchObject({ 'ecsdeploy:ecs-native:phase': 'interrupted' });

    const plan = await cli(['plan', '--detailed-exitcode', '-n', 'linear'], { cwd: world.cwd, env: ENV, context: world.record().context });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('ecsdeploy apply --resume');

    const resumed = await cli([...JSON_APPLY, '--resume', '-n', 'linear'], { cwd: world.cwd, env: ENV, context: world.record().context });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(finished(resumed.events)).toMatchObject({ outcome: 'succeeded' });
    expect(await shares(world.ports, s.productionListenerRule)).toEqual({ [BLUE.linear]: 0, [GREEN.linear]: 100 });
    expect(await snapshot(world.ports, 'linear')).toMatchObject({ taskDefinition: 'shop-api:2', pauseHooks: 0, stateTags: {} });
  });
});
