import { randomBytes } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Command, Option } from 'clipanion';
import * as t from 'typanion';
import { applyPlan } from '../../engine/apply.js';
import { createEmitter } from '../../engine/emitter.js';
import type { ApplyResult } from '../../engine/types.js';
import { AbortError, InterruptedError, isEcsDeployError, StalePlanError, UsageError } from '../../errors/index.js';
import { MemorySink, type Prompter } from '../../events/types.js';
import { readLiveState } from '../../live/read-live-state.js';
import { type LoadManifestOptions, loadManifest, selectServices } from '../../manifest/index.js';
import type { ResolvedManifest } from '../../model/manifest.js';
import { buildPlan } from '../../plan/build.js';
import { compareWithSavedPlan, parseSavedPlan, type SavedPlan } from '../../plan/saved-plan.js';
import type { Plan } from '../../plan/types.js';
import { renderApplySummaryMarkdown } from '../../render/events-markdown.js';
import { createEventRenderer, type EventRenderer, resolveEventFormat } from '../../render/events-select.js';
import { renderPlanText } from '../../render/plan-text.js';
import { type Clock, isoTime } from '../../util/clock.js';
import { VERSION } from '../../util/version.js';
import { createCommandRuntime } from '../lazy-runtime.js';
import { AwsCommand } from '../base-command.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { FLAG_RANGES, wholeNumberFlag } from '../flag-values.js';
import { loadManifestWithLookups } from '../lookups.js';
import { manifestOptionsOf } from '../manifest-options.js';
import { formatCallCounts } from './plan.js';
import { createRefusingPrompter, createTtyPrompter } from '../prompter.js';

const FORMATS = ['auto', 'tty', 'plain', 'json'] as const;
const ON_INTERRUPT = ['rollback', 'leave'] as const;

/** Options shared by `apply` and `rollback`: how to confirm, show and interrupt a deployment. */
export abstract class DeployCommand extends AwsCommand {
  yes = Option.Boolean('-y,--yes,--auto-approve', false, { description: 'Do not ask for confirmation (needed without a terminal)' });
  dryRun = Option.Boolean('--dry-run', false, { description: 'Show every call that would be made, and make none' });
  force = Option.Boolean('--force', false, {
    description: 'Deploy even when a deployment is in progress or another ecsdeploy run holds the service',
  });
  onInterrupt = Option.String('--on-interrupt', 'rollback', {
    validator: t.isEnum(ON_INTERRUPT),
    description: 'What Ctrl-C does to rollouts in flight: rollback (default) to the previous revision, or leave them to ECS',
  });
  format = Option.String('--format', 'auto', {
    validator: t.isEnum(FORMATS),
    description: 'Progress output: auto (live view on a terminal, plain lines otherwise), tty, plain, or json (NDJSON events on stdout)',
  });

  protected createRenderer(): EventRenderer {
    const { context } = this;
    return createEventRenderer({
      format: this.format,
      stdout: context.stdout,
      stderr: context.stderr,
      isTTY: context.isTTY,
      isCI: context.isCI,
      color: this.useColor('stderr'),
      columns: context.columns,
      verbose: this.verbose,
      env: { ...(context.env.GITHUB_ACTIONS !== undefined ? { GITHUB_ACTIONS: context.env.GITHUB_ACTIONS } : {}) },
    });
  }

  protected isJson(): boolean {
    const { context } = this;
    return (
      resolveEventFormat({
        format: this.format,
        isTTY: context.isTTY,
        isCI: context.isCI,
        color: false,
        columns: context.columns,
        verbose: this.verbose,
        env: {},
      }) === 'json'
    );
  }

  protected prompter(refusal: string): Prompter {
    const { context } = this;
    return context.stdinIsTTY
      ? createTtyPrompter({ stdin: context.stdin, stderr: context.stderr, signal: context.signal })
      : createRefusingPrompter(refusal);
  }

  /** Appends the run's Markdown summary to `$GITHUB_STEP_SUMMARY` when GitHub Actions provides one. */
  protected async writeStepSummary(events: MemorySink): Promise<void> {
    const file = this.context.env.GITHUB_STEP_SUMMARY;
    if (!file || events.events.length === 0) return;
    try {
      await appendFile(file, `${renderApplySummaryMarkdown(events.events)}\n`);
    } catch (error) {
      this.context.stderr.write(`warning: could not write the step summary to ${file}: ${(error as Error).message}\n`);
    }
  }
}

