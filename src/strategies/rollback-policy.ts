/**
 * The rollback policy every strategy follows once its rollout has a verdict:
 *
 *   completed ─► succeeded
 *   ECS rolled back itself (circuit breaker, alarms) ─► watch that rollback settle ─► rolled-back (exit 1)
 *   failed / timed out, nothing undone yet ─► onFailure: rollback (undo, then follow the undo) or leave
 *   replaced by someone else's deployment, service gone ─► failed, and never fight it
 *   Ctrl-C ─► onInterrupt: rollback (undo, on the hard signal) or leave ─► interrupted
 *
 * `onFailure` and `onInterrupt` take the strategy's own undo (rolling: UpdateService back to the previous revision;
 * others: their own), so the policy is written once. Every result says which revision the service runs or is
 * converging to, and an undo that did not hold is never reported as "rolled back".
 */
import type { StoppedTaskInfo } from '../events/types.js';
import { shortTaskDefinition } from '../util/arn.js';
import { formatDuration } from '../util/duration.js';
import { pointServiceBack } from './ecs-service-writes.js';
import { type FollowVerdict, followEcsDeployment } from './follow-ecs-deployment.js';
import type { Rollout } from './rollout.js';
import { collectStoppedTasks } from './stopped-tasks.js';
import type { DeployResult } from './types.js';

/**
 * How long a rollback (ours or ECS's) is watched to say where it ended: as long as the rollout's own timeout, so
 * `--timeout` bounds both and a service's turn takes at most twice it. A rollback still converging then is reported
 * as such (the service converges to the previous revision), never as done.
 */
function rollbackWaitMs(rollout: Rollout): number {
  return rollout.target.timeoutMs;
}

/** `; watching it for at most 5m (as long as the timeout)`: said when a rollback starts, so nobody waits blind. */
function howLong(rollout: Rollout): string {
  return `; watching it for at most ${formatDuration(rollbackWaitMs(rollout))} (as long as the timeout)`;
}

/** How undoing a rollout (ours or ECS's own) ended. */
export interface UndoEnd {
  /** It completed, or is still converging on the revision it restores. */
  underway: boolean;
  /** The revision the service runs or converges to afterwards. */
  standsOn: string | undefined;
  text: string;
}

/** Undoes the rollout of `deploymentId`, back to `previous`; waits on `signal`. */
export type Undo = (previous: string, deploymentId: string, signal: AbortSignal) => Promise<UndoEnd>;

/** Stopped tasks of the revision we deployed: why it failed, in the operator's terms. */
function stoppedTasksOf(rollout: Rollout): Promise<StoppedTaskInfo[]> {
  const { target, context } = rollout;
  return collectStoppedTasks(
    context.ports,
    { cluster: target.cluster, service: target.service, taskDefinitionArn: target.taskDefinitionArn },
    context.hardSignal,
  );
}

/** The verdict on an ECS deployment we started (rolling, or a canary's stable service), after the policy acted. */
export async function judgeEcsDeployment(
  rollout: Rollout,
  verdict: FollowVerdict,
  deploymentId: string,
  previous: string | undefined,
): Promise<DeployResult> {
  const { target } = rollout;
  const to = shortTaskDefinition(target.taskDefinitionArn);
  const undo: Undo = (back, from, signal) => rollBackEcsService(rollout, back, from, signal);
  switch (verdict.kind) {
    case 'completed':
      return rollout.result('succeeded', target.taskDefinitionArn, { deploymentId });
    case 'failed': {
      const stoppedTasks = await stoppedTasksOf(rollout);
      if (verdict.rollback && (!previous || verdict.rollback.taskDefinition === previous)) {
        return watchEcsRollback(
          rollout,
          verdict.reason,
          verdict.rollback.id ?? '',
          verdict.rollback.taskDefinition,
          deploymentId,
          stoppedTasks,
        );
      }
      if (verdict.rollback) {
        // Someone else's deployment took over after ours failed: say so, and do not fight it.
        const by = `${verdict.rollback.id} (${shortTaskDefinition(verdict.rollback.taskDefinition)})`;
        return rollout.result('failed', verdict.rollback.taskDefinition, {
          reason: `deployment ${deploymentId} failed: ${verdict.reason}; ${by} is PRIMARY now`,
          deploymentId,
          stoppedTasks,
        });
      }
      const why = `deployment ${deploymentId} failed: ${verdict.reason}`;
      return onFailure(rollout, { why, outcome: 'failed', deploymentId, previous, stoppedTasks }, undo);
    }
    case 'rolled-back': {
      const stoppedTasks = await stoppedTasksOf(rollout);
      return watchEcsRollback(
        rollout,
        verdict.reason,
        verdict.rollback.id ?? '',
        verdict.rollback.taskDefinition,
        deploymentId,
        stoppedTasks,
      );
    }
    case 'replaced':
      // Someone else's deployment owns the service now; undoing it would fight them.
      return rollout.result('failed', verdict.by?.taskDefinition, { reason: verdict.reason, deploymentId });
    case 'missing':
      return rollout.result('failed', undefined, { reason: verdict.reason, deploymentId });
    case 'error':
      return rollout.result('failed', target.taskDefinitionArn, {
        reason: `${verdict.reason}; deployment ${deploymentId} to ${to} may still be in progress`,
        deploymentId,
      });
    case 'timeout': {
      const stoppedTasks = await stoppedTasksOf(rollout);
      const why = `deployment ${deploymentId} to ${to} did not complete within ${Math.round(target.timeoutMs / 1000)}s`;
      return onFailure(rollout, { why, outcome: 'timed-out', deploymentId, previous, stoppedTasks }, undo);
    }
    case 'interrupted':
      return onInterrupt(rollout, { deploymentId, previous }, undo);
  }
}

