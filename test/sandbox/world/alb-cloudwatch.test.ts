import { describe, expect, it } from 'vitest';
import type { SandboxApiError, Scenario, World } from '../../../src/sandbox/world/index.js';
import { describeService, type Json, NETWORK, newWorld, register, runUntil, type TestClock } from './helpers.js';

interface Alb {
  world: World;
  clock: TestClock;
  stable: string;
  canary: string;
  rule: string;
  dims: (tg: string) => { Name: string; Value: string }[];
}

/** A load balancer whose rule splits traffic between a stable and a canary service. */
function alb(weights: [number, number], scenario: Scenario = { images: [], faults: [] }): Alb {
  const { world, clock } = newWorld(scenario);
  const lb = ((world.dispatch('elbv2', 'CreateLoadBalancer', { Name: 'shop', Subnets: ['s-1', 's-2'] }).LoadBalancers as Json[])[0] as Json)
    .LoadBalancerArn as string;
  const tg = (name: string) =>
    (
      (
        world.dispatch('elbv2', 'CreateTargetGroup', {
          Name: name,
          Protocol: 'HTTP',
          Port: '8080',
          VpcId: 'vpc-1',
          TargetType: 'ip',
          HealthCheckIntervalSeconds: '10',
          HealthyThresholdCount: '2',
        }).TargetGroups as Json[]
      )[0] as Json
    ).TargetGroupArn as string;
  const stable = tg('web-stable');
  const canary = tg('web-canary');
  const listener = (
    (
      world.dispatch('elbv2', 'CreateListener', {
        LoadBalancerArn: lb,
        Protocol: 'HTTP',
        Port: '80',
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
      }).Listeners as Json[]
    )[0] as Json
  ).ListenerArn as string;
  const rule = (
    (
      world.dispatch('elbv2', 'CreateRule', {
        ListenerArn: listener,
        Priority: '10',
        Conditions: [{ Field: 'path-pattern', Values: ['/*'] }],
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: stable, Weight: String(weights[0]) },
                { TargetGroupArn: canary, Weight: String(weights[1]) },
              ],
            },
          },
        ],
      }).Rules as Json[]
    )[0] as Json
  ).RuleArn as string;
  world.dispatch('ecs', 'CreateCluster', { clusterName: 'shop' });
  for (const [name, tgArn, image] of [
    ['web', stable, 'repo/web:1'],
    ['web-canary', canary, 'repo/web:2'],
  ] as const) {
    world.dispatch('ecs', 'CreateService', {
      cluster: 'shop',
      serviceName: name,
      taskDefinition: register(world, name, image),
      desiredCount: 2,
      networkConfiguration: NETWORK,
      loadBalancers: [{ targetGroupArn: tgArn, containerName: 'app', containerPort: 8080 }],
    });
  }
  runUntil(world, clock, () =>
    ['web', 'web-canary'].every((s) => (describeService(world, 'shop', s).deployments as Json[])[0]?.rolloutState === 'COMPLETED'),
  );
  const lbDim = lb.slice(lb.indexOf('loadbalancer/') + 'loadbalancer/'.length);
  return {
    world,
    clock,
    stable,
    canary,
    rule,
    dims: (t) => [
      { Name: 'TargetGroup', Value: t.slice(t.indexOf('targetgroup/')) },
      { Name: 'LoadBalancer', Value: lbDim },
    ],
  };
}

function metric(a: Alb, tg: string, name: string, stat = 'Sum'): Json {
  return { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: name, Dimensions: a.dims(tg) }, Period: 60, Stat: stat };
}

function query(a: Alb, queries: Json[], minutes = 5): Json[] {
  const end = a.clock.ms;
  const out = a.world.dispatch('cloudwatch', 'GetMetricData', {
    MetricDataQueries: queries,
    StartTime: (end - minutes * 60_000) / 1000,
    EndTime: end / 1000,
  });
  return out.MetricDataResults as Json[];
}

