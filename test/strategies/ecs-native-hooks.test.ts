/**
 * ecsdeploy's pause hooks on ECS-native deployments (strategies/ecs-native-hooks.ts): where they sit for each
 * strategy of the ecs-native example, their shape (PAUSE, the run in hookDetails, ROLLBACK after a bounded
 * timeout), and how ecsdeploy tells its own pauses from anybody else's.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EcsService } from '../../src/aws/ports.js';
import { loadManifest } from '../../src/manifest/index.js';
import type { EcsNativeStrategy } from '../../src/model/strategy.js';
import {
  gatePauseMinutes,
  hooksWithoutOurPauses,
  ourPauseStages,
  pauseHooks,
  pauseStages,
  productionSteps,
} from '../../src/strategies/ecs-native-hooks.js';

const manifest = loadManifest({ cwd: join(resolve(__dirname, '../..'), 'examples/ecs-native'), env: {} });
function strategyOf(key: string): EcsNativeStrategy {
  return manifest.services.find((s) => s.key === key)?.strategy as EcsNativeStrategy;
}

const LAMBDA = {
  targetType: 'AWS_LAMBDA',
  hookTargetArn: 'arn:aws:lambda:us-east-1:123456789012:function:smoke',
  roleArn: 'arn:aws:iam::123456789012:role/r',
  lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
};
const SOMEONE_ELSES_PAUSE = { targetType: 'PAUSE', lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'], hookDetails: { team: 'qa' } };

describe('where ecsdeploy pauses', () => {
  it('ecs-blue-green with a test-traffic gate only: after test traffic, nowhere else', () => {
    expect(pauseStages(strategyOf('blue-green')).map((p) => p.stage)).toEqual(['POST_TEST_TRAFFIC_SHIFT']);
  });

  it('ecs-linear with both gates: after test traffic, before each later step, and once all traffic moved', () => {
    expect(pauseStages(strategyOf('linear')).map((p) => p.stage)).toEqual([
      'POST_TEST_TRAFFIC_SHIFT',
      'PRE_PRODUCTION_TRAFFIC_SHIFT',
      'POST_PRODUCTION_TRAFFIC_SHIFT',
    ]);
  });

  it('an approval pauses before production even for a single step, for as long as the approval may wait', () => {
    const s = { ...strategyOf('blue-green'), approval: { at: 'before-production' as const, timeoutMs: 45 * 60_000 } };
    expect(pauseStages(s)).toContainEqual({ stage: 'PRE_PRODUCTION_TRAFFIC_SHIFT', timeoutMinutes: 45 });
  });

  it('no gate and no approval: no pause at all (ECS goes its way)', () => {
    const { testTrafficGate: _t, productionGate: _p, ...bare } = strategyOf('linear');
    expect(pauseStages(bare)).toEqual([]);
    expect(pauseHooks(bare, 'run-1')).toEqual([]);
  });

  it('production steps: 25 % linear in four, 10 % canary then the rest, blue/green all at once', () => {
    expect(productionSteps(strategyOf('linear'))).toEqual([25, 50, 75, 100]);
    expect(productionSteps(strategyOf('canary'))).toEqual([10, 100]);
    expect(productionSteps(strategyOf('blue-green'))).toEqual([100]);
    expect(productionSteps({ ...strategyOf('linear'), linear: { stepPercent: 33.3, stepBakeTimeMinutes: 1 } })).toEqual([
      33.3, 66.6, 99.9, 100,
    ]);
  });
});

describe('the pause hooks', () => {
  it('are PAUSE hooks naming the run, rolling back when nobody answers in time (within ECS bounds)', () => {
    const hooks = pauseHooks(strategyOf('linear'), 'run-1');
    expect(hooks).toHaveLength(3);
    for (const h of hooks) {
      expect(h).toMatchObject({
        targetType: 'PAUSE',
        hookDetails: { ecsdeploy: { runId: 'run-1' } },
        timeoutConfiguration: { action: 'ROLLBACK' },
      });
      const minutes = (h.timeoutConfiguration as { timeoutInMinutes: number }).timeoutInMinutes;
      expect(minutes).toBeGreaterThanOrEqual(1);
      expect(minutes).toBeLessThanOrEqual(20160);
    }
  });

  it("a gate's pause outlasts its hold: ECS never rolls back a hold still judging", () => {
    const gate = strategyOf('blue-green').testTrafficGate;
    if (!gate) throw new Error('the example gates blue-green on test traffic');
    expect(gatePauseMinutes(gate) * 60_000).toBeGreaterThan(gate.holdMs + gate.metricDelayMs);
    expect(gatePauseMinutes({ ...gate, holdMs: 30 * 24 * 3_600_000 })).toBe(20160);
  });
});

describe("ecsdeploy's pauses and everybody else's", () => {
  it("taking ecsdeploy's pauses off keeps the Lambda hooks and someone else's pause", () => {
    const service = {
      deploymentConfiguration: { lifecycleHooks: [LAMBDA, SOMEONE_ELSES_PAUSE, ...pauseHooks(strategyOf('linear'), 'run-1')] },
    } as unknown as EcsService;
    expect(hooksWithoutOurPauses(service)).toEqual([LAMBDA, SOMEONE_ELSES_PAUSE]);
    expect(hooksWithoutOurPauses({ deploymentConfiguration: { lifecycleHooks: [LAMBDA] } } as unknown as EcsService)).toBeUndefined();
  });

  it('ecsdeploy answers only at stages where the pause is its run’s and nobody else pauses too', () => {
    const mine = pauseHooks(strategyOf('linear'), 'run-1');
    const another = pauseHooks(strategyOf('blue-green'), 'run-2');
    expect(ourPauseStages({ lifecycleHooks: [...mine, LAMBDA] }, 'run-1')).toEqual(
      new Set(['POST_TEST_TRAFFIC_SHIFT', 'PRE_PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT']),
    );
    // Another run's pause and someone else's pause at the same stages: those are not ecsdeploy's to answer.
    expect(ourPauseStages({ lifecycleHooks: [...mine, ...another, SOMEONE_ELSES_PAUSE] }, 'run-1')).toEqual(
      new Set(['POST_PRODUCTION_TRAFFIC_SHIFT']),
    );
    // A deployment started by another tool carries none of run-1's pauses.
    expect(ourPauseStages({ lifecycleHooks: [SOMEONE_ELSES_PAUSE] }, 'run-1')).toEqual(new Set());
    expect(ourPauseStages(undefined, 'run-1')).toEqual(new Set());
  });
});
