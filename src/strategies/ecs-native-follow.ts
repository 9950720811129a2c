/**
 * Follows ONE ECS service deployment (by its ARN) with DescribeServiceDeployments until it is decided or a PAUSE hook
 * awaits action (aws-semantics §1.10). Every enum is open (§7.2): a status or lifecycle stage this version does not
 * know is shown as it is and followed on until the deadline, never a crash and never a verdict.
 *
 *   read ─► stage or weights changed: event ─► SUCCESSFUL: succeeded    ROLLBACK_SUCCESSFUL: rolled back
 *     ▲                                        ROLLBACK_FAILED: rollback failed    STOPPED: stopped
 *     │                                        IN_PROGRESS with a PAUSE hook AWAITING_ACTION: awaiting (the caller decides)
 *     └──── anything else (PENDING, IN_PROGRESS, ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS, STOP_REQUESTED, unknown)
 */
import type { EcsServiceDeployment } from '../aws/ports.js';
import { AwsApiError } from '../errors/index.js';
import { backoffDelay } from '../util/backoff.js';
import { errorMessage } from '../util/error-text.js';
import type { StrategyContext } from './types.js';

/** A hook of the deployment's current stage, as `lifecycleHookDetails` reports it. */
export interface HookView {
  hookId: string;
  targetType: string | undefined;
  status: string | undefined;
  expiresAt: number | undefined;
}

/** What ecsdeploy reads of a service deployment: plain values, every enum a string. */
export interface DeploymentView {
  arn: string;
  status: string;
  statusReason: string | undefined;
  stage: string | undefined;
  hooks: HookView[];
  /** Green's requested share of test and production traffic, in percent (a snapshot that may lag, §1.10). */
  testWeight: number | undefined;
  productionWeight: number | undefined;
  targetRevision: string | undefined;
  rollbackReason: string | undefined;
  triggeredAlarms: string[];
  circuitBreaker: string | undefined;
  /** The deployment's configuration snapshot (its lifecycle hooks say whose pauses it has). */
  configuration: { lifecycleHooks?: unknown[] } | undefined;
}

export function viewOf(sd: EcsServiceDeployment): DeploymentView {
  const target = sd.targetServiceRevision;
  return {
    arn: sd.serviceDeploymentArn ?? '',
    status: String(sd.status ?? 'UNKNOWN'),
    statusReason: sd.statusReason,
    stage: sd.lifecycleStage === undefined ? undefined : String(sd.lifecycleStage),
    hooks: (sd.lifecycleHookDetails ?? []).map((h) => ({
      hookId: h.hookId ?? '',
      targetType: h.targetType === undefined ? undefined : String(h.targetType),
      status: h.status === undefined ? undefined : String(h.status),
      expiresAt: h.expiresAt ? new Date(h.expiresAt).getTime() : undefined,
    })),
    testWeight: target?.requestedTestTrafficWeight,
    productionWeight: target?.requestedProductionTrafficWeight,
    targetRevision: target?.arn,
    rollbackReason: sd.rollback?.reason,
    triggeredAlarms: sd.alarms?.triggeredAlarmNames ?? [],
    circuitBreaker: sd.deploymentCircuitBreaker?.status === undefined ? undefined : String(sd.deploymentCircuitBreaker.status),
    configuration: sd.deploymentConfiguration as { lifecycleHooks?: unknown[] } | undefined,
  };
}

/** Reads one service deployment; undefined when ECS does not know it (a `MISSING` failure). */
export async function readDeployment(ctx: StrategyContext, arn: string, signal: AbortSignal): Promise<DeploymentView | undefined> {
  const out = await ctx.ports.ecs.describeServiceDeployments({ serviceDeploymentArns: [arn] }, { signal });
  const sd = out.serviceDeployments?.find((d) => d.serviceDeploymentArn === arn) ?? out.serviceDeployments?.[0];
  return sd ? viewOf(sd) : undefined;
}

/** The PAUSE hook awaiting action, if the deployment is held at one. */
export function awaitingPause(view: DeploymentView, skip: ReadonlySet<string> = new Set()): HookView | undefined {
  if (view.status !== 'IN_PROGRESS') return undefined;
  return view.hooks.find((h) => h.targetType === 'PAUSE' && h.status === 'AWAITING_ACTION' && !skip.has(h.hookId));
}

export type FollowStop =
  | { kind: 'awaiting'; view: DeploymentView; hook: HookView }
  | { kind: 'succeeded'; view: DeploymentView }
  | { kind: 'rolled-back'; view: DeploymentView }
  | { kind: 'rollback-failed'; view: DeploymentView }
  | { kind: 'stopped'; view: DeploymentView }
  | { kind: 'missing'; reason: string }
  | { kind: 'timeout'; view: DeploymentView | undefined }
  | { kind: 'interrupted'; view: DeploymentView | undefined }
  | { kind: 'error'; reason: string; view: DeploymentView | undefined };

export interface FollowDeploymentRequest {
  key: string;
  arn: string;
  /** Epoch ms; a timeout after it. */
  deadline: number;
  signal: AbortSignal;
  /** Return when a PAUSE hook awaits action (skipping these hook ids); otherwise wait for a final status. */
  stopAtPause: boolean;
  skipHooks?: ReadonlySet<string>;
  /** Called with every read (the strategy reports stages and weights from it). */
  onView?: (view: DeploymentView) => void;
}

/** Consecutive failed reads tolerated (the SDK already retried each one). */
const MAX_READ_ERRORS = 5;

const FINAL: Record<string, FollowStop['kind']> = {
  SUCCESSFUL: 'succeeded',
  ROLLBACK_SUCCESSFUL: 'rolled-back',
  ROLLBACK_FAILED: 'rollback-failed',
  STOPPED: 'stopped',
};

export async function followServiceDeployment(ctx: StrategyContext, req: FollowDeploymentRequest): Promise<FollowStop> {
  let attempt = 0;
  let errors = 0;
  let last: DeploymentView | undefined;
  for (;;) {
    const remaining = req.deadline - ctx.clock.now();
    if (remaining <= 0) return { kind: 'timeout', view: last };
    try {
      if (attempt > 0) await ctx.clock.sleep(Math.min(backoffDelay(Math.min(attempt, 3)), remaining), req.signal);
    } catch {
      return { kind: 'interrupted', view: last };
    }
    attempt += 1;
    let view: DeploymentView | undefined;
    try {
      view = await readDeployment(ctx, req.arn, req.signal);
      errors = 0;
    } catch (error) {
      if (req.signal.aborted) return { kind: 'interrupted', view: last };
      errors += 1;
      if (!(error instanceof AwsApiError) || errors >= MAX_READ_ERRORS) {
        return { kind: 'error', reason: `could not read service deployment ${req.arn}: ${errorMessage(error)}`, view: last };
      }
      continue;
    }
    if (!view) return { kind: 'missing', reason: `ECS does not know service deployment ${req.arn}` };
    last = view;
    req.onView?.(view);
    const final = FINAL[view.status];
    if (final) return { kind: final, view } as FollowStop;
    const hook = req.stopAtPause ? awaitingPause(view, req.skipHooks) : undefined;
    if (hook) return { kind: 'awaiting', view, hook };
  }
}
