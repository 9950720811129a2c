/** The documented events (docs/events.md), handed to a program's `onEvent`. */
import type { EngineEvent, EventSink } from '../events/types.js';
import { InterruptedError, isEcsDeployError } from '../errors/index.js';

/** Receives each event as it happens: the same objects `--format json` prints, already redacted. */
export type EventHandler = (event: EngineEvent) => void;

export function sinkFor(onEvent: EventHandler | undefined): EventSink {
  return { emit: (event) => onEvent?.(event) };
}

/** An abort that surfaced from a read (the SDK's AbortError) before anything changed is an interruption. */
export function interruptedOr(error: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted && !isEcsDeployError(error)) return new InterruptedError('interrupted before any change was made');
  return error;
}