describe('ALB routing and metrics (aws-semantics §3, §4.2)', () => {
  it('splits each minute of traffic by the rule weights, newest datapoint first', () => {
    const a = alb([90, 10]);
    a.clock.advance(180_000);
    const [stable, canary] = query(a, [
      { Id: 'stable', MetricStat: metric(a, a.stable, 'RequestCount') },
      { Id: 'canary', MetricStat: metric(a, a.canary, 'RequestCount') },
    ]);
    expect(((stable as Json).Values as number[]).slice(0, 3)).toEqual([540, 540, 540]);
    expect(((canary as Json).Values as number[]).slice(0, 3)).toEqual([60, 60, 60]);
    const ts = stable?.Timestamps as Date[];
    expect(ts[0]?.getTime()).toBeGreaterThan(ts[1]?.getTime() ?? 0);
  });

  it('publishes no datapoints for a target group that gets no traffic', () => {
    const a = alb([100, 0]);
    a.clock.advance(180_000);
    const [canary] = query(a, [{ Id: 'canary', MetricStat: metric(a, a.canary, 'RequestCount') }]);
    expect(canary?.Values).toEqual([]);
  });

  it('answers with the error rate and latency of the image behind the targets, and evaluates gate metric math', () => {
    const a = alb([50, 50], { images: [{ match: '*:2', errorRate: 0.2, latencyMs: 800 }], faults: [] });
    a.clock.advance(120_000);
    const results = query(a, [
      { Id: 'err', MetricStat: metric(a, a.canary, 'HTTPCode_Target_5XX_Count'), ReturnData: false },
      { Id: 'req', MetricStat: metric(a, a.canary, 'RequestCount'), ReturnData: false },
      { Id: 'errs', MetricStat: metric(a, a.stable, 'HTTPCode_Target_5XX_Count'), ReturnData: false },
      { Id: 'reqs', MetricStat: metric(a, a.stable, 'RequestCount'), ReturnData: false },
      { Id: 'rate', Expression: 'IF(req > 0, 100 * FILL(err, 0) / req, 0)' },
      { Id: 'stablerate', Expression: 'IF(reqs > 0, 100 * FILL(errs, 0) / reqs, 0)' },
      { Id: 'p99', MetricStat: metric(a, a.canary, 'TargetResponseTime', 'p99') },
      { Id: 'total', Expression: 'SUM(req) + SUM(reqs)' },
    ]);
    const byId = Object.fromEntries(results.map((r) => [r.Id, r.Values as number[]]));
    expect(Object.keys(byId).sort()).toEqual(['p99', 'rate', 'stablerate', 'total']);
    expect(byId.rate?.[0]).toBeCloseTo(20, 5);
    expect(byId.stablerate?.[0]).toBe(0);
    expect(byId.p99?.[0]).toBeCloseTo(0.8, 5);
    expect(byId.total?.[0]).toBe(600 * (byId.rate?.length ?? 0));
  });

  it('coerces query-protocol strings, replaces whole lists on ModifyRule and rejects weights above 999', () => {
    const a = alb([100, 0]);
    const modified = a.world.dispatch('elbv2', 'ModifyRule', {
      RuleArn: a.rule,
      Actions: [
        {
          Type: 'forward',
          ForwardConfig: { TargetGroups: [{ TargetGroupArn: a.canary, Weight: '7' }], TargetGroupStickinessConfig: { Enabled: 'false' } },
        },
      ],
    });
    const action = (((modified.Rules as Json[])[0] as Json).Actions as Json[])[0];
    expect(action).toEqual({
      Type: 'forward',
      TargetGroupArn: a.canary,
      ForwardConfig: { TargetGroups: [{ TargetGroupArn: a.canary, Weight: 7 }], TargetGroupStickinessConfig: { Enabled: false } },
    });
    const described = a.world.dispatch('elbv2', 'DescribeRules', { RuleArns: [a.rule] }).Rules as Json[];
    expect(((described[0] as Json).Conditions as Json[])[0]).toEqual({ Field: 'path-pattern', Values: ['/*'] });
    let code = '';
    try {
      a.world.dispatch('elbv2', 'ModifyRule', {
        RuleArn: a.rule,
        Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: a.canary, Weight: '1000' }] } }],
      });
    } catch (e) {
      code = (e as SandboxApiError).code;
    }
    expect(code).toBe('ValidationError');
  });

  it('drains the targets of stopped tasks and reports target health states', () => {
    const a = alb([100, 0]);
    a.world.dispatch('ecs', 'UpdateService', { cluster: 'shop', service: 'web', desiredCount: 1 });
    const health = a.world.dispatch('elbv2', 'DescribeTargetHealth', { TargetGroupArn: a.stable }).TargetHealthDescriptions as Json[];
    expect(health.map((h) => (h.TargetHealth as Json).State).sort()).toEqual(['draining', 'healthy']);
    expect(health.find((h) => (h.TargetHealth as Json).State === 'draining')?.TargetHealth).toMatchObject({
      Reason: 'Target.DeregistrationInProgress',
    });
    a.clock.advance(400_000);
    const after = a.world.dispatch('elbv2', 'DescribeTargetHealth', { TargetGroupArn: a.stable }).TargetHealthDescriptions as Json[];
    expect(after.map((h) => (h.TargetHealth as Json).State)).toEqual(['healthy']);
  });
});

