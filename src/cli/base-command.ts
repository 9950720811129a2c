import { Command, Option } from 'clipanion';
import { presentError } from './present-error.js';
import type { CliContext } from './context.js';

/**
 * Options shared by every command that reads a manifest, and the run() wrapper that maps errors to exit codes.
 * Commands implement `run()`; they never call process.exit and never let clipanion print an error (clipanion
 * would print it to stdout, corrupting `--format json`).
 */
export abstract class BaseCommand extends Command<CliContext> {
  file = Option.String('-f,--file', { description: 'Manifest file (default: ecsdeploy.yaml or ecsdeploy.yml in the working directory)' });
  env = Option.String('-e,--env', { description: 'Environment to resolve (a key under `environments:`)' });
  vars = Option.Array('--var', [], {
    description: 'Set a manifest variable: --var NAME=VALUE (repeatable); VALUE is taken literally, nothing in it is interpolated',
  });
  verbose = Option.Boolean('-v,--verbose', false, { description: 'More detail: AWS call counts, debug events, stacks of internal errors' });
  color = Option.Boolean('--color', true, { description: 'Colour output on a terminal; --no-color never colours (also: NO_COLOR)' });

  protected abstract run(): Promise<number>;

  async execute(): Promise<number> {
    try {
      return await this.run();
    } catch (error) {
      const { text, exitCode } = presentError(error, this.verbose);
      this.context.stderr.write(text);
      return exitCode;
    }
  }

  protected useColor(stream: 'stdout' | 'stderr' = 'stdout'): boolean {
    if (!this.color || this.context.env.NO_COLOR !== undefined) return false;
    if (this.context.env.FORCE_COLOR !== undefined && this.context.env.FORCE_COLOR !== '0') return true;
    void stream;
    return this.context.isTTY;
  }
}

/** Overrides for pipelines, accepted by render/plan/apply (and validate, so they can be checked). */
export abstract class OverridableCommand extends BaseCommand {
  images = Option.Array('-i,--image', [], {
    description:
      'Override an image: CONTAINER=IMAGE[:TAG], or IMAGE[:TAG] to replace every container whose repository matches (tag defaults to latest)',
  });
  // Numbers are checked by flag-values.ts (the message names the flag and its range), not by clipanion.
  desiredCount = Option.String('-D,--desired-count', { description: 'Desired task count for every selected service (0 to 5000)' });
  min = Option.String('-m,--min', { description: 'minimumHealthyPercent for every selected service (0 to 100)' });
  max = Option.String('-M,--max', { description: 'maximumPercent for every selected service (100 to 400)' });
  timeout = Option.String('-t,--timeout', { description: 'Per-service deployment timeout, e.g. 90s, 20m' });
  services = Option.Array('-n,--service', [], { description: 'Limit to this service (manifest key or ECS name; repeatable)' });
}

/** AWS access options, for commands that talk to AWS. */
export abstract class AwsCommand extends OverridableCommand {
  region = Option.String('-r,--region', { description: 'AWS region (else AWS_REGION / AWS_DEFAULT_REGION, else the manifest)' });
  profile = Option.String('-p,--profile', { description: 'Shared config / SSO profile (else AWS_PROFILE)' });
  endpointUrl = Option.String('--endpoint-url', {
    description: 'Send every AWS call to this endpoint (else AWS_ENDPOINT_URL[_<SERVICE>])',
  });
  assumeRoleArn = Option.String('--assume-role-arn', { description: 'Assume this IAM role over the resolved credentials' });
  externalId = Option.String('--external-id', { description: 'External id for --assume-role-arn' });
  awsAccessKey = Option.String('-k,--aws-access-key', {
    description: 'Access key id (prefer the environment: flags leak into shell history)',
  });
  awsSecretKey = Option.String('-s,--aws-secret-key', { description: 'Secret access key (prefer AWS_SECRET_ACCESS_KEY)' });
  maxAttempts = Option.String('--max-attempts', { description: 'Attempts per AWS call, retries included (default 8, at most 50)' });
  sandbox = Option.Boolean('--sandbox', false, { description: 'Run against a seeded in-process sandbox AWS account instead of AWS' });
  scenario = Option.String('--scenario', { description: 'With --sandbox: scenario file (image behaviour, API faults)' });
  state = Option.String('--state', { description: 'With --sandbox: keep the sandbox account in this file between runs' });
  cache = Option.Boolean('--cache', true, { description: 'Cache described task definitions on disk; --no-cache disables it' });
}
