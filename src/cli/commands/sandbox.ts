import { resolve } from 'node:path';
import { Command, Option } from 'clipanion';
import * as t from 'typanion';
import { UsageError } from '../../errors/index.js';
import { loadManifest } from '../../manifest/index.js';
import { pendingSites } from '../../manifest/lookup-sites.js';
import type { ResolvedManifest } from '../../model/index.js';
import { ManifestCommand } from '../base-command.js';

/** Single-quotes a value for POSIX shells, so `eval "$(ecsdeploy sandbox ...)"`-style use is safe. */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export class SandboxCommand extends ManifestCommand {
  static override paths = [['sandbox']];
  static override usage = Command.Usage({
    description: 'Serve a local AWS account (ECS, CodeDeploy, ELBv2, CloudWatch, CloudWatch Logs, EventBridge, SNS) over HTTP',
    details: `
      Starts the sandbox on a loopback port and prints, on stdout, the environment that points AWS tools at it
      (\`AWS_ENDPOINT_URL\`, \`AWS_REGION\` and dummy credentials). It serves until Ctrl-C, then writes the account
      to \`--state\` when given, so the next run continues where this one stopped.

      \`--seed\` creates the clusters, services, target groups, listeners and alarms a manifest refers to (ignored when
      \`--state\` already exists). \`--scenario\` sets what images do (slow starts, crashes, failing health checks)
      and which API calls are throttled, fail or are slow. Simulated time runs at real time × \`--speed\`.

      For tests and one-off runs, \`ecsdeploy plan|apply --sandbox\` runs the same account in-process instead, with a
      clock that moves as fast as the engine waits.
    `,
    examples: [
      ['Serve an account seeded from the manifest, on a free port', 'ecsdeploy sandbox --seed ecsdeploy.yaml --env staging'],
      [
        'Serve in the background and point this shell at it',
        'ecsdeploy sandbox --seed ecsdeploy.yaml > .sandbox.env & sleep 1; . ./.sandbox.env',
      ],
      ['Keep the account between runs, with time running 60× faster', 'ecsdeploy sandbox --state .sandbox.json --speed 60'],
      [
        'Throttle and slow down API calls as described in a scenario file',
        'ecsdeploy sandbox --seed ecsdeploy.yaml --scenario faults.yaml',
      ],
    ],
  });

  seed = Option.String('--seed', {
    description: 'Seed the account from this manifest (resolved with --env/--var); -f FILE does the same',
  });
  scenario = Option.String('--scenario', { description: 'Scenario file: image behaviour and API faults' });
  port = Option.String('--port', '0', {
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(0, 65535)]),
    description: 'Port on 127.0.0.1 (0, the default: any free port)',
  });
  speed = Option.String('--speed', '1', {
    validator: t.cascade(t.isNumber(), [t.isAtLeast(0.001)]),
    description: 'Simulated time runs this many times faster than real time (default 1)',
  });
  state = Option.String('--state', { description: 'Load the account from this file if it exists; save it here on exit' });
  region = Option.String('-r,--region', { description: 'Region of the account (default: the manifest region, else us-east-1)' });

  protected async run(): Promise<number> {
    const cwd = this.context.cwd;
    let manifest: ResolvedManifest | undefined;
    const seedFile = this.seed ?? this.file;
    if (seedFile !== undefined) {
      manifest = loadManifest({
        file: seedFile,
        cwd,
        ...(this.env !== undefined ? { environment: this.env } : {}),
        vars: this.vars,
        env: this.context.env,
      });
      // Seeding with placeholders would create clusters and services named after them.
      const unread = pendingSites(manifest, manifest.lookups ?? []);
      if (unread.length > 0) {
        const names = [...new Set(unread.map((site) => `\${${site.text}}`))];
        const shown = `${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''}`;
        throw new UsageError(
          'SANDBOX_SEED_HAS_LOOKUPS',
          `cannot seed the sandbox from ${seedFile}: its lookups are not read here (${shown})`,
          {
            hint: 'seed it with `ecsdeploy plan --sandbox --state FILE` (which reads them), then serve it with `ecsdeploy sandbox --state FILE`',
          },
        );
      }
    }
    // Loaded lazily so other commands' cold start never parses the sandbox.
    const [{ createSandboxRuntime }, { startSandboxServer }] = await Promise.all([
      import('../../sandbox/runtime.js'),
      import('../../sandbox/server.js'),
    ]);
    const runtime = createSandboxRuntime({
      ...(manifest ? { manifest } : {}),
      ...(this.scenario !== undefined ? { scenarioFile: resolve(cwd, this.scenario) } : {}),
      ...(this.state !== undefined ? { stateFile: resolve(cwd, this.state) } : {}),
      ...(this.region !== undefined ? { region: this.region } : {}),
      speed: Number(this.speed),
    });
    const server = await startSandboxServer(runtime.host, { port: Number(this.port) });
    const lines = [
      `export AWS_ENDPOINT_URL=${shellQuote(server.endpoint)}`,
      `export AWS_REGION=${shellQuote(runtime.region)}`,
      `export AWS_DEFAULT_REGION=${shellQuote(runtime.region)}`,
      `export AWS_ACCESS_KEY_ID=${shellQuote(runtime.credentials.accessKeyId)}`,
      `export AWS_SECRET_ACCESS_KEY=${shellQuote(runtime.credentials.secretAccessKey)}`,
    ];
    this.context.stdout.write(`${lines.join('\n')}\n`);
    this.context.stderr.write(`sandbox: account ${runtime.world.accountId} in ${runtime.region} at ${server.endpoint}; Ctrl-C to stop\n`);

    const signal = this.context.signal;
    await new Promise<void>((done) => {
      if (signal.aborted) done();
      else signal.addEventListener('abort', () => done(), { once: true });
    });
    await server.close();
    runtime.save();
    const counts = runtime.calls().counts;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    this.context.stderr.write(
      `sandbox: stopped after ${total} call${total === 1 ? '' : 's'}${this.state !== undefined ? `; state saved to ${this.state}` : ''}\n`,
    );
    if (this.verbose) {
      for (const [op, n] of Object.entries(counts).sort()) this.context.stderr.write(`  ${op}: ${n}\n`);
    }
    return 0;
  }
}
