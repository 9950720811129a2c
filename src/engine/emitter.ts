/**
 * Makes events: fills `time` (from the injected clock) and a default `level`, so emitting code stays short, and
 * redacts them (redact-event.ts), so no sink ever holds a secret. Every event is made here, the CLI's own too.
 */
import { isFailedOutcome } from '../events/outcomes.js';
import type { EngineEvent, EventInput, EventLevel, EventSink } from '../events/types.js';
import { redactEvent } from './redact-event.js';

function defaultLevel(e: EventInput): EventLevel {
  switch (e.type) {
    case 'apply.finished':
    case 'plan.computed':
      return 'result';
    case 'aws.call':
      return e.dryRun ? 'info' : 'debug';
    case 'service.progress':
      return 'info';
    case 'oneoff.finished':
      return e.outcome === 'failed' ? 'error' : 'info';
    case 'service.finished':
      if (isFailedOutcome(e.outcome)) return 'error';
      return e.outcome === 'interrupted' || e.outcome === 'paused' ? 'warn' : 'info';
    case 'canary.step':
      return e.verdict === 'fail' ? 'error' : e.verdict === 'pause' ? 'warn' : 'info';
    case 'canary.paused':
      return 'warn';
    case 'canary.aborted':
      return e.trigger === 'interrupt' && e.trafficRestored ? 'warn' : 'error';
    case 'gate.evaluated':
      return e.outcome === 'fail' ? 'error' : 'info';
    case 'step.skipped':
      return 'warn';
    default:
      return 'info';
  }
}

export type Emit = (event: EventInput) => void;

export function createEmitter(sink: EventSink, clock: { now(): number }): Emit {
  return (input) => {
    const level = input.level ?? defaultLevel(input);
    const event = { ...input, time: new Date(clock.now()).toISOString(), level } as EngineEvent;
    sink.emit(redactEvent(event));
  };
}
