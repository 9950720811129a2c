/** The bridge from a command's options to the manifest loader. */
import { type LoadManifestOptions, loadManifest } from '../manifest/index.js';
import type { ResolvedManifest } from '../model/manifest.js';
import type { OverrideFlags } from '../plan/recorded-overrides.js';
import type { ManifestCommand, OverrideOptions } from './base-command.js';
import { FLAG_RANGES, wholeNumberFlag } from './flag-values.js';

/** A command that reads the manifest, with the overrides it declared (those it did not are left alone). */
type ManifestReader = Pick<ManifestCommand, 'file' | 'env' | 'vars' | 'context'> & OverrideOptions;

/** Loads the manifest as the command's -f/--env/--var/--image/--desired-count/--min/--max/--timeout say. */
export function loadManifestForCommand(cmd: ManifestReader): ResolvedManifest {
  return loadManifest(manifestOptionsOf(cmd));
}

/** The overrides and variables the command was given, numbers checked (a bad one names its flag and range). */
export function overrideFlagsOf(cmd: ManifestReader): OverrideFlags {
  const desiredCount = wholeNumberFlag('--desired-count', cmd.desiredCount, FLAG_RANGES.desiredCount);
  const min = wholeNumberFlag('--min', cmd.min, FLAG_RANGES.minimumHealthyPercent);
  const max = wholeNumberFlag('--max', cmd.max, FLAG_RANGES.maximumPercent);
  return {
    images: cmd.images ?? [],
    vars: cmd.vars ?? [],
    ...(desiredCount !== undefined && { desiredCount }),
    ...(min !== undefined && { minimumHealthyPercent: min }),
    ...(max !== undefined && { maximumPercent: max }),
    ...(cmd.timeout !== undefined && { timeout: cmd.timeout }),
  };
}

/**
 * The loader options a command's flags and context stand for (also used by `validate` and `apply`), with `flags`
 * in place of the command's own overrides when given (a saved plan's). Manifest warnings go to stderr as they are
 * found (stdout may carry JSON).
 */
export function manifestOptionsOf(cmd: ManifestReader, flags: OverrideFlags = overrideFlagsOf(cmd)): LoadManifestOptions {
  return {
    ...(cmd.file !== undefined && { file: cmd.file }),
    cwd: cmd.context.cwd,
    ...(cmd.env !== undefined && { environment: cmd.env }),
    vars: flags.vars,
    env: cmd.context.env,
    overrides: {
      images: flags.images,
      ...(flags.desiredCount !== undefined && { desiredCount: flags.desiredCount }),
      ...(flags.minimumHealthyPercent !== undefined && { minimumHealthyPercent: flags.minimumHealthyPercent }),
      ...(flags.maximumPercent !== undefined && { maximumPercent: flags.maximumPercent }),
      ...(flags.timeout !== undefined && { timeout: flags.timeout }),
    },
    onWarning: (message) => cmd.context.stderr.write(`warning: ${message}\n`),
  };
}