describe('CloudWatch alarms (aws-semantics §4.1)', () => {
  function alarmWorld(treat: string, datapointsToAlarm = 2) {
    const { world, clock } = newWorld();
    world.dispatch('cloudwatch', 'PutMetricAlarm', {
      AlarmName: 'errors',
      Namespace: 'App',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: datapointsToAlarm,
      Threshold: 10,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: treat,
    });
    const put = (v: number) =>
      world.dispatch('cloudwatch', 'PutMetricData', {
        Namespace: 'App',
        MetricData: [{ MetricName: 'Errors', Value: v, Timestamp: clock.ms / 1000 }],
      });
    const state = () => (world.dispatch('cloudwatch', 'DescribeAlarms', { AlarmNames: ['errors'] }).MetricAlarms as Json[])[0] as Json;
    return { world, clock, put, state };
  }

  it('goes to ALARM when M of the last N periods breach, and back to OK', () => {
    const { clock, put, state } = alarmWorld('notBreaching');
    expect(state().StateValue).toBe('INSUFFICIENT_DATA');
    clock.advance(60_000);
    expect(state().StateValue).toBe('OK');
    put(50);
    clock.advance(60_000);
    expect(state().StateValue).toBe('OK');
    put(50);
    clock.advance(60_000);
    const alarmed = state();
    expect(alarmed.StateValue).toBe('ALARM');
    expect(String(alarmed.StateReason)).toMatch(
      /^Threshold Crossed: 2 out of the last 3 datapoints \[50 .*\] were greater than the threshold \(10\)/,
    );
    expect(alarmed.StateTransitionedTimestamp).toEqual(new Date(clock.ms));
    clock.advance(180_000);
    expect(state().StateValue).toBe('OK');
  });

  it('treats missing data as missing (INSUFFICIENT_DATA), breaching, or ignored (state kept)', () => {
    const missing = alarmWorld('missing');
    missing.clock.advance(240_000);
    expect(missing.state().StateValue).toBe('INSUFFICIENT_DATA');
    const breaching = alarmWorld('breaching');
    breaching.clock.advance(240_000);
    expect(breaching.state().StateValue).toBe('ALARM');
    const ignore = alarmWorld('ignore', 1);
    ignore.put(50);
    ignore.clock.advance(60_000);
    expect(ignore.state().StateValue).toBe('ALARM');
    ignore.clock.advance(600_000);
    expect(ignore.state().StateValue).toBe('ALARM');
  });

  it('holds a state set by SetAlarmState until the next evaluation', () => {
    const { world, clock, state } = alarmWorld('notBreaching');
    clock.advance(60_000);
    world.dispatch('cloudwatch', 'SetAlarmState', { AlarmName: 'errors', StateValue: 'ALARM', StateReason: 'testing' });
    expect(state()).toMatchObject({ StateValue: 'ALARM', StateReason: 'testing' });
    clock.advance(120_000);
    expect(state().StateValue).toBe('OK');
  });

  it('returns composite alarms only when AlarmTypes asks for them', () => {
    const { world } = alarmWorld('notBreaching');
    world.dispatch('cloudwatch', 'PutCompositeAlarm', { AlarmName: 'any', AlarmRule: 'ALARM(errors)' });
    const plain = world.dispatch('cloudwatch', 'DescribeAlarms', {});
    expect((plain.MetricAlarms as Json[]).map((a) => a.AlarmName)).toEqual(['errors']);
    expect(plain.CompositeAlarms).toEqual([]);
    const both = world.dispatch('cloudwatch', 'DescribeAlarms', { AlarmTypes: ['CompositeAlarm', 'MetricAlarm'] });
    expect((both.CompositeAlarms as Json[]).map((a) => a.AlarmName)).toEqual(['any']);
  });

  it('evaluates metric-math alarms', () => {
    const { world, clock } = newWorld();
    world.dispatch('cloudwatch', 'PutMetricAlarm', {
      AlarmName: 'rate',
      EvaluationPeriods: 1,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      Metrics: [
        { Id: 'e', MetricStat: { Metric: { Namespace: 'App', MetricName: 'E' }, Period: 60, Stat: 'Sum' }, ReturnData: false },
        { Id: 'r', MetricStat: { Metric: { Namespace: 'App', MetricName: 'R' }, Period: 60, Stat: 'Sum' }, ReturnData: false },
        { Id: 'pct', Expression: '100 * FILL(e, 0) / r', ReturnData: true },
      ],
    });
    world.dispatch('cloudwatch', 'PutMetricData', {
      Namespace: 'App',
      MetricData: [
        { MetricName: 'E', Value: 10, Timestamp: clock.ms / 1000 },
        { MetricName: 'R', Value: 100, Timestamp: clock.ms / 1000 },
      ],
    });
    clock.advance(60_000);
    expect(((world.dispatch('cloudwatch', 'DescribeAlarms', { AlarmNames: ['rate'] }).MetricAlarms as Json[])[0] as Json).StateValue).toBe(
      'ALARM',
    );
  });
});
