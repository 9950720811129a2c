/**
 * The concurrency guard: one ecsdeploy run per service at a time, and never over a deployment someone else
 * started. State lives in AWS, not on the runner, so two CI jobs on two machines see each other:
 *
 *   DescribeServices(include TAGS) ─► refuse when a deployment is IN_PROGRESS, or when the tag
 *   `ecsdeploy:lock = <runId>:<expires epoch s>` names another run and has not expired (unless --force)
 *   ─► TagResource(our value) ─► wait `settleMs` ─► ListTagsForResource: still ours? else we lost a race: refuse
 *   ... deploy ...  ─► UntagResource (only when the tag is still ours)
 *
 * Tags are last-writer-wins, so the re-read after a pause is what makes the race visible to the loser. The
 * expiry frees services held by a run that was killed: it covers one step of the run (a service's rollout and
 * its rollback, or a one-off task) and is pushed out again (`refresh`) before and after every step.
 */
import type { EcsService } from '../aws/ports.js';
import { UsageError } from '../errors/index.js';
import { type DescribedServices, describeServices } from '../live/describe-services.js';
import { decodeCanaryState, describeCanaryState } from '../model/canary-state.js';
import { shortTaskDefinition } from '../util/arn.js';
import { errorMessage } from '../util/error-text.js';
import type { DeployStrategy, DeployTarget, TouchedEcsService } from '../strategies/types.js';
import type { EngineContext } from './context.js';

export const LOCK_TAG = 'ecsdeploy:lock';
/** Reads of the lock tag after writing it, while it does not show yet. */
const LOCK_READS = 3;

/** A service to lock. */
export interface LockTarget {
  /** How messages name it: the manifest key, or for another service a strategy touches, e.g. `web (canary service web-canary)`. */
  label: string;
  cluster: string;
  service: string;
}

/** The existing ECS services a strategy says the rollout of `target` touches, as lock targets. */
export function touchedServices(strategy: DeployStrategy | undefined, target: DeployTarget): LockTarget[] {
  return (strategy?.resources(target) ?? [])
    .filter((r): r is TouchedEcsService => r.kind === 'ecs-service' && !r.creates)
    .map((r) => ({
      label: r.role === 'service' ? target.key : `${target.key} (${r.role} service ${r.service})`,
      cluster: r.cluster,
      service: r.service,
    }));
}

export interface HeldLocks {
  /** Every service named, as read before locking (with tags). */
  described: DescribedServices;
  /** Pushes the expiry out again (a heartbeat at each step of the run); a warning, never an error, when it fails. */
  refresh(): Promise<void>;
  release(): Promise<void>;
}

export function parseLock(value: string): { runId: string; expiresAt: number } | undefined {
  const i = value.lastIndexOf(':');
  if (i <= 0) return undefined;
  const expires = Number(value.slice(i + 1));
  return Number.isFinite(expires) ? { runId: value.slice(0, i), expiresAt: expires * 1000 } : undefined;
}

/**
 * A canary in flight recorded on this service (it is some canary's canary service): the state tags are the guard,
 * whatever any run lock says, for as long as the canary is undecided. Not overridden by --force.
 */
function canaryInFlightReason(svc: EcsService): string | undefined {
  const state = decodeCanaryState(svc.tags);
  if (!state) return undefined;
  return `${svc.serviceName} carries a canary in flight: ${describeCanaryState(state)} (run ${state.runId}); promote it, abort it, or apply --resume`;
}

/** Why this service must not be deployed now, or undefined. */
function busyReason(svc: EcsService, runId: string, now: number, allowInProgress = false): string | undefined {
  const inProgress = (svc.deployments ?? []).filter(
    (d) => d.rolloutState === 'IN_PROGRESS' || (d.rolloutState === undefined && d.status !== 'PRIMARY'),
  );
  const lockValue = svc.tags?.find((t) => t.key === LOCK_TAG)?.value;
  const lock = lockValue ? parseLock(lockValue) : undefined;
  if (lock && lock.runId !== runId && lock.expiresAt > now) {
    return `${svc.serviceName} is being deployed by another ecsdeploy run (${lock.runId}, lock until ${new Date(lock.expiresAt).toISOString()})`;
  }
  if (inProgress.length > 0 && !allowInProgress) {
    const d = inProgress[0];
    return `${svc.serviceName} has a deployment in progress (${d?.id} to ${shortTaskDefinition(d?.taskDefinition)}, ${d?.rolloutState ?? d?.status})`;
  }
  return undefined;
}

