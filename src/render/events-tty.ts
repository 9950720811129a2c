/**
 * The live view on a terminal (stderr): a region at the bottom with one line per service (and per running one-off
 * task) that is redrawn in place, and the lines worth keeping (service events, task stops, gate results, warnings,
 * one-off results) printed above it as they arrive.
 *
 * Redraws are throttled: events only update state and queue lines; a 100 ms timer (unref'd, so it never keeps the
 * process alive; cleared in finish()) erases the region, prints the queued lines, and draws the region again, in one
 * write. Elapsed times are measured to the latest event's time, never the wall clock, so simulated sandbox time
 * shows as the engine sees it. Region lines are cut to the terminal width: a wrapped line would break the erase,
 * which counts lines. Cursor movement is always emitted (this renderer is only chosen for terminals); colour only
 * when `color` is on. Unknown event types are ignored here (the plain log prints them).
 */
import type { Writable } from 'node:stream';
import type { EngineEvent, EventLevel } from '../events/types.js';
import { type Colors, createColors, cursor, truncate } from './ansi.js';
import { describeEvent, type EventLine } from './events-lines.js';
import { taskId } from './events-names.js';
import { type EventRenderer, flushed } from './events-renderer.js';
import { metricChartLine } from './sparkline.js';
import { outcomeSymbol, outcomeWords } from './outcome-words.js';
import { type ServiceSummary, SummaryBuilder } from './summary-state.js';
import { renderSummaryText, revisionColumn } from './summary-text.js';
import { elapsedMs, formatClockTime, formatDuration } from './time-format.js';

export interface TtyRendererOptions {
  stdout: Writable;
  stderr: Writable;
  color: boolean;
  verbose: boolean;
  columns: number;
  /** Redraw period; 100 ms unless a test wants another. */
  frameMs?: number;
}

export interface TtyRenderer extends EventRenderer {
  /** Prints queued lines and redraws the region now (the timer does this every frame). */
  flush(): void;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function colourFor(level: EventLevel, c: Colors): (text: string) => string {
  if (level === 'error') return c.red;
  if (level === 'warn') return c.yellow;
  if (level === 'debug') return c.dim;
  return (text) => text;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

export function createTtyRenderer(options: TtyRendererOptions): TtyRenderer {
  const c = createColors(options.color);
  const builder = new SummaryBuilder();
  const queued: string[] = [];
  let drawnLines = 0;
  let frame = 0;
  let dirty = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  let finished = false;

  function serviceLine(s: ServiceSummary, keyWidth: number, lastTime: string | undefined): string {
    const running = s.state === 'running';
    const symbol = running ? c.cyan(SPINNER[frame % SPINNER.length] as string) : outcomeSymbol(s.state, c);
    const phase = running ? (s.phase ?? 'starting') : outcomeWords(s.state);
    const cols: string[] = [symbol, c.bold(pad(s.key, keyWidth)), pad(phase, 12)];
    if (!running) {
      // Finished (or not started): the last poll's counts would be stale; say what the service runs and how long it took.
      if (s.state !== 'pending') cols.push(revisionColumn(s));
      if (s.durationMs !== undefined && s.state !== 'unchanged' && s.state !== 'skipped') cols.push(c.dim(formatDuration(s.durationMs)));
      return cols.join(' ');
    }
    if (s.progress) {
      const pending = s.progress.pending > 0 ? ` (${s.progress.pending} pending)` : '';
      cols.push(pad(`${s.progress.running}/${s.progress.desired} running${pending}`, 24));
      if (s.progress.rolloutState) cols.push(pad(s.progress.rolloutState, 11));
    }
    const took = elapsedMs(s.startedAt, lastTime);
    if (took !== undefined) cols.push(c.dim(formatDuration(took)));
    if (s.canaryWeight !== undefined) cols.push(`canary ${s.canaryWeight}%`);
    if (s.phaseDetail) cols.push(c.dim(s.phaseDetail));
    return cols.join(' ');
  }

  function regionLines(): string[] {
    const summary = builder.summary();
    const keyWidth = Math.max(0, ...summary.services.map((s) => s.key.length));
    const lines = summary.services.flatMap((s) => [
      serviceLine(s, keyWidth, summary.lastTime),
      // A canary's gate metrics, drawn against their limits while it rolls out.
      ...(s.state === 'running' ? s.gateSeries.map((g) => `    ${metricChartLine(g.name, g.values, g.limits, c)}`) : []),
    ]);
    for (const o of summary.oneOffs) {
      if (o.state !== 'running') continue;
      const took = elapsedMs(o.startedAt, summary.lastTime);
      const spin = c.cyan(SPINNER[frame % SPINNER.length] as string);
      lines.push(
        `${spin} one-off ${c.bold(o.name)} running task ${taskId(o.taskArn)}${took === undefined ? '' : ` ${c.dim(formatDuration(took))}`}`,
      );
    }
    // Keep a column free: some terminals wrap when the last column is written.
    const width = Math.max(10, options.columns - 1);
    return lines.map((l) => truncate(l, width));
  }

  function draw(): void {
    const region = regionLines();
    if (queued.length === 0 && !dirty && region.length === 0) return;
    let out = drawnLines > 0 ? cursor.up(drawnLines) + cursor.eraseDown : '';
    for (const l of queued) out += `${l}\n`;
    queued.length = 0;
    for (const l of region) out += `${l}\n`;
    drawnLines = region.length;
    dirty = false;
    options.stderr.write(out);
  }

  function anyRunning(): boolean {
    const s = builder.summary();
    return s.services.some((x) => x.state === 'running') || s.oneOffs.some((o) => o.state === 'running');
  }

  function tick(): void {
    frame += 1;
    // Redraw when something changed, or to turn the spinner of a running service.
    if (dirty || queued.length > 0 || anyRunning()) draw();
  }

  function start(): void {
    if (timer !== undefined || finished) return;
    timer = setInterval(tick, options.frameMs ?? 100);
    timer.unref?.();
  }

  function queue(time: string, l: EventLine): void {
    const subject = l.subject ? `${c.bold(l.subject)}: ` : '';
    queued.push(`${c.dim(formatClockTime(time))} ${subject}${colourFor(l.level, c)(l.text)}`);
  }

  return {
    emit(event: EngineEvent): void {
      builder.add(event);
      dirty = true;
      start();
      if (event.level === 'debug' && !options.verbose) return;
      for (const l of describeEvent(event) ?? []) {
        if (l.kind !== 'live') queue(event.time, l);
      }
    },

    flush(): void {
      draw();
    },

    async finish(): Promise<void> {
      if (finished) return;
      finished = true;
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      dirty = true;
      draw();
      const text = renderSummaryText(builder.summary(), { color: options.color });
      if (text) options.stdout.write(text);
      await Promise.all([flushed(options.stderr), flushed(options.stdout)]);
    },
  };
}
