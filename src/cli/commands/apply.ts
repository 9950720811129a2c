import { dirname, relative, resolve } from 'node:path';
import { Command, Option } from 'clipanion';
import * as t from 'typanion';
import { emitPlanComputed, planFromLive } from '../../api/plan-live.js';
import { applyPlan, refuseInFlight } from '../../engine/apply.js';
import { AbortError, UsageError } from '../../errors/index.js';
import type { EventSink } from '../../events/types.js';
import { type LoadManifestOptions, loadManifest, selectServices } from '../../manifest/index.js';
import type { ResolvedManifest } from '../../model/manifest.js';
import { type OverrideFlags, overridesForSavedPlan } from '../../plan/recorded-overrides.js';
import type { SavedPlan } from '../../plan/saved-plan.js';
import type { Plan } from '../../plan/types.js';
import type { ApplyOptions } from '../../engine/types.js';
import { renderPlanText } from '../../render/plan-text.js';
import type { CommandRuntime } from '../aws-runtime.js';
import { DeferredRenderer } from '../deferred-renderer.js';
import { noCacheOption, overrideOption } from '../base-command.js';
import { DeployCommand, exitCodeFor, interruptedOr, newRunId } from '../deploy-command.js';
import { FLAG_RANGES, wholeNumberFlag } from '../flag-values.js';
import { readGitCommit } from '../git-commit.js';
import { createCommandRuntime } from '../lazy-runtime.js';
import { loadManifestWithLookups } from '../lookups.js';
import { manifestOptionsOf, overrideFlagsOf } from '../manifest-options.js';
import { readSavedPlan, refuseStalePlan } from '../saved-plan-file.js';
import { formatCallCounts } from './plan.js';

/** How far `--wait-until` follows a blue-green rollout. */
export const WAIT_UNTIL = ['traffic-shifted', 'completed'] as const;

const APPLY_USAGE = Command.Usage({
  description: 'Deploy the manifest (or a saved plan) to ECS',
  details: `
    Builds a fresh plan (or reads a saved one and refuses it if AWS moved since), asks for confirmation on a
    terminal, then applies it: one-off tasks first (a non-zero exit stops the run before any service changes),
    then services in \`dependsOn\` order (independent ones in parallel, up to --concurrency), then scheduled
    targets, then cleanup of old revisions. Each service is judged by the deployment ecsdeploy started, never by
    "the service is stable": a circuit-breaker rollback is a failure.

    Without a terminal, apply needs --yes. A saved plan counts as reviewed and is applied without asking.
    Progress goes to stderr (a live view on a terminal, plain lines in CI, NDJSON on stdout with --format json);
    the final summary goes to stdout, and to $GITHUB_STEP_SUMMARY when set.

    A canary service steps its traffic through the manifest's weights, holding each step while its gate decides
    (docs/canary.md). A blue-green service is deployed by CodeDeploy with a generated AppSpec, its test and
    production traffic judged by its gates (docs/blue-green.md); --wait-until traffic-shifted returns once
    production traffic is all on the new revision. A canary or CodeDeploy deployment already in flight is refused
    (promote it, abort it, or --resume it).

    Exit codes: 0 deployed (or nothing to do); 1 failed or rolled back; 3 a canary or blue-green deployment paused
    awaiting approval (ecsdeploy promote / abort); 130 interrupted. The first Ctrl-C starts nothing new and does
    what --on-interrupt says with rollouts in flight (a canary: traffic back to stable first; blue-green:
    StopDeployment with rollback); the second stops waiting. See docs/apply.md.
  `,
  examples: [
    ['Deploy from CI with a new image', '$0 apply --yes -e production --image web=registry/web:1.4.2'],
    ['See every AWS call apply would make', '$0 apply --dry-run'],
    ['Apply a reviewed plan', '$0 apply plan.json'],
    ['NDJSON events for another tool', '$0 apply --yes --format json > events.ndjson'],
    ['Continue a canary left by a killed run', '$0 apply --resume --yes'],
    ['Blue-green: return once production traffic moved', '$0 apply --yes --wait-until traffic-shifted'],
  ],
});

/** What one run of `deploy()` is asked for, besides the command's own options. */
interface DeployRequest {
  /** The saved plan to apply, and the path it was read from. */
  saved?: { plan: SavedPlan; path: string };
  concurrency: number;
  /** Follow rollouts in flight to their verdict instead of refusing them (`apply --wait`). */
  wait: boolean;
}

