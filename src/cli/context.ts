import type { BaseContext } from 'clipanion';
import type { AwsConfig } from '../aws/clients.js';
import type { AwsPorts } from '../aws/ports.js';
import type { Clock } from '../util/clock.js';

/** Options that select and configure AWS access, as parsed from flags: the flag-given part of the factory's config. */
export type AwsOptions = Pick<
  AwsConfig,
  'region' | 'profile' | 'endpointUrl' | 'assumeRoleArn' | 'externalId' | 'accessKeyId' | 'secretAccessKey' | 'maxAttempts'
>;

/**
 * Everything a command may touch of the outside world. `main()` fills it from `process`; tests build their own
 * (in-process streams, fake env, an injected ports factory or sandbox).
 */
export interface CliContext extends BaseContext {
  env: Record<string, string | undefined>;
  cwd: string;
  /** stdout is an interactive terminal. */
  isTTY: boolean;
  /** stderr is an interactive terminal (the live progress view draws there). */
  stderrIsTTY: boolean;
  /** stdin is an interactive terminal (prompts possible). */
  stdinIsTTY: boolean;
  isCI: boolean;
  columns: number;
  /** Aborted on the first SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** Set on the second SIGINT: stop waiting for anything. */
  hardSignal: AbortSignal;
  clock: Clock;
  /** Replaces the real AWS ports (tests). */
  portsFactory?: (options: AwsOptions & { defaultRegion?: string }) => AwsPorts;
}
