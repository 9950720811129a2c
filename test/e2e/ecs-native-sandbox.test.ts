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
