/**
 * The rollback policy over a strategy's own undo (not ECS's): what onFailure and onInterrupt report depending on
 * how the undo ended, and which signal the undo waits on. Any strategy (CodeDeploy, canary) gets this behaviour by
 * passing its undo.
 */
import { describe, expect, it } from 'vitest';
import type { AwsPorts } from '../../src/aws/ports.js';
import { createCallRunner } from '../../src/engine/calls.js';
import { createEmitter } from '../../src/engine/emitter.js';
import { MemorySink } from '../../src/events/types.js';
import { VirtualClock } from '../../src/sandbox/clock.js';
import { onFailure, onInterrupt, type Undo, type UndoEnd } from '../../src/strategies/rollback-policy.js';
import { Rollout } from '../../src/strategies/rollout.js';
import type { DeployTarget, StrategyContext } from '../../src/strategies/types.js';

const OLD = 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:1';
const NEW = 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:2';

function setup(o: { onFailure?: 'rollback' | 'leave'; onInterrupt?: 'rollback' | 'leave'; undoEnd?: UndoEnd } = {}) {
  const clock = new VirtualClock();
  const soft = new AbortController();
  const hard = new AbortController();
  // With a strategy's own undo, the policy itself makes no AWS call and reads nothing.
  const noAws = new Proxy({} as AwsPorts, {
    get: () => {
      throw new Error('the rollback policy called AWS itself');
    },
  });
  const emit = createEmitter(new MemorySink(), clock);
  const context: StrategyContext = {
    ports: noAws,
    emit,
    clock,
    signal: soft.signal,
    hardSignal: hard.signal,
    onInterrupt: o.onInterrupt ?? 'rollback',
    calls: createCallRunner({ dryRun: false, emit, hardSignal: hard.signal, ports: noAws, runId: 'r' }),
    watcher: { next: () => Promise.reject(new Error('the rollback policy read a service itself')) },
  };
  const target: DeployTarget = {
    key: 'web',
    service: 'web',
    cluster: 'prod',
    strategy: { type: 'rolling' },
    create: false,
    taskDefinitionArn: NEW,
    previousTaskDefinitionArn: OLD,
    previousDeploymentId: undefined,
    desiredCount: undefined,
    deployment: {},
    settings: undefined,
    timeoutMs: 60_000,
    onFailure: o.onFailure ?? 'rollback',
    purpose: 'deploy',
  };
  const undos: { previous: string; deploymentId: string; signal: AbortSignal }[] = [];
  const undo: Undo = async (previous, deploymentId, signal) => {
    undos.push({ previous, deploymentId, signal });
    return o.undoEnd ?? { underway: true, standsOn: previous, text: 'undo completed' };
  };
  return { rollout: new Rollout(target, context), undo, undos, soft, hard };
}

const failure = (outcome: 'failed' | 'timed-out' = 'failed') => ({
  why: 'deployment d-1 failed: canary gate failed',
  outcome,
  deploymentId: 'd-1',
  previous: OLD,
  stoppedTasks: [],
});

describe('onFailure', () => {
  it('undoes a failed rollout and reports it rolled back to the previous revision', async () => {
    const { rollout, undo, undos, soft } = setup();
    const r = await onFailure(rollout, failure(), undo);
    expect(undos).toEqual([{ previous: OLD, deploymentId: 'd-1', signal: soft.signal }]);
    expect(r).toMatchObject({ outcome: 'rolled-back', taskDefinitionArn: OLD, deploymentId: 'd-1' });
    expect(r.reason).toBe('deployment d-1 failed: canary gate failed; rolled back to web:1 (undo completed)');
  });

  it('keeps a timeout a timeout after undoing it', async () => {
    const { rollout, undo } = setup();
    const r = await onFailure(rollout, failure('timed-out'), undo);
    expect(r).toMatchObject({ outcome: 'timed-out', taskDefinitionArn: OLD });
  });

  it('never says rolled back when the undo did not hold: the service stands where the undo left it', async () => {
    const { rollout, undo } = setup({ undoEnd: { underway: false, standsOn: NEW, text: 'the rollback call failed: AccessDenied' } });
    const r = await onFailure(rollout, failure(), undo);
    expect(r.outcome).toBe('failed');
    expect(r.taskDefinitionArn).toBe(NEW);
    expect(r.reason).toBe(
      'deployment d-1 failed: canary gate failed; tried to roll back to web:1 but the rollback call failed: AccessDenied',
    );
  });

  it('leaves the rollout as it is with onFailure: leave, or with nothing to go back to', async () => {
    const leave = setup({ onFailure: 'leave' });
    const left = await onFailure(leave.rollout, failure(), leave.undo);
    expect(leave.undos).toEqual([]);
    expect(left).toMatchObject({ outcome: 'failed', taskDefinitionArn: NEW });
    expect(left.reason).toContain('left as it is (onFailure: leave), deployment d-1 stays');

    const created = setup();
    const none = await onFailure(created.rollout, { ...failure(), previous: undefined }, created.undo);
    expect(created.undos).toEqual([]);
    expect(none.reason).toContain('left as it is (no previous revision to roll back to)');
  });
});

describe('onInterrupt', () => {
  it('undoes the rollout waiting on the hard signal only, and reports interrupted where the undo left the service', async () => {
    const { rollout, undo, undos, hard } = setup();
    const r = await onInterrupt(rollout, { deploymentId: 'd-1', previous: OLD }, undo);
    expect(undos).toEqual([{ previous: OLD, deploymentId: 'd-1', signal: hard.signal }]);
    expect(r).toMatchObject({ outcome: 'interrupted', taskDefinitionArn: OLD });
    expect(r.reason).toBe('interrupted; rolled back to web:1 (undo completed)');
  });

  it('leaves the rollout to AWS with --on-interrupt leave', async () => {
    const { rollout, undo, undos } = setup({ onInterrupt: 'leave' });
    const r = await onInterrupt(rollout, { deploymentId: 'd-1', previous: OLD }, undo);
    expect(undos).toEqual([]);
    expect(r).toMatchObject({ outcome: 'interrupted', taskDefinitionArn: NEW });
  });
});
