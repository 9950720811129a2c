/**
 * Holding a step on a virtual clock against a mocked SDK: when evaluations happen and which window each judges,
 * one DescribeAlarms + one GetMetricData per evaluation, an event per evaluation, the early stop on failure, a
 * pause stretched to its first evaluation, task checks through a fake one-off runner, and interruption.
 */
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import type { EventInput } from '../../src/events/types.js';
import { type HoldDeps, holdGate } from '../../src/gates/runner.js';
import type { GateTargets, OneOffRunner, OneOffTaskResult, OneOffTaskSpec } from '../../src/gates/types.js';
import type { GateConfig, MetricCheck } from '../../src/model/strategy.js';
import { VirtualClock } from '../../src/sandbox/clock.js';

const cloudwatch = mockClient(CloudWatchClient);
beforeEach(() => {
  cloudwatch.reset();
  cloudwatch.onAnyCommand().rejects(new Error('unexpected CloudWatch call'));
});
afterAll(() => cloudwatch.restore());

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const HOLD_START = T0 + 30_000;
const TARGETS: GateTargets = new Map([['canary', { targetGroup: 'targetgroup/web-canary/02', loadBalancer: 'app/shop/01' }]]);
const hhmmss = (ms: number) => new Date(ms).toISOString().slice(11, 19);

const errorRate: MetricCheck = {
  name: 'error-rate',
  expression: 'errors',
  queries: { errors: { metric: 'AWS/ApplicationELB HTTPCode_Target_5XX_Count', targetGroup: 'canary', stat: 'Sum', periodSeconds: 60 } },
  max: 5,
};

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

/** Serves the error-rate value `values[n]` for the n-th GetMetricData call (undefined: no datapoints). */
function serveErrorRates(values: (number | undefined)[]) {
  let n = 0;
  cloudwatch.on(GetMetricDataCommand).callsFake(async (input: GetMetricDataCommandInput) => {
    const v = values[Math.min(n, values.length - 1)];
    n += 1;
    const from = (input.StartTime as Date).getTime();
    return {
      MetricDataResults: [
        { Id: 'c0', Timestamps: v === undefined ? [] : [new Date(from)], Values: v === undefined ? [] : [v], StatusCode: 'Complete' },
      ],
    };
  });
}

