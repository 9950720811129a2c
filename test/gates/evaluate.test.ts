/**
 * One gate evaluation against a mocked SDK (any unmocked call fails): exactly one DescribeAlarms and one
 * GetMetricData, their request shapes, and each check's verdict and evidence — fixed limits, baselines (including
 * a stable value of 0), minimum samples, the noData policies, and alarms (composite ones too, and one already in
 * ALARM when the hold started).
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandOutput,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import { evaluateGate } from '../../src/gates/evaluate.js';
import type { GateTargets } from '../../src/gates/types.js';
import type { GateConfig, MetricCheck } from '../../src/model/strategy.js';

const cloudwatch = mockClient(CloudWatchClient);
const ports = () => createAwsPorts({ region: 'us-east-1', env: { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' } });

beforeEach(() => {
  cloudwatch.reset();
  cloudwatch.onAnyCommand().rejects(new Error('unexpected CloudWatch call'));
});
afterAll(() => cloudwatch.restore());

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const WINDOW = { from: T0 + 60_000, to: T0 + 120_000 };
const TARGETS: GateTargets = new Map([
  ['canary', { targetGroup: 'targetgroup/web-canary/0000000000000002', loadBalancer: 'app/shop/50dc6c495c0c9188' }],
  ['stable', { targetGroup: 'targetgroup/web-stable/0000000000000001', loadBalancer: 'app/shop/50dc6c495c0c9188' }],
]);

const errorRate = (extra: Partial<MetricCheck> = {}): MetricCheck => ({
  name: 'error-rate',
  expression: '100 * FILL(errors, 0) / requests',
  queries: {
    errors: { metric: 'AWS/ApplicationELB HTTPCode_Target_5XX_Count', targetGroup: 'canary', stat: 'Sum', periodSeconds: 60 },
    requests: { metric: 'AWS/ApplicationELB RequestCount', targetGroup: 'canary', stat: 'Sum', periodSeconds: 60 },
  },
  ...extra,
});

const gateOf = (extra: Partial<GateConfig> = {}): GateConfig => ({
  intervalMs: 60_000,
  metricDelayMs: 60_000,
  failureLimit: 0,
  inconclusiveLimit: 0,
  noData: 'inconclusive',
  alarms: [],
  metrics: [],
  tasks: [],
  ...extra,
});

/** Answers GetMetricData from a table: query id → values (one per minute of the window, oldest first). */
function serveMetrics(values: Record<string, number[]>) {
  cloudwatch.on(GetMetricDataCommand).callsFake(async (input: GetMetricDataCommandInput) => {
    const results: MetricDataResult[] = (input.MetricDataQueries ?? [])
      .filter((q) => q.ReturnData !== false)
      .map((q) => {
        const vs = values[q.Id as string] ?? [];
        return {
          Id: q.Id,
          Timestamps: vs.map((_, i) => new Date(WINDOW.from + i * 60_000)).reverse(),
          Values: [...vs].reverse(),
          StatusCode: 'Complete',
        };
      });
    return { MetricDataResults: results, Messages: [] };
  });
}

function serveAlarms(out: Partial<DescribeAlarmsCommandOutput>) {
  cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], CompositeAlarms: [], ...out });
}

async function evaluate(gate: GateConfig, holdStart = T0) {
  return evaluateGate(
    { gate, targets: TARGETS, holdStart, index: 1, at: WINDOW.to + 60_000, window: WINDOW, tasks: [] },
    { ports: ports(), signal: new AbortController().signal },
  );
}

