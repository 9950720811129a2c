/**
 * `--format json`: one `JSON.stringify(event)` per line on stdout and nothing else there, so `jq` and scripts can
 * read the stream while it runs. Event types and fields are public API (docs/events.md): never renamed, only added.
 * Debug events (every AWS call, engine internals) only with --verbose.
 */
import type { Writable } from 'node:stream';
import type { EngineEvent } from '../events/types.js';
import { type EventRenderer, flushed } from './events-renderer.js';

export interface JsonRendererOptions {
  stdout: Writable;
  verbose: boolean;
}

export function createJsonRenderer(options: JsonRendererOptions): EventRenderer {
  return {
    emit(event: EngineEvent): void {
      if (event.level === 'debug' && !options.verbose) return;
      options.stdout.write(`${JSON.stringify(event)}\n`);
    },
    async finish(): Promise<void> {
      await flushed(options.stdout);
    },
  };
}
