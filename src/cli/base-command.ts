import { Command, Option } from 'clipanion';
import { presentError } from './present-error.js';
import type { CliContext } from './context.js';

/**
 * The command classes, each adding the options its commands all use, and option makers for the rest: a command
 * declares exactly the options it reads (a flag it would accept and ignore is a trap: `--image` on `status` looks
 * like it does something). Option descriptions are sentences that start with a capital letter.
 *
 *   BaseCommand (-v) ─► ManifestCommand (-f, -e, --var) ─► OverridableCommand (-i, -D, -m, -M, -t, -n): validate
 *                                                      └► AwsAccessCommand (-n, AWS access, --sandbox): render
 *                                                           └► AwsCommand (--scenario, --state, --no-color): plan, status, ...
 *
 * Commands implement `run()`; they never call process.exit and never let clipanion print an error (clipanion
 * would print it to stdout, corrupting `--format json`).
 */
export abstract class BaseCommand extends Command<CliContext> {
  verbose = Option.Boolean('-v,--verbose', false, { description: 'More detail: AWS call counts, debug events, stacks of internal errors' });

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
}

/** Commands that read the manifest. */
export abstract class ManifestCommand extends BaseCommand {
  file = Option.String('-f,--file', { description: 'Manifest file (default: ecsdeploy.yaml or ecsdeploy.yml in the working directory)' });
  env = Option.String('-e,--env', { description: 'Environment to resolve (a key under `environments:`)' });
  vars = Option.Array('--var', [], {
    description: 'Set a manifest variable: --var NAME=VALUE (repeatable); VALUE is taken literally, nothing in it is interpolated',
  });
}

/** The overrides a pipeline passes to change what is deployed; each command that honours one declares it. */
export const overrideOption = {
  images: () =>
    Option.Array('-i,--image', [], {
      description:
        'Override an image: CONTAINER=IMAGE[:TAG], or IMAGE[:TAG] to replace every container whose repository matches (tag defaults to latest)',
    }),
  // Numbers are checked by flag-values.ts (the message names the flag and its range), not by clipanion.
  desiredCount: () => Option.String('-D,--desired-count', { description: 'Desired task count for every selected service (0 to 5000)' }),
  min: () =>
    Option.String('-m,--min', { description: 'Minimum healthy percent (minimumHealthyPercent) for every selected service (0 to 100)' }),
  max: () => Option.String('-M,--max', { description: 'Maximum percent (maximumPercent) for every selected service (100 to 400)' }),
  timeout: () =>
    Option.String('-t,--timeout', {
      description: 'Per-service deployment timeout, e.g. 90s, 20m (the wait for a rollback after it gets as long again)',
    }),
};

const serviceOption = () =>
  Option.Array('-n,--service', [], { description: 'Limit to this service (manifest key or ECS name; repeatable)' });

/** The overrides a command may have declared (as typed), as manifest-options.ts reads them. */
export interface OverrideOptions {
  images?: string[];
  desiredCount?: string | undefined;
  min?: string | undefined;
  max?: string | undefined;
  timeout?: string | undefined;
}

/** Commands that only read the manifest (validate, render) and take every override, to check or show them. */
export abstract class OverridableCommand extends ManifestCommand {
  images = overrideOption.images();
  desiredCount = overrideOption.desiredCount();
  min = overrideOption.min();
  max = overrideOption.max();
  timeout = overrideOption.timeout();
  services = serviceOption();
}

/**
 * How to reach AWS, for every command that does: one definition each, so commands outside the manifest-reading
 * hierarchy (`init`) offer the same flags with the same words.
 */
export const awsOption = {
  region: (description = 'AWS region (else AWS_REGION / AWS_DEFAULT_REGION)') => Option.String('-r,--region', { description }),
  profile: () => Option.String('-p,--profile', { description: 'Shared config / SSO profile (else AWS_PROFILE)' }),
  endpointUrl: () =>
    Option.String('--endpoint-url', { description: 'Send every AWS call to this endpoint (else AWS_ENDPOINT_URL[_<SERVICE>])' }),
  assumeRoleArn: () => Option.String('--assume-role-arn', { description: 'Assume this IAM role over the resolved credentials' }),
  externalId: () => Option.String('--external-id', { description: 'External id for --assume-role-arn' }),
  awsAccessKey: () =>
    Option.String('-k,--aws-access-key', { description: 'Access key id (prefer the environment: flags leak into shell history)' }),
  awsSecretKey: () => Option.String('-s,--aws-secret-key', { description: 'Secret access key (prefer AWS_SECRET_ACCESS_KEY)' }),
  maxAttempts: () => Option.String('--max-attempts', { description: 'Attempts per AWS call, retries included (default 8, at most 50)' }),
};

/**
 * AWS access options: for commands that may read AWS (render, only for its lookups: no sandbox account, so no
 * --scenario or --state, and JSON output, so no colour).
 */
export abstract class AwsAccessCommand extends ManifestCommand {
  services = serviceOption();
  region = awsOption.region('AWS region (else AWS_REGION / AWS_DEFAULT_REGION, else the manifest)');
  profile = awsOption.profile();
  endpointUrl = awsOption.endpointUrl();
  assumeRoleArn = awsOption.assumeRoleArn();
  externalId = awsOption.externalId();
  awsAccessKey = awsOption.awsAccessKey();
  awsSecretKey = awsOption.awsSecretKey();
  maxAttempts = awsOption.maxAttempts();
  sandbox = Option.Boolean('--sandbox', false, { description: 'Run against a seeded in-process sandbox AWS account instead of AWS' });
}

/** AWS access options, for commands that talk to AWS (or to the sandbox account) and write for people. */
export abstract class AwsCommand extends AwsAccessCommand {
  scenario = Option.String('--scenario', { description: 'With --sandbox: scenario file (image behaviour, API faults)' });
  state = Option.String('--state', { description: 'With --sandbox: keep the sandbox account in this file between runs' });
  noColor = Option.Boolean('--no-color', false, {
    description: 'Never colour the output (colour is used on a terminal unless NO_COLOR is set)',
  });

  /** Whether described task definitions are cached on disk: only commands that declare `--no-cache` read them. */
  get cache(): boolean {
    return false;
  }

  protected useColor(stream: 'stdout' | 'stderr' = 'stdout'): boolean {
    if (this.noColor || this.context.env.NO_COLOR !== undefined) return false;
    if (this.context.env.FORCE_COLOR !== undefined && this.context.env.FORCE_COLOR !== '0') return true;
    void stream;
    return this.context.isTTY;
  }
}

export const noCacheOption = () =>
  Option.Boolean('--no-cache', false, { description: 'Do not cache described task definitions on disk (they are cached by default)' });
