/**
 * The gate end to end against the in-process sandbox, on its clock: the canary example's world with the new
 * revision at 10 %, and the example's own gate (an alarm, error rate and p99 latency against fixed limits and the
 * stable baseline, minRequests). bad-release.yaml (≈20 % 5XX, slow) must fail it with the evidence to show why;
 * healthy-canary.yaml must pass it; an alarm already in ALARM fails the first evaluation; a task check runs
 * through RunTask. Every evaluation costs exactly one DescribeAlarms and one GetMetricData.
 */
import { describe, expect, it } from 'vitest';
import type { EventInput } from '../../src/events/types.js';
import { holdGate } from '../../src/gates/runner.js';
import { resolveGateTargets } from '../../src/gates/target-groups.js';
import type { GateConfig } from '../../src/model/strategy.js';
import { type CanaryWorld, canaryWorld, SandboxOneOffRunner } from './canary-world.js';

async function hold(world: CanaryWorld, gate: GateConfig, holdMs: number, oneOff?: SandboxOneOffRunner) {
  const { ports, sb, strategy } = world;
  const signal = new AbortController().signal;
  const targets = await resolveGateTargets(
    ports,
    { canary: strategy.canary.targetGroup, stable: strategy.stable.targetGroup },
    [gate],
    signal,
  );
  const events: EventInput[] = [];
  const before = ports.calls.counts();
  const result = await holdGate(
    { gate, targets, holdMs, service: 'web', step: 1, name: 'canary' },
    { ports, clock: sb.clock, signal, emit: (e) => events.push(e), ...(oneOff && { oneOff }) },
  );
  const after = ports.calls.counts();
  const made = (name: string) => (after[name] ?? 0) - (before[name] ?? 0);
  return { result, events, made };
}