/**
 * What `apply`, `promote` and `abort` share: a fresh plan (checked against a saved one), the confirmation, and one
 * engine run, continuing the canaries in flight when `continuation()` says so. Each command declares the options
 * it reads; the overrides it did not declare are left alone (see base-command.ts).
 */
export abstract class PlannedDeployCommand extends DeployCommand {
  /** What to do with canaries in flight; undefined: refuse them (a plain apply). */
  protected abstract continuation(): ApplyOptions['continuation'];

  /** `--wait-until`: how far a blue-green rollout is followed (undefined: to its end). */
  protected waitUntilOption(): ApplyOptions['waitUntil'] {
    return undefined;
  }

  /** The question asked on a terminal before anything changes. */
  protected question(): string {
    return 'Apply this plan?';
  }

  protected async deploy(request: DeployRequest): Promise<number> {
    const { context } = this;
    const saved = request.saved?.plan;
    const overrides = this.overrides(request.saved);
    const { manifest, calls: lookupCalls } = await loadManifestWithLookups(this, {
      load: (extra) => this.loadManifest(request.saved, overrides, extra),
      ...(saved ? { saved } : {}),
    });
    const runtime = await createCommandRuntime(this, manifest);
    const output = new DeferredRenderer(() => this.createRenderer());
    const continuation = this.continuation();
    const waitUntil = this.waitUntilOption();
    try {
      const plan = await this.freshPlan(runtime, manifest, saved, output.sink, overrides);
      const options: ApplyOptions = {
        concurrency: request.concurrency,
        dryRun: this.dryRun,
        force: this.force,
        wait: request.wait,
        onInterrupt: this.onInterrupt,
        runId: newRunId(runtime.clock),
        ...(continuation ? { continuation } : {}),
        ...(waitUntil ? { waitUntil } : {}),
      };
      // A rollout in flight is refused before anyone is asked to confirm a plan that cannot be applied (never the
      // canary that promote, abort and apply --resume move on).
      refuseInFlight(plan, options);
      await this.confirm(plan, saved);
      output.start();
      const gitCommit = await readGitCommit(context.cwd, context.env);
      const result = await applyPlan(
        plan,
        {
          ports: runtime.ports,
          sink: output.sink,
          clock: runtime.clock,
          signal: context.signal,
          hardSignal: context.hardSignal,
          replan: () => this.freshPlan(runtime, manifest, saved, output.sink, overrides),
        },
        { ...options, ...(gitCommit ? { gitCommit } : {}) },
      );
      await output.finish();
      await this.writeStepSummary(output.memory);
      if (this.verbose) context.stderr.write(formatCallCounts({ ...lookupCalls, ...runtime.ports.calls.counts() }));
      return exitCodeFor(result);
    } catch (error) {
      throw interruptedOr(error, context.signal);
    } finally {
      await output.close();
      await runtime.finish();
    }
  }

  /**
   * The plan to apply, built now from live state (a saved plan is only ever checked against a fresh one, and
   * refused when anything moved), reported as `plan.computed` with the preflight warnings the plan does not show.
   */
  protected async freshPlan(
    runtime: CommandRuntime,
    manifest: ResolvedManifest,
    saved: SavedPlan | undefined,
    sink: EventSink,
    overrides: OverrideFlags,
  ): Promise<Plan> {
    const planned = await planFromLive(runtime.ports, manifest, {
      clock: runtime.clock,
      signal: this.context.signal,
      ...(runtime.cache ? { cache: runtime.cache } : {}),
      overrides,
    });
    if (saved) refuseStalePlan(saved, planned.plan);
    emitPlanComputed(sink, runtime.clock, planned);
    return planned.plan;
  }

  /** Shows the plan on stderr and asks, unless --yes, --dry-run or a saved (already reviewed) plan says not to. */
  protected async confirm(plan: Plan, saved: SavedPlan | undefined): Promise<void> {
    if (!plan.hasChanges) return;
    if (!this.isJson()) this.context.stderr.write(`${renderPlanText(plan, { color: this.useColor('stderr') })}\n`);
    if (this.yes || this.dryRun || saved) return;
    const ok = await this.prompter(`${this.path[0] ?? 'apply'} needs --yes when not running in a terminal`).confirm({
      question: this.question(),
      plan,
    });
    if (!ok) throw new AbortError('DECLINED', 'apply cancelled: nothing was changed');
  }

