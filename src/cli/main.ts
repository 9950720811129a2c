import { setMaxListeners } from 'node:events';
import { Builtins, Cli } from 'clipanion';
import { systemClock } from '../util/clock.js';
import { VERSION } from '../util/version.js';
import type { CliContext } from './context.js';
import { joinNegativeNumbers } from './flag-values.js';
import { EcsDeployCli, HelpCommand } from './help.js';

/**
 * Every command, by the name that invokes it, loaded on demand: each command is its own chunk of the bundle, so
 * `ecsdeploy validate` never parses the engine, the renderers or the AWS SDK (cold start).
 */
const COMMANDS = {
  validate: async () => (await import('./commands/validate.js')).ValidateCommand,
  render: async () => (await import('./commands/render.js')).RenderCommand,
  schema: async () => (await import('./commands/schema.js')).SchemaCommand,
  plan: async () => (await import('./commands/plan.js')).PlanCommand,
  apply: async () => (await import('./commands/apply.js')).ApplyCommand,
  rollback: async () => (await import('./commands/rollback.js')).RollbackCommand,
  promote: async () => (await import('./commands/promote.js')).PromoteCommand,
  abort: async () => (await import('./commands/abort.js')).AbortCommand,
  status: async () => (await import('./commands/status.js')).StatusCommand,
  unlock: async () => (await import('./commands/unlock.js')).UnlockCommand,
  sandbox: async () => (await import('./commands/sandbox.js')).SandboxCommand,
  init: async () => (await import('./commands/init.js')).InitCommand,
} as const;

function isCommandName(name: string | undefined): name is keyof typeof COMMANDS {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

/**
 * Builds the CLI. clipanion compiles one parser over every registered command's options (~30 ms with all of
 * ours, paid on every start), so when the first argument names a command only that command is loaded and
 * registered; anything else (help, version, a misspelt command) gets all of them, for the full usage and
 * suggestions.
 */
export async function buildCli(enableColors = false, only?: string): Promise<Cli<CliContext>> {
  const cli = new EcsDeployCli({ binaryLabel: 'ecsdeploy', binaryName: 'ecsdeploy', binaryVersion: VERSION, enableColors });
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  cli.register(HelpCommand);
  const loaders = isCommandName(only) ? [COMMANDS[only]] : only === '--version' ? [] : Object.values(COMMANDS);
  for (const command of await Promise.all(loaders.map((load) => load()))) cli.register(command);
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
  // Every wait of a run listens on these two signals; with several services deploying at once that is far more
  // than Node's default of 10 listeners, which would print a MaxListenersExceededWarning to the user.
  setMaxListeners(0, context.signal, context.hardSignal);
  return (await buildCli(colorDepth > 1, argv[0])).run(joinNegativeNumbers(argv), context);
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
