/**
 * Following one ECS service deployment (strategies/ecs-native-follow.ts) with every enum open (aws-semantics §7.2):
 * a status, lifecycle stage or hook this version does not know is passed on as it is and followed, never a crash,
 * never a verdict; only the documented final statuses end the follow, and only ECS's PAUSE awaiting action stops it.
 */
import { describe, expect, it } from 'vitest';
import type { AwsPorts, EcsServiceDeployment } from '../../src/aws/ports.js';
import { createCallRunner } from '../../src/engine/calls.js';
import { createEmitter } from '../../src/engine/emitter.js';
import { MemorySink } from '../../src/events/types.js';
import { VirtualClock } from '../../src/sandbox/clock.js';
import { type DeploymentView, followServiceDeployment } from '../../src/strategies/ecs-native-follow.js';
import type { StrategyContext } from '../../src/strategies/types.js';

const ARN = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/shop/shop-web/abc';

/** A context whose only AWS call is DescribeServiceDeployments, answering the script one read at a time. */
function scripted(reads: Record<string, unknown>[]) {
  const clock = new VirtualClock();
  const hard = new AbortController();
  let i = 0;
  const ecs = {
    describeServiceDeployments: async () => {
      const sd = reads[Math.min(i, reads.length - 1)];
      i += 1;
      return { serviceDeployments: sd ? [{ serviceDeploymentArn: ARN, ...sd } as unknown as EcsServiceDeployment] : [], $metadata: {} };
    },
  };
  const ports = { ecs } as unknown as AwsPorts;
  const emit = createEmitter(new MemorySink(), clock);
  const context: StrategyContext = {
    ports,
    emit,
    clock,
    signal: new AbortController().signal,
    hardSignal: hard.signal,
    onInterrupt: 'rollback',
    calls: createCallRunner({ dryRun: false, emit, hardSignal: hard.signal, ports, runId: 'r' }),
    watcher: { next: () => Promise.reject(new Error('the follower reads the service deployment only')) },
  };
  return { context, clock, reads: () => i };
}

function follow(context: StrategyContext, clock: VirtualClock, stopAtPause: boolean, seen: DeploymentView[] = []) {
  return followServiceDeployment(context, {
    key: 'web',
    arn: ARN,
    deadline: clock.now() + 60 * 60_000,
    signal: new AbortController().signal,
    stopAtPause,
    onView: (v) => seen.push(v),
  });
}

describe('following a service deployment, every enum open', () => {
  it('passes on a status, stage and hook it does not know, and follows on to SUCCESSFUL', async () => {
    const { context, clock } = scripted([
      { status: 'IN_PROGRESS', lifecycleStage: 'QUANTUM_TRAFFIC_SHIFT' },
      {
        status: 'WARMING_UP',
        lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
        lifecycleHookDetails: [{ hookId: 'h1', targetType: 'WEBHOOK', status: 'AWAITING_ACTION' }],
        deploymentCircuitBreaker: { status: 'HALF_TRIPPED' },
      },
      { status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP' },
    ]);
    const seen: DeploymentView[] = [];
    const stop = await follow(context, clock, true, seen);
    expect(stop.kind).toBe('succeeded');
    expect(seen.map((v) => [v.status, v.stage])).toEqual([
      ['IN_PROGRESS', 'QUANTUM_TRAFFIC_SHIFT'],
      ['WARMING_UP', 'POST_TEST_TRAFFIC_SHIFT'],
      ['SUCCESSFUL', 'CLEAN_UP'],
    ]);
    expect(seen[1]).toMatchObject({
      circuitBreaker: 'HALF_TRIPPED',
      hooks: [{ hookId: 'h1', targetType: 'WEBHOOK', status: 'AWAITING_ACTION' }],
    });
  });

  it('stops at a PAUSE hook awaiting action, not at an unknown hook status or type', async () => {
    const { context, clock } = scripted([
      { status: 'IN_PROGRESS', lifecycleHookDetails: [{ hookId: 'h0', targetType: 'PAUSE', status: 'THINKING' }] },
      { status: 'IN_PROGRESS', lifecycleHookDetails: [{ hookId: 'h1', targetType: 'AWS_LAMBDA', status: 'AWAITING_ACTION' }] },
      {
        status: 'IN_PROGRESS',
        lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
        lifecycleHookDetails: [{ hookId: 'h2', targetType: 'PAUSE', status: 'AWAITING_ACTION' }],
      },
    ]);
    const stop = await follow(context, clock, true);
    expect(stop).toMatchObject({ kind: 'awaiting', hook: { hookId: 'h2' }, view: { stage: 'POST_TEST_TRAFFIC_SHIFT' } });
  });

  it('an unknown status forever is no verdict: the follow times out at its deadline', async () => {
    const { context, clock, reads } = scripted([{ status: 'SOMETHING_NEW' }]);
    const stop = await follow(context, clock, false);
    expect(stop).toMatchObject({ kind: 'timeout', view: { status: 'SOMETHING_NEW' } });
    expect(reads()).toBeGreaterThan(3);
  });

  it('the documented final statuses end it with their meaning', async () => {
    for (const [status, kind] of [
      ['ROLLBACK_SUCCESSFUL', 'rolled-back'],
      ['ROLLBACK_FAILED', 'rollback-failed'],
      ['STOPPED', 'stopped'],
    ] as const) {
      const { context, clock } = scripted([{ status: 'ROLLBACK_IN_PROGRESS' }, { status }]);
      expect((await follow(context, clock, false)).kind).toBe(kind);
    }
  });

  it('a deployment ECS does not know is missing, not a crash', async () => {
    const { context, clock } = scripted([]);
    expect(await follow(context, clock, false)).toMatchObject({ kind: 'missing' });
  });
});
