/** The documented events (docs/events.md), handed to a program's `onEvent`. */
import type { ApplyResult } from '../engine/types.js';
import { EcsDeployError, InterruptedError, isEcsDeployError } from '../errors/index.js';
import type { EngineEvent, EventSink } from '../events/types.js';

/** Receives each event as it happens: the same objects `--format json` prints, already redacted. */
export type EventHandler = (event: EngineEvent) => void;

/**
 * `onEvent` threw. The run was not stopped half-way for it (that would leave services in no declared state): it
 * went on to its end, `result` says how it ended, and `cause` is the first error the handler threw.
 */
export class EventHandlerError extends EcsDeployError {
  readonly result: ApplyResult | undefined;
  constructor(cause: unknown, result?: ApplyResult) {
    const outcome = result ? `; the run went on and ended ${result.outcome}` : '';
    super('API_ON_EVENT_THREW', `onEvent threw: ${(cause as Error)?.message ?? String(cause)}${outcome}`, 'user', {
      cause,
      hint: 'onEvent must not throw; catch inside it what it cannot handle',
    });
    this.name = 'EventHandlerError';
    this.result = result;
  }
}

export interface HandlerSink {
  sink: EventSink;
  /** The first error `onEvent` threw, if any (later events still reach it). */
  failure(): { error: unknown } | undefined;
}

/** A sink that hands events to `onEvent`, and keeps what it throws out of the engine. */
export function sinkFor(onEvent: EventHandler | undefined): HandlerSink {
  let failed: { error: unknown } | undefined;
  return {
    sink: {
      emit: (event) => {
        try {
          onEvent?.(event);
        } catch (error) {
          failed ??= { error };
        }
      },
    },
    failure: () => failed,
  };
}

/** An abort that surfaced from a read (the SDK's AbortError) before anything changed is an interruption. */
export function interruptedOr(error: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted && !isEcsDeployError(error)) return new InterruptedError('interrupted before any change was made');
  return error;
}
