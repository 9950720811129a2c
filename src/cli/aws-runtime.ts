/**
 * Turns a command's AWS options into what the engine needs: ports (real AWS, the in-process sandbox, or a
 * test's factory), the clock to wait on, the task definition cache, and a `finish()` to run at the end (the
 * sandbox saves its state there).
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createAwsPorts, resolveEndpoint } from '../aws/clients.js';
import type { AwsPorts } from '../aws/ports.js';
import { UsageError } from '../errors/index.js';
import { createTaskDefinitionCache, type TaskDefinitionCache } from '../live/task-definition-cache.js';
import type { ResolvedManifest } from '../model/manifest.js';
import type { SandboxRuntime } from '../sandbox/runtime.js';
import { type Clock, systemClock } from '../util/clock.js';
import type { AwsCommand } from './base-command.js';
import type { AwsOptions } from './context.js';
import { FLAG_RANGES, wholeNumberFlag } from './flag-values.js';

export interface CommandRuntime {
  ports: AwsPorts;
  clock: Clock;
  /** Undefined with `--no-cache`, under `--sandbox`, or when there is no cache directory. */
  cache: TaskDefinitionCache | undefined;
  sandbox: SandboxRuntime | undefined;
  /** Run once the command is done (success or not). */
  finish(): Promise<void>;
}

const STATIC_KEYS_WARNING =
  'warning: --aws-access-key/--aws-secret-key put credentials in your shell history and the process list; ' +
  'prefer AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment, or a profile\n';

/**
 * Where ecsdeploy keeps its cache: `$XDG_CACHE_HOME/ecsdeploy`, else `~/Library/Caches/ecsdeploy` on macOS,
 * else `~/.cache/ecsdeploy`. Undefined when the environment names no home (then nothing is cached).
 */
export function resolveCacheDirectory(env: Record<string, string | undefined>, platform: string = process.platform): string | undefined {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'ecsdeploy');
  const home = env.HOME ?? (env === process.env ? homedir() : undefined);
  if (!home) return undefined;
  return platform === 'darwin' ? join(home, 'Library', 'Caches', 'ecsdeploy') : join(home, '.cache', 'ecsdeploy');
}

/**
 * What the runtime reads of a command: its context and its AWS options. Every AwsCommand has them; so does
 * `init`, which reads no manifest and so does not take the manifest options AwsCommand brings.
 */
export type AwsAccess = Pick<
  AwsCommand,
  | 'context'
  | 'region'
  | 'profile'
  | 'endpointUrl'
  | 'assumeRoleArn'
  | 'externalId'
  | 'awsAccessKey'
  | 'awsSecretKey'
  | 'maxAttempts'
  | 'sandbox'
  | 'scenario'
  | 'state'
  | 'cache'
>;

/** The AWS options alone (a command that reads lookups has them without the sandbox's --scenario and --state). */
type AwsOptionFlags = Pick<
  AwsAccess,
  'region' | 'profile' | 'endpointUrl' | 'assumeRoleArn' | 'externalId' | 'awsAccessKey' | 'awsSecretKey' | 'maxAttempts'
>;

export function awsOptionsOf(cmd: AwsOptionFlags): AwsOptions {
  return {
    ...(cmd.region ? { region: cmd.region } : {}),
    ...(cmd.profile ? { profile: cmd.profile } : {}),
    ...(cmd.endpointUrl ? { endpointUrl: cmd.endpointUrl } : {}),
    ...(cmd.assumeRoleArn ? { assumeRoleArn: cmd.assumeRoleArn } : {}),
    ...(cmd.externalId ? { externalId: cmd.externalId } : {}),
    ...(cmd.awsAccessKey ? { accessKeyId: cmd.awsAccessKey } : {}),
    ...(cmd.awsSecretKey ? { secretAccessKey: cmd.awsSecretKey } : {}),
    ...(cmd.maxAttempts !== undefined ? { maxAttempts: wholeNumberFlag('--max-attempts', cmd.maxAttempts, FLAG_RANGES.maxAttempts) } : {}),
  };
}

export async function createCommandRuntime(cmd: AwsAccess, manifest: ResolvedManifest | undefined): Promise<CommandRuntime> {
  const { context } = cmd;
  // The SDK warns on every run under Node 20 that its *future* releases will need Node 22. ecsdeploy bundles the
  // SDK it was tested with, so the warning is not the user's to act on, and it would land in their stderr.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const options = awsOptionsOf(cmd);
  const defaultRegion = manifest?.region;
  if (!cmd.sandbox && (cmd.scenario || cmd.state)) {
    throw new UsageError('SANDBOX_OPTION_WITHOUT_SANDBOX', '--scenario and --state only apply with --sandbox');
  }
  if (cmd.sandbox && context.portsFactory) {
    throw new UsageError('SANDBOX_WITH_INJECTED_PORTS', '--sandbox cannot be combined with injected AWS ports');
  }
  if (options.accessKeyId || options.secretAccessKey) context.stderr.write(STATIC_KEYS_WARNING);

  const cacheDir = cmd.cache ? resolveCacheDirectory(context.env) : undefined;
  const cacheFor = (ports: AwsPorts, endpoint: string | undefined) =>
    cacheDir ? createTaskDefinitionCache({ directory: cacheDir, region: ports.region, endpoint }) : undefined;

  if (context.portsFactory) {
    const ports = context.portsFactory({ ...options, ...(defaultRegion ? { defaultRegion } : {}) });
    // Injected ports may point anywhere: keep their entries apart from real AWS ones.
    return { ports, clock: context.clock, cache: cacheFor(ports, 'injected'), sandbox: undefined, finish: async () => {} };
  }

  if (cmd.sandbox) {
    const region = options.region ?? defaultRegion;
    // Loaded on demand: a run against AWS never evaluates the sandbox.
    const { createSandboxRuntime } = await import('../sandbox/runtime.js');
    const sandbox = createSandboxRuntime({
      ...(manifest ? { manifest } : {}),
      // Relative to the command's working directory, as `ecsdeploy sandbox` resolves them.
      ...(cmd.scenario ? { scenarioFile: resolve(cmd.context.cwd, cmd.scenario) } : {}),
      ...(cmd.state ? { stateFile: resolve(cmd.context.cwd, cmd.state) } : {}),
      ...(region ? { region } : {}),
    });
    const ports = createAwsPorts({
      region: sandbox.region,
      env: {},
      requestHandler: sandbox.requestHandler,
      credentials: sandbox.credentials,
      retryClock: sandbox.clock,
      ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    });
    // No disk cache: a sandbox account is reseeded at will and would hand out the same ARNs for new content.
    return {
      ports,
      clock: sandbox.clock,
      cache: undefined,
      sandbox,
      finish: async () => {
        sandbox.save();
      },
    };
  }

  const config = { ...options, ...(defaultRegion ? { defaultRegion } : {}), env: context.env };
  const ports = createAwsPorts(config);
  return {
    ports,
    clock: context.clock ?? systemClock,
    cache: cacheFor(ports, resolveEndpoint('ecs', config)),
    sandbox: undefined,
    finish: async () => {},
  };
}
