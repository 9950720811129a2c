/**
 * The concurrency guard: one ecsdeploy run per service at a time, and never over a deployment someone else
 * started. State lives in AWS, not on the runner, so two CI jobs on two machines see each other:
 *
 *   DescribeServices(include TAGS) ─► refuse when a deployment is in progress, or when the tag
 *   `ecsdeploy:lock = <runId>:<expires epoch s>` names another run and has not expired (unless --force)
 *   ─► TagResource(our value), every service at once ─► wait `settleMs` ─► ListTagsForResource: still ours?
 *   else we lost a race: refuse ─► ... deploy (a heartbeat pushes the expiry out while the run waits) ...
 *   ─► UntagResource (only when the tag is still ours)
 *
 * Tags are last-writer-wins, so the re-read after a pause is what makes the race visible to the loser. Every
 * service is tagged at once, so a racer's window (its read to its write) is one round trip however many services
 * it locks, well inside the pause.
 *
 * The expiry is a lease: at most LOCK_LEASE_MS ahead, pushed out by a heartbeat whenever the run waits (every
 * wait of the run goes through the engine clock, which beats), and never beyond the run's own deadline (at most
 * 24 h after it started). A run that was killed frees its services within the lease; `ecsdeploy unlock` frees them
 * at once.
 */
import type { EcsService } from '../aws/ports.js';
import { UsageError } from '../errors/index.js';
import { type DescribedServices, describeServices } from '../live/describe-services.js';
import { decodeCanaryState, describeCanaryState } from '../model/canary-state.js';
import { describeEcsDeployment, LOCK_TAG, parseLock, undecidedEcsDeployment } from '../plan/in-flight.js';
import type { DeployStrategy, DeployTarget, TouchedEcsService } from '../strategies/types.js';
import { errorMessage } from '../util/error-text.js';
import type { EngineContext } from './context.js';

export { LOCK_TAG, parseLock };

/** How far ahead a lock's expiry is set: how long a killed run's services stay locked, at most. */
export const LOCK_LEASE_MS = 10 * 60_000;
/** How often a waiting run pushes its locks' expiry out. */
const LOCK_HEARTBEAT_MS = 60_000;
/** Reads of the lock tag after writing it, while it does not show yet. */
const LOCK_READS = 3;
/** The pause between writing the lock and reading it back: long enough for a racer's write to show up. */
const DEFAULT_SETTLE_MS = 1000;

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
  /** Pushes the expiry out now if the last push is a heartbeat old; a warning, never an error, when it fails. */
  refresh(): Promise<void>;
  /** Releases the locks on `targets` (those the run will not touch after all), or on every service when omitted. */
  release(targets?: LockTarget[]): Promise<void>;
}

/** Why a service may not be deployed now: another run's lock, a deployment in progress, or a canary in flight. */
interface BusyReason {
  kind: BusyKind;
  text: string;
  /** The run that holds the lock, or whose lock (live or expired) is on a service with a deployment in progress. */
  runId?: string;
}

export type BusyKind = 'lock' | 'deployment' | 'canary';

/**
 * A canary in flight recorded on this service (it is some canary's canary service): the state tags are the guard,
 * whatever any run lock says, for as long as the canary is undecided. Not overridden by --force.
 */
function canaryInFlightReason(svc: EcsService): BusyReason | undefined {
  const state = decodeCanaryState(svc.tags);
  if (!state) return undefined;
  return {
    kind: 'canary',
    text: `${svc.serviceName} carries a canary in flight: ${describeCanaryState(state)} (run ${state.runId}); promote it, abort it, or apply --resume`,
  };
}

function lockOf(svc: EcsService): { runId: string; expiresAt: number } | undefined {
  const value = svc.tags?.find((t) => t.key === LOCK_TAG)?.value;
  return value ? parseLock(value) : undefined;
}

function busyReason(svc: EcsService, runId: string, now: number, allowInProgress: boolean): BusyReason | undefined {
  const lock = lockOf(svc);
  if (lock && lock.runId !== runId && lock.expiresAt > now) {
    return {
      kind: 'lock',
      runId: lock.runId,
      text: `${svc.serviceName} is being deployed by another ecsdeploy run (${lock.runId}, lock until ${new Date(lock.expiresAt).toISOString()})`,
    };
  }
  const undecided = allowInProgress ? undefined : undecidedEcsDeployment(svc.deployments ?? []);
  if (undecided) {
    const by = lock && lock.runId !== runId ? `, started by ecsdeploy run ${lock.runId}` : '';
    return {
      kind: 'deployment',
      ...(lock && lock.runId !== runId ? { runId: lock.runId } : {}),
      text: `${svc.serviceName} has a deployment in progress (${undecided.deployment.id}: ${describeEcsDeployment(undecided)}${by})`,
    };
  }
  return undefined;
}

