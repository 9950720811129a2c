/**
 * The real CLI in-process (`run()`), with captured stdout/stderr and, for `apply`/`rollback --format json`, the NDJSON
 * events parsed. `sandboxContext(sb)` points runs at one shared in-process sandbox account (several runs, one
 * account, the sandbox's clock), as `--sandbox` would but without reseeding between runs.
 */
import { createAwsPorts } from '../../src/aws/clients.js';
import type { CliContext } from '../../src/cli/context.js';
import { run } from '../../src/cli/main.js';
import type { EngineEvent } from '../../src/events/types.js';
import { capture } from './capture.js';
import type { InProcessSandbox } from './sandbox.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  events: EngineEvent[];
}

export async function cli(
  args: string[],
  o: { cwd: string; env?: Record<string, string>; context?: Partial<CliContext>; onStdout?: (t: string) => void },
): Promise<CliRun> {
  const stdout = capture(o.onStdout);
  const stderr = capture();
  // Before a `--`: what follows it is the task's command (`ecsdeploy run NAME -- ...`).
  const dashes = args.indexOf('--');
  const argv = dashes < 0 ? [...args, '--no-color'] : [...args.slice(0, dashes), '--no-color', ...args.slice(dashes)];
  const code = await run(argv, {
    env: o.env ?? {},
    cwd: o.cwd,
    stdout: stdout.stream,
    stderr: stderr.stream,
    isTTY: false,
    stdinIsTTY: false,
    isCI: true,
    ...o.context,
  });
  const events =
    ['apply', 'rollback', 'promote', 'abort', 'run'].includes(args[0] ?? '') && args.includes('json')
      ? stdout
          .text()
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as EngineEvent)
      : [];
  return { code, stdout: stdout.text(), stderr: stderr.text(), events };
}

/** CLI context that points `run()` at a shared in-process sandbox; `signal` plays the first Ctrl-C. */
export function sandboxContext(sb: InProcessSandbox, signal?: AbortSignal): Partial<CliContext> {
  return {
    clock: sb.clock,
    portsFactory: () => createAwsPorts(sb.awsConfig()),
    ...(signal ? { signal } : {}),
  };
}

export function ofType<T extends EngineEvent['type']>(events: EngineEvent[], type: T): Extract<EngineEvent, { type: T }>[] {
  return events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
}
