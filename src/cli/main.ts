import { Builtins, Cli } from 'clipanion';
import { systemClock } from '../util/clock.js';
import { VERSION } from '../util/version.js';
import type { CliContext } from './context.js';
import { ApplyCommand } from './commands/apply.js';
import { PlanCommand } from './commands/plan.js';
import { RenderCommand } from './commands/render.js';
import { RollbackCommand } from './commands/rollback.js';
import { SandboxCommand } from './commands/sandbox.js';
import { SchemaCommand } from './commands/schema.js';
import { StatusCommand } from './commands/status.js';
import { ValidateCommand } from './commands/validate.js';

export function buildCli(enableColors = false): Cli<CliContext> {
  const cli = new Cli<CliContext>({ binaryLabel: 'ecsdeploy', binaryName: 'ecsdeploy', binaryVersion: VERSION, enableColors });
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  cli.register(ValidateCommand);
  cli.register(RenderCommand);
  cli.register(SchemaCommand);
  cli.register(PlanCommand);
  cli.register(ApplyCommand);
  cli.register(RollbackCommand);
  cli.register(StatusCommand);
  cli.register(SandboxCommand);
  return cli;
}

function detectCI(env: Record<string, string | undefined>): boolean {
  return (
    Boolean(env.CI && env.CI !== 'false') ||
    Boolean(env.GITHUB_ACTIONS || env.GITLAB_CI || env.BUILDKITE || env.CIRCLECI || env.JENKINS_URL)
  );
}

/**
 * Runs the CLI in-process. Tests pass their own context parts; the bin entry passes nothing.
 * Returns the exit code; never calls process.exit except on a second Ctrl-C.
 */
export async function run(argv: string[], overrides: Partial<CliContext> = {}): Promise<number> {
  const env = overrides.env ?? process.env;
  const isTTY = overrides.isTTY ?? Boolean(process.stdout.isTTY);
  // clipanion colours its help and usage errors unless told the depth; plain text when piped or NO_COLOR.
  const colorDepth = isTTY && env.NO_COLOR === undefined ? (process.stdout.getColorDepth?.() ?? 8) : 1;
  const context: CliContext = {
    ...Cli.defaultContext,
    colorDepth,
    env,
    cwd: process.cwd(),
    isTTY,
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stdinIsTTY: Boolean(process.stdin.isTTY),
    isCI: detectCI(env),
    columns: process.stdout.columns ?? 80,
    signal: new AbortController().signal,
    hardSignal: new AbortController().signal,
    clock: systemClock,
    ...overrides,
  };
  return buildCli(colorDepth > 1).run(argv, context);
}

/** The bin entry: wires SIGINT/SIGTERM to the abort signals (first: graceful, second: immediate). */
export async function main(argv: string[]): Promise<number> {
  const soft = new AbortController();
  const hard = new AbortController();
  let count = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    count += 1;
    if (count === 1) {
      process.stderr.write(`\nreceived ${sig}: starting nothing new; press Ctrl-C again to stop waiting\n`);
      soft.abort(new Error(`received ${sig}`));
    } else {
      hard.abort(new Error(`received ${sig} twice`));
      // Give the command one tick to print where every service stands, then leave.
      setTimeout(() => process.exit(130), 250).unref();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await run(argv, { signal: soft.signal, hardSignal: hard.signal });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