/** What helps with each kind of refusal, in the order a person would try them. */
export function busyHint(kinds: ReadonlySet<BusyKind>, runIds: readonly string[]): string {
  const run = runIds.length === 1 ? runIds[0] : 'RUN';
  return [
    ...(kinds.has('canary')
      ? [
          'a canary (or an ECS-native deployment ecsdeploy started) in flight is promoted (`ecsdeploy promote`), aborted (`ecsdeploy abort`) or continued (`ecsdeploy apply --resume`); see docs/canary.md, docs/blue-green.md',
        ]
      : []),
    "`ecsdeploy status` shows each service's deployments and lock (run, expiry)",
    ...(kinds.has('deployment') ? ['`ecsdeploy apply --wait` follows a deployment in progress to its verdict first'] : []),
    ...(kinds.has('lock') ? [`\`ecsdeploy unlock --run ${run} --force\` releases the locks of a run that died`] : []),
    // Not over a canary: its state tags hold it until someone decides.
    ...(kinds.has('lock') || kinds.has('deployment') ? ['--force deploys anyway (only when you are sure nothing else is deploying)'] : []),
  ].join('; ');
}

function refusal(reasons: BusyReason[]): UsageError {
  const runs = [...new Set(reasons.flatMap((r) => (r.runId ? [r.runId] : [])))];
  return new UsageError('SERVICE_BUSY', `refusing to deploy:\n${reasons.map((r) => `  - ${r.text}`).join('\n')}`, {
    hint: busyHint(new Set(reasons.map((r) => r.kind)), runs),
  });
}

/** One service the run holds the lock of. */
interface Held {
  label: string;
  cluster: string;
  service: string;
  arn: string;
}

/**
 * Reads every target (with tags), refuses when one is busy (unless --force), locks them all and makes sure no
 * other run took one in the same moment. `deadline` is the run's (epoch ms): no lock outlives it.
 */
export async function acquireLocks(
  ctx: EngineContext,
  targets: LockTarget[],
  o: { deadline: number; allowInProgress?: boolean; allowCanaryInFlight?: boolean },
): Promise<HeldLocks> {
  const { ports, options, clock } = ctx;
  const described = await describeServices(ports, targets, { include: ['TAGS'], signal: ctx.hardSignal });
  const canaries = o.allowCanaryInFlight
    ? []
    : targets.map((t) => described.find(t.cluster, t.service)).flatMap((svc) => (svc ? [canaryInFlightReason(svc)] : []));
  const inFlight = canaries.filter((r): r is BusyReason => r !== undefined);
  // Each service once, however many targets name it.
  if (inFlight.length > 0) throw refusal(inFlight.filter((r, i) => inFlight.findIndex((o) => o.text === r.text) === i));
  // Each existing service once, however many targets name it (two strategies may share a stable service).
  const existing = new Map<string, { target: LockTarget; svc: EcsService; arn: string | undefined }>();
  for (const t of targets) {
    const svc = described.find(t.cluster, t.service);
    const id = svc?.serviceArn ?? `${t.cluster}|${t.service}`;
    if (svc && !existing.has(id)) existing.set(id, { target: t, svc, arn: svc.serviceArn });
  }
  const now = clock.now();
  const busy = [...existing.values()]
    .map((e) => busyReason(e.svc, options.runId, now, o.allowInProgress ?? false))
    .filter((r): r is BusyReason => r !== undefined);
  if (busy.length > 0 && !options.force) throw refusal(busy);
  if (busy.length > 0) {
    const runs = [...new Set(busy.flatMap((r) => (r.runId ? [r.runId] : [])))];
    const others = runs.length > 0 ? `; other locks of ${runs.join(', ')} stay until they expire (\`ecsdeploy unlock --run RUN\`)` : '';
    ctx.emit({ type: 'log', level: 'warn', message: `--force: deploying anyway: ${busy.map((b) => b.text).join('; ')}${others}` });
  }

  const held: Held[] = [];
  const lock = new Lease(ctx, held, o.deadline);
  await Promise.all(
    [...existing.values()].map(async ({ target, arn }) => {
      if (!arn) return;
      try {
        await ctx.calls.mutate(
          { service: 'ECS', operation: 'TagResource', summary: `lock ${target.label} for this run (${LOCK_TAG})` },
          (signal) => ports.ecs.tagResource({ resourceArn: arn, tags: [{ key: LOCK_TAG, value: lock.value }] }, { signal }),
        );
        if (!ctx.calls.dryRun) held.push({ label: target.label, cluster: target.cluster, service: target.service, arn });
      } catch (error) {
        // Some accounts still use short service ARNs, which cannot be tagged: say so, and rely on the
        // in-progress check alone for this service.
        ctx.emit({
          type: 'log',
          level: 'warn',
          message: `could not lock ${target.label} (${errorMessage(error)}); concurrent runs are not detected for it`,
        });
      }
    }),
  );
  if (held.length === 0) return { described, refresh: async () => {}, release: async () => {} };
  let lost: BusyReason[];
  try {
    lost = await lock.lostRaces(options.lockSettleMs ?? DEFAULT_SETTLE_MS);
  } catch (error) {
    // Never leave our lock behind when we cannot finish taking it.
    await lock.release();
    throw error;
  }
  if (lost.length > 0 && !options.force) {
    await lock.release();
    throw refusal(lost);
  }
  lock.startHeartbeat();
  return { described, refresh: () => lock.beat(), release: (only) => lock.release(only) };
}