  /**
   * The overrides to load the manifest with: the flags given, or with a saved plan, those the plan recorded (flags
   * that differ from them are refused, and secret variables the plan could not hold must be given again).
   */
  private overrides(saved: DeployRequest['saved']): OverrideFlags {
    const given = overrideFlagsOf(this);
    if (!saved) return given;
    const r = overridesForSavedPlan(saved.plan.overrides, given);
    const problems = 'problems' in r ? [...r.problems] : [];
    if (this.env !== undefined && this.env !== (saved.plan.manifest.environment ?? undefined)) {
      problems.push(`--env ${this.env} (the plan was made for ${saved.plan.manifest.environment ?? 'no environment'})`);
    }
    if (problems.length > 0 || 'problems' in r) {
      throw new UsageError(
        'PLAN_OVERRIDES_DIFFER',
        `${saved.path} was made with other overrides than this command gives:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
        {
          hint: 'a saved plan carries its overrides: apply it without them (giving again only the secret variables it names), or make a new plan',
        },
      );
    }
    return r.overrides;
  }

  /**
   * The manifest to plan with, with the lookup values and warning sink the lookup reader passes (`extra`). For a
   * saved plan: the one it names (found next to the plan file when it was saved elsewhere, -f overrides that), for
   * the same environment and services, with its overrides.
   */
  private loadManifest(
    saved: DeployRequest['saved'],
    overrides: OverrideFlags,
    extra: Pick<LoadManifestOptions, 'lookupValues' | 'onWarning'>,
  ): ResolvedManifest {
    const options = { ...manifestOptionsOf(this, overrides), ...extra };
    if (!saved) return selectServices(loadManifest(options), this.services);
    const { plan, path } = saved;
    const planDir = dirname(resolve(this.context.cwd, path));
    // Relative to the working directory (the loader's base), so messages show a short path.
    const file =
      this.file ??
      (plan.manifest.fromPlan !== undefined
        ? relative(this.context.cwd, resolve(planDir, plan.manifest.fromPlan)) || '.'
        : plan.manifest.file);
    const manifest = loadManifest({
      ...options,
      file,
      ...((this.env ?? plan.manifest.environment) ? { environment: this.env ?? plan.manifest.environment } : {}),
    });
    return selectServices(manifest, this.services.length > 0 ? this.services : plan.services.map((s) => s.key));
  }
}

export class ApplyCommand extends PlannedDeployCommand {
  static override paths = [['apply']];
  static override usage = APPLY_USAGE;

  images = overrideOption.images();
  desiredCount = overrideOption.desiredCount();
  min = overrideOption.min();
  max = overrideOption.max();
  timeout = overrideOption.timeout();
  noCache = noCacheOption();
  planFile = Option.String({ required: false, name: 'PLANFILE' });
  planOption = Option.String('--plan', { description: 'Saved plan to apply (same as the PLANFILE argument)' });
  concurrency = Option.String('--concurrency', { description: 'Services deployed at the same time (default 4, at most 64)' });
  wait = Option.Boolean('--wait', false, {
    description:
      'A service with a rollout in flight (a run that died, a deployment someone else started): follow it to its verdict first instead of refusing; a failed one fails the run, else the run plans again and goes on',
  });
  resume = Option.Boolean('--resume', false, {
    description:
      'Continue the canaries in flight (found from their state tags) at their recorded step, and follow blue-green deployments in flight with their gates; same revision only',
  });
  waitUntil = Option.String('--wait-until', {
    validator: t.isEnum(WAIT_UNTIL),
    description:
      "Blue-green: `traffic-shifted` returns once production traffic is all on the new revision, without waiting out CodeDeploy's termination wait; `completed` (default) waits for the deployment to end",
  });

  override get cache(): boolean {
    return !this.noCache;
  }

  protected continuation(): ApplyOptions['continuation'] {
    return this.resume ? 'resume' : undefined;
  }

  protected override waitUntilOption(): ApplyOptions['waitUntil'] {
    return this.waitUntil === 'traffic-shifted' ? 'traffic-shifted' : undefined;
  }

  protected async run(): Promise<number> {
    const path = this.savedPlanPath();
    const concurrency = this.concurrencyOption();
    const plan = path ? await readSavedPlan(this.context.cwd, path) : undefined;
    return this.deploy({ ...(plan && path ? { saved: { plan, path } } : {}), concurrency, wait: this.wait });
  }

  private savedPlanPath(): string | undefined {
    if (this.planFile && this.planOption) {
      throw new UsageError('PLAN_FILE_TWICE', 'give the saved plan either as PLANFILE or with --plan, not both');
    }
    return this.planFile ?? this.planOption;
  }

  private concurrencyOption(): number {
    return wholeNumberFlag('--concurrency', this.concurrency, FLAG_RANGES.concurrency) ?? 4;
  }
}
