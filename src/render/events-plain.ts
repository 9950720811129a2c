/**
 * The append-only log for CI and pipes: `HH:MM:SS service: message`, one event per line, to stderr (progress,
 * house rule 8). The time is the event's own (simulated under the sandbox), in UTC, so a recorded run always
 * renders the same text. `finish()` writes the per-service summary to stdout: it is the result.
 *
 * Under GitHub Actions (`GITHUB_ACTIONS=true`):
 * - Milestones (service started/finished, failures, warnings, one-off tasks, run-level lines) stay at the top level,
 *   so the collapsed log reads as the story of the deploy.
 * - Detail (ECS service events, progress, phases, traffic, passing gates) of a service that is deploying alone is
 *   folded into `::group::deploy <service>`, so a sequential deploy reads as one collapsible block per service
 *   between its milestones. GitHub groups cannot nest or interleave: while several services deploy in parallel,
 *   their detail lines stay at the top level (each line names its service), because regrouping at every switch
 *   buries the log under one-line groups. Grouping resumes once only one service is left deploying.
 * - `finish()` adds `::error::` annotations (one per failed service or one-off task, with stopped-task reasons and
 *   exit codes) and `::warning::` ones (interruptions, warnings) next to the summary on stdout.
 * Group commands go to stderr with the lines they group (two pipes would reorder them); the runner parses workflow
 * commands on both streams (actions/runner ScriptHandler.cs feeds stdout and stderr to an OutputManager each).
 */
import type { Writable } from 'node:stream';
import type { EngineEvent, EventLevel } from '../events/types.js';
import { type Colors, createColors } from './ansi.js';
import { annotation, GROUP_END, groupStart } from './events-github.js';
import { describeEvent, describeUnknownEvent, type EventLine } from './events-lines.js';
import { revisionName, taskId } from './events-names.js';
import { type EventRenderer, flushed } from './events-renderer.js';
import { describeStoppedTask, isFailure, outcomeWords } from './outcome-words.js';
import { type ApplySummary, SummaryBuilder } from './summary-state.js';
import { describeStanding, renderSummaryText } from './summary-text.js';
import { formatClockTime } from './time-format.js';

export interface PlainRendererOptions {
  stdout: Writable;
  stderr: Writable;
  color: boolean;
  verbose: boolean;
  /** Emit GitHub Actions groups and annotations. */
  githubActions: boolean;
}

function colourFor(level: EventLevel, c: Colors): (text: string) => string {
  if (level === 'error') return c.red;
  if (level === 'warn') return c.yellow;
  if (level === 'debug') return c.dim;
  return (text) => text;
}

export function createPlainRenderer(options: PlainRendererOptions): EventRenderer {
  const c = createColors(options.color);
  const builder = new SummaryBuilder();
  const lastProgress = new Map<string, string>();
  let openGroup: string | undefined;
  let finished = false;

  const write = (text: string) => options.stderr.write(text);

  function closeGroup(): void {
    if (openGroup !== undefined) {
      write(GROUP_END);
      openGroup = undefined;
    }
  }

  function place(l: EventLine): void {
    if (!options.githubActions) return;
    const running = builder.summary().services.filter((s) => s.state === 'running');
    const alone = running.length === 1 && running[0]?.key === l.subject;
    const foldable = alone && l.kind !== 'key' && (l.level === 'info' || l.level === 'debug');
    if (!foldable) {
      closeGroup();
      return;
    }
    if (openGroup !== l.subject) {
      closeGroup();
      write(groupStart(`deploy ${l.subject}`));
      openGroup = l.subject;
    }
  }

  function print(time: string, l: EventLine): void {
    place(l);
    const subject = l.subject ? `${c.bold(l.subject)}: ` : '';
    write(`${c.dim(formatClockTime(time))} ${subject}${colourFor(l.level, c)(l.text)}\n`);
  }

  return {
    emit(event: EngineEvent): void {
      builder.add(event);
      if (event.level === 'debug' && !options.verbose) return;
      const lines = describeEvent(event) ?? [describeUnknownEvent(event)];
      if (event.type === 'service.progress') {
        // Progress arrives on every poll; a CI log only needs the changes.
        const text = lines[0]?.text ?? '';
        if (lastProgress.get(event.service) === text) return;
        lastProgress.set(event.service, text);
      }
      for (const l of lines) print(event.time, l);
    },

    async finish(): Promise<void> {
      if (finished) return;
      finished = true;
      closeGroup();
      const summary = builder.summary();
      const text = renderSummaryText(summary, { color: options.color });
      if (text) options.stdout.write(text);
      if (options.githubActions) options.stdout.write(annotations(summary));
      await Promise.all([flushed(options.stderr), flushed(options.stdout)]);
    },
  };
}

/** `::error::` per failure and `::warning::` per interruption or warning, each self-contained and actionable. */
function annotations(summary: ApplySummary): string {
  let out = '';
  for (const s of summary.services) {
    if (isFailure(s.state)) {
      const details = [
        s.reason ?? `${s.key} ${outcomeWords(s.state)}`,
        ...s.stoppedTasks.map((t) => `stopped task ${taskId(t.taskArn)} (${revisionName(t.taskDefinitionArn)}): ${describeStoppedTask(t)}`),
        ...s.gateProblems,
      ];
      out += annotation('error', details.join('\n'), `ecsdeploy: ${s.key} ${outcomeWords(s.state)}`);
    } else if (s.state === 'interrupted' || (summary.outcome === 'interrupted' && s.state === 'running')) {
      out += annotation(
        'warning',
        [s.reason, `last seen: ${describeStanding(s) || 'unknown'}`].filter(Boolean).join('\n'),
        `ecsdeploy: ${s.key} interrupted`,
      );
    }
  }
  for (const o of summary.oneOffs) {
    if (o.state !== 'failed') continue;
    const details = [o.reason, o.task ? `task ${taskId(o.task.taskArn)}: ${describeStoppedTask(o.task)}` : undefined].filter(Boolean);
    out += annotation('error', details.join('\n') || 'failed', `ecsdeploy: one-off task ${o.name} failed`);
  }
  for (const e of summary.errors) out += annotation('error', e, 'ecsdeploy');
  for (const w of summary.warnings) out += annotation('warning', w, 'ecsdeploy');
  return out;
}
