/**
 * Where a library call reads and changes AWS: a sandbox account (`{ sandbox }`), or AWS itself through the SDK's
 * credential chain with the caller's region, profile, endpoint or keys (`{ aws }`). Every call of the engine then
 * goes through the ports this builds, as the CLI's do.
 */
import type { AwsConfig } from '../aws/clients.js';
import type { AwsPorts, LookupPorts } from '../aws/ports.js';
import type { AwsServiceKey } from '../aws/services.js';
import { UsageError } from '../errors/index.js';
import type { ResolvedManifest } from '../model/manifest.js';
import { type Clock, systemClock } from '../util/clock.js';
import { hostEnv, silenceBundledSdkNodeWarning } from './host.js';
import { sandboxLookupPorts } from './lookups.js';
import { createSandbox, type Sandbox, sandboxConnection } from './sandbox.js';

/** AWS, as the CLI's AWS options reach it. Unset fields come from the environment, as for the AWS CLI. */
export interface AwsOptions {
  /** @default AWS_REGION, else AWS_DEFAULT_REGION, else the manifest's `region:` */
  region?: string;
  /** A profile of the shared AWS config files. @default AWS_PROFILE */
  profile?: string;
  /** Send every call there (an emulator such as moto). @default the SDK's endpoint (AWS_ENDPOINT_URL honoured) */
  endpoint?: string;
  /** Assume this role for every call. */
  assumeRoleArn?: string;
  externalId?: string;
  /** Fixed credentials instead of the SDK's credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Attempts per call, retries included. @default 8 */
  maxAttempts?: number;
  /** The environment the SDK settings are read from. @default process.env */
  env?: Record<string, string | undefined>;
}

/** Where to read and deploy: a sandbox, or AWS (the default, configured by `aws`). */
export interface Target {
  /**
   * A sandbox account from `createSandbox()`, shared by `plan` and `apply`; `true` (plan only): a new one seeded
   * from the manifest being planned. @default AWS
   */
  sandbox?: Sandbox | true;
  /** AWS settings; not allowed with `sandbox`. @default the environment's */
  aws?: AwsOptions;
}

export interface Connection {
  ports: AwsPorts;
  /** The clock waits go through: simulated time in a sandbox. */
  clock: Clock;
}

/** Refuses a target that names both a sandbox and AWS, before anything is read. */
export function checkTarget(target: Target): void {
  if (target.sandbox && target.aws) {
    throw new UsageError('API_SANDBOX_WITH_AWS', 'give either `sandbox` or `aws`, not both: a sandbox never calls AWS');
  }
}

/** The client factory's settings for the caller's AWS options, as the CLI's flags give them. */
function awsConfigOf(aws: AwsOptions, manifest: ResolvedManifest | undefined): AwsConfig {
  return {
    ...(aws.region ? { region: aws.region } : {}),
    ...(manifest?.region ? { defaultRegion: manifest.region } : {}),
    ...(aws.profile ? { profile: aws.profile } : {}),
    ...(aws.endpoint ? { endpointUrl: aws.endpoint } : {}),
    ...(aws.assumeRoleArn ? { assumeRoleArn: aws.assumeRoleArn } : {}),
    ...(aws.externalId ? { externalId: aws.externalId } : {}),
    ...(aws.credentials ? { credentials: aws.credentials } : {}),
    ...(aws.maxAttempts !== undefined ? { maxAttempts: aws.maxAttempts } : {}),
    env: hostEnv(aws.env),
  };
}

/** The ports and clock a call of the library uses. `manifest` seeds `sandbox: true`. */
export async function connect(target: Target, manifest: ResolvedManifest | undefined): Promise<Connection> {
  checkTarget(target);
  if (target.sandbox === true) {
    if (!manifest) {
      throw new UsageError('API_SANDBOX_NEEDS_MANIFEST', '`sandbox: true` needs a manifest to seed the sandbox from', {
        hint: 'create one with createSandbox({ manifest }) and pass it to plan and apply',
      });
    }
    return sandboxConnection(await createSandbox({ manifest }));
  }
  if (target.sandbox) return sandboxConnection(target.sandbox);
  // Loaded on first use, as the CLI does: a program that only loads manifests never parses the AWS SDK.
  silenceBundledSdkNodeWarning();
  const { createAwsPorts } = await import('../aws/clients.js');
  return { ports: createAwsPorts(awsConfigOf(target.aws ?? {}, manifest)), clock: systemClock };
}

/**
 * The ports a manifest's lookups and pinned images are read through, beside the target: AWS with the same
 * settings as every other call; beside a sandbox (which serves none of SSM, Secrets Manager, S3, CloudFormation,
 * ECR), only an emulator `env` points at (`AWS_ENDPOINT_URL_SSM`, ...), as under the CLI's `--sandbox`.
 */
export async function connectLookups(
  target: Target,
  manifest: ResolvedManifest,
  services: AwsServiceKey[],
  env: Record<string, string | undefined>,
): Promise<LookupPorts> {
  silenceBundledSdkNodeWarning();
  if (target.sandbox) {
    // A fresh sandbox (`true`) answers in the manifest's region, as createSandbox makes it.
    const region = target.sandbox === true ? (manifest.region ?? 'us-east-1') : sandboxConnection(target.sandbox).ports.region;
    return sandboxLookupPorts(services, { env, region });
  }
  const { createLookupPorts } = await import('../aws/clients.js');
  return createLookupPorts(awsConfigOf(target.aws ?? {}, manifest));
}