function setup(extra: Partial<HoldDeps> = {}) {
  const clock = new VirtualClock(HOLD_START);
  const events: EventInput[] = [];
  const controller = new AbortController();
  const deps: HoldDeps = {
    ports: createAwsPorts({ region: 'us-east-1', env: { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' } }),
    clock,
    signal: controller.signal,
    emit: (e) => events.push(e),
    ...extra,
  };
  const evaluated = () => events.filter((e) => e.type === 'gate.evaluated') as Extract<EventInput, { type: 'gate.evaluated' }>[];
  const finished = () => events.filter((e) => e.type === 'gate.finished') as Extract<EventInput, { type: 'gate.finished' }>[];
  return { clock, events, controller, deps, evaluated, finished };
}

const request = (gate: GateConfig, holdMs: number) => ({ gate, targets: TARGETS, holdMs, service: 'web', step: 1, name: 'canary' });

/** A one-off runner whose tasks end when the test says, recording what it was asked and whether it was stopped. */
class FakeRunner implements OneOffRunner {
  readonly started: { spec: OneOffTaskSpec; at: number; signal: AbortSignal; finish: (r: OneOffTaskResult) => void }[] = [];
  constructor(
    private readonly clock: VirtualClock,
    private readonly plan: Record<string, { afterMs: number; exitCode?: number; stopReason?: string } | 'never'>,
  ) {}
  run(spec: OneOffTaskSpec, signal: AbortSignal): Promise<OneOffTaskResult> {
    return new Promise((resolve, reject) => {
      const at = this.clock.now();
      this.started.push({ spec, at, signal, finish: resolve });
      signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true });
      const p = this.plan[spec.name];
      if (p && p !== 'never') {
        this.clock.sleep(p.afterMs, signal).then(
          () => resolve({ exitCode: p.exitCode, ...(p.stopReason && { stopReason: p.stopReason }), taskArn: `arn:task/${spec.name}` }),
          () => undefined,
        );
      }
    });
  }
}

describe('holding a gate', () => {
  it('evaluates each whole minute after the hold started, one metricDelay after it ends, then waits out the pause', async () => {
    serveErrorRates([0.5]);
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'web-5xx', StateValue: 'OK' }] });
    const t = setup();
    const result = await holdGate(request(gateOf({ alarms: ['web-5xx'], metrics: [errorRate] }), 5 * 60_000), t.deps);

    // Hold 10:00:30–10:05:30: the first whole minute is 10:01–10:02, read at 10:03; the last read fits the hold.
    expect(t.evaluated().map((e) => [e.evaluation, e.window, e.outcome, e.decision])).toEqual([
      [1, { from: '2026-01-01T10:01:00.000Z', to: '2026-01-01T10:02:00.000Z' }, 'pass', 'continue'],
      [2, { from: '2026-01-01T10:02:00.000Z', to: '2026-01-01T10:03:00.000Z' }, 'pass', 'continue'],
      [3, { from: '2026-01-01T10:03:00.000Z', to: '2026-01-01T10:04:00.000Z' }, 'pass', 'continue'],
    ]);
    expect(result.evaluations.map((e) => hhmmss(e.at))).toEqual(['10:03:00', '10:04:00', '10:05:00']);
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)).toHaveLength(3);
    expect(cloudwatch.commandCalls(GetMetricDataCommand)).toHaveLength(3);
    expect(hhmmss(t.clock.now())).toBe('10:05:30');
    expect(result.verdict).toBe('pass');
    expect(t.finished()).toEqual([
      {
        type: 'gate.finished',
        service: 'web',
        step: 1,
        gate: 'canary',
        verdict: 'pass',
        reason: '3 evaluations passed',
        evaluations: 3,
        counts: { passed: 3, failed: 0, inconclusive: 0 },
        durationMs: 5 * 60_000,
        level: 'info',
      },
    ]);
    expect(t.evaluated()[0]).toMatchObject({
      service: 'web',
      step: 1,
      gate: 'canary',
      level: 'info',
      counts: { passed: 1, failed: 0, inconclusive: 0 },
      checks: [
        { name: 'web-5xx', kind: 'alarm', outcome: 'pass', state: 'OK' },
        { name: 'error-rate', kind: 'metric', outcome: 'pass', value: 0.5, threshold: { max: 5 }, detail: '0.5 ≤ max 5' },
      ],
    });
  });

  it('stops at the first evaluation that fails the gate, not at the end of the pause', async () => {
    serveErrorRates([0.5, 20]);
    const t = setup();
    const result = await holdGate(request(gateOf({ metrics: [errorRate] }), 10 * 60_000), t.deps);
    expect(result.verdict).toBe('fail');
    expect(result.reason).toBe('1 failed evaluation, more than failureLimit 0 (last: error-rate: 20 > max 5)');
    expect(hhmmss(t.clock.now())).toBe('10:04:00');
    expect(t.evaluated().map((e) => [e.outcome, e.decision, e.level])).toEqual([
      ['pass', 'continue', 'info'],
      ['fail', 'fail', 'error'],
    ]);
    expect(t.finished()[0]).toMatchObject({ verdict: 'fail', evaluations: 2, level: 'error' });
  });

  it('tolerates failureLimit failures and passes on the evidence of the others', async () => {
    serveErrorRates([0.5, 20, 0.7, 0.1]);
    const t = setup();
    const result = await holdGate(request(gateOf({ failureLimit: 1, metrics: [errorRate] }), 6 * 60_000), t.deps);
    expect(result.evaluations.map((e) => e.outcome)).toEqual(['pass', 'fail', 'pass', 'pass']);
    expect(result).toMatchObject({ verdict: 'pass', reason: '3 evaluations passed (1 failed within the limits)' });
  });

  it('stretches a pause shorter than the first window to the first evaluation', async () => {
    serveErrorRates([0.5]);
    const t = setup();
    const result = await holdGate(request(gateOf({ metrics: [errorRate] }), 30_000), t.deps);
    expect(result.verdict).toBe('pass');
    expect(result.evaluations).toHaveLength(1);
    expect(hhmmss(t.clock.now())).toBe('10:03:00');
  });

  it('pauses for a person when every evaluation was inconclusive, even within inconclusiveLimit', async () => {
    serveErrorRates([undefined]);
    const t = setup();
    const result = await holdGate(request(gateOf({ inconclusiveLimit: 10, metrics: [errorRate] }), 4 * 60_000), t.deps);
    expect(result.verdict).toBe('pause');
    expect(result.reason).toBe('nothing shows the new revision is healthy: all 2 evaluations were inconclusive');
    expect(t.evaluated().map((e) => e.level)).toEqual(['warn', 'warn']);
    expect(t.finished()[0]).toMatchObject({ verdict: 'pause', level: 'warn' });
  });

  it('pauses at the first missing datapoint with noData: pause', async () => {
    serveErrorRates([0.5, undefined]);
    const t = setup();
    const result = await holdGate(request(gateOf({ noData: 'pause', inconclusiveLimit: 5, metrics: [errorRate] }), 10 * 60_000), t.deps);
    expect(result).toMatchObject({ verdict: 'pause', reason: 'no datapoints for error-rate (noData: pause)' });
    expect(result.evaluations).toHaveLength(2);
  });

  it('fails at the first evaluation on an alarm already in ALARM when the hold started, whatever failureLimit says', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      CompositeAlarms: [{ AlarmName: 'web-health', StateValue: 'ALARM', StateTransitionedTimestamp: new Date(T0 - 5 * 60_000) }],
    });
    const t = setup();
    const result = await holdGate(request(gateOf({ failureLimit: 3, alarms: ['web-health'] }), 5 * 60_000), t.deps);
    expect(result).toMatchObject({ verdict: 'fail', reason: 'web-health: ALARM since 09:55:00, before this hold started' });
    // A gate of alarms alone evaluates every interval from the hold's start.
    expect(hhmmss(t.clock.now())).toBe('10:01:30');
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)).toHaveLength(1);
  });

  it('holds a gate without checks as a plain wait', async () => {
    const t = setup();
    const result = await holdGate(request(gateOf(), 2 * 60_000), t.deps);
    expect(result).toMatchObject({ verdict: 'pass', reason: 'the gate has no checks: the hold is a plain wait', evaluations: [] });
    expect(hhmmss(t.clock.now())).toBe('10:02:30');
    expect(cloudwatch.calls()).toHaveLength(0);
  });

  it('rejects with the signal’s reason when interrupted, and emits no verdict', async () => {
    serveErrorRates([0.5]);
    const t = setup();
    const held = holdGate(request(gateOf({ metrics: [errorRate] }), 10 * 60_000), t.deps);
    t.clock.sleep(4 * 60_000).then(() => t.controller.abort(new Error('interrupted')));
    await expect(held).rejects.toThrow('interrupted');
    expect(t.evaluated()).toHaveLength(2);
    expect(t.finished()).toEqual([]);
  });

  describe('task checks', () => {
    const smoke = { name: 'smoke', taskDefinitionOf: 'web', command: ['./smoke'], timeoutMs: 5 * 60_000 };

    it('starts each task when the hold starts; its result joins the next evaluation, once', async () => {
      serveErrorRates([0.5]);
      const t = setup();
      const runner = new FakeRunner(t.clock, { smoke: { afterMs: 90_000, exitCode: 0 } });
      const result = await holdGate(request(gateOf({ metrics: [errorRate], tasks: [smoke] }), 5 * 60_000), { ...t.deps, oneOff: runner });
      expect(runner.started.map((s) => [s.spec, hhmmss(s.at)])).toEqual([
        [{ name: 'smoke', taskDefinitionOf: 'web', command: ['./smoke'], timeoutMs: 300_000 }, '10:00:30'],
      ]);
      expect(result.evaluations.map((e) => e.checks.map((c) => `${c.name} ${c.outcome}`))).toEqual([
        ['error-rate pass', 'smoke pass'],
        ['error-rate pass'],
        ['error-rate pass'],
      ]);
      expect(result.verdict).toBe('pass');
    });

    it('fails the gate at once on a non-zero exit code, failureLimit notwithstanding', async () => {
      serveErrorRates([0.5]);
      const t = setup();
      const runner = new FakeRunner(t.clock, { smoke: { afterMs: 60_000, exitCode: 2, stopReason: 'Essential container in task exited' } });
      const result = await holdGate(request(gateOf({ failureLimit: 5, metrics: [errorRate], tasks: [smoke] }), 5 * 60_000), {
        ...t.deps,
        oneOff: runner,
      });
      expect(result).toMatchObject({ verdict: 'fail', reason: 'smoke: exit code 2 (Essential container in task exited)' });
      expect(result.evaluations[0]?.checks[1]).toEqual({
        name: 'smoke',
        kind: 'task',
        outcome: 'fail',
        fatal: true,
        value: 2,
        detail: 'exit code 2 (Essential container in task exited)',
      });
    });

    it('stops a task that outlives its timeout and fails the gate', async () => {
      serveErrorRates([0.5]);
      const t = setup();
      const runner = new FakeRunner(t.clock, { smoke: 'never' });
      const result = await holdGate(request(gateOf({ metrics: [errorRate], tasks: [{ ...smoke, timeoutMs: 150_000 }] }), 10 * 60_000), {
        ...t.deps,
        oneOff: runner,
      });
      expect(result).toMatchObject({ verdict: 'fail', reason: 'smoke: did not finish within 150s; stopped' });
      expect(runner.started[0]?.signal.aborted).toBe(true);
      // Timed out at 10:03:00, reported by the evaluation of 10:04:00.
      expect(hhmmss(t.clock.now())).toBe('10:04:00');
    });

    it('does not end the hold before every task check has reported', async () => {
      serveErrorRates([0.5]);
      const t = setup();
      const runner = new FakeRunner(t.clock, { smoke: { afterMs: 4 * 60_000, exitCode: 0 } });
      const result = await holdGate(request(gateOf({ metrics: [errorRate], tasks: [smoke] }), 60_000), { ...t.deps, oneOff: runner });
      expect(result.verdict).toBe('pass');
      expect(result.evaluations.map((e) => [hhmmss(e.at), e.checks.length])).toEqual([
        ['10:03:00', 1],
        ['10:04:00', 1],
        ['10:05:00', 2],
      ]);
    });

    it('stops tasks still running when the hold ends early', async () => {
      serveErrorRates([20]);
      const t = setup();
      const runner = new FakeRunner(t.clock, { smoke: 'never' });
      const result = await holdGate(request(gateOf({ metrics: [errorRate], tasks: [smoke] }), 10 * 60_000), { ...t.deps, oneOff: runner });
      expect(result.verdict).toBe('fail');
      expect(runner.started[0]?.signal.aborted).toBe(true);
    });

    it('runs a gate of task checks alone, judging when the task reports', async () => {
      const t = setup();
      const runner = new FakeRunner(t.clock, { smoke: { afterMs: 150_000, exitCode: 0 } });
      const result = await holdGate(request(gateOf({ tasks: [smoke] }), 60_000), { ...t.deps, oneOff: runner });
      expect(result.verdict).toBe('pass');
      expect(result.evaluations.map((e) => [hhmmss(e.at), e.checks.map((c) => c.name)])).toEqual([['10:03:30', ['smoke']]]);
      expect(cloudwatch.calls()).toHaveLength(0);
    });
  });
});