/** The locks one run holds: their value, the heartbeat that keeps them alive, and their release. */
class Lease {
  value: string;
  private lastRefresh: number;
  private refreshing: Promise<void> | undefined;
  private stop: () => void = () => {};

  constructor(
    private readonly ctx: EngineContext,
    private readonly held: Held[],
    private readonly deadline: number,
  ) {
    this.value = this.nextValue();
    this.lastRefresh = ctx.clock.now();
  }

  /** `<runId>:<expiry>`: a lease from now, never past the run's deadline. */
  private nextValue(): string {
    const expires = Math.min(this.ctx.clock.now() + LOCK_LEASE_MS, this.deadline);
    return `${this.ctx.options.runId}:${Math.ceil(expires / 1000)}`;
  }

  private ours(tag: string | undefined): boolean {
    return tag !== undefined && parseLock(tag)?.runId === this.ctx.options.runId;
  }

  private async tagOf(h: Held, signal?: AbortSignal): Promise<string | undefined> {
    const tags = await this.ctx.ports.ecs.listTagsForResource({ resourceArn: h.arn }, signal ? { signal } : undefined);
    return tags.tags?.find((t) => t.key === LOCK_TAG)?.value;
  }

  /** After a pause, what another run took from us in the same moment (its value replaced ours). */
  async lostRaces(settleMs: number): Promise<BusyReason[]> {
    const { clock, hardSignal } = this.ctx;
    await clock.sleep(settleMs, hardSignal);
    const lost = await Promise.all(
      this.held.map(async (h): Promise<BusyReason | undefined> => {
        let now: string | undefined;
        // No lock tag at all is not another run's (a racer writes its own value): it is our write not visible
        // yet (tag reads are eventually consistent). Look again a few times before calling it a lost race.
        for (let attempt = 0; attempt < LOCK_READS && now === undefined; attempt += 1) {
          if (attempt > 0) await clock.sleep(settleMs, hardSignal);
          now = await this.tagOf(h, hardSignal);
        }
        if (now === this.value) return undefined;
        const other = now ? parseLock(now)?.runId : undefined;
        return {
          kind: 'lock',
          ...(other ? { runId: other } : {}),
          text: `${h.label} is being deployed by another ecsdeploy run${other ? ` (${other})` : ''}`,
        };
      }),
    );
    return lost.filter((r): r is BusyReason => r !== undefined);
  }

  /** Every wait of the run beats; a beat pushes the expiry out once a heartbeat has passed since the last push. */
  startHeartbeat(): void {
    const beat = () => void this.beat();
    this.ctx.heartbeats.add(beat);
    this.stop = () => this.ctx.heartbeats.delete(beat);
  }

  beat(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    if (this.ctx.clock.now() - this.lastRefresh < LOCK_HEARTBEAT_MS || this.held.length === 0) return Promise.resolve();
    this.refreshing = this.push().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async push(): Promise<void> {
    this.lastRefresh = this.ctx.clock.now();
    const value = this.nextValue();
    await Promise.all(
      this.held.map(async (h) => {
        try {
          // Taken over with --force by another run: theirs now, leave it.
          if (!this.ours(await this.tagOf(h))) return;
          await this.ctx.ports.ecs.tagResource({ resourceArn: h.arn, tags: [{ key: LOCK_TAG, value }] });
        } catch (error) {
          this.ctx.emit({ type: 'log', level: 'warn', message: `could not extend the lock on ${h.label}: ${errorMessage(error)}` });
        }
      }),
    );
    this.value = value;
  }

  async release(only?: LockTarget[]): Promise<void> {
    const matches = (h: Held) => !only || only.some((t) => t.cluster === h.cluster && t.service === h.service);
    const going = this.held.filter(matches);
    if (!only) this.stop();
    // A heartbeat in flight would write the tag again after we remove it.
    await this.refreshing;
    for (const h of going) this.held.splice(this.held.indexOf(h), 1);
    await Promise.all(
      going.map(async (h) => {
        try {
          if (!this.ours(await this.tagOf(h))) return;
          await this.ctx.calls.mutate({ service: 'ECS', operation: 'UntagResource', summary: `release the lock on ${h.label}` }, () =>
            this.ctx.ports.ecs.untagResource({ resourceArn: h.arn, tagKeys: [LOCK_TAG] }),
          );
        } catch (error) {
          this.ctx.emit({ type: 'log', level: 'warn', message: `could not release the lock on ${h.label}: ${errorMessage(error)}` });
        }
      }),
    );
  }
}
