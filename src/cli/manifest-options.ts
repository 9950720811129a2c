/** The bridge from a command's options to the manifest loader. */
import { type LoadManifestOptions, loadManifest } from '../manifest/index.js';
import type { ResolvedManifest } from '../model/manifest.js';
import type { OverridableCommand } from './base-command.js';

/** Loads the manifest as the command's -f/--env/--var/--image/--desired-count/--min/--max/--timeout say. */
export function loadManifestForCommand(cmd: OverridableCommand): ResolvedManifest {
  return loadManifest(manifestOptionsOf(cmd));
}

/** The loader options a command's flags and context stand for (also used by `validate` and `apply`). */
export function manifestOptionsOf(cmd: OverridableCommand): LoadManifestOptions {
  return {
    ...(cmd.file !== undefined && { file: cmd.file }),
    cwd: cmd.context.cwd,
    ...(cmd.env !== undefined && { environment: cmd.env }),
    vars: cmd.vars ?? [],
    env: cmd.context.env,
    overrides: {
      images: cmd.images ?? [],
      ...(cmd.desiredCount !== undefined && { desiredCount: cmd.desiredCount }),
      ...(cmd.min !== undefined && { minimumHealthyPercent: cmd.min }),
      ...(cmd.max !== undefined && { maximumPercent: cmd.max }),
      ...(cmd.timeout !== undefined && { timeout: cmd.timeout }),
    },
  };
}