describe('the gate on the sandbox', () => {
  it('fails a bad release at 10 %: the canary errs 20 % and answers slowly, stable does not', async () => {
    const world = await canaryWorld({ scenario: 'bad-release.yaml' });
    await world.shift(10);
    const { result, events, made } = await hold(world, world.strategy.gate, 5 * 60_000);

    expect(result.verdict).toBe('fail');
    // failureLimit 1: the second failed evaluation fails the gate.
    expect(result.evaluations.map((e) => e.outcome)).toEqual(['fail', 'fail']);
    const [alarm, errors, latency] = result.evaluations[0]?.checks ?? [];
    expect(alarm).toMatchObject({ name: 'shop-web-canary-5xx', kind: 'alarm', outcome: 'fail', state: 'ALARM' });
    expect(alarm?.fatal).toBeUndefined();
    expect(errors).toMatchObject({ name: 'error-rate', outcome: 'fail', threshold: { max: 5 }, baseline: { maxIncrease: 1, value: 0 } });
    expect(errors?.value).toBeCloseTo(20, 0);
    expect(errors?.samples).toEqual([
      { name: 'requests (canary)', value: 60, min: 20 },
      { name: 'requests (stable)', value: 540, min: 20 },
    ]);
    expect(errors?.detail).toMatch(/^20 > max 5; 20 is \+20 vs stable 0 > maxIncrease 1$/);
    expect(latency).toMatchObject({ name: 'p99-latency', outcome: 'fail', value: 0.9, baseline: { value: 0.04, maxRatio: 1.5 } });
    expect(latency?.detail).toBe('0.9 > max 0.5; 0.9 is 22.5x stable 0.04 > maxRatio 1.5');
    expect(result.reason).toMatch(/^2 failed evaluations, more than failureLimit 1 \(last: shop-web-canary-5xx: ALARM since/);

    expect(events.filter((e) => e.type === 'gate.evaluated')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: 'gate.finished', verdict: 'fail', evaluations: 2 });
    expect(made('CloudWatch.DescribeAlarms')).toBe(2);
    expect(made('CloudWatch.GetMetricData')).toBe(2);
  });

  it('passes a healthy release at 10 %, judged against stable in the same minutes', async () => {
    const world = await canaryWorld({ scenario: 'healthy-canary.yaml' });
    await world.shift(10);
    const { result, made } = await hold(world, world.strategy.gate, 5 * 60_000);

    expect(result.verdict).toBe('pass');
    expect(result.evaluations.length).toBeGreaterThanOrEqual(3);
    for (const e of result.evaluations) {
      expect(e.outcome).toBe('pass');
      const [alarm, errors, latency] = e.checks;
      expect(alarm).toMatchObject({ outcome: 'pass', state: 'OK' });
      expect(errors).toMatchObject({ outcome: 'pass', value: 0, baseline: { value: 0 } });
      expect(latency).toMatchObject({ outcome: 'pass', value: 0.04, baseline: { value: 0.04 } });
      expect(e.window && e.window.to - e.window.from).toBe(60_000);
    }
    expect(made('CloudWatch.DescribeAlarms')).toBe(result.evaluations.length);
    expect(made('CloudWatch.GetMetricData')).toBe(result.evaluations.length);
  });

  it('at 100 % the stable side serves nothing: the baselines rest on the fixed limits and the gate still passes', async () => {
    const world = await canaryWorld({ scenario: 'healthy-canary.yaml' });
    await world.shift(100);
    const { result } = await hold(world, world.strategy.gate, 2 * 60_000);
    expect(result.verdict).toBe('pass');
    expect(result.evaluations[0]?.checks[1]?.detail).toBe(
      '0 ≤ max 5; baseline not judged: stable requests (stable) 0 < 20 (judged by its fixed limits)',
    );
  });

  it('is inconclusive, never a pass, when the canary gets too little traffic for minRequests', async () => {
    const world = await canaryWorld({ scenario: 'healthy-canary.yaml' });
    await world.shift(1);
    const { result } = await hold(world, { ...world.strategy.gate, inconclusiveLimit: 10 }, 3 * 60_000);
    expect(result.verdict).toBe('pause');
    expect(result.evaluations.every((e) => e.outcome === 'inconclusive')).toBe(true);
    expect(result.evaluations[0]?.checks[1]?.detail).toBe('sample too small: requests (canary) 6 < 20');
  });

  it('fails the first evaluation when the alarm was already in ALARM as the hold started', async () => {
    const world = await canaryWorld({ scenario: 'bad-release.yaml' });
    await world.shift(10);
    await world.sb.clock.sleep(3 * 60_000); // the canary's 5XX trip the alarm before the step's hold begins
    const { result } = await hold(world, { ...world.strategy.gate, failureLimit: 5 }, 5 * 60_000);
    expect(result.verdict).toBe('fail');
    expect(result.evaluations).toHaveLength(1);
    expect(result.evaluations[0]?.checks[0]).toMatchObject({ name: 'shop-web-canary-5xx', outcome: 'fail', fatal: true });
    expect(result.reason).toMatch(/^shop-web-canary-5xx: ALARM since \d\d:\d\d:\d\d, before this hold started/);
  });

  it('runs a task check with RunTask: exit code 0 passes, another exit code fails the gate', async () => {
    const smoke = { name: 'smoke', taskDefinitionOf: 'web', command: ['./smoke-test'], timeoutMs: 120_000 };
    const ok = await canaryWorld({ scenario: 'healthy-canary.yaml' });
    await ok.shift(10);
    const passed = await hold(ok, { ...ok.strategy.gate, tasks: [smoke] }, 3 * 60_000, new SandboxOneOffRunner(ok));
    expect(passed.result.verdict).toBe('pass');
    expect(passed.result.evaluations[0]?.checks.at(-1)).toEqual({
      name: 'smoke',
      kind: 'task',
      outcome: 'pass',
      value: 0,
      detail: 'exit code 0',
    });
    expect(passed.made('ECS.RunTask')).toBe(1);

    // The release's image passes its traffic but its smoke test exits 4.
    const bad = await canaryWorld({
      scenario: { trafficPerMinute: 600, images: [{ match: '*:2.0.0', exitCode: 4, latencyMs: 40, errorRate: 0 }] },
    });
    await bad.shift(10);
    const failed = await hold(bad, { ...bad.strategy.gate, tasks: [smoke] }, 3 * 60_000, new SandboxOneOffRunner(bad));
    expect(failed.result.verdict).toBe('fail');
    expect(failed.result.reason).toMatch(/^smoke: exit code 4/);
  });
});
