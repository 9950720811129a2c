/**
 * The plan as `ecsdeploy plan`, `ecsdeploy apply` and the library's `plan()` make it: live state read through the
 * ports, then the pure `buildPlan`, then `plan.computed` and the preflight warnings the plan does not show, as
 * events. One definition, so a program and the CLI get the same plan and the same events.
 */
import type { AwsPorts } from '../aws/ports.js';
import { createEmitter } from '../engine/emitter.js';
import type { EventSink } from '../events/types.js';
import type { TaskDefinitionCache } from '../live/task-definition-cache.js';
import { readLiveState } from '../live/read-live-state.js';
import type { PreflightIssue } from '../model/live.js';
import type { ResolvedManifest } from '../model/manifest.js';
import { buildPlan } from '../plan/build.js';
import type { OverrideFlags } from '../plan/recorded-overrides.js';
import type { Plan } from '../plan/types.js';
import { type Clock, isoTime } from '../util/clock.js';
import { VERSION } from '../util/version.js';

export interface PlanFromLiveOptions {
  clock: Clock;
  signal?: AbortSignal;
  cache?: TaskDefinitionCache;
  /** AWS calls in flight at once while reading. */
  concurrency?: number;
  /** Recorded in the plan, so a saved plan is applied with them. */
  overrides: OverrideFlags;
}

export interface PlanFromLive {
  plan: Plan;
  /** Problems found while reading (a missing cluster, a target group in use...), whether the plan shows them or not. */
  preflight: PreflightIssue[];
}

/** Reads live state for the manifest's services and plans them. */
export async function planFromLive(ports: AwsPorts, manifest: ResolvedManifest, options: PlanFromLiveOptions): Promise<PlanFromLive> {
  const live = await readLiveState(ports, manifest, {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.cache ? { cache: options.cache } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
  });
  const plan = buildPlan(manifest, live, { now: isoTime(options.clock), toolVersion: VERSION, overrides: options.overrides });
  return { plan, preflight: live.preflight };
}

/** Preflight issues the plan itself does not already show as a reason a service is blocked. */
export function unshownPreflight(plan: Plan, issues: PreflightIssue[]): PreflightIssue[] {
  return issues.filter((issue) => {
    const service = plan.services.find((s) => s.key === issue.service);
    return !service?.blockedReasons.some((reason) => reason.includes(issue.message));
  });
}

/**
 * `plan.computed`, then a `log` warning for each preflight issue the plan does not show. Made by the engine's
 * emitter, like every event: it redacts them (the plan holds secrets apply needs).
 */
export function emitPlanComputed(sink: EventSink, clock: Clock, { plan, preflight }: PlanFromLive): void {
  const emit = createEmitter(sink, clock);
  emit({ type: 'plan.computed', level: 'result', plan });
  for (const issue of unshownPreflight(plan, preflight)) {
    emit({ type: 'log', level: 'warn', message: `${issue.service}: ${issue.message}` });
  }
}
