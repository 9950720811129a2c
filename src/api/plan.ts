/**
 * `plan(manifestOrPath, options)`: what `ecsdeploy plan` computes, as a value. Reads live state from the target
 * (a sandbox or AWS), returns the `Plan` of docs/plan-format.md and reports it as `plan.computed` to `onEvent`.
 * Changes nothing.
 */
import { UsageError } from '../errors/index.js';
import { pendingSites } from '../manifest/lookup-sites.js';
import { siteLocation } from '../model/lookups.js';
import type { ResolvedManifest } from '../model/manifest.js';
import { redactPlan } from '../plan/saved-plan.js';
import type { Plan } from '../plan/types.js';
import { connect, type Target } from './connection.js';
import { type EventHandler, EventHandlerError, interruptedOr, sinkFor } from './events.js';
import { type LoadOptions, loadManifest } from './load.js';
import { emitPlanComputed, planFromLive } from './plan-live.js';

export interface PlanOptions extends LoadOptions, Target {
  /** Receives `plan.computed` and the preflight warnings (`log` events). */
  onEvent?: EventHandler;
  /** Stops reading AWS; the call then rejects with an `InterruptedError`. */
  signal?: AbortSignal;
}

/**
 * Plans a manifest (a path, loaded with the load options, or one `loadManifest` returned) against live state.
 * @throws ManifestError, UsageError as `loadManifest` does; AwsApiError when AWS refuses a read
 */
export async function plan(manifestOrPath: ResolvedManifest | string, options: PlanOptions = {}): Promise<Plan> {
  const manifest = typeof manifestOrPath === 'string' ? loadManifest(manifestOrPath, options) : manifestOrPath;
  refuseWhatOnlyTheCliReads(manifest);
  const { ports, clock } = await connect(options, manifest);
  try {
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
    return shownRedacted({ ...planned.plan, calls: ports.calls.counts() });
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

/**
 * Lookups (`${ssm:...}`, `${tfstate:...}`) and pinned images are read by the CLI's lookup step, which the library
 * does not run yet: refused before anything is read, rather than planned with placeholders or with the tag instead
 * of the digest the manifest asks for.
 */
function refuseWhatOnlyTheCliReads(manifest: ResolvedManifest): void {
  const unread = pendingSites(manifest, manifest.lookups ?? []);
  if (unread.length > 0) {
    const list = [...new Set(unread.map((s) => `\${${s.text}} (${siteLocation(s)})`))].join(', ');
    throw new UsageError('API_LOOKUPS_UNSUPPORTED', `the manifest reads lookups, which the library does not read yet: ${list}`, {
      hint: 'plan and apply this manifest with the ecsdeploy CLI, which reads them',
    });
  }
  const pinning = manifest.services.filter((s) => (s.pin ?? []).length > 0).map((s) => s.key);
  if (pinning.length > 0) {
    throw new UsageError(
      'API_PIN_UNSUPPORTED',
      `services ${pinning.join(', ')} pin images to digests, which the library does not resolve yet`,
      {
        hint: 'plan and apply this manifest with the ecsdeploy CLI, or remove `pin`',
      },
    );
  }
}
