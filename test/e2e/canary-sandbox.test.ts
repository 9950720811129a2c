/**
 * `ecsdeploy apply` with the canary strategy, end to end: the real CLI (in-process `run()`), the real SDK clients,
 * the sandbox's AWS account on its virtual clock, the canary example's rule, target groups, services and gate.
 * Assertions are on exit codes, NDJSON events, the order of the AWS calls made, and the account's state reached:
 * the rule's weights (read with DescribeRules), the stable and canary services, the canary's state tags.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/events/types.js';
import { cli, ofType } from '../_helpers/cli.js';
import type { RecordedPorts } from '../_helpers/recorded-ports.js';
import { canaryExample, canaryWorld, ENV, indexOf, ROOT, ruleWeights, serviceSnapshot, writtenWeights } from './canary-world.js';

const JSON_APPLY = ['apply', '--yes', '--format', 'json'];

/** Keeps each call's output on the recorded call, so the order of "what was read back" can be asserted. */
function withOutputs(rec: RecordedPorts): RecordedPorts {
  rec.afterCall = (call, output) => {
    (call as { output?: unknown }).output = output;
  };
  return rec;
}

type Rule = { Actions?: { Type?: string; ForwardConfig?: { TargetGroups?: { Weight?: number }[] } }[] };

/** The first DescribeRules at or after `from` whose answer reads `weights` (stable first). */
function readBack(rec: RecordedPorts, weights: number[], from: number): number {
  return rec.calls.findIndex((c, i) => {
    if (i < from || c.op !== 'DescribeRules') return false;
    const rule = ((c as { output?: { Rules?: Rule[] } }).output?.Rules ?? [])[0];
    const tgs = rule?.Actions?.find((a) => a.Type === 'forward')?.ForwardConfig?.TargetGroups ?? [];
    return JSON.stringify(tgs.map((t) => t.Weight)) === JSON.stringify(weights);
  });
}

const isModifyRule = (weights: number[]) => (op: string, input: Record<string, unknown>) =>
  op === 'ModifyRule' && JSON.stringify(writtenWeights(input)) === JSON.stringify(weights);
const isCanaryResize = (count: number) => (op: string, input: Record<string, unknown>) =>
  op === 'UpdateService' && input.service === 'shop-web-canary' && input.desiredCount === count && input.taskDefinition === undefined;

function finished(events: EngineEvent[]) {
  return ofType(events, 'service.finished')[0];
}

afterEach(() => {
  // Nothing to clean: every sandbox is in-process and per test.
});