describe('a gate evaluation', () => {
  it('makes one DescribeAlarms for every alarm (metric and composite) and one GetMetricData for every query', async () => {
    serveAlarms({
      MetricAlarms: [
        { AlarmName: 'web-5xx', StateValue: 'OK' },
        { AlarmName: 'web-p99', StateValue: 'OK' },
      ],
      CompositeAlarms: [{ AlarmName: 'web-health', StateValue: 'OK' }],
    });
    serveMetrics({ c0: [0.5], s0: [0.4], c1: [0.2], requests_canary: [120], requests_stable: [1000] });
    const gate = gateOf({
      alarms: ['web-5xx', 'web-p99', 'web-health'],
      minRequests: 50,
      metrics: [
        errorRate({ max: 5, baseline: { maxIncrease: 1 } }),
        {
          name: 'p99',
          expression: 'latency',
          queries: {
            latency: {
              metric: 'AWS/ApplicationELB TargetResponseTime',
              targetGroup: 'canary',
              dimensions: { AvailabilityZone: 'us-east-1a' },
              stat: 'p99',
              periodSeconds: 60,
            },
          },
          max: 0.5,
        },
      ],
    });
    const e = await evaluate(gate);

    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)).toHaveLength(1);
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)[0]?.args[0].input).toEqual({
      AlarmNames: ['web-5xx', 'web-p99', 'web-health'],
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      MaxRecords: 100,
    });
    const calls = cloudwatch.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input as GetMetricDataCommandInput;
    expect(input.StartTime).toEqual(new Date(WINDOW.from));
    expect(input.EndTime).toEqual(new Date(WINDOW.to));
    expect(input.ScanBy).toBe('TimestampDescending');
    const canaryDims = [
      { Name: 'TargetGroup', Value: 'targetgroup/web-canary/0000000000000002' },
      { Name: 'LoadBalancer', Value: 'app/shop/50dc6c495c0c9188' },
    ];
    const stableDims = [
      { Name: 'TargetGroup', Value: 'targetgroup/web-stable/0000000000000001' },
      { Name: 'LoadBalancer', Value: 'app/shop/50dc6c495c0c9188' },
    ];
    const stat = (name: string, dims: object[], s = 'Sum') => ({
      Metric: { Namespace: 'AWS/ApplicationELB', MetricName: name, Dimensions: dims },
      Period: 60,
      Stat: s,
    });
    expect(input.MetricDataQueries).toEqual([
      { Id: 'c0_errors', MetricStat: stat('HTTPCode_Target_5XX_Count', canaryDims), ReturnData: false },
      { Id: 'c0_requests', MetricStat: stat('RequestCount', canaryDims), ReturnData: false },
      { Id: 'c0', Expression: '100 * FILL(c0_errors, 0) / c0_requests', Label: 'error-rate (canary)', ReturnData: true },
      { Id: 's0_errors', MetricStat: stat('HTTPCode_Target_5XX_Count', stableDims), ReturnData: false },
      { Id: 's0_requests', MetricStat: stat('RequestCount', stableDims), ReturnData: false },
      { Id: 's0', Expression: '100 * FILL(s0_errors, 0) / s0_requests', Label: 'error-rate (stable)', ReturnData: true },
      {
        Id: 'c1_latency',
        MetricStat: stat('TargetResponseTime', [...canaryDims, { Name: 'AvailabilityZone', Value: 'us-east-1a' }], 'p99'),
        ReturnData: false,
      },
      { Id: 'c1', Expression: 'c1_latency', Label: 'p99 (canary)', ReturnData: true },
      { Id: 'requests_canary', MetricStat: stat('RequestCount', canaryDims), Label: 'requests (canary)', ReturnData: true },
      { Id: 'requests_stable', MetricStat: stat('RequestCount', stableDims), Label: 'requests (stable)', ReturnData: true },
    ]);

    expect(e.outcome).toBe('pass');
    expect(e.checks).toEqual([
      { name: 'web-5xx', kind: 'alarm', outcome: 'pass', state: 'OK', detail: 'OK' },
      { name: 'web-p99', kind: 'alarm', outcome: 'pass', state: 'OK', detail: 'OK' },
      { name: 'web-health', kind: 'alarm', outcome: 'pass', state: 'OK', detail: 'OK' },
      {
        name: 'error-rate',
        kind: 'metric',
        outcome: 'pass',
        value: 0.5,
        threshold: { max: 5 },
        baseline: { maxIncrease: 1, value: 0.4 },
        samples: [
          { name: 'requests (canary)', value: 120, min: 50 },
          { name: 'requests (stable)', value: 1000, min: 50 },
        ],
        detail: '0.5 ≤ max 5; 0.5 is +0.1 vs stable 0.4 ≤ maxIncrease 1',
      },
      {
        name: 'p99',
        kind: 'metric',
        outcome: 'pass',
        value: 0.2,
        threshold: { max: 0.5 },
        samples: [{ name: 'requests (canary)', value: 120, min: 50 }],
        detail: '0.2 ≤ max 0.5',
      },
    ]);
  });

  it('judges a metric by its latest datapoint in the window and fails it beyond max or below min', async () => {
    serveMetrics({ c0: [0.1, 7.5], c1: [40] });
    const e = await evaluate(
      gateOf({
        metrics: [errorRate({ max: 5 }), { ...errorRate({ min: 50 }), name: 'availability' }],
      }),
    );
    expect(e.outcome).toBe('fail');
    expect(e.checks.map((c) => [c.name, c.outcome, c.value, c.detail])).toEqual([
      ['error-rate', 'fail', 7.5, '7.5 > max 5'],
      ['availability', 'fail', 40, '40 < min 50'],
    ]);
  });

  describe('baseline', () => {
    const check = errorRate({ baseline: { maxIncrease: 1, maxRatio: 2 } });

    it('passes a canary as bad as stable: both serve 20 % errors', async () => {
      serveMetrics({ c0: [20], s0: [20] });
      const e = await evaluate(gateOf({ metrics: [check] }));
      expect(e.checks[0]).toMatchObject({ outcome: 'pass', value: 20, baseline: { value: 20, maxIncrease: 1, maxRatio: 2 } });
      expect(e.checks[0]?.detail).toBe('20 is +0 vs stable 20 ≤ maxIncrease 1; 20 is 1x stable 20 ≤ maxRatio 2');
    });

    it('fails a canary worse than stable, on either limit', async () => {
      serveMetrics({ c0: [3], s0: [1] });
      const e = await evaluate(gateOf({ metrics: [check] }));
      expect(e.checks[0]).toMatchObject({ outcome: 'fail', value: 3, baseline: { value: 1 } });
      expect(e.checks[0]?.detail).toBe('3 is +2 vs stable 1 > maxIncrease 1; 3 is 3x stable 1 > maxRatio 2');
      serveMetrics({ c0: [0.9], s0: [0.3] });
      const ratioOnly = await evaluate(gateOf({ metrics: [check] }));
      expect(ratioOnly.checks[0]?.detail).toBe('0.9 is 3x stable 0.3 > maxRatio 2; 0.9 is +0.6 vs stable 0.3 ≤ maxIncrease 1');
      expect(ratioOnly.outcome).toBe('fail');
    });

    it('with a stable value of 0: passes a canary at 0, judges by maxIncrease if given, else is inconclusive', async () => {
      serveMetrics({ c0: [0], s0: [0] });
      expect((await evaluate(gateOf({ metrics: [errorRate({ baseline: { maxRatio: 2 } })] }))).checks[0]).toMatchObject({
        outcome: 'pass',
        detail: '0 with stable 0: no worse',
      });
      serveMetrics({ c0: [0.5], s0: [0] });
      expect((await evaluate(gateOf({ metrics: [errorRate({ baseline: { maxRatio: 2 } })] }))).checks[0]).toMatchObject({
        outcome: 'inconclusive',
        detail: 'stable is 0 and the canary 0.5: no ratio to judge by (maxIncrease would decide)',
      });
      expect((await evaluate(gateOf({ metrics: [errorRate({ baseline: { maxRatio: 2, maxIncrease: 1 } })] }))).checks[0]).toMatchObject({
        outcome: 'pass',
        detail: '0.5 is +0.5 vs stable 0 ≤ maxIncrease 1',
      });
      serveMetrics({ c0: [1.5], s0: [0] });
      expect((await evaluate(gateOf({ metrics: [errorRate({ baseline: { maxRatio: 2, maxIncrease: 1 } })] }))).checks[0]).toMatchObject({
        outcome: 'fail',
        detail: '1.5 is +1.5 vs stable 0 > maxIncrease 1',
      });
    });

    it('without stable datapoints (weight 100): rests on the fixed limits, or is inconclusive without them', async () => {
      serveMetrics({ c0: [0.5] });
      expect((await evaluate(gateOf({ metrics: [errorRate({ max: 1, baseline: { maxIncrease: 1 } })] }))).checks[0]).toMatchObject({
        outcome: 'pass',
        detail: '0.5 ≤ max 1; baseline not judged: stable has no datapoints (judged by its fixed limits)',
      });
      expect((await evaluate(gateOf({ metrics: [errorRate({ baseline: { maxIncrease: 1 } })] }))).checks[0]).toMatchObject({
        outcome: 'inconclusive',
        detail: 'baseline not judged: stable has no datapoints',
      });
    });
  });

  describe('minimum sample', () => {
    it('makes metric checks inconclusive when the canary served fewer requests than minRequests, never a pass', async () => {
      serveMetrics({ c0: [0], requests_canary: [12] });
      const e = await evaluate(gateOf({ minRequests: 50, metrics: [errorRate({ max: 1 })] }));
      expect(e.outcome).toBe('inconclusive');
      expect(e.checks[0]).toMatchObject({
        outcome: 'inconclusive',
        samples: [{ name: 'requests (canary)', value: 12, min: 50 }],
        detail: 'sample too small: requests (canary) 12 < 50',
      });
    });

    it('counts every request of the window, and no RequestCount datapoint at all as 0', async () => {
      serveMetrics({ c0: [0], requests_canary: [30, 30] });
      expect((await evaluate(gateOf({ minRequests: 50, metrics: [errorRate({ max: 1 })] }))).outcome).toBe('pass');
      serveMetrics({ c0: [0] });
      expect((await evaluate(gateOf({ minRequests: 50, metrics: [errorRate({ max: 1 })] }))).checks[0]?.detail).toBe(
        'sample too small: requests (canary) 0 < 50',
      );
    });

    it('leaves the baseline unjudged when the stable side is below the minimum', async () => {
      serveMetrics({ c0: [9], s0: [0], requests_canary: [100], requests_stable: [3] });
      const e = await evaluate(gateOf({ minRequests: 50, metrics: [errorRate({ baseline: { maxIncrease: 1 } })] }));
      expect(e.checks[0]).toMatchObject({
        outcome: 'inconclusive',
        detail: 'baseline not judged: stable requests (stable) 3 < 50',
      });
    });

    it('reads a per-check minSample from one of the check’s own queries, returned for that purpose', async () => {
      serveMetrics({ c0: [0], c0_requests: [8] });
      const e = await evaluate(gateOf({ metrics: [errorRate({ max: 1, minSample: { query: 'requests', min: 10 } })] }));
      expect(e.checks[0]).toMatchObject({ outcome: 'inconclusive', detail: 'sample too small: requests (canary) 8 < 10' });
      const queries = (cloudwatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input as GetMetricDataCommandInput | undefined)
        ?.MetricDataQueries;
      expect(queries?.find((q) => q.Id === 'c0_requests')?.ReturnData).toBe(true);
    });
  });

  describe('no datapoints', () => {
    it.each([
      ['inconclusive', 'inconclusive'],
      ['pause', 'inconclusive'],
      ['fail', 'fail'],
      ['pass', 'pass'],
    ] as const)('noData: %s makes the check %s, flagged as no data', async (noData, outcome) => {
      serveMetrics({});
      const e = await evaluate(gateOf({ noData, metrics: [errorRate({ max: 1 })] }));
      expect(e.checks[0]).toMatchObject({ outcome, noData: true, detail: `no datapoints (noData: ${noData})` });
    });
  });

  describe('alarms', () => {
    it('fails on ALARM, is inconclusive on INSUFFICIENT_DATA, and reads composite alarms', async () => {
      serveAlarms({
        MetricAlarms: [
          {
            AlarmName: 'web-5xx',
            StateValue: 'ALARM',
            StateReason: 'Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (0.0).',
            StateTransitionedTimestamp: new Date(T0 + 90_000),
          },
          { AlarmName: 'web-p99', StateValue: 'INSUFFICIENT_DATA', StateTransitionedTimestamp: new Date(T0 - 3_600_000) },
        ],
        CompositeAlarms: [{ AlarmName: 'web-health', StateValue: 'OK' }],
      });
      const e = await evaluate(gateOf({ alarms: ['web-5xx', 'web-p99', 'web-health'] }));
      expect(e.outcome).toBe('fail');
      expect(e.checks).toEqual([
        {
          name: 'web-5xx',
          kind: 'alarm',
          outcome: 'fail',
          state: 'ALARM',
          detail: 'ALARM since 10:01:30: Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (0.0).',
        },
        { name: 'web-p99', kind: 'alarm', outcome: 'inconclusive', state: 'INSUFFICIENT_DATA', detail: 'INSUFFICIENT_DATA' },
        { name: 'web-health', kind: 'alarm', outcome: 'pass', state: 'OK', detail: 'OK' },
      ]);
      expect(cloudwatch.commandCalls(GetMetricDataCommand)).toHaveLength(0);
    });

    it('fails at once (fatal) on an alarm already in ALARM when the hold started, and on an alarm that is gone', async () => {
      serveAlarms({
        CompositeAlarms: [{ AlarmName: 'web-health', StateValue: 'ALARM', StateTransitionedTimestamp: new Date(T0 - 120_000) }],
      });
      const e = await evaluate(gateOf({ alarms: ['web-health', 'web-deleted'] }));
      expect(e.checks).toEqual([
        {
          name: 'web-health',
          kind: 'alarm',
          outcome: 'fail',
          state: 'ALARM',
          fatal: true,
          detail: 'ALARM since 09:58:00, before this hold started',
        },
        { name: 'web-deleted', kind: 'alarm', outcome: 'fail', fatal: true, detail: 'the alarm does not exist (deleted since preflight?)' },
      ]);
    });

    it('keeps the evidence of an alarm to one line: a long state reason is cut', async () => {
      const reason = `Threshold Crossed: 3 out of the last 3 datapoints [${'12.0, '.repeat(40)}] were greater than the threshold (0.0).`;
      serveAlarms({
        MetricAlarms: [{ AlarmName: 'web-5xx', StateValue: 'ALARM', StateReason: reason, StateTransitionedTimestamp: new Date(T0) }],
      });
      const detail = (await evaluate(gateOf({ alarms: ['web-5xx'] }))).checks[0]?.detail ?? '';
      expect(detail).toBe(`ALARM since 10:00:00: ${reason.slice(0, 99)}…`);
    });

    it('asks for more than 100 alarms in batches of 100 and follows NextToken', async () => {
      const names = Array.from({ length: 150 }, (_, i) => `alarm-${i}`);
      cloudwatch.on(DescribeAlarmsCommand).callsFake(async (input: { AlarmNames: string[]; NextToken?: string }) => {
        const half = Math.ceil(input.AlarmNames.length / 2);
        const part = input.NextToken ? input.AlarmNames.slice(half) : input.AlarmNames.slice(0, half);
        return { MetricAlarms: part.map((AlarmName) => ({ AlarmName, StateValue: 'OK' })), ...(!input.NextToken && { NextToken: 'more' }) };
      });
      const e = await evaluate(gateOf({ alarms: names }));
      expect(e.outcome).toBe('pass');
      expect(e.checks).toHaveLength(150);
      const calls = cloudwatch.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input);
      expect(calls.map((c) => [c.AlarmNames?.length, c.NextToken])).toEqual([
        [100, undefined],
        [100, 'more'],
        [50, undefined],
        [50, 'more'],
      ]);
    });
  });

  it('splits GetMetricData only past 500 queries, keeping each check whole, and follows NextToken', async () => {
    // 3 checks × (2 sides × (60 queries + 1 expression)) = 366 queries: two calls (244 + 122), never a check cut in two.
    const wide: MetricCheck = {
      name: 'wide',
      expression: Array.from({ length: 60 }, (_, i) => `q${i}`).join(' + '),
      queries: Object.fromEntries(
        Array.from({ length: 60 }, (_, i) => [
          `q${i}`,
          { metric: 'AWS/ApplicationELB RequestCount', targetGroup: 'canary', stat: 'Sum', periodSeconds: 60 },
        ]),
      ),
      baseline: { maxRatio: 2 },
    };
    const checks = [0, 1, 2].map((i) => ({ ...wide, name: `wide-${i}` }));
    const big = {
      ...checks[0],
      name: 'big',
      queries: Object.fromEntries(Object.entries(wide.queries).concat(Object.entries(wide.queries).map(([k, v]) => [`${k}b`, v]))),
    } as MetricCheck;
    const pages = new Map<string, number>();
    cloudwatch.on(GetMetricDataCommand).callsFake(async (input: GetMetricDataCommandInput) => {
      const key = (input.MetricDataQueries ?? [])[0]?.Id as string;
      const page = pages.get(key) ?? 0;
      pages.set(key, page + 1);
      const ids = (input.MetricDataQueries ?? []).filter((q) => q.ReturnData).map((q) => q.Id as string);
      // First page: the canary values; second page: the stable ones.
      const mine = ids.filter((id) => id.startsWith(page === 0 ? 'c' : 's'));
      return {
        MetricDataResults: mine.map((Id) => ({ Id, Timestamps: [new Date(WINDOW.from)], Values: [1], StatusCode: 'Complete' })),
        ...(page === 0 && { NextToken: 'page-2' }),
      };
    });
    const e = await evaluate(gateOf({ metrics: [...checks, big] }));
    const calls = cloudwatch.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input as GetMetricDataCommandInput);
    const sizes = calls.filter((c) => !c.NextToken).map((c) => c.MetricDataQueries?.length);
    expect(sizes).toEqual([366, 242]);
    expect(calls.filter((c) => c.NextToken === 'page-2')).toHaveLength(2);
    for (const c of calls) {
      const ids = new Set(c.MetricDataQueries?.map((q) => q.Id));
      for (const q of c.MetricDataQueries ?? []) {
        for (const ref of q.Expression?.match(/\b[cs]\d+_\w+/g) ?? []) expect(ids.has(ref), `${q.Id} → ${ref}`).toBe(true);
      }
    }
    expect(e.checks.map((c) => [c.name, c.outcome, c.value, c.baseline?.value])).toEqual([
      ['wide-0', 'pass', 1, 1],
      ['wide-1', 'pass', 1, 1],
      ['wide-2', 'pass', 1, 1],
      ['big', 'pass', 1, 1],
    ]);
  });

  it('makes the metric checks inconclusive, with the error as evidence, when GetMetricData fails', async () => {
    cloudwatch
      .on(GetMetricDataCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $fault: 'client', $metadata: { httpStatusCode: 400 } }));
    const e = await evaluate(gateOf({ metrics: [errorRate({ max: 1 })] }));
    expect(e.outcome).toBe('inconclusive');
    expect(e.checks[0]?.detail).toMatch(/^GetMetricData failed: CloudWatch GetMetricData failed: Throttling: Rate exceeded/);
  });

  it('rejects when its signal aborts instead of reporting an inconclusive evaluation', async () => {
    const ac = new AbortController();
    cloudwatch.on(GetMetricDataCommand).callsFake(async () => {
      ac.abort(new Error('interrupted'));
      throw new Error('aborted');
    });
    await expect(
      evaluateGate(
        {
          gate: gateOf({ metrics: [errorRate({ max: 1 })] }),
          targets: TARGETS,
          holdStart: T0,
          index: 1,
          at: T0,
          window: WINDOW,
          tasks: [],
        },
        { ports: ports(), signal: ac.signal },
      ),
    ).rejects.toThrow();
  });
});
