/**
 * One rollout of one target: what a strategy, the ECS service writes and the rollback policy share while they
 * work on it. A strategy makes one per `deploy` call and hands it to the shared pieces.
 */
import type { EcsService } from '../aws/ports.js';
import type { StoppedTaskInfo } from '../events/types.js';
import { type ServiceEventCursor, serviceEventId } from './follow-ecs-deployment.js';
import type { DeployResult, DeployTarget, StrategyContext } from './types.js';

/** What a result says beyond its outcome and revision. */
export interface ResultDetails {
  /** Why it failed, and what was done about it (rolled back / left in progress). */
  reason?: string | undefined;
  /** The deployment we started. */
  deploymentId?: string | undefined;
  stoppedTasks?: StoppedTaskInfo[] | undefined;
}

export class Rollout {
  /** Epoch ms when the strategy took the target: the timeout counts from here. */
  readonly startedAt: number;
  /** Which service events were shown already, shared by every follow of this rollout (and of its rollback). */
  readonly serviceEvents: ServiceEventCursor;

  constructor(
    readonly target: DeployTarget,
    readonly context: StrategyContext,
  ) {
    this.startedAt = context.clock.now();
    // A little slack: AWS's clock and ours differ; events are deduplicated by id anyway.
    this.serviceEvents = { since: this.startedAt - 5_000, shown: new Set() };
  }

  /** Epoch ms after which the rollout has timed out. */
  get deadline(): number {
    return this.startedAt + this.target.timeoutMs;
  }

  /** Events a service lists before we touch it are history, not news of this rollout. */
  treatAsHistory(service: EcsService | undefined): void {
    for (const e of service?.events ?? []) this.serviceEvents.shown.add(serviceEventId(e));
  }

  /** Shows service events from a little before `createdAt` on (the deployment's own first events). */
  showEventsFrom(createdAt: Date | string | undefined): void {
    if (createdAt) this.serviceEvents.since = Math.min(this.serviceEvents.since, new Date(createdAt).getTime() - 1_000);
  }

  /** The verdict: the outcome and the revision the service runs or converges to, with what explains it. */
  result(outcome: DeployResult['outcome'], taskDefinitionArn: string | undefined, details: ResultDetails = {}): DeployResult {
    const { reason, deploymentId, stoppedTasks } = details;
    return {
      outcome,
      taskDefinitionArn,
      ...(deploymentId ? { deploymentId } : {}),
      ...(reason ? { reason } : {}),
      ...(stoppedTasks && stoppedTasks.length > 0 ? { stoppedTasks } : {}),
    };
  }
}