/** A rollout that failed or timed out, which nothing has undone yet. */
export interface Failure {
  why: string;
  outcome: 'failed' | 'timed-out';
  deploymentId: string;
  /** The revision to go back to; undefined when there is none (a service we created). */
  previous: string | undefined;
  stoppedTasks: StoppedTaskInfo[];
}

/** `onFailure: rollback` undoes the rollout and follows the undo; `leave` (or nothing to go back to) reports it. */
export async function onFailure(rollout: Rollout, failure: Failure, undo: Undo): Promise<DeployResult> {
  const { target, context } = rollout;
  const { why, outcome, deploymentId, previous, stoppedTasks } = failure;
  if (target.onFailure === 'leave' || !previous || previous === target.taskDefinitionArn) {
    const left = !previous || previous === target.taskDefinitionArn ? 'no previous revision to roll back to' : 'onFailure: leave';
    return rollout.result(outcome, target.taskDefinitionArn, {
      reason: `${why}; left as it is (${left}), deployment ${deploymentId} stays`,
      deploymentId,
      stoppedTasks,
    });
  }
  const end = await undo(previous, deploymentId, context.signal);
  if (!end.underway) {
    // The rollback could not be made or did not hold: say where the service is, never "rolled back".
    return rollout.result(outcome, end.standsOn, {
      reason: `${why}; tried to roll back to ${shortTaskDefinition(previous)} but ${end.text}`,
      deploymentId,
      stoppedTasks,
    });
  }
  // A timeout stays a timeout (the operator wants to know it was slow, not broken); a failure we undid is rolled-back.
  return rollout.result(outcome === 'failed' ? 'rolled-back' : outcome, previous, {
    reason: `${why}; rolled back to ${shortTaskDefinition(previous)} (${end.text})`,
    deploymentId,
    stoppedTasks,
  });
}

/**
 * The first Ctrl-C came while the rollout was in flight. `rollback` undoes it, waiting on the hard signal only (a
 * second Ctrl-C stops the wait, never the undo call); `leave` lets AWS carry on.
 */
export async function onInterrupt(
  rollout: Rollout,
  interrupted: { deploymentId: string; previous: string | undefined },
  undo: Undo,
): Promise<DeployResult> {
  const { target, context } = rollout;
  const { deploymentId, previous } = interrupted;
  const to = shortTaskDefinition(target.taskDefinitionArn);
  if (context.onInterrupt === 'leave' || !previous || previous === target.taskDefinitionArn) {
    return rollout.result('interrupted', target.taskDefinitionArn, {
      reason: `interrupted; deployment ${deploymentId} to ${to} left in progress (ECS carries on)`,
      deploymentId,
    });
  }
  const end = await undo(previous, deploymentId, context.hardSignal);
  if (!end.underway) {
    return rollout.result('interrupted', end.standsOn, {
      reason: `interrupted; tried to roll back to ${shortTaskDefinition(previous)} but ${end.text}`,
      deploymentId,
    });
  }
  return rollout.result('interrupted', previous, {
    reason: `interrupted; rolled back to ${shortTaskDefinition(previous)} (${end.text})`,
    deploymentId,
  });
}