export async function acquireLocks(
  ctx: EngineContext,
  targets: LockTarget[],
  ttlMs: number,
  o: { allowInProgress?: boolean; allowCanaryInFlight?: boolean } = {},
): Promise<HeldLocks> {
  const { ports, options, clock } = ctx;
  const described = await describeServices(ports, targets, { include: ['TAGS'], signal: ctx.hardSignal });
  const canaries = o.allowCanaryInFlight
    ? []
    : targets.map((t) => described.find(t.cluster, t.service)).flatMap((svc) => (svc ? [canaryInFlightReason(svc)] : []));
  const inFlight = canaries.filter((r): r is string => Boolean(r));
  if (inFlight.length > 0) throw refusal([...new Set(inFlight)]);
  // Each existing service once, however many targets name it (two strategies may share a stable service).
  const existing = new Map<string, { label: string; svc: EcsService; arn: string | undefined }>();
  for (const t of targets) {
    const svc = described.find(t.cluster, t.service);
    const id = svc?.serviceArn ?? `${t.cluster}|${t.service}`;
    if (svc && !existing.has(id)) existing.set(id, { label: t.label, svc, arn: svc.serviceArn });
  }
  const now = clock.now();
  const busy = [...existing.values()]
    .map((e) => busyReason(e.svc, options.runId, now, o.allowInProgress))
    .filter((r): r is string => Boolean(r));
  if (busy.length > 0 && !options.force) throw refusal(busy);
  if (busy.length > 0) ctx.emit({ type: 'log', level: 'warn', message: `--force: deploying anyway: ${busy.join('; ')}` });

  const lockValue = () => `${options.runId}:${Math.ceil((clock.now() + ttlMs) / 1000)}`;
  let value = lockValue();
  const ours = (tag: string | undefined) => tag !== undefined && parseLock(tag)?.runId === options.runId;
  const held: { label: string; arn: string }[] = [];
  const release = async () => {
    for (const h of held) {
      try {
        const tags = await ports.ecs.listTagsForResource({ resourceArn: h.arn });
        if (!ours(tags.tags?.find((t) => t.key === LOCK_TAG)?.value)) continue;
        await ctx.calls.mutate({ service: 'ECS', operation: 'UntagResource', summary: `release the lock on ${h.label}` }, () =>
          ports.ecs.untagResource({ resourceArn: h.arn, tagKeys: [LOCK_TAG] }),
        );
      } catch (error) {
        ctx.emit({ type: 'log', level: 'warn', message: `could not release the lock on ${h.label}: ${errorMessage(error)}` });
      }
    }
  };
  for (const { label, arn } of existing.values()) {
    if (!arn) continue;
    try {
      await ctx.calls.mutate({ service: 'ECS', operation: 'TagResource', summary: `lock ${label} for this run (${LOCK_TAG})` }, (signal) =>
        ports.ecs.tagResource({ resourceArn: arn, tags: [{ key: LOCK_TAG, value }] }, { signal }),
      );
      if (!ctx.calls.dryRun) held.push({ label, arn });
    } catch (error) {
      // Some accounts still use short service ARNs, which cannot be tagged: say so, and rely on the
      // in-progress check alone for this service.
      ctx.emit({
        type: 'log',
        level: 'warn',
        message: `could not lock ${label} (${errorMessage(error)}); concurrent runs are not detected for it`,
      });
    }
  }
  const refresh = async () => {
    if (held.length === 0) return;
    value = lockValue();
    for (const h of held) {
      try {
        const tags = await ports.ecs.listTagsForResource({ resourceArn: h.arn });
        // Taken over with --force by another run: theirs now, leave it.
        if (!ours(tags.tags?.find((t) => t.key === LOCK_TAG)?.value)) continue;
        await ports.ecs.tagResource({ resourceArn: h.arn, tags: [{ key: LOCK_TAG, value }] });
      } catch (error) {
        ctx.emit({ type: 'log', level: 'warn', message: `could not extend the lock on ${h.label}: ${errorMessage(error)}` });
      }
    }
  };
  if (held.length === 0) return { described, refresh, release };
  const lost: string[] = [];
  try {
    await clock.sleep(options.lockSettleMs ?? 1000, ctx.hardSignal);
    for (const h of held) {
      let now2: string | undefined;
      // No lock tag at all is not another run's (a racer writes its own value): it is our write not visible
      // yet (tag reads are eventually consistent). Look again a few times before calling it a lost race.
      for (let attempt = 0; attempt < LOCK_READS && now2 === undefined; attempt += 1) {
        if (attempt > 0) await clock.sleep(options.lockSettleMs ?? 1000, ctx.hardSignal);
        const tags = await ports.ecs.listTagsForResource({ resourceArn: h.arn }, { signal: ctx.hardSignal });
        now2 = tags.tags?.find((t) => t.key === LOCK_TAG)?.value;
      }
      if (now2 !== value) {
        const other = now2 ? parseLock(now2)?.runId : undefined;
        lost.push(`${h.label} is being deployed by another ecsdeploy run${other ? ` (${other})` : ''}`);
      }
    }
  } catch (error) {
    // Never leave our lock behind when we cannot finish taking it.
    await release();
    throw error;
  }
  if (lost.length > 0 && !options.force) {
    await release();
    throw refusal(lost);
  }
  return { described, refresh, release };
}

function refusal(reasons: string[]): UsageError {
  return new UsageError('SERVICE_BUSY', `refusing to deploy:\n${reasons.map((r) => `  - ${r}`).join('\n')}`, {
    hint: 'wait for it to finish (`ecsdeploy status`), or pass --force if you are sure nothing else is deploying',
  });
}
