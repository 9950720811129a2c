import { Command, Option } from 'clipanion';
import * as t from 'typanion';
import { runOneTask } from '../../engine/run-task.js';
import { UsageError } from '../../errors/index.js';
import { readLiveState } from '../../live/read-live-state.js';
import { loadManifest, selectServices } from '../../manifest/index.js';
import { buildPlan } from '../../plan/build.js';
import type { EventRenderer } from '../../render/events-select.js';
import { isoTime } from '../../util/clock.js';
import { parseDuration } from '../../util/duration.js';
import { looksSensitive, rememberSecret } from '../../util/redact.js';
import { VERSION } from '../../util/version.js';
import { AwsCommand, overrideOption } from '../base-command.js';
import { DeferredRenderer } from '../deferred-renderer.js';
import { eventRendererFor, interruptedOr, newRunId } from '../deploy-command.js';
import { ExitCode } from '../exit-codes.js';
import { createCommandRuntime } from '../lazy-runtime.js';
import { loadManifestWithLookups } from '../lookups.js';
import { manifestOptionsOf, overrideFlagsOf } from '../manifest-options.js';

const FORMATS = ['auto', 'tty', 'plain', 'json'] as const;
/** How long `run` waits for the task to stop unless --timeout says otherwise. */
const DEFAULT_TIMEOUT_MS = 60 * 60_000;

export class RunCommand extends AwsCommand {
  static override paths = [['run']];
  static override usage = Command.Usage({
    description: "Run a one-off task from a service's or a task family's task definition, and wait for it",
    details: `
      NAME is a service or a task under \`tasks:\` in the manifest. The task runs with its task definition (the
      manifest's, registered first when it differs from the live one; with --live the revision that runs now), in
      its cluster, with its network configuration and launch type or capacity providers. A command after \`--\`
      and --env-var values go to one container (--container; default the first essential one).

      While the task runs, what its containers print (awslogs driver: CloudWatch Logs) is streamed. When it stops,
      each container's exit code and the stop reason are shown, with the last log lines of the container that
      stopped it when it failed.

      Exit codes: 0 every essential container exited 0 (or --no-wait started it); 1 it failed; 130 interrupted:
      Ctrl-C stops the task.
    `,
    examples: [
      ['Run the migration with the manifest’s task definition', '$0 run migrate -- ./manage.py migrate'],
      ['Run the nightly report as it runs now, with a variable', '$0 run report --live --env-var DAY=2026-01-01'],
      ['Start a worker and return its task ARN', '$0 run worker --no-wait'],
    ],
  });

  name = Option.String({ name: 'NAME' });
  command = Option.Rest({ name: 'COMMAND' });
  images = overrideOption.images();
  live = Option.Boolean('--live', false, { description: 'Run the revision that runs now instead of registering the manifest’s' });
  container = Option.String('--container', { description: 'Container the command and variables go to (default: the first essential one)' });
  envVars = Option.Array('--env-var', [], { description: 'Set a variable in that container: --env-var NAME=VALUE (repeatable)' });
  noWait = Option.Boolean('--no-wait', false, { description: 'Print the task ARN once it started and exit 0, without waiting for it' });
  taskTimeout = Option.String('-t,--timeout', {
    description: 'How long to wait for the task to stop, e.g. 90s, 20m (default 1h); then it is stopped',
  });
  dryRun = Option.Boolean('--dry-run', false, { description: 'Show every call that would be made, and make none' });
  format = Option.String('--format', 'auto', {
    validator: t.isEnum(FORMATS),
    description: 'Progress output: auto (live view on a terminal, plain lines otherwise), tty, plain, or json (NDJSON events on stdout)',
  });

  protected async run(): Promise<number> {
    const { context } = this;
    const key = this.taskKey();
    const timeoutMs = this.timeoutMs();
    const environment = this.environment();
    const overrides = overrideFlagsOf(this);
    const { manifest } = await loadManifestWithLookups(this, {
      load: (extra) => selectServices(loadManifest({ ...manifestOptionsOf(this, overrides), ...extra }), [key]),
    });
    const runtime = await createCommandRuntime(this, manifest);
    const output = new DeferredRenderer(() => this.createRenderer());
    try {
      const live = await readLiveState(runtime.ports, manifest, { signal: context.signal });
      const plan = buildPlan(manifest, live, { now: isoTime(runtime.clock), toolVersion: VERSION, overrides });
      output.start();
      const result = await runOneTask(
        plan,
        { ports: runtime.ports, sink: output.sink, clock: runtime.clock, signal: context.signal, hardSignal: context.hardSignal },
        { concurrency: 1, dryRun: this.dryRun, force: false, onInterrupt: 'leave', runId: newRunId(runtime.clock) },
        {
          key,
          live: this.live,
          noWait: this.noWait,
          timeoutMs,
          overrides: {
            ...(this.container !== undefined && { container: this.container }),
            ...(this.command.length > 0 && { command: this.command }),
            ...(environment && { environment }),
          },
        },
      );
      await output.finish();
      if (result.outcome === 'interrupted') return ExitCode.Interrupted;
      return result.outcome === 'failed' ? ExitCode.Failed : ExitCode.Ok;
    } catch (error) {
      throw interruptedOr(error, context.signal);
    } finally {
      await output.close();
      await runtime.finish();
    }
  }

  /** NAME; `-n` (which the other commands take) may only repeat it. */
  private taskKey(): string {
    const others = this.services.filter((s) => s !== this.name);
    if (others.length > 0) {
      throw new UsageError('RUN_NEEDS_ONE_NAME', `run runs one service or task: ${this.name}, not also ${others.join(', ')}`, {
        hint: 'ecsdeploy run NAME [-- COMMAND...] (NAME: a key under services: or tasks:)',
      });
    }
    return this.name;
  }

  private timeoutMs(): number {
    if (this.taskTimeout === undefined) return DEFAULT_TIMEOUT_MS;
    const ms = parseDuration(this.taskTimeout);
    if (ms === undefined || ms <= 0) {
      throw new UsageError('BAD_FLAG', `--timeout ${this.taskTimeout} is not a duration`, { hint: 'e.g. --timeout 90s or --timeout 20m' });
    }
    return ms;
  }

  private environment(): Record<string, string> | undefined {
    if (this.envVars.length === 0) return undefined;
    const out: Record<string, string> = {};
    for (const pair of this.envVars) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new UsageError('BAD_FLAG', `--env-var ${pair} is not NAME=VALUE`, { hint: 'e.g. --env-var DAY=2026-01-01' });
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      // A value under a secret-looking name is masked wherever it shows (the container may print it).
      if (looksSensitive(name) && value) rememberSecret(value);
      out[name] = value;
    }
    return out;
  }

  private createRenderer(): EventRenderer {
    return eventRendererFor(this.context, { format: this.format, color: this.useColor('stderr'), verbose: this.verbose });
  }
}