describe('canary apply on the sandbox', () => {
  it('promotes a healthy canary: steps 10/50/100, stable on the new revision, rule 100 % stable, canary at 0; plan then shows no changes', async () => {
    const world = canaryWorld({ scenario: 'healthy-canary.yaml' });
    const { rec, context } = world.record();
    withOutputs(rec);
    const r = await cli(JSON_APPLY, { cwd: world.cwd, env: ENV, context });
    expect(r.code).toBe(0);
    expect(ofType(r.events, 'canary.step').map((e) => [e.step, e.weight, e.verdict])).toEqual([
      [1, 10, 'pass'],
      [2, 50, 'pass'],
      [3, 100, 'pass'],
    ]);
    expect(ofType(r.events, 'canary.promoted')).toHaveLength(1);
    expect(finished(r.events)).toMatchObject({ outcome: 'succeeded' });
    const revision = finished(r.events)?.taskDefinitionArn?.split('/').pop();

    // Where AWS stands: all traffic on stable, stable runs the new revision, the canary is scaled in, no state left.
    expect(await ruleWeights(world.ports, world.strategy)).toMatchObject({ stable: 100, canary: 0 });
    const stable = await serviceSnapshot(world.ports, 'shop', 'shop-web');
    const canary = await serviceSnapshot(world.ports, 'shop', 'shop-web-canary');
    expect(stable.taskDefinition).toBe(revision);
    expect(canary).toMatchObject({ desiredCount: 0, canaryTags: {} });

    // Every weight was read back before the step held: ModifyRule(w) → DescribeRules shows w → the gate's first read.
    for (const w of [10, 50, 100]) {
      const modified = indexOf(rec, isModifyRule([100 - w, w]));
      const verified = readBack(rec, [100 - w, w], modified);
      const held = indexOf(rec, (op) => op === 'DescribeAlarms', modified);
      expect(modified).toBeGreaterThan(-1);
      expect(verified).toBeGreaterThan(modified);
      expect(held).toBeGreaterThan(verified);
    }
    // follow-weight with 4 stable tasks: 1, 2, 4 canary tasks, each resize made before the weight moved up.
    expect(indexOf(rec, isCanaryResize(2))).toBeGreaterThan(-1);
    expect(indexOf(rec, isCanaryResize(2))).toBeLessThan(indexOf(rec, isModifyRule([50, 50])));
    expect(indexOf(rec, isCanaryResize(4))).toBeLessThan(indexOf(rec, isModifyRule([0, 100])));
    // Promotion: stable deployed (UpdateService with the new revision) → 100/0 → read back → canary to 0.
    const stableUpdate = indexOf(
      rec,
      (op, i) => op === 'UpdateService' && i.service === 'shop-web' && typeof i.taskDefinition === 'string',
    );
    const back = indexOf(rec, isModifyRule([100, 0]));
    const backVerified = readBack(rec, [100, 0], back);
    const scaledIn = indexOf(rec, isCanaryResize(0));
    expect(stableUpdate).toBeGreaterThan(indexOf(rec, isModifyRule([0, 100])));
    expect(back).toBeGreaterThan(stableUpdate);
    expect(backVerified).toBeGreaterThan(back);
    expect(scaledIn).toBeGreaterThan(backVerified);

    const plan = await cli(['plan', '--detailed-exitcode'], { cwd: world.cwd, env: ENV, context: world.record().context });
    expect(plan.stdout).toContain('No changes');
    expect(plan.code).toBe(0);
  });

  it('catches bad-release.yaml at the first step: traffic back to stable (read back) before the canary is scaled in, exit 1 with the evidence', async () => {
    const world = canaryWorld({ scenario: 'bad-release.yaml' });
    const { rec, context } = world.record();
    withOutputs(rec);
    const r = await cli(JSON_APPLY, { cwd: world.cwd, env: ENV, context });
    expect(r.code).toBe(1);
    expect(ofType(r.events, 'canary.step').map((e) => [e.step, e.verdict])).toEqual([[1, 'fail']]);
    const aborted = ofType(r.events, 'canary.aborted')[0];
    expect(aborted).toMatchObject({ step: 1, weight: 10, trigger: 'gate', trafficRestored: true, scaledIn: true });
    const evidence = aborted?.checks ?? [];
    expect(evidence.find((c) => c.name === 'error-rate')).toMatchObject({ outcome: 'fail', threshold: { max: 5 }, baseline: { value: 0 } });
    expect(evidence.find((c) => c.name === 'error-rate')?.value).toBeCloseTo(20, 0);
    expect(evidence.find((c) => c.name === 'p99-latency')?.detail).toBe('0.9 > max 0.5; 0.9 is 22.5x stable 0.04 > maxRatio 1.5');
    expect(finished(r.events)).toMatchObject({ outcome: 'rolled-back' });
    expect(finished(r.events)?.reason).toMatch(/^gate failed at step 1 \(10 %\)/);

    // The safety property: ModifyRule(100/0) → a DescribeRules that reads 100/0 → only then the canary scaled in.
    const back = indexOf(rec, isModifyRule([100, 0]));
    const verified = readBack(rec, [100, 0], back);
    const scaledIn = indexOf(rec, isCanaryResize(0));
    expect(back).toBeGreaterThan(-1);
    expect(verified).toBeGreaterThan(back);
    expect(scaledIn).toBeGreaterThan(verified);

    // Weights restored within one gate interval of the failing evaluation (the hold ends at it).
    const failing = ofType(r.events, 'gate.finished')[0];
    const restored = ofType(r.events, 'traffic.shifted').at(-1);
    expect(restored?.weights).toEqual({ 'shop-web-stable': 100, 'shop-web-canary': 0 });
    expect(Date.parse(restored?.time ?? '') - Date.parse(failing?.time ?? '')).toBeLessThan(60_000);

    expect(await ruleWeights(world.ports, world.strategy)).toMatchObject({ stable: 100, canary: 0 });
    const stable = await serviceSnapshot(world.ports, 'shop', 'shop-web');
    expect(stable.taskDefinition).toBe('shop-web:1');
    expect(await serviceSnapshot(world.ports, 'shop', 'shop-web-canary')).toMatchObject({ desiredCount: 0, canaryTags: {} });
    // Stable was never touched.
    expect(rec.callsOf('UpdateService').filter((i) => i.service === 'shop-web')).toEqual([]);
  });

  it('runs the README command line exactly: a canary caught and rolled back in the sandbox, exit 1 with the evidence', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const line = readme.split('\n').find((l) => l.includes('examples/scenarios/bad-release.yaml') && l.includes('npx ecsdeploy apply'));
    const m = /^IMAGE_TAG=(\S+) npx ecsdeploy (.*)$/.exec(line ?? '');
    expect(m?.[2]).toBe('apply --sandbox -f examples/canary/ecsdeploy.yaml --scenario examples/scenarios/bad-release.yaml --yes');
    const r = await cli((m?.[2] ?? '').split(' '), { cwd: ROOT, env: { IMAGE_TAG: m?.[1] ?? '' } });
    expect(r.code).toBe(1);
    const out = r.stdout + r.stderr;
    expect(out).toMatch(/canary ABORTED at step 1 \(10%\)/);
    expect(out).toMatch(/evidence: error-rate fail \(20 > max 5; 20 is \+20 vs stable 0 > maxIncrease 1\)/);
    expect(out).toMatch(/traffic back on stable \(verified\), canary scaled in/);
    expect(r.stdout).toMatch(/rolled back/);
  });

  it('a flapping alarm: one evaluation in ALARM, tolerated by failureLimit 1, and the canary goes on', async () => {
    const world = canaryWorld({ scenario: 'healthy-canary.yaml' });
    const { rec, context } = world.record();
    // The alarm reads ALARM once (the second DescribeAlarms of the run), OK before and after: a flap.
    const describeAlarms = rec.ports.cloudwatch.describeAlarms;
    let reads = 0;
    rec.ports.cloudwatch.describeAlarms = async (input, options) => {
      const out = await describeAlarms(input, options);
      reads += 1;
      if (reads !== 3) return out;
      return {
        ...out,
        MetricAlarms: (out.MetricAlarms ?? []).map((a) => ({
          ...a,
          StateValue: 'ALARM' as const,
          StateReason: 'flap',
          StateUpdatedTimestamp: new Date(world.sb.clock.now()),
          StateTransitionedTimestamp: new Date(world.sb.clock.now()),
        })),
      };
    };
    const r = await cli(JSON_APPLY, { cwd: world.cwd, env: ENV, context });
    const step1 = ofType(r.events, 'gate.evaluated').filter((e) => e.step === 1);
    expect(step1.map((e) => e.outcome)).toEqual(['pass', 'fail', 'pass']);
    expect(step1[1]?.checks[0]).toMatchObject({ name: 'shop-web-canary-5xx', outcome: 'fail', state: 'ALARM' });
    expect(r.code).toBe(0);
    expect(ofType(r.events, 'canary.promoted')).toHaveLength(1);
  });

  it('no traffic, no datapoints: the inconclusive policy pauses the canary (exit 3), it never passes it', async () => {
    const world = canaryWorld({ scenario: { trafficPerMinute: 0, images: [{ match: '*', startSeconds: 5 }] } });
    const r = await cli(JSON_APPLY, { cwd: world.cwd, env: ENV, context: world.record().context });
    expect(r.code).toBe(3);
    expect(ofType(r.events, 'gate.finished')[0]).toMatchObject({ step: 1, verdict: 'pause' });
    expect(ofType(r.events, 'canary.step')[0]).toMatchObject({ step: 1, verdict: 'pause' });
    expect(ofType(r.events, 'canary.paused')[0]).toMatchObject({
      step: 1,
      weight: 10,
      next: ['ecsdeploy promote -n web', 'ecsdeploy abort -n web'],
    });
    expect(ofType(r.events, 'apply.finished')[0]).toMatchObject({ outcome: 'paused', services: [{ key: 'web', outcome: 'paused' }] });
    // Paused: the canary keeps its weight and its state is on the canary service.
    expect(await ruleWeights(world.ports, world.strategy)).toMatchObject({ stable: 90, canary: 10 });
    const canary = await serviceSnapshot(world.ports, 'shop', 'shop-web-canary');
    expect(canary.canaryTags).toMatchObject({
      'ecsdeploy:canary:phase': 'paused',
      'ecsdeploy:canary:step': '1',
      'ecsdeploy:canary:weight': '10',
    });
  });

  describe('a baseline check judges the canary against stable in the same minutes', () => {
    const gate = `      gate:
        interval: 1m
        minRequests: 20
        metrics:
          - name: error-rate
            expression: 100 * FILL(errors, 0) / requests
            queries:
              errors: { metric: AWS/ApplicationELB HTTPCode_Target_5XX_Count, targetGroup: canary, stat: Sum }
              requests: { metric: AWS/ApplicationELB RequestCount, targetGroup: canary, stat: Sum }
            baseline: { maxIncrease: 1 }
`;
    const steps = '      steps:\n        - { weight: 10, pause: 3m }\n';

    it('both sides equally bad (a dependency down for everyone): passes', async () => {
      const world = canaryWorld({ cwd: canaryExample({ steps, gate }), scenario: { images: [{ match: '*', errorRate: 0.2 }] } });
      const r = await cli(JSON_APPLY, { cwd: world.cwd, env: ENV, context: world.record().context });
      const evaluations = ofType(r.events, 'gate.evaluated');
      expect(evaluations.length).toBeGreaterThan(0);
      for (const e of evaluations) expect(e.checks[0]).toMatchObject({ outcome: 'pass', baseline: { maxIncrease: 1 } });
      expect(evaluations[0]?.checks[0]?.value).toBeCloseTo(20, 0);
      expect(r.code).toBe(0);
    });

    it('the canary worse than stable: fails and aborts', async () => {
      const world = canaryWorld({
        cwd: canaryExample({ steps, gate }),
        scenario: {
          images: [
            { match: '*:previous', errorRate: 0.2 },
            { match: '*', errorRate: 0.3 },
          ],
        },
      });
      const r = await cli(JSON_APPLY, { cwd: world.cwd, env: ENV, context: world.record().context });
      expect(r.code).toBe(1);
      expect(ofType(r.events, 'gate.evaluated')[0]?.checks[0]).toMatchObject({ outcome: 'fail' });
      expect(ofType(r.events, 'canary.aborted')[0]).toMatchObject({ trigger: 'gate', trafficRestored: true, scaledIn: true });
      expect(await ruleWeights(world.ports, world.strategy)).toMatchObject({ stable: 100, canary: 0 });
    });
  });

  it('ELBv2 throttling during ModifyRule: the weights still go through and are read back; the canary is promoted', async () => {
    const world = canaryWorld({
      scenario: {
        images: [{ match: '*', startSeconds: 5 }],
        faults: [
          { service: 'elbv2', operation: 'ModifyRule', throttleRate: 0.6 },
          { service: 'elbv2', operation: 'DescribeRules', throttleRate: 0.3 },
        ],
      },
    });
    const r = await cli(JSON_APPLY, { cwd: world.cwd, env: ENV, context: world.record().context });
    expect(world.sb.runtime.calls().counts['elbv2.ModifyRule'] ?? 0).toBeGreaterThan(4);
    expect(r.code).toBe(0);
    expect(ofType(r.events, 'canary.step').map((e) => e.weights)).toEqual([
      { 'shop-web-stable': 90, 'shop-web-canary': 10 },
      { 'shop-web-stable': 50, 'shop-web-canary': 50 },
      { 'shop-web-stable': 0, 'shop-web-canary': 100 },
    ]);
    expect(await ruleWeights(world.ports, world.strategy)).toMatchObject({ stable: 100, canary: 0 });
  });

  it('refuses a rule with stickiness on before anything changes: sticky clients ignore weights', async () => {
    const world = canaryWorld({ scenario: 'healthy-canary.yaml' });
    const rule = (await world.ports.elbv2.describeRules({ RuleArns: [world.strategy.rule ?? ''] })).Rules?.[0];
    const actions = (rule?.Actions ?? []).map((a) =>
      a.Type === 'forward'
        ? { ...a, ForwardConfig: { ...a.ForwardConfig, TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 3600 } } }
        : a,
    );
    await world.ports.elbv2.modifyRule({ RuleArn: world.strategy.rule ?? '', Actions: actions });
    const { rec, context } = world.record();
    const r = await cli(JSON_APPLY, { cwd: world.cwd, env: ENV, context });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/PREFLIGHT_FAILED/);
    expect(r.stderr).toMatch(/stickiness on: sticky clients ignore weights/);
    expect(rec.mutatingCalls().filter((c) => !['TagResource', 'UntagResource'].includes(c.op))).toEqual([]);
    expect(await ruleWeights(world.ports, world.strategy)).toMatchObject({ stable: 100, canary: 0, sticky: true });
  });

  it('promotion fails (stable cannot start the new revision): traffic ends on stable 100 % with stable on its old revision, exit 1', async () => {
    const world = canaryWorld({ scenario: 'healthy-canary.yaml' });
    let broke = false;
    const r = await cli(JSON_APPLY, {
      cwd: world.cwd,
      env: ENV,
      context: world.record().context,
      onStdout: (text) => {
        // The canary passed its last step; from now on the new image crashes (as in a bad node pool for stable).
        if (!broke && text.includes('"type":"canary.step"') && text.includes('"step":3')) {
          broke = true;
          world.sb.runtime.world.scenario = { images: [{ match: '*:2.0.0', crashOnStart: true, exitCode: 1 }], faults: [] };
        }
      },
    });
    expect(broke).toBe(true);
    expect(r.code).toBe(1);
    const done = finished(r.events);
    expect(done?.outcome).not.toBe('succeeded');
    expect(done?.reason).toMatch(/^promotion failed: .*; traffic back on stable \(verified\), canary scaled in$/);
    expect(ofType(r.events, 'canary.promoted')).toEqual([]);
    expect(ofType(r.events, 'canary.aborted')[0]).toMatchObject({ trigger: 'failure', trafficRestored: true, scaledIn: true });
    expect(await ruleWeights(world.ports, world.strategy)).toMatchObject({ stable: 100, canary: 0 });
    const stable = await serviceSnapshot(world.ports, 'shop', 'shop-web');
    expect(stable.taskDefinition).toBe('shop-web:1');
    expect(await serviceSnapshot(world.ports, 'shop', 'shop-web-canary')).toMatchObject({ desiredCount: 0, canaryTags: {} });
  });

  it('weights that never read back as stable 100 %: the canary is NOT scaled in, the state stays, and the run says so', async () => {
    const world = canaryWorld({ scenario: 'bad-release.yaml' });
    const { rec, context } = world.record();
    // The ALB never shows the restore (stuck propagation): every read after the 100/0 write shows the old weights.
    const describeRules = rec.ports.elbv2.describeRules;
    let stale: Awaited<ReturnType<typeof describeRules>> | undefined;
    let restoring = false;
    const modifyRule = rec.ports.elbv2.modifyRule;
    rec.ports.elbv2.modifyRule = async (input, options) => {
      if (JSON.stringify(writtenWeights(input as unknown as Record<string, unknown>)) === '[100,0]') restoring = true;
      return modifyRule(input, options);
    };
    rec.ports.elbv2.describeRules = async (input, options) => {
      const out = await describeRules(input, options);
      if (!restoring) stale = out;
      return restoring && stale ? stale : out;
    };
    const r = await cli(JSON_APPLY, { cwd: world.cwd, env: ENV, context });
    expect(r.code).toBe(1);
    expect(ofType(r.events, 'canary.aborted')[0]).toMatchObject({ trigger: 'gate', trafficRestored: false, scaledIn: false });
    expect(finished(r.events)).toMatchObject({ outcome: 'failed' });
    expect(finished(r.events)?.reason).toMatch(/TRAFFIC NOT VERIFIED BACK ON STABLE, so the canary was left running/);
    expect(rec.callsOf('UpdateService').filter((i) => i.desiredCount === 0)).toEqual([]);
    const canary = await serviceSnapshot(world.ports, 'shop', 'shop-web-canary');
    expect(canary.desiredCount).toBeGreaterThan(0);
    expect(canary.canaryTags).toMatchObject({ 'ecsdeploy:canary:phase': 'aborting' });
  });
});
