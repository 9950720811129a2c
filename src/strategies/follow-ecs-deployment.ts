/**
 * Follows ONE ECS deployment (by id) to a verdict. Success is that deployment's `rolloutState: COMPLETED`, never
 * "the service is stable": after a circuit-breaker rollback the service is stable again on the OLD revision
 * (aws-semantics.md §1.6, §7.1). Shared by `rolling` and, for its stable-service promotion, `canary`.
 *
 *   watcher.next ─► service events (new ones, once each) ─► progress (on change) ─► our deployment?
 *        ▲            gone: rolled back (PRIMARY runs the previous revision) or replaced (someone else's)
 *        │            FAILED: failed, with the rollback deployment ECS started, if any
 *        │            COMPLETED: done          IN_PROGRESS: wait (~1 s, batched) ────────────────┐
 *        └──────────────────────────────────────────────────────────────────────────────────────┘
 */
import type { EcsDeployment, EcsService } from '../aws/ports.js';
import { AwsApiError } from '../errors/index.js';
import { shortTaskDefinition } from '../util/arn.js';
import { backoffDelay, rolloutPollDelay } from '../util/backoff.js';
import { errorMessage } from '../util/error-text.js';
import type { StrategyContext } from './types.js';

export type FollowVerdict =
  | { kind: 'completed'; deployment: EcsDeployment }
  /** Our deployment is FAILED; `rollback` is the deployment ECS started to undo it (circuit breaker / alarms). */
  | { kind: 'failed'; reason: string; rollback?: EcsDeployment }
  /** Our deployment vanished and the PRIMARY one runs the previous revision: ECS rolled back. */
  | { kind: 'rolled-back'; reason: string; rollback: EcsDeployment }
  /** Our deployment vanished and something else (another deploy) is PRIMARY now. */
  | { kind: 'replaced'; reason: string; by?: EcsDeployment }
  | { kind: 'missing'; reason: string }
  | { kind: 'timeout' }
  | { kind: 'interrupted' }
  | { kind: 'error'; reason: string };

/** Where the service events shown so far end: each event is shown once, across every follow of one rollout. */
export interface ServiceEventCursor {
  /** Epoch ms: older events are history, not news of this rollout. */
  since: number;
  /** Ids (see {@link serviceEventId}) of the events shown already, or known to be history. */
  shown: Set<string>;
}

type ServiceEvent = NonNullable<EcsService['events']>[number];

/** ECS gives events an id; a proxy or an emulator may not, and then time and text identify one. */
export function serviceEventId(e: ServiceEvent): string {
  return e.id ?? `${e.createdAt ? new Date(e.createdAt).getTime() : 0}:${e.message}`;
}

export interface FollowRequest {
  key: string;
  cluster: string;
  service: string;
  deploymentId: string;
  /** The previous revision: a PRIMARY deployment on it after ours vanished means ECS rolled back. */
  previousTaskDefinitionArn: string | undefined;
  /** Epoch ms; a timeout verdict after it. */
  deadline: number;
  /** Aborting it ends the follow with `interrupted`. */
  signal: AbortSignal;
  /** Service events are shown once each, from the cursor on (it is shared by every follow of one rollout). */
  events: ServiceEventCursor;
  /** The update started no new deployment (e.g. only desiredCount): done when the counts have converged. */
  sameDeployment?: boolean;
  /**
   * The PRIMARY deployment before the call that started ours. Seeing it PRIMARY while ours is not listed is a read
   * from before that call (the ECS API is eventually consistent), never a rollback or another deploy: those
   * always start a new deployment. Such a read is skipped.
   */
  staleDeploymentId?: string;
  /** Epoch ms: until then a MISSING service is a read from before CreateService (eventual consistency). */
  missingIsStaleUntil?: number;
}

/** Consecutive failed polls tolerated (the SDK already retried each one). */
const MAX_POLL_ERRORS = 5;

