/**
 * The sandbox for other tests: an in-process AWS account reached through real SDK clients, with a virtual clock
 * (a 30-minute canary finishes in seconds). Build clients with `sdkConfig()`, ports with `awsConfig()`:
 *
 *   const sb = startInProcessSandbox({ manifest });
 *   const ecs = new ECSClient(sb.sdkConfig());
 *   const ports = createAwsPorts(sb.awsConfig());
 *   ... run the engine with sb.clock ...
 *   expect(sb.runtime.calls().counts['ecs.UpdateService']).toBe(1);
 *
 * `startHttpSandbox` serves the same account on a loopback port for child processes (`env` to pass them).
 */
import type { AwsConfig } from '../../src/aws/clients.js';
import { type ClockRetryStrategy, createClockRetryStrategy } from '../../src/aws/clock-retry.js';
import type { ResolvedManifest } from '../../src/model/index.js';
import { VirtualClock } from '../../src/sandbox/clock.js';
import type { InProcessRequestHandler } from '../../src/sandbox/in-process.js';
import { type SandboxRuntime, type SandboxRuntimeOptions, createSandboxRuntime } from '../../src/sandbox/runtime.js';
import { startSandboxServer } from '../../src/sandbox/server.js';
import type { Scenario } from '../../src/sandbox/world/index.js';

export interface InProcessSandboxOptions {
  manifest?: ResolvedManifest;
  /** A scenario object (faults, image behaviour); `scenarioFile` reads one from disk. */
  scenario?: Partial<Scenario>;
  scenarioFile?: string;
  stateFile?: string;
  region?: string;
  randomSeed?: number;
  /** Simulated start time (ms since the epoch); default 2026-01-01T00:00:00Z. */
  startMs?: number;
}

export interface SdkSandboxConfig {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  requestHandler: InProcessRequestHandler;
  maxAttempts: number;
  /** Retries wait on the sandbox's clock (as `--sandbox` clients do), never in real time. */
  retryStrategy: ClockRetryStrategy;
}

export interface InProcessSandbox {
  runtime: SandboxRuntime;
  clock: VirtualClock;
  /** `new ECSClient(sb.sdkConfig())`, and the same for every other client. */
  sdkConfig(): SdkSandboxConfig;
  /** `createAwsPorts(sb.awsConfig())`: ports over this account, configured as `--sandbox` configures them. */
  awsConfig(overrides?: Partial<AwsConfig>): AwsConfig;
  /** Environment for code that builds its own clients from env (no endpoint: use sdkConfig's handler). */
  env: Record<string, string>;
}

export function startInProcessSandbox(options: InProcessSandboxOptions = {}): InProcessSandbox {
  const clock = new VirtualClock(options.startMs);
  const runtimeOptions: SandboxRuntimeOptions = {
    clock,
    ...(options.manifest ? { manifest: options.manifest } : {}),
    ...(options.scenario ? { scenario: { images: [], faults: [], ...options.scenario } } : {}),
    ...(options.scenarioFile ? { scenarioFile: options.scenarioFile } : {}),
    ...(options.stateFile ? { stateFile: options.stateFile } : {}),
    ...(options.region ? { region: options.region } : {}),
    ...(options.randomSeed !== undefined ? { randomSeed: options.randomSeed } : {}),
  };
  const runtime = createSandboxRuntime(runtimeOptions);
  return {
    runtime,
    clock,
    sdkConfig: () => ({
      region: runtime.region,
      credentials: runtime.credentials,
      requestHandler: runtime.requestHandler,
      maxAttempts: 5,
      retryStrategy: createClockRetryStrategy(clock, 5),
    }),
    awsConfig: (overrides = {}) => ({
      region: runtime.region,
      env: {},
      requestHandler: runtime.requestHandler,
      credentials: runtime.credentials,
      retryClock: clock,
      ...overrides,
    }),
    env: {
      AWS_REGION: runtime.region,
      AWS_DEFAULT_REGION: runtime.region,
      AWS_ACCESS_KEY_ID: runtime.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: runtime.credentials.secretAccessKey,
    },
  };
}

export interface HttpSandbox extends InProcessSandbox {
  endpoint: string;
  port: number;
  /** `AWS_ENDPOINT_URL` and friends, for a child process. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The same account served over loopback HTTP. Its clock is still virtual: a child process waiting in real time
 * will not move it; use `ecsdeploy sandbox --speed` (a scaled real-time clock) for that.
 */
export async function startHttpSandbox(options: InProcessSandboxOptions = {}): Promise<HttpSandbox> {
  const sb = startInProcessSandbox(options);
  const server = await startSandboxServer(sb.runtime.host, { port: 0 });
  return {
    ...sb,
    endpoint: server.endpoint,
    port: server.port,
    env: { ...sb.env, AWS_ENDPOINT_URL: server.endpoint },
    stop: () => server.close(),
  };
}

/** The variables `ecsdeploy sandbox` prints as `export NAME=value` lines. */
export function envFrom(stdout: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of stdout.matchAll(/^export ([A-Z_]+)=(.*)$/gm)) env[m[1] as string] = (m[2] as string).replace(/^'(.*)'$/, '$1');
  return env;
}

/** Polls `probe` every 20 ms (real time) until it returns a value, or fails after `ms`. */
export async function waitFor<T>(probe: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
