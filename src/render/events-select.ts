/**
 * Picks the renderer for an event stream. The CLI passes everything it knows about the outside world (streams,
 * TTY, CI, colour, width, env); nothing here reads `process`.
 *
 * - `auto`: the live `tty` view on an interactive terminal outside CI, wide enough to draw it, and not with
 *   --verbose (debug lines scroll better in a log); otherwise `plain`.
 * - `tty` and `plain` write progress to stderr and the final summary to stdout (house rule 8: stdout carries
 *   results). `json` writes NDJSON to stdout and nothing else there.
 */
import type { Writable } from 'node:stream';
import { createJsonRenderer } from './events-json.js';
import { createPlainRenderer } from './events-plain.js';
import type { EventRenderer } from './events-renderer.js';
import { createTtyRenderer } from './events-tty.js';

export type { EventRenderer } from './events-renderer.js';

type EventFormat = 'auto' | 'tty' | 'plain' | 'json';

export interface EventRendererOptions {
  format: EventFormat;
  stdout: Writable;
  stderr: Writable;
  isTTY: boolean;
  isCI: boolean;
  color: boolean;
  columns: number;
  verbose: boolean;
  env: { GITHUB_ACTIONS?: string };
}

/** Narrowest terminal the live view is drawn on; below it lines would be cut to nothing useful. */
const MIN_TTY_COLUMNS = 41;

export function resolveEventFormat(options: Omit<EventRendererOptions, 'stdout' | 'stderr'>): 'tty' | 'plain' | 'json' {
  if (options.format !== 'auto') return options.format;
  return options.isTTY && !options.isCI && options.columns >= MIN_TTY_COLUMNS && !options.verbose ? 'tty' : 'plain';
}

export function createEventRenderer(options: EventRendererOptions): EventRenderer {
  switch (resolveEventFormat(options)) {
    case 'json':
      return createJsonRenderer({ stdout: options.stdout, verbose: options.verbose });
    case 'tty':
      return createTtyRenderer({
        stdout: options.stdout,
        stderr: options.stderr,
        color: options.color,
        verbose: options.verbose,
        columns: options.columns,
      });
    default:
      return createPlainRenderer({
        stdout: options.stdout,
        stderr: options.stderr,
        color: options.color,
        verbose: options.verbose,
        githubActions: options.env.GITHUB_ACTIONS === 'true',
      });
  }
}