/** A run id that sorts by time and is unique enough across CI jobs: `20260101T120000Z-3f9a1c`. */
export function newRunId(clock: Clock): string {
  const stamp = isoTime(clock).replace(/[-:]/g, '').replace(/\.\d+/, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/**
 * The commit checked out in `cwd` (or a parent), from `.git/HEAD` (a worktree's `.git` file is followed); else
 * `GITHUB_SHA`; else undefined. Reads files only: no git binary needed on the runner.
 */
export async function readGitCommit(cwd: string, env: Record<string, string | undefined>): Promise<string | undefined> {
  const read = (p: string) => readFile(p, 'utf8').catch(() => undefined);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    let gitDir = join(dir, '.git');
    const pointer = /^gitdir: (.+)$/m.exec((await read(gitDir)) ?? '')?.[1];
    if (pointer) gitDir = resolve(dir, pointer.trim());
    const head = await read(join(gitDir, 'HEAD'));
    if (head !== undefined) {
      const ref = /^ref: (.+)$/m.exec(head.trim())?.[1];
      if (!ref) return /^[0-9a-f]{40}$/.test(head.trim()) ? head.trim() : undefined;
      // Worktrees keep branch refs in the common directory.
      const common = (await read(join(gitDir, 'commondir')))?.trim();
      const refDir = common ? resolve(gitDir, common) : gitDir;
      const loose = (await read(join(gitDir, ref))) ?? (await read(join(refDir, ref)));
      if (loose) return loose.trim();
      const packed = (await read(join(refDir, 'packed-refs'))) ?? '';
      return packed
        .split('\n')
        .find((l) => l.endsWith(` ${ref}`))
        ?.split(' ')[0];
    }
    if (dirname(dir) === dir) break;
  }
  return env.GITHUB_SHA || undefined;
}

/** An abort that surfaced from a read (SDK AbortError) before anything changed is an interruption, exit 130. */
export function interruptedOr(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted && !isEcsDeployError(error)) return new InterruptedError('interrupted before any change was made');
  return error;
}

export function exitCodeFor(result: ApplyResult): number {
  if (result.outcome === 'interrupted') return ExitCode.Interrupted;
  if (result.outcome === 'failed') return ExitCode.Failed;
  return ExitCode.Ok;
}

export class ApplyCommand extends DeployCommand {
  static override paths = [['apply']];
  static override usage = Command.Usage({
    description: 'deploy the manifest (or a saved plan) to ECS',
    details: `
      Builds a fresh plan (or reads a saved one and refuses it if AWS moved since), asks for confirmation on a
      terminal, then applies it: one-off tasks first (a non-zero exit stops the run before any service changes),
      then services in \`dependsOn\` order (independent ones in parallel, up to --concurrency), then scheduled
      targets, then cleanup of old revisions. Each service is judged by the deployment ecsdeploy started, never by
      "the service is stable": a circuit-breaker rollback is a failure.

      Without a terminal, apply needs --yes. A saved plan counts as reviewed and is applied without asking.
      Progress goes to stderr (a live view on a terminal, plain lines in CI, NDJSON on stdout with --format json);
      the final summary goes to stdout, and to $GITHUB_STEP_SUMMARY when set.

      Exit codes: 0 deployed (or nothing to do); 1 failed or rolled back; 130 interrupted.
      The first Ctrl-C starts nothing new and does what --on-interrupt says with rollouts in flight; the second
      stops waiting. See docs/apply.md.
    `,
    examples: [
      ['Deploy from CI with a new image', '$0 apply --yes -e production --image web=registry/web:1.4.2'],
      ['See every AWS call apply would make', '$0 apply --dry-run'],
      ['Apply a reviewed plan', '$0 apply plan.json'],
      ['NDJSON events for another tool', '$0 apply --yes --format json > events.ndjson'],
    ],
  });

  planFile = Option.String({ required: false, name: 'PLANFILE' });
  planOption = Option.String('--plan', { description: 'Saved plan to apply (same as the PLANFILE argument)' });
  concurrency = Option.String('--concurrency', { description: 'Services deployed at the same time (default 4, at most 64)' });

