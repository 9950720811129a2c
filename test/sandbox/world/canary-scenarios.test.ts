/**
 * The shipped scenarios against the seeded canary example, driven the way a canary strategy drives AWS: the canary
 * service gets the new revision, the rule sends it 10 %, and after a few minutes the gate reads its metrics and
 * alarm. bad-release.yaml must fail the gate; healthy-canary.yaml must pass it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../../src/manifest/index.js';
import { createWorld, parseScenario, seedFromManifest } from '../../../src/sandbox/world/index.js';
import { describeService, type Json, runUntil, TestClock } from './helpers.js';

const ROOT = resolve(__dirname, '../../..');

function canaryRun(scenarioFile: string) {
  const scenario = parseScenario(readFileSync(resolve(ROOT, 'examples/scenarios', scenarioFile), 'utf8'), scenarioFile);
  const clock = new TestClock();
  const world = createWorld({ clock, scenario });
  const manifest = loadManifest({ cwd: resolve(ROOT, 'examples/canary'), env: { IMAGE_TAG: '2.0.0' } });
  seedFromManifest(world, manifest);
  const strategy = manifest.services[0]?.strategy;
  if (strategy?.type !== 'canary' || !strategy.rule) throw new Error('the canary example has a rule');
  const stable = describeService(world, 'shop', 'shop-web');
  const td = world.dispatch('ecs', 'DescribeTaskDefinition', { taskDefinition: String(stable.taskDefinition) }).taskDefinition as Json;
  const containers = (td.containerDefinitions as Json[]).map((c) => ({ ...c, image: String(c.image).replace(':previous', ':2.0.0') }));
  const next = world.dispatch('ecs', 'RegisterTaskDefinition', { ...td, containerDefinitions: containers });
  const nextArn = String((next.taskDefinition as Json).taskDefinitionArn);
  world.dispatch('ecs', 'UpdateService', { cluster: 'shop', service: 'shop-web-canary', taskDefinition: nextArn, desiredCount: 1 });
  runUntil(
    world,
    clock,
    () => ((describeService(world, 'shop', 'shop-web-canary').deployments as Json[])[0] as Json).rolloutState === 'COMPLETED',
  );
  const [stableTg, canaryTg] = (
    world.dispatch('elbv2', 'DescribeTargetGroups', { Names: ['shop-web-stable', 'shop-web-canary'] }).TargetGroups as Json[]
  ).map((t) => String(t.TargetGroupArn)) as [string, string];
  world.dispatch('elbv2', 'ModifyRule', {
    RuleArn: strategy.rule,
    Actions: [
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: stableTg, Weight: '90' },
            { TargetGroupArn: canaryTg, Weight: '10' },
          ],
        },
      },
    ],
  });
  const start = clock.ms;
  clock.advance(5 * 60_000);
  const lb = strategy.rule.split(':listener-rule/')[1]?.split('/').slice(0, 3).join('/') ?? '';
  const dims = [
    { Name: 'TargetGroup', Value: canaryTg.slice(canaryTg.indexOf('targetgroup/')) },
    { Name: 'LoadBalancer', Value: lb },
  ];
  const stat = (name: string, s: string) => ({
    Metric: { Namespace: 'AWS/ApplicationELB', MetricName: name, Dimensions: dims },
    Period: 60,
    Stat: s,
  });
  const results = world.dispatch('cloudwatch', 'GetMetricData', {
    MetricDataQueries: [
      { Id: 'errors', MetricStat: stat('HTTPCode_Target_5XX_Count', 'Sum'), ReturnData: false },
      { Id: 'requests', MetricStat: stat('RequestCount', 'Sum'), ReturnData: false },
      { Id: 'rate', Expression: '100 * FILL(errors, 0) / requests' },
      { Id: 'p99', MetricStat: stat('TargetResponseTime', 'p99') },
    ],
    StartTime: start / 1000,
    EndTime: clock.ms / 1000,
  }).MetricDataResults as Json[];
  const values: Record<string, number[]> = Object.fromEntries(results.map((r) => [String(r.Id), r.Values as number[]]));
  const alarm = (
    (world.dispatch('cloudwatch', 'DescribeAlarms', { AlarmNames: ['shop-web-canary-5xx'] }).MetricAlarms as Json[])[0] as Json
  ).StateValue;
  return { rate: values.rate ?? ([] as number[]), p99: values.p99 ?? ([] as number[]), alarm };
}

describe('shipped scenarios on the canary example', () => {
  it('bad-release.yaml: the canary answers 20 % 5XX slowly, the error-rate gate fails and the alarm fires', () => {
    const r = canaryRun('bad-release.yaml');
    expect(r.rate.length).toBeGreaterThanOrEqual(4);
    for (const v of r.rate) expect(v).toBeCloseTo(20, 0);
    expect(r.p99[0]).toBeCloseTo(0.9, 5);
    expect(r.alarm).toBe('ALARM');
  });

  it('healthy-canary.yaml: the canary answers without errors and the alarm stays OK', () => {
    const r = canaryRun('healthy-canary.yaml');
    expect(r.rate.length).toBeGreaterThanOrEqual(4);
    expect(r.rate.every((v) => v === 0)).toBe(true);
    expect(r.alarm).toBe('OK');
  });

  it('crashing.yaml: the new image never runs and the circuit breaker rolls the rolling example back', () => {
    const scenario = parseScenario(readFileSync(resolve(ROOT, 'examples/scenarios/crashing.yaml'), 'utf8'), 'crashing.yaml');
    const clock = new TestClock();
    const world = createWorld({ clock, scenario });
    seedFromManifest(world, loadManifest({ cwd: resolve(ROOT, 'examples/rolling'), env: { IMAGE_TAG: '2.0.0' } }));
    const before = String(describeService(world, 'hello', 'hello-web').taskDefinition);
    const td = world.dispatch('ecs', 'DescribeTaskDefinition', { taskDefinition: before }).taskDefinition as Json;
    const containers = (td.containerDefinitions as Json[]).map((c) => ({ ...c, image: String(c.image).replace(':previous', ':2.0.0') }));
    const next = String(
      (world.dispatch('ecs', 'RegisterTaskDefinition', { ...td, containerDefinitions: containers }).taskDefinition as Json)
        .taskDefinitionArn,
    );
    world.dispatch('ecs', 'UpdateService', { cluster: 'hello', service: 'hello-web', taskDefinition: next });
    runUntil(world, clock, () => {
      const d = describeService(world, 'hello', 'hello-web').deployments as Json[];
      return d.length === 1 && d[0]?.rolloutState === 'COMPLETED' && d[0]?.taskDefinition === before;
    });
    const events = (describeService(world, 'hello', 'hello-web').events as Json[]).map((e) => String(e.message));
    expect(events.some((m) => m.endsWith('deployment failed: tasks failed to start.'))).toBe(true);
  });
});