export async function followEcsDeployment(ctx: StrategyContext, req: FollowRequest): Promise<FollowVerdict> {
  let pollErrors = 0;
  let lastProgress = '';
  for (;;) {
    const remaining = req.deadline - ctx.clock.now();
    if (remaining <= 0) return { kind: 'timeout' };
    let svc: EcsService | undefined;
    try {
      // After a failed poll (the SDK retried it already), wait longer before the next one.
      const delay = pollErrors > 0 ? backoffDelay(pollErrors) : rolloutPollDelay();
      svc = await ctx.watcher.next(req.cluster, req.service, Math.min(delay, remaining), req.signal);
      pollErrors = 0;
    } catch (error) {
      if (req.signal.aborted) return { kind: 'interrupted' };
      pollErrors += 1;
      if (!(error instanceof AwsApiError) || pollErrors >= MAX_POLL_ERRORS) {
        return { kind: 'error', reason: `could not read the service: ${errorMessage(error)}` };
      }
      continue;
    }
    if (!svc && req.missingIsStaleUntil !== undefined && ctx.clock.now() < req.missingIsStaleUntil) continue;
    if (!svc || svc.status === 'INACTIVE' || svc.status === 'DRAINING') {
      return { kind: 'missing', reason: `service ${req.service} is ${svc?.status ?? 'MISSING'} in cluster ${req.cluster}` };
    }
    emitNewEvents(ctx, req, svc);
    const deployments = svc.deployments ?? [];
    const ours = deployments.find((d) => d.id === req.deploymentId);
    const primary = deployments.find((d) => d.status === 'PRIMARY');
    if (!ours && primary?.id !== undefined && primary.id === req.staleDeploymentId) continue;
    if (!ours) {
      if (primary && req.previousTaskDefinitionArn && primary.taskDefinition === req.previousTaskDefinitionArn) {
        return {
          kind: 'rolled-back',
          reason: `deployment ${req.deploymentId} is gone and ${primary.id} runs the previous revision ${shortTaskDefinition(primary.taskDefinition)}`,
          rollback: primary,
        };
      }
      return {
        kind: 'replaced',
        reason: primary
          ? `deployment ${req.deploymentId} was replaced by ${primary.id} (${shortTaskDefinition(primary.taskDefinition)}): another deploy changed the service`
          : `deployment ${req.deploymentId} disappeared`,
        ...(primary ? { by: primary } : {}),
      };
    }
    const progress = `${ours.runningCount}/${ours.pendingCount}/${ours.desiredCount}/${ours.rolloutState}`;
    if (progress !== lastProgress) {
      lastProgress = progress;
      ctx.emit({
        type: 'service.progress',
        service: req.key,
        running: ours.runningCount ?? 0,
        pending: ours.pendingCount ?? 0,
        desired: ours.desiredCount ?? 0,
        ...(ours.rolloutState ? { rolloutState: ours.rolloutState } : {}),
        ...(ours.id ? { deploymentId: ours.id } : {}),
      });
    }
    const converged = (ours.runningCount ?? 0) >= (ours.desiredCount ?? 0) && (ours.pendingCount ?? 0) <= 0;
    switch (ours.rolloutState) {
      case 'COMPLETED':
        if (!req.sameDeployment || converged) return { kind: 'completed', deployment: ours };
        break;
      case 'FAILED': {
        const rollback = primary && primary.id !== ours.id ? primary : undefined;
        return {
          kind: 'failed',
          reason: ours.rolloutStateReason ?? `deployment ${ours.id} failed`,
          ...(rollback ? { rollback } : {}),
        };
      }
      case 'IN_PROGRESS':
        // A newer deployment started while ours was still rolling out: ECS keeps ours listed as ACTIVE, still
        // IN_PROGRESS, while its tasks drain, and it will never complete. On the previous revision it may be ECS's
        // own rollback, which can show up before ours turns FAILED (observed on AWS): keep reading for that
        // verdict and its reason (§1.4, §1.5). On any other revision it is someone else's deploy: waiting for
        // the timeout and then "rolling back" would fight it.
        if (
          ours.status !== 'PRIMARY' &&
          primary &&
          primary.id !== ours.id &&
          !(req.previousTaskDefinitionArn && primary.taskDefinition === req.previousTaskDefinitionArn)
        ) {
          return {
            kind: 'replaced',
            reason: `deployment ${ours.id} was replaced by ${primary.id} (${shortTaskDefinition(primary.taskDefinition)}) before it completed: another deploy changed the service`,
            by: primary,
          };
        }
        break;
      default:
        // No rolloutState: services behind a Classic Load Balancer (aws-semantics.md §1.3) and some emulators.
        // Fall back to the deployment itself: still PRIMARY, the only one left, at its desired count.
        if (ours.status !== 'PRIMARY') {
          return { kind: 'replaced', reason: `deployment ${ours.id} is no longer PRIMARY`, ...(primary ? { by: primary } : {}) };
        }
        if (deployments.length === 1 && converged && svc.runningCount === svc.desiredCount) {
          return { kind: 'completed', deployment: ours };
        }
    }
  }
}

function emitNewEvents(ctx: StrategyContext, req: FollowRequest, svc: EcsService): void {
  const time = (e: ServiceEvent) => (e.createdAt ? new Date(e.createdAt).getTime() : 0);
  const fresh = (svc.events ?? []).filter((e) => time(e) >= req.events.since && !req.events.shown.has(serviceEventId(e)));
  // DescribeServices lists events newest first; show them in the order they happened.
  for (const e of fresh.reverse()) {
    req.events.shown.add(serviceEventId(e));
    ctx.emit({ type: 'service.event', service: req.key, at: new Date(time(e)).toISOString(), message: e.message ?? '' });
  }
}