/** ECS itself is rolling back (circuit breaker / alarm rollback): watch it settle so we can say where it ended. */
async function watchEcsRollback(
  rollout: Rollout,
  reason: string,
  rollbackId: string,
  rollbackTo: string | undefined,
  deploymentId: string,
  stoppedTasks: StoppedTaskInfo[],
): Promise<DeployResult> {
  const { target, context } = rollout;
  context.emit({
    type: 'service.phase',
    service: target.key,
    phase: 'rolling-back',
    detail: `ECS rolls back to ${shortTaskDefinition(rollbackTo)} (${rollbackId})${howLong(rollout)}`,
  });
  const end = await followRollback(rollout, rollbackId, rollbackTo, context.signal);
  if (!end.underway) {
    return rollout.result('failed', end.standsOn, {
      reason: `${reason}; ECS tried to roll back to ${shortTaskDefinition(rollbackTo)} but ${end.text}`,
      deploymentId,
      stoppedTasks,
    });
  }
  return rollout.result('rolled-back', rollbackTo, {
    reason: `${reason}; ECS rolled back to ${shortTaskDefinition(rollbackTo)} (${end.text})`,
    deploymentId,
    stoppedTasks,
  });
}

/** The ECS undo: UpdateService back to `previous` and follow that deployment. */
async function rollBackEcsService(rollout: Rollout, previous: string, from: string, signal: AbortSignal): Promise<UndoEnd> {
  const { target, context } = rollout;
  context.emit({
    type: 'service.phase',
    service: target.key,
    phase: 'rolling-back',
    detail: `UpdateService to ${shortTaskDefinition(previous)}${howLong(rollout)}`,
  });
  const start = await pointServiceBack(rollout, previous, from);
  // Nothing changed: the service stays on (or converging to) the revision we deployed.
  if ('failed' in start) return { underway: false, standsOn: target.taskDefinitionArn, text: start.failed };
  if (!start.deploymentId) return { underway: true, standsOn: previous, text: 'rollback requested' };
  // Until reads catch up, the deployment we roll back from may still show as PRIMARY.
  return followRollback(rollout, start.deploymentId, previous, signal, start.deploymentId === from ? undefined : from);
}

/** Follows a rollback deployment (ours or ECS's) for as long as the rollout's timeout, and says how it ended. */
async function followRollback(
  rollout: Rollout,
  id: string,
  to: string | undefined,
  signal: AbortSignal,
  staleDeploymentId?: string,
): Promise<UndoEnd> {
  const { target, context } = rollout;
  const v = await followEcsDeployment(context, {
    key: target.key,
    cluster: target.cluster,
    service: target.service,
    deploymentId: id,
    previousTaskDefinitionArn: undefined,
    deadline: context.clock.now() + rollbackWaitMs(rollout),
    signal,
    events: rollout.serviceEvents,
    ...(staleDeploymentId ? { staleDeploymentId } : {}),
  });
  switch (v.kind) {
    case 'completed':
      return { underway: true, standsOn: to, text: `rollback deployment ${id} completed` };
    case 'interrupted':
      return { underway: true, standsOn: to, text: `rollback deployment ${id} in progress, not waited for` };
    case 'timeout':
      return { underway: true, standsOn: to, text: `rollback deployment ${id} still in progress` };
    case 'replaced':
      return { underway: false, standsOn: v.by?.taskDefinition, text: `rollback deployment ${id} did not complete: ${v.reason}` };
    case 'missing':
      return { underway: false, standsOn: undefined, text: `rollback deployment ${id} did not complete: ${v.reason}` };
    case 'rolled-back':
      return { underway: false, standsOn: v.rollback.taskDefinition, text: `rollback deployment ${id} did not complete: ${v.reason}` };
    case 'failed':
      // The service runs `to`, failing, unless ECS in turn rolled back to its last COMPLETED deployment.
      return {
        underway: false,
        standsOn: v.rollback?.taskDefinition ?? to,
        text: `rollback deployment ${id} to ${shortTaskDefinition(to)} did not complete: ${v.reason}`,
      };
    case 'error':
      return {
        underway: false,
        standsOn: to,
        text: `rollback deployment ${id} to ${shortTaskDefinition(to)} did not complete: ${v.reason}`,
      };
  }
}
