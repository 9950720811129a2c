/**
 * `plan(manifestOrPath, options)`: what `ecsdeploy plan` computes, as a value. Reads live state from the target
 * (a sandbox or AWS), returns the `Plan` of docs/plan-format.md and reports it as `plan.computed` to `onEvent`.
 * Changes nothing.
 */
import type { ResolvedManifest } from '../model/manifest.js';
import { redactPlan } from '../plan/saved-plan.js';
import type { Plan } from '../plan/types.js';
import { checkTarget, connect, connectLookups, type Target } from './connection.js';
import { type EventHandler, EventHandlerError, interruptedOr, sinkFor } from './events.js';
import { hostEnv } from './host.js';
import { type LoadOptions, manifestLoaderFor } from './load.js';
import { loadManifestWithLookups } from './lookups.js';
import { emitPlanComputed, planFromLive } from './plan-live.js';

export interface PlanOptions extends LoadOptions, Target {
  /** Receives `plan.computed` and the preflight warnings (`log` events). */
  onEvent?: EventHandler;
  /** Stops reading AWS; the call then rejects with an `InterruptedError`. */
  signal?: AbortSignal;
}

/**
 * Plans a manifest (a path, loaded with the load options, or one `loadManifest` returned) against live state. Its
 * lookups are read and its pinned images resolved first, as the CLI does (the plan records them in `lookups` and
 * `pinnedImages`); a manifest with neither reads nothing more.
 * @throws ManifestError, UsageError as `loadManifest` does; ManifestError, at the lookup's file, line and column, when
 *   a lookup cannot be read (a missing parameter) or its value fails a check; PlanError when a pinned tag does
 *   not exist; AwsApiError when AWS refuses a read
 */
export async function plan(manifestOrPath: ResolvedManifest | string, options: PlanOptions = {}): Promise<Plan> {
  checkTarget(options);
  try {
    const { manifest, calls: lookupCalls } = await loadManifestWithLookups({
      load: manifestLoaderFor(manifestOrPath, options),
      lookupPorts: (loaded, services) => connectLookups(options, loaded, services, hostEnv(options.env)),
      onWarning: options.onWarning ?? (() => {}),
      localRegion: (loaded) => options.aws?.region ?? loaded.region ?? 'local',
      sandbox: Boolean(options.sandbox),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const { ports, clock } = await connect(options, manifest);
    const planned = await planFromLive(ports, manifest, {
      clock,
      ...(options.signal ? { signal: options.signal } : {}),
      overrides: {
        images: options.images ?? [],
        vars: Object.entries(options.vars ?? {}).map(([name, value]) => `${name}=${value}`),
      },
    });
    const handler = sinkFor(options.onEvent);
    emitPlanComputed(handler.sink, clock, planned);
    const failed = handler.failure();
    if (failed) throw new EventHandlerError(failed.error);
    return shownRedacted({ ...planned.plan, calls: { ...lookupCalls, ...ports.calls.counts() } });
  } catch (error) {
    throw interruptedOr(error, options.signal);
  }
}

/**
 * The plan keeps the manifest's secrets (apply registers them), but whoever prints it sees it redacted, as
 * `plan --format json` shows it: `JSON.stringify` and `console.log`/`util.inspect` get the redacted plan.
 * Non-enumerable, so copies of the plan (the engine spreads it) do not carry them.
 */
function shownRedacted(plan: Plan): Plan {
  const redacted = () => redactPlan(plan);
  Object.defineProperty(plan, 'toJSON', { value: redacted });
  Object.defineProperty(plan, Symbol.for('nodejs.util.inspect.custom'), { value: redacted });
  return plan;
}
