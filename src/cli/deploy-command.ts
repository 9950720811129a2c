/**
 * What `apply` and `rollback` share: the options that confirm, show and interrupt a deployment, the renderer
 * they pick, the prompter, the step summary, run ids, and how a result or an interruption maps to an exit code.
 */
import { appendFile } from 'node:fs/promises';
import { Option } from 'clipanion';
import * as t from 'typanion';
import type { MemorySink, Prompter } from '../events/types.js';
import { renderApplySummaryMarkdown } from '../render/events-markdown.js';
import { createEventRenderer, type EventRenderer, type EventRendererOptions, resolveEventFormat } from '../render/events-select.js';
import { AwsCommand } from './base-command.js';
import { createRefusingPrompter, createTtyPrompter } from './prompter.js';

const FORMATS = ['auto', 'tty', 'plain', 'json'] as const;
const ON_INTERRUPT = ['rollback', 'leave'] as const;

/** Options shared by `apply` and `rollback` (and commands that deploy like them): how to confirm, show and interrupt a deployment. */
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
    return eventRendererFor(this.context, { format: this.format, color: this.useColor('stderr'), verbose: this.verbose });
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

export { interruptedOr } from '../api/events.js';
export { exitCodeFor } from '../api/exit-codes.js';
export { newRunId } from '../api/run-id.js';

/** The event renderer a command that reports progress writes through (deploying commands and `run`). */
export function eventRendererFor(
  context: AwsCommand['context'],
  o: Pick<EventRendererOptions, 'format' | 'color' | 'verbose'>,
): EventRenderer {
  return createEventRenderer({
    format: o.format,
    stdout: context.stdout,
    stderr: context.stderr,
    isTTY: context.isTTY,
    isCI: context.isCI,
    color: o.color,
    columns: context.columns,
    verbose: o.verbose,
    env: { ...(context.env.GITHUB_ACTIONS !== undefined ? { GITHUB_ACTIONS: context.env.GITHUB_ACTIONS } : {}) },
  });
}
