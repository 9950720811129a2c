/**
 * The gate's CloudWatch requests against moto (an emulator no one here wrote): it must accept the DescribeAlarms
 * (AlarmTypes, composite alarms) and GetMetricData (renamed ids, TargetGroup/LoadBalancer dimensions, expressions,
 * ReturnData, ScanBy) shapes exactly as the gate sends them, and answer them so the gate reads the right values.
 * moto evaluates an expression only when it is a bare id (`c1` → `c1_latency`), so the check used for values is
 * one; a richer expression is accepted and answered with no datapoints.
 */
import { CloudWatchClient, PutMetricAlarmCommand, PutMetricDataCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import { evaluateGate } from '../../src/gates/evaluate.js';
import type { GateTargets } from '../../src/gates/types.js';
import type { GateConfig } from '../../src/model/strategy.js';
import { type MotoServer, motoAvailable, startMoto } from '../_helpers/moto.js';

const available = motoAvailable();
const canary = { targetGroup: 'targetgroup/web-canary/0a1b2c3d4e5f6071', loadBalancer: 'app/shop/50dc6c495c0c9188' };
const stable = { targetGroup: 'targetgroup/web-stable/73e2d6bc24d8a067', loadBalancer: 'app/shop/50dc6c495c0c9188' };
const TARGETS: GateTargets = new Map([
  ['canary', canary],
  ['stable', stable],
]);
const dims = (tg: typeof canary) => [
  { Name: 'TargetGroup', Value: tg.targetGroup },
  { Name: 'LoadBalancer', Value: tg.loadBalancer },
];

describe.skipIf(!available)('the gate against moto', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('sends DescribeAlarms and GetMetricData shapes moto accepts, and reads alarms, values, baselines and samples', async () => {
    const cw = new CloudWatchClient({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const holdStart = Date.now() - 10 * 60_000;
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const window = { from: minute - 3 * 60_000, to: minute - 2 * 60_000 };
    const at = new Date(window.from + 20_000);
    const put = (metric: string, tg: typeof canary, value: number) =>
      cw.send(
        new PutMetricDataCommand({
          Namespace: 'AWS/ApplicationELB',
          MetricData: [{ MetricName: metric, Dimensions: dims(tg), Timestamp: at, Value: value }],
        }),
      );
    await put('RequestCount', canary, 60);
    await put('RequestCount', stable, 540);
    await put('TargetResponseTime', canary, 0.9);
    await put('TargetResponseTime', stable, 0.04);
    await put('HTTPCode_Target_5XX_Count', canary, 12);
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'web-canary-5xx',
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Dimensions: dims(canary),
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'web-canary-5xx', StateValue: 'ALARM', StateReason: 'errors' }));
    // moto has no PutCompositeAlarm: it takes a composite as PutMetricAlarm with an AlarmRule (not in the SDK's shape).
    const res = await fetch(moto.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'GraniteServiceVersion20100801.PutMetricAlarm',
        authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=x',
      },
      body: JSON.stringify({
        AlarmName: 'web-health',
        AlarmRule: 'ALARM(web-canary-5xx)',
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    });
    expect(res.status, await res.text()).toBe(200);
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'web-health', StateValue: 'OK', StateReason: 'fine' }));

    const gate: GateConfig = {
      intervalMs: 60_000,
      metricDelayMs: 60_000,
      failureLimit: 0,
      inconclusiveLimit: 0,
      noData: 'inconclusive',
      minRequests: 20,
      alarms: ['web-canary-5xx', 'web-health'],
      metrics: [
        {
          name: 'error-rate',
          expression: '100 * FILL(errors, 0) / requests',
          queries: {
            errors: { metric: 'AWS/ApplicationELB HTTPCode_Target_5XX_Count', targetGroup: 'canary', stat: 'Sum', periodSeconds: 60 },
            requests: { metric: 'AWS/ApplicationELB RequestCount', targetGroup: 'canary', stat: 'Sum', periodSeconds: 60 },
          },
          max: 5,
          minSample: { query: 'requests', min: 10 },
        },
        {
          name: 'p99-latency',
          expression: 'latency',
          queries: {
            latency: { metric: 'AWS/ApplicationELB TargetResponseTime', targetGroup: 'canary', stat: 'Maximum', periodSeconds: 60 },
          },
          max: 0.5,
          baseline: { maxRatio: 1.5 },
        },
      ],
      tasks: [],
    };
    const ports = createAwsPorts({
      region: 'us-east-1',
      env: {},
      endpointUrl: moto.endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const e = await evaluateGate(
      { gate, targets: TARGETS, holdStart, index: 1, at: Date.now(), window, tasks: [] },
      { ports, signal: new AbortController().signal },
    );

    expect(ports.calls.counts()).toEqual({ 'CloudWatch.DescribeAlarms': 1, 'CloudWatch.GetMetricData': 1 });
    for (const c of e.checks) expect(c.detail ?? '').not.toMatch(/failed:/);
    expect(e.checks.map((c) => [c.name, c.kind, c.outcome, c.state])).toEqual([
      ['web-canary-5xx', 'alarm', 'fail', 'ALARM'],
      ['web-health', 'alarm', 'pass', 'OK'],
      ['error-rate', 'metric', expect.any(String), undefined],
      ['p99-latency', 'metric', 'fail', undefined],
    ]);
    // The richer expression is accepted; moto answers it with no datapoints (it evaluates bare ids only).
    expect(e.checks[2]).toMatchObject({
      samples: [
        { name: 'requests (canary)', value: 60, min: 20 },
        { name: 'requests (canary)', value: 60, min: 10 },
      ],
    });
    expect(e.checks[3]).toMatchObject({
      value: 0.9,
      baseline: { value: 0.04, maxRatio: 1.5 },
      samples: [
        { name: 'requests (canary)', value: 60, min: 20 },
        { name: 'requests (stable)', value: 540, min: 20 },
      ],
      detail: '0.9 > max 0.5; 0.9 is 22.5x stable 0.04 > maxRatio 1.5',
    });
  });
});
