/**
 * One sandbox account, ready for SDK clients: the world (state and dynamics), the clock it runs on, the protocol
 * host that answers requests (faults, call log), and an in-process request handler. The AWS client factory builds
 * `--sandbox` clients from `requestHandler` + `credentials`; the engine then waits on `clock`.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { UsageError } from '../errors/index.js';
import type { ResolvedManifest } from '../model/index.js';
import type { Clock } from '../util/clock.js';
import { ScaledClock, VirtualClock } from './clock.js';
import { InProcessRequestHandler } from './in-process.js';
import { type CallSummary, createProtocolHost } from './protocol/host.js';
import type { ProtocolHost } from './protocol/types.js';
import { type Scenario, type World, createWorld, loadWorld, parseScenario, seedFromManifest } from './world/index.js';

export interface SandboxRuntimeOptions {
  /** Seed a new world with this manifest's clusters, services, load balancers, alarms... */
  manifest?: ResolvedManifest;
  /** A scenario file (image behaviour, API faults). */
  scenarioFile?: string;
  /** A scenario already parsed (tests); `scenarioFile` wins when both are given. */
  scenario?: Scenario;
  /** Keep the account here between runs: loaded when it exists (and not re-seeded), written by `save()`. */
  stateFile?: string;
  /** Defaults to a VirtualClock (resumed at the saved time when state is loaded). */
  clock?: Clock;
  /**
   * Run on real time × `speed` (a ScaledClock) instead of a VirtualClock: for the HTTP server, whose clients wait
   * with their own wall clocks. Ignored when `clock` is given.
   */
  speed?: number;
  /** Defaults to the manifest's region, else the world's default. */
  region?: string;
  /** Seeds the world's randomness and the fault decisions. */
  randomSeed?: number;
}

export interface SandboxRuntime {
  world: World;
  clock: Clock;
  region: string;
  requestHandler: InProcessRequestHandler;
  /** The protocol host the front ends answer through (the HTTP server takes it too). */
  host: ProtocolHost;
  calls(): CallSummary;
  /** Writes `stateFile` when one was given; otherwise does nothing. */
  save(): void;
  /** Dummies: the sandbox checks no signature, but the SDK will not sign without credentials. */
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export const SANDBOX_CREDENTIALS = Object.freeze({
  accessKeyId: 'AKIASANDBOXEXAMPLE00',
  secretAccessKey: 'sandbox-secret-access-key-not-a-secret',
});

const STATE_FORMAT = 'ecsdeploy-sandbox-state';

/** The state file: the world as it serializes itself, plus the simulated time to resume the clock at. */
interface StateEnvelope {
  format: typeof STATE_FORMAT;
  version: 1;
  clockMs: number;
  world: unknown;
}

function readState(file: string): StateEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError('SANDBOX_STATE_INVALID', `the sandbox state file ${file} is not valid JSON`, {
      hint: 'delete it to start from a freshly seeded account',
      cause: error,
    });
  }
  const env = parsed as Partial<StateEnvelope>;
  if (env?.format !== STATE_FORMAT || env.version !== 1 || typeof env.clockMs !== 'number') {
    throw new UsageError('SANDBOX_STATE_INVALID', `${file} is not an ecsdeploy sandbox state file`, {
      hint: 'pass a file written by `--state`, or a new path',
    });
  }
  return env as StateEnvelope;
}

function readScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError('SANDBOX_SCENARIO_UNREADABLE', `cannot read the scenario file ${file}`, { cause: error });
  }
  return parseScenario(text, file);
}

function defaultClock(speed: number | undefined, resumeAtMs: number | undefined): Clock {
  if (speed !== undefined) return new ScaledClock({ speed, ...(resumeAtMs !== undefined ? { startMs: resumeAtMs } : {}) });
  return new VirtualClock(resumeAtMs);
}

export function createSandboxRuntime(options: SandboxRuntimeOptions = {}): SandboxRuntime {
  const scenario = options.scenarioFile ? readScenario(options.scenarioFile) : options.scenario;
  const stateFile = options.stateFile;
  let world: World;
  let clock: Clock;
  if (stateFile && existsSync(stateFile)) {
    const state = readState(stateFile);
    clock = options.clock ?? defaultClock(options.speed, state.clockMs);
    world = loadWorld(JSON.stringify(state.world), { clock, ...(scenario ? { scenario } : {}) });
  } else {
    clock = options.clock ?? defaultClock(options.speed, undefined);
    const region = options.region ?? options.manifest?.region;
    world = createWorld({
      clock,
      ...(region ? { region } : {}),
      ...(scenario ? { scenario } : {}),
      ...(options.randomSeed !== undefined ? { randomSeed: options.randomSeed } : {}),
    });
    if (options.manifest) seedFromManifest(world, options.manifest);
  }
  const host = createProtocolHost(world, clock, options.randomSeed ?? 1);
  const requestHandler = new InProcessRequestHandler(host);
  return {
    world,
    clock,
    region: world.region,
    requestHandler,
    host,
    calls: () => host.calls(),
    credentials: { ...SANDBOX_CREDENTIALS },
    save() {
      if (!stateFile) return;
      const envelope: StateEnvelope = {
        format: STATE_FORMAT,
        version: 1,
        clockMs: clock.now(),
        world: JSON.parse(world.serialize()),
      };
      // Write then rename, so an interrupted save never leaves half a file where the account was.
      const tmp = `${stateFile}.tmp`;
      try {
        writeFileSync(tmp, `${JSON.stringify(envelope, null, 2)}\n`);
        renameSync(tmp, stateFile);
      } catch (error) {
        throw new UsageError('SANDBOX_STATE_UNWRITABLE', `cannot write the sandbox state to ${stateFile}`, {
          hint: 'check that its folder exists and is writable',
          cause: error,
        });
      }
    },
  };
}
