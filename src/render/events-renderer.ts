/** The interface every event renderer implements, and the little stream plumbing they share. */
import type { Writable } from 'node:stream';
import type { EventSink } from '../events/types.js';

/** An event sink that writes as events arrive; `finish()` prints the final summary and waits for the writes. */
export interface EventRenderer extends EventSink {
  finish(): Promise<void>;
}

/** Resolves once everything written so far to the stream has been handed to the OS (or the test's collector). */
export function flushed(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableEnded || stream.destroyed) {
      resolve();
      return;
    }
    stream.write('', () => resolve());
  });
}
