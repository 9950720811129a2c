/**
 * `createSandbox`: the local AWS account of `--sandbox`, for programs and their tests. One sandbox is shared by
 * `plan` and `apply` (what apply deploys, the next plan reads), runs on simulated time, and never calls AWS.
 * The handle is opaque: its runtime stays inside the library, so its shape is not public API.
 */
import type { AwsPorts } from '../aws/ports.js';
import { UsageError } from '../errors/index.js';
import type { ResolvedManifest } from '../model/manifest.js';
import type { Clock } from '../util/clock.js';
import { silenceBundledSdkNodeWarning } from './host.js';

export interface SandboxOptions {
  /** Seed the account with this manifest's clusters, services, load balancers, alarms... @default an empty account */
  manifest?: ResolvedManifest;
  /** Keep the account in this file: loaded when it exists (and then not seeded), written by `save()`. */
  stateFile?: string;
  /** A scenario file: how images behave, API faults to inject (docs/sandbox.md). */
  scenarioFile?: string;
  /** @default the manifest's region, else us-east-1 */
  region?: string;
}

export interface Sandbox {
  /** The region the account answers in. */
  readonly region: string;
  /** Writes the account to `stateFile` (does nothing without one). */
  save(): void;
}

interface SandboxInternals {
  ports: AwsPorts;
  clock: Clock;
}

const internals = new WeakMap<Sandbox, SandboxInternals>();

/** A new sandbox account. Loads the sandbox (and the SDK) on first use: programs that only load manifests never parse them. */
export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  silenceBundledSdkNodeWarning();
  const [{ createSandboxRuntime }, { createAwsPorts }] = await Promise.all([import('../sandbox/runtime.js'), import('../aws/clients.js')]);
  const runtime = createSandboxRuntime({
    ...(options.manifest ? { manifest: options.manifest } : {}),
    ...(options.stateFile ? { stateFile: options.stateFile } : {}),
    ...(options.scenarioFile ? { scenarioFile: options.scenarioFile } : {}),
    ...(options.region ? { region: options.region } : {}),
  });
  const ports = createAwsPorts({
    region: runtime.region,
    env: {},
    requestHandler: runtime.requestHandler,
    credentials: runtime.credentials,
    retryClock: runtime.clock,
  });
  const sandbox: Sandbox = Object.freeze({ region: runtime.region, save: () => runtime.save() });
  internals.set(sandbox, { ports, clock: runtime.clock });
  return sandbox;
}

/** The ports and clock of a sandbox made by createSandbox. */
export function sandboxConnection(sandbox: Sandbox): SandboxInternals {
  const found = internals.get(sandbox);
  if (!found) {
    // A plain object shaped like a Sandbox (say, one that went through JSON) has no account behind it.
    throw new UsageError('API_NOT_A_SANDBOX', '`sandbox` must be a Sandbox returned by createSandbox() (or `true`)');
  }
  return found;
}
