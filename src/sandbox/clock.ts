/**
 * Clocks for the sandbox. In-process (tests, `--sandbox`) simulated time runs as fast as the engine waits: a
 * 30-minute canary finishes in seconds, and the world's dynamics (tasks starting, deployments settling) read the
 * same clock, so they see the 30 minutes pass. Over HTTP (`ecsdeploy sandbox`) other processes wait with their own
 * wall clocks, so time there is real time, optionally sped up.
 */
import { type Clock, abortReason, systemClock } from '../util/clock.js';

/** 2026-01-01T00:00:00Z: a fixed start makes a seeded world reproducible run after run. */
export const DEFAULT_EPOCH_MS = Date.UTC(2026, 0, 1);

interface Sleeper {
  deadline: number;
  seq: number;
  resolve: () => void;
  reject: (error: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * Simulated time that advances only when someone sleeps. A sleep first yields one macrotask (so every caller that
 * is about to sleep in parallel gets to register), then time jumps to the earliest pending deadline and the
 * sleepers due then wake; the next deadline is served one macrotask later, so a woken caller can register its next,
 * shorter sleep before a longer one elapses. Parallel sleeps therefore overlap instead of adding up, and time never
 * runs backwards: a sleeper whose deadline already passed wakes at `now`.
 */
export class VirtualClock implements Clock {
  private current: number;
  private readonly sleepers: Sleeper[] = [];
  private seq = 0;
  private drainScheduled = false;

  constructor(startMs: number = DEFAULT_EPOCH_MS) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  /** Moves simulated time forward by `ms` without anyone sleeping (tests; latency faults). */
  advance(ms: number): void {
    if (ms > 0) this.current += ms;
  }

  /** Number of sleeps not yet woken (tests). */
  pendingSleeps(): number {
    return this.sleepers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const sleeper: Sleeper = {
        deadline: this.current + Math.max(0, ms),
        seq: this.seq++,
        resolve,
        reject,
        signal,
        onAbort: undefined,
      };
      if (signal) {
        sleeper.onAbort = () => {
          const i = this.sleepers.indexOf(sleeper);
          if (i >= 0) this.sleepers.splice(i, 1);
          reject(abortReason(signal));
        };
        signal.addEventListener('abort', sleeper.onAbort, { once: true });
      }
      this.sleepers.push(sleeper);
      this.scheduleDrain();
    });
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.wakeEarliest();
    });
  }

  private wakeEarliest(): void {
    if (this.sleepers.length === 0) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const s of this.sleepers) earliest = Math.min(earliest, s.deadline);
    this.current = Math.max(this.current, earliest);
    const due = this.sleepers.filter((s) => s.deadline <= this.current).sort((a, b) => a.seq - b.seq);
    for (const s of due) {
      this.sleepers.splice(this.sleepers.indexOf(s), 1);
      if (s.signal && s.onAbort) s.signal.removeEventListener('abort', s.onAbort);
      s.resolve();
    }
    if (this.sleepers.length > 0) this.scheduleDrain();
  }
}

/**
 * Real time multiplied by `speed`, counted from `startMs` (simulated) at the moment of construction. Used by the
 * HTTP server, whose clients wait in real time: `--speed 60` makes a simulated minute pass every real second.
 */
export class ScaledClock implements Clock {
  private readonly realNow: () => number;
  private readonly realStart: number;
  private readonly simStart: number;
  readonly speed: number;

  constructor(options: { startMs?: number; speed?: number; realNow?: () => number } = {}) {
    this.realNow = options.realNow ?? Date.now;
    this.realStart = this.realNow();
    this.simStart = options.startMs ?? this.realStart;
    this.speed = options.speed && options.speed > 0 ? options.speed : 1;
  }

  now(): number {
    return Math.floor(this.simStart + (this.realNow() - this.realStart) * this.speed);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    // A simulated wait of `ms` takes ms / speed of real time.
    return systemClock.sleep(Math.max(0, ms / this.speed), signal);
  }
}
