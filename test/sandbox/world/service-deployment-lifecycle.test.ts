/**
 * ECS-native BLUE_GREEN, LINEAR and CANARY deployments in the sandbox world (aws-semantics §1.8–§1.10): stages in
 * order, green tasks in the alternate target group, test then production weights moved on the listener rules,
 * pause hooks answered by ContinueServiceDeployment, Lambda hooks answered by the scenario, bake times, rollbacks
 * (hook, timeout, stop, alarm) putting traffic back on blue, and target groups alternating between deployments.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../src/sandbox/world/index.js';
import { describeService, type Json } from './helpers.js';
import { awaiting, LAMBDA_ROLE, nativeWorld, pauseHook } from './native-world.js';

const BLUE_GREEN = { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 };

function tasksIn(nw: ReturnType<typeof nativeWorld>, tg: string): number {
  const out = nw.world.dispatch('elbv2', 'DescribeTargetHealth', { TargetGroupArn: tg });
  return (out.TargetHealthDescriptions as Json[]).filter((t) => (t.TargetHealth as Json).State !== 'draining').length;
}

describe('ECS-native deployments in the sandbox', () => {
  it('BLUE_GREEN walks the stages in order, green in the alternate target group, test traffic before production', () => {
    const nw = nativeWorld();
    const next = nw.revision('shop/web:2');
    // A pause at every stage a pause may take: each is seen, in order, with the weights of that moment.
    const out = nw.deploy(next, {
      ...BLUE_GREEN,
      lifecycleHooks: [
        pauseHook([
          'PRE_SCALE_UP',
          'POST_SCALE_UP',
          'POST_TEST_TRAFFIC_SHIFT',
          'PRE_PRODUCTION_TRAFFIC_SHIFT',
          'POST_PRODUCTION_TRAFFIC_SHIFT',
        ]),
      ],
    });
    expect(out.currentServiceDeployment).toMatch(/service-deployment\/shop\/web\//);
    const seen: [string, number, number, number][] = [];
    for (;;) {
      nw.until((x) => awaiting(x) !== undefined || x.status === 'SUCCESSFUL', 3_600_000, 1_000);
      const now = nw.current();
      if (now.status === 'SUCCESSFUL') break;
      seen.push([
        String(now.lifecycleStage),
        tasksIn(nw, nw.alternate),
        nw.greenShare(nw.testRule, nw.alternate),
        nw.greenShare(nw.productionRule, nw.alternate),
      ]);
      nw.world.dispatch('ecs', 'ContinueServiceDeployment', {
        serviceDeploymentArn: now.serviceDeploymentArn,
        hookId: (awaiting(now) as Json).hookId,
      });
    }
    // [stage, green tasks in the alternate target group, green's test %, green's production %]
    expect(seen).toEqual([
      ['PRE_SCALE_UP', 0, 0, 0],
      ['POST_SCALE_UP', 2, 0, 0],
      ['POST_TEST_TRAFFIC_SHIFT', 2, 100, 0],
      ['PRE_PRODUCTION_TRAFFIC_SHIFT', 2, 100, 0],
      ['POST_PRODUCTION_TRAFFIC_SHIFT', 2, 100, 100],
    ]);
    expect(nw.greenShare(nw.productionRule, nw.alternate)).toBe(100);
    expect(tasksIn(nw, nw.alternate)).toBe(2);
    expect(tasksIn(nw, nw.primary)).toBe(0);
    const svc = describeService(nw.world, 'shop', 'web');
    expect(svc.taskDefinition).toBe(next);
    expect((svc.deployments as Json[]).map((d) => [d.status, d.rolloutState])).toEqual([['PRIMARY', 'COMPLETED']]);
  });

  it('holds BAKE_TIME for bakeTimeInMinutes with blue still running, then cleans blue up', () => {
    const nw = nativeWorld();
    nw.deploy(nw.revision('shop/web:2'), { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 20 });
    nw.until((sd) => sd.lifecycleStage === 'BAKE_TIME', 3_600_000, 1_000);
    const bakeStart = nw.clock.ms;
    expect(tasksIn(nw, nw.primary)).toBe(2);
    nw.until((sd) => sd.lifecycleStage === 'CLEAN_UP' || sd.status === 'SUCCESSFUL', 3_600_000, 1_000);
    expect(nw.clock.ms - bakeStart).toBeGreaterThanOrEqual(20 * 60_000);
    expect(nw.clock.ms - bakeStart).toBeLessThan(21 * 60_000);
  });

  it('target groups alternate: the next deployment takes the primary target group back', () => {
    const nw = nativeWorld();
    nw.deploy(nw.revision('shop/web:2'), BLUE_GREEN);
    nw.until((sd) => sd.status === 'SUCCESSFUL');
    const third = nw.revision('shop/web:3');
    nw.deploy(third, BLUE_GREEN);
    nw.until((sd) => sd.status === 'SUCCESSFUL');
    expect(nw.greenShare(nw.productionRule, nw.primary)).toBe(100);
    expect(tasksIn(nw, nw.primary)).toBe(2);
    expect(tasksIn(nw, nw.alternate)).toBe(0);
    const revision = String((nw.current().targetServiceRevision as Json).arn);
    const described = nw.world.dispatch('ecs', 'DescribeServiceRevisions', { serviceRevisionArns: [revision] });
    expect(((described.serviceRevisions as Json[])[0] as Json).resolvedConfiguration).toEqual({
      loadBalancers: [{ targetGroupArn: nw.primary, productionListenerRule: nw.productionRule }],
    });
  });

  it('a PAUSE hook waits for ContinueServiceDeployment; LINEAR pauses before every production step', () => {
    const nw = nativeWorld();
    nw.deploy(nw.revision('shop/web:2'), {
      strategy: 'LINEAR',
      bakeTimeInMinutes: 0,
      linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 },
      lifecycleHooks: [pauseHook(['PRE_PRODUCTION_TRAFFIC_SHIFT'])],
    });
    const weightsAtPauses: number[] = [];
    for (let i = 0; i < 4; i++) {
      nw.until((sd) => awaiting(sd) !== undefined, 3_600_000, 1_000);
      const sd = nw.current();
      expect(sd.lifecycleStage).toBe('PRE_PRODUCTION_TRAFFIC_SHIFT');
      // Nothing moves while the hook awaits action.
      nw.clock.advance(30 * 60_000);
      expect(nw.current().lifecycleStage).toBe('PRE_PRODUCTION_TRAFFIC_SHIFT');
      weightsAtPauses.push(Number((sd.targetServiceRevision as Json).requestedProductionTrafficWeight));
      expect(nw.greenShare(nw.productionRule, nw.alternate)).toBe(weightsAtPauses.at(-1));
      nw.world.dispatch('ecs', 'ContinueServiceDeployment', {
        serviceDeploymentArn: sd.serviceDeploymentArn,
        hookId: (awaiting(sd) as Json).hookId,
        action: 'CONTINUE',
      });
    }
    nw.until((sd) => sd.status === 'SUCCESSFUL');
    expect(weightsAtPauses).toEqual([0, 25, 50, 75]);
  });

  it('ContinueServiceDeployment ROLLBACK rolls back: traffic back on blue, green scaled in, blue PRIMARY', () => {
    const nw = nativeWorld();
    const before = describeService(nw.world, 'shop', 'web').taskDefinition;
    nw.deploy(nw.revision('shop/web:2'), { ...BLUE_GREEN, lifecycleHooks: [pauseHook(['POST_TEST_TRAFFIC_SHIFT'])] });
    nw.until((sd) => awaiting(sd) !== undefined);
    expect(nw.greenShare(nw.testRule, nw.alternate)).toBe(100);
    const sd = nw.current();
    nw.world.dispatch('ecs', 'ContinueServiceDeployment', {
      serviceDeploymentArn: sd.serviceDeploymentArn,
      hookId: (awaiting(sd) as Json).hookId,
      action: 'ROLLBACK',
    });
    expect(nw.current().status).toMatch(/^ROLLBACK_(REQUESTED|IN_PROGRESS)$/);
    nw.until((x) => x.status === 'ROLLBACK_SUCCESSFUL');
    expect(nw.greenShare(nw.testRule, nw.alternate)).toBe(0);
    expect(nw.greenShare(nw.productionRule, nw.alternate)).toBe(0);
    expect(tasksIn(nw, nw.alternate)).toBe(0);
    const svc = describeService(nw.world, 'shop', 'web');
    expect(svc.taskDefinition).toBe(before);
    expect(nw.current().rollback).toMatchObject({ reason: expect.stringMatching(/ContinueServiceDeployment/) });
  });

  it('ContinueServiceDeployment refuses a hook that is not awaiting action and a deployment not in progress', () => {
    const nw = nativeWorld();
    nw.deploy(nw.revision('shop/web:2'), { ...BLUE_GREEN, lifecycleHooks: [pauseHook(['POST_SCALE_UP'])] });
    nw.until((sd) => awaiting(sd) !== undefined);
    const sd = nw.current();
    const hookId = String((awaiting(sd) as Json).hookId);
    const call = (input: Json) => {
      try {
        nw.world.dispatch('ecs', 'ContinueServiceDeployment', input);
        return undefined;
      } catch (e) {
        return e as { code?: string; message: string };
      }
    };
    expect(call({ serviceDeploymentArn: sd.serviceDeploymentArn, hookId: 'ecs-pause-nope' })).toMatchObject({
      code: 'InvalidParameterException',
    });
    expect(call({ serviceDeploymentArn: `${String(sd.serviceDeploymentArn)}x`, hookId })).toMatchObject({
      code: 'ServiceDeploymentNotFoundException',
    });
    expect(call({ serviceDeploymentArn: sd.serviceDeploymentArn, hookId, action: 'MAYBE' })).toMatchObject({
      code: 'InvalidParameterException',
    });
    expect(call({ serviceDeploymentArn: sd.serviceDeploymentArn, hookId })).toBeUndefined();
    // The hook was answered: the deployment moved on, and the hook can be answered no more.
    expect(call({ serviceDeploymentArn: sd.serviceDeploymentArn, hookId })).toMatchObject({ code: 'InvalidParameterException' });
    nw.until((x) => x.status === 'SUCCESSFUL');
    expect(call({ serviceDeploymentArn: sd.serviceDeploymentArn, hookId })).toMatchObject({
      code: 'InvalidParameterException',
      message: expect.stringMatching(/SUCCESSFUL/),
    });
  });

  it('a pause hook that times out takes its timeout action: ROLLBACK rolls back, CONTINUE goes on', () => {
    const rollback = nativeWorld();
    rollback.deploy(rollback.revision('shop/web:2'), { ...BLUE_GREEN, lifecycleHooks: [pauseHook(['POST_TEST_TRAFFIC_SHIFT'], 3)] });
    rollback.until((sd) => awaiting(sd) !== undefined);
    const expires = new Date(String((awaiting(rollback.current()) as Json).expiresAt)).getTime();
    expect((awaiting(rollback.current()) as Json).timeoutAction).toBe('ROLLBACK');
    rollback.until((sd) => sd.status !== 'IN_PROGRESS');
    expect(rollback.clock.ms).toBeGreaterThanOrEqual(expires);
    expect(rollback.current()).toMatchObject({ statusReason: expect.stringMatching(/timed out at POST_TEST_TRAFFIC_SHIFT/) });
    rollback.until((sd) => sd.status === 'ROLLBACK_SUCCESSFUL');

    const goOn = nativeWorld();
    goOn.deploy(goOn.revision('shop/web:2'), { ...BLUE_GREEN, lifecycleHooks: [pauseHook(['POST_TEST_TRAFFIC_SHIFT'], 3, 'CONTINUE')] });
    goOn.until((sd) => sd.status === 'SUCCESSFUL');
  });

  it('a Lambda hook answers what the scenario says: FAILED rolls back, IN_PROGRESS is asked again until it times out', () => {
    const scenario = parseScenario(
      'hooks:\n  - match: smoke-test\n    status: FAILED\n  - match: "*:function:slow"\n    status: IN_PROGRESS\n',
      'hooks.yaml',
    );
    const failing = nativeWorld(scenario);
    failing.deploy(failing.revision('shop/web:2'), {
      strategy: 'CANARY',
      bakeTimeInMinutes: 0,
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 2 },
      lifecycleHooks: [
        {
          targetType: 'AWS_LAMBDA',
          hookTargetArn: 'arn:aws:lambda:us-east-1:123456789012:function:smoke-test',
          roleArn: LAMBDA_ROLE,
          lifecycleStages: ['PRODUCTION_TRAFFIC_SHIFT'],
        },
      ],
    });
    let sawCanary = false;
    failing.until(
      (sd) => {
        if (sd.lifecycleStage === 'PRODUCTION_TRAFFIC_SHIFT' && sd.status === 'IN_PROGRESS') {
          sawCanary ||= failing.greenShare(failing.productionRule, failing.alternate) === 10;
        }
        return sd.status === 'ROLLBACK_SUCCESSFUL';
      },
      3_600_000,
      500,
    );
    expect(sawCanary).toBe(true);
    expect(failing.current().statusReason).toMatch(/function:smoke-test failed at PRODUCTION_TRAFFIC_SHIFT/);
    expect(failing.greenShare(failing.productionRule, failing.alternate)).toBe(0);

    const slow = nativeWorld(scenario);
    slow.deploy(slow.revision('shop/web:2'), {
      ...BLUE_GREEN,
      lifecycleHooks: [
        {
          hookTargetArn: 'arn:aws:lambda:us-east-1:123456789012:function:slow',
          roleArn: LAMBDA_ROLE,
          lifecycleStages: ['POST_SCALE_UP'],
          timeoutConfiguration: { timeoutInMinutes: 2 },
        },
      ],
    });
    slow.until((sd) => sd.lifecycleStage === 'POST_SCALE_UP');
    expect(((slow.current().lifecycleHookDetails as Json[])[0] as Json).status).toBe('IN_PROGRESS');
    slow.until((sd) => sd.status === 'ROLLBACK_SUCCESSFUL');
    expect(slow.current().statusReason).toMatch(/function:slow timed out at POST_SCALE_UP/);
  });

  it('StopServiceDeployment ROLLBACK mid-production puts production back on blue; a finished deployment is a conflict', () => {
    const nw = nativeWorld();
    nw.deploy(nw.revision('shop/web:2'), {
      strategy: 'LINEAR',
      bakeTimeInMinutes: 0,
      linearConfiguration: { stepPercent: 50, stepBakeTimeInMinutes: 10 },
    });
    nw.until((sd) => Number((sd.targetServiceRevision as Json).requestedProductionTrafficWeight) === 50, 3_600_000, 1_000);
    expect(nw.greenShare(nw.productionRule, nw.alternate)).toBe(50);
    const arn = nw.current().serviceDeploymentArn;
    nw.world.dispatch('ecs', 'StopServiceDeployment', { serviceDeploymentArn: arn, stopType: 'ROLLBACK' });
    nw.until((sd) => sd.status === 'ROLLBACK_SUCCESSFUL');
    expect(nw.greenShare(nw.productionRule, nw.alternate)).toBe(0);
    expect(() => nw.world.dispatch('ecs', 'StopServiceDeployment', { serviceDeploymentArn: arn })).toThrow(/ROLLBACK_SUCCESSFUL/);
  });

  it('a deployment alarm going off during a LINEAR production step rolls back', () => {
    const nw = nativeWorld();
    nw.world.dispatch('cloudwatch', 'PutMetricAlarm', {
      AlarmName: 'web-5xx',
      Namespace: 'AWS/ECS',
      MetricName: 'CPUUtilization',
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 90,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    nw.world.dispatch('cloudwatch', 'SetAlarmState', { AlarmName: 'web-5xx', StateValue: 'OK', StateReason: 'test' });
    nw.deploy(nw.revision('shop/web:2'), {
      strategy: 'LINEAR',
      bakeTimeInMinutes: 0,
      linearConfiguration: { stepPercent: 20, stepBakeTimeInMinutes: 5 },
      alarms: { alarmNames: ['web-5xx'], enable: true, rollback: true },
    });
    nw.until((sd) => Number((sd.targetServiceRevision as Json).requestedProductionTrafficWeight) === 40, 3_600_000, 1_000);
    nw.world.dispatch('cloudwatch', 'SetAlarmState', { AlarmName: 'web-5xx', StateValue: 'ALARM', StateReason: 'test' });
    nw.until((sd) => sd.status !== 'IN_PROGRESS', 3_600_000, 1_000);
    expect(nw.current()).toMatchObject({
      status: expect.stringMatching(/^ROLLBACK_/),
      alarms: { status: 'TRIGGERED', triggeredAlarmNames: ['web-5xx'] },
    });
    nw.until((sd) => sd.status === 'ROLLBACK_SUCCESSFUL');
    expect(nw.greenShare(nw.productionRule, nw.alternate)).toBe(0);
  });

  it('a plain UpdateService during a deployment supersedes it: traffic back on blue, the new deployment starts from blue', () => {
    const nw = nativeWorld();
    nw.deploy(nw.revision('shop/web:2'), { ...BLUE_GREEN, lifecycleHooks: [pauseHook(['POST_TEST_TRAFFIC_SHIFT'])] });
    nw.until((sd) => awaiting(sd) !== undefined);
    const first = nw.current().serviceDeploymentArn;
    const third = nw.revision('shop/web:3');
    nw.world.dispatch('ecs', 'UpdateService', { cluster: 'shop', service: 'web', taskDefinition: third });
    const stopped = (
      nw.world.dispatch('ecs', 'DescribeServiceDeployments', { serviceDeploymentArns: [first] }).serviceDeployments as Json[]
    )[0];
    expect(stopped).toMatchObject({ status: 'STOPPED' });
    expect(nw.greenShare(nw.testRule, nw.alternate)).toBe(0);
    // The new deployment has the service's hooks too: it pauses at the same stage, in the same green target group.
    nw.until((sd) => awaiting(sd) !== undefined);
    expect(nw.greenShare(nw.testRule, nw.alternate)).toBe(100);
  });

  it('UpdateService refuses settings outside AWS ranges and a PAUSE hook at a traffic-shift stage, changing nothing', () => {
    const nw = nativeWorld();
    const next = nw.revision('shop/web:2');
    const bad: [Json, RegExp][] = [
      [{ strategy: 'BLUE_GREEN' }, /bakeTimeInMinutes is required/],
      [{ strategy: 'LINEAR', linearConfiguration: { stepPercent: 2.5 } }, /stepPercent must be a multiple of 0.1 between 3.0 and 100.0/],
      [{ strategy: 'LINEAR', linearConfiguration: { stepPercent: 10.05 } }, /multiple of 0.1/],
      [{ strategy: 'CANARY', canaryConfiguration: { canaryBakeTimeInMinutes: 1441 } }, /between 0 and 1440/],
      [{ strategy: 'CANARY', linearConfiguration: { stepPercent: 10 } }, /only valid when the deployment strategy is LINEAR/],
      [{ ...BLUE_GREEN, lifecycleHooks: [pauseHook(['TEST_TRAFFIC_SHIFT'])] }, /PAUSE hooks cannot be configured/],
      [{ ...BLUE_GREEN, lifecycleHooks: [pauseHook(['POST_SCALE_UP'], 20161)] }, /between 1 and 20160/],
      [{ strategy: 'SIDEWAYS' }, /strategy must be one of/],
    ];
    for (const [dc, message] of bad) {
      expect(() => nw.deploy(next, dc)).toThrow(message);
    }
    const svc = describeService(nw.world, 'shop', 'web');
    expect(svc.taskDefinition).not.toBe(next);
    expect((svc.deploymentConfiguration as Json).strategy).toBe('ROLLING');
  });

  it('changing only the deployment configuration starts no deployment', () => {
    const nw = nativeWorld();
    nw.deploy(nw.revision('shop/web:2'), BLUE_GREEN);
    nw.until((sd) => sd.status === 'SUCCESSFUL');
    const before = nw.current().serviceDeploymentArn;
    nw.world.dispatch('ecs', 'UpdateService', {
      cluster: 'shop',
      service: 'web',
      deploymentConfiguration: { ...BLUE_GREEN, lifecycleHooks: [] },
    });
    expect(nw.current().serviceDeploymentArn).toBe(before);
  });
});