  protected async run(): Promise<number> {
    const { context } = this;
    const planPath = this.planFile ?? this.planOption;
    if (this.planFile && this.planOption)
      throw new UsageError('PLAN_FILE_TWICE', 'give the saved plan either as PLANFILE or with --plan, not both');
    const concurrency = wholeNumberFlag('--concurrency', this.concurrency, FLAG_RANGES.concurrency) ?? 4;

    const saved = planPath ? await readSavedPlan(context, planPath) : undefined;
    const { manifest, calls: lookupCalls } = await loadManifestWithLookups(this, {
      load: (extra) => this.loadManifest(saved, extra),
      saved,
    });
    const runtime = await createCommandRuntime(this, manifest);
    // The renderer starts after the confirmation prompt (a live view must not draw over the question); events
    // until then are kept and replayed to it.
    const memory = new MemorySink();
    let renderer: EventRenderer | undefined;
    const startRenderer = (): EventRenderer => {
      if (!renderer) {
        renderer = this.createRenderer();
        for (const e of memory.events) renderer.emit(e);
      }
      return renderer;
    };
    const sink = {
      emit: (e: Parameters<MemorySink['emit']>[0]) => {
        memory.emit(e);
        renderer?.emit(e);
      },
    };
    let rendererFinished = false;
    try {
      const live = await readLiveState(runtime.ports, manifest, {
        signal: context.signal,
        ...(runtime.cache ? { cache: runtime.cache } : {}),
      });
      const plan: Plan = buildPlan(manifest, live, { now: isoTime(runtime.clock), toolVersion: VERSION });
      if (saved) {
        const moved = compareWithSavedPlan(saved, plan);
        if (moved.length > 0) throw new StalePlanError(moved);
      }
      // Made by the engine's emitter, like every event: it redacts them (the plan holds secrets apply needs).
      const emit = createEmitter(sink, runtime.clock);
      emit({ type: 'plan.computed', level: 'result', plan });
      for (const issue of live.preflight) {
        if (!plan.services.some((s) => s.key === issue.service && s.blockedReasons.some((r) => r.includes(issue.message)))) {
          emit({ type: 'log', level: 'warn', message: `${issue.service}: ${issue.message}` });
        }
      }

      if (plan.hasChanges && !this.isJson()) context.stderr.write(`${renderPlanText(plan, { color: this.useColor('stderr') })}\n`);
      if (plan.hasChanges && !this.yes && !this.dryRun && !saved) {
        const ok = await this.prompter('apply needs --yes when not running in a terminal').confirm({ question: 'Apply this plan?', plan });
        if (!ok) throw new AbortError('DECLINED', 'apply cancelled: nothing was changed');
      }

      startRenderer();
      const result = await applyPlan(
        plan,
        { ports: runtime.ports, sink, clock: runtime.clock, signal: context.signal, hardSignal: context.hardSignal },
        {
          concurrency,
          dryRun: this.dryRun,
          force: this.force,
          onInterrupt: this.onInterrupt,
          runId: newRunId(runtime.clock),
          ...(await readGitCommit(context.cwd, context.env).then((c) => (c ? { gitCommit: c } : {}))),
        },
      );
      rendererFinished = true;
      await startRenderer().finish();
      await this.writeStepSummary(memory);
      if (this.verbose) context.stderr.write(formatCallCounts({ ...lookupCalls, ...runtime.ports.calls.counts() }));
      return exitCodeFor(result);
    } catch (error) {
      throw interruptedOr(error, context.signal);
    } finally {
      // Refused before applying (stale plan, declined, no --yes): the error says it all; nothing to summarise.
      if (!rendererFinished && renderer) await renderer.finish();
      await runtime.finish();
    }
  }

  private loadManifest(saved: SavedPlan | undefined, extra: Pick<LoadManifestOptions, 'lookupValues' | 'onWarning'>): ResolvedManifest {
    const options = { ...manifestOptionsOf(this), ...extra };
    if (!saved) return selectServices(loadManifest(options), this.services);
    // Rebuild from the manifest the saved plan names, for the same environment and services.
    const manifest = loadManifest({
      ...options,
      file: this.file ?? saved.manifest.file,
      ...((this.env ?? saved.manifest.environment) ? { environment: this.env ?? saved.manifest.environment } : {}),
    });
    return selectServices(manifest, this.services.length > 0 ? this.services : saved.services.map((s) => s.key));
  }
}

async function readSavedPlan(context: CliContext, path: string): Promise<SavedPlan> {
  let text: string;
  try {
    text = await readFile(resolve(context.cwd, path), 'utf8');
  } catch (error) {
    throw new UsageError(
      'PLAN_FILE_UNREADABLE',
      `cannot read the saved plan ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        hint: 'make one with `ecsdeploy plan --out FILE`',
      },
    );
  }
  return parseSavedPlan(text, path);
}
