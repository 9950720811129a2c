/**
 * `loadManifest` and `validateManifest`: the manifest pipeline of `ecsdeploy validate` (schema, rules,
 * interpolation, environment overlay) for a program. Invalid input throws a `ManifestError` carrying every issue
 * with its file, line and column; a missing file or a bad override throws a `UsageError`. Neither calls AWS.
 */
import { type LoadManifestOptions, loadManifest as loadResolved, loadManifestAll, selectServices } from '../manifest/index.js';
import { UsageError } from '../errors/index.js';
import { pendingSites } from '../manifest/lookup-sites.js';
import type { LookupValue } from '../model/lookups.js';
import type { ResolvedManifest } from '../model/manifest.js';
import type { ManifestLoader } from './lookups.js';
import { hostCwd, hostEnv } from './host.js';

/** How to read a manifest: what `-f`, `--env`, `--var`, `--image`, `--service` say on the command line. */
export interface LoadOptions {
  /** Folder the path (and files the manifest names) are relative to. @default process.cwd() */
  cwd?: string;
  /** The environment overlay to apply (`environments.<name>`); needed when the manifest declares environments. */
  environment?: string;
  /** Variables, as `--var NAME=VALUE` gives them. @default {} */
  vars?: Record<string, string>;
  /** The environment `${env:NAME}` reads. @default process.env */
  env?: Record<string, string | undefined>;
  /** Image overrides, as `--image` takes them: `container=image` or `image` (every container of its repository). */
  images?: string[];
  /** Keep only these services (manifest keys or ECS service names), as `--service` does. @default every service */
  services?: string[];
  /** Called with each warning (`FILE:LINE:COL: path: message`): what ECS accepts but cannot work. @default ignored */
  onWarning?: (message: string) => void;
}

/** The loader's options for a path and the library's options. */
function loaderOptions(path: string | undefined, options: LoadOptions): LoadManifestOptions {
  return {
    ...(path !== undefined ? { file: path } : {}),
    cwd: hostCwd(options.cwd),
    ...(options.environment !== undefined ? { environment: options.environment } : {}),
    vars: Object.entries(options.vars ?? {}).map(([name, value]) => `${name}=${value}`),
    env: hostEnv(options.env),
    overrides: { images: options.images ?? [] },
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  };
}

/**
 * Loads, validates and resolves the manifest at `path` (default `ecsdeploy.yaml` or `ecsdeploy.yml` in `cwd`)
 * for one environment.
 * @throws ManifestError with every issue found (`error.issues`: file, line, column, path, message)
 * @throws UsageError when the file is missing, an override is malformed or an environment must be chosen
 */
export function loadManifest(path?: string, options: LoadOptions = {}): ResolvedManifest {
  const warnings: string[] = [];
  const manifest = loadSelected(path, {
    ...options,
    onWarning: (message) => {
      warnings.push(message);
      options.onWarning?.(message);
    },
  });
  loadedWith.set(manifest, { path, options, warnings });
  return manifest;
}

function loadSelected(path: string | undefined, options: LoadOptions, lookupValues?: ReadonlyMap<string, LookupValue>): ResolvedManifest {
  const loaded = loadResolved({ ...loaderOptions(path, options), ...(lookupValues ? { lookupValues } : {}) });
  return selectServices(loaded, options.services ?? []);
}

/** How each manifest `loadManifest` returned was loaded: `plan` loads it again with the values of its lookups. */
const loadedWith = new WeakMap<ResolvedManifest, { path: string | undefined; options: LoadOptions; warnings: string[] }>();

/**
 * The loader the lookup step calls: first without lookup values, then with them. A path is loaded with the plan's
 * load options; a manifest `loadManifest` returned is itself at first, then loaded again from its file with the
 * options it was loaded with (its warnings, already reported, are not reported again).
 */
export function manifestLoaderFor(manifestOrPath: ResolvedManifest | string, options: LoadOptions): ManifestLoader {
  if (typeof manifestOrPath === 'string') {
    return ({ lookupValues, onWarning }) => loadSelected(manifestOrPath, { ...options, ...(onWarning ? { onWarning } : {}) }, lookupValues);
  }
  const given = manifestOrPath;
  const from = loadedWith.get(given);
  // Said before anything is read: a copy (or a manifest made elsewhere) has no file and options to load again.
  if (!from && pendingSites(given, given.lookups ?? []).length > 0) {
    throw new UsageError(
      'API_MANIFEST_NOT_LOADED',
      `the manifest ${given.file} reads lookups, and was not made by loadManifest, so it cannot be loaded again with their values; nothing was read`,
      { hint: 'pass plan() the manifest loadManifest returned (not a copy), or its path' },
    );
  }
  return ({ lookupValues, onWarning }) => {
    if (!lookupValues || !from) return given;
    const reported = new Set(from.warnings);
    const reloaded = loadSelected(
      from.path,
      {
        ...from.options,
        onWarning: (message) => {
          if (!reported.has(message)) onWarning?.(message);
        },
      },
      lookupValues,
    );
    if (reloaded.digest !== given.digest) {
      throw new UsageError('API_MANIFEST_CHANGED', `${given.file} changed since loadManifest read it; nothing was planned`, {
        hint: 'load the manifest again, then plan it',
      });
    }
    return reloaded;
  };
}

/**
 * Checks the manifest as `ecsdeploy validate` does: every environment it declares unless `environment` picks
 * one. Returns the resolved manifest of each environment checked.
 * @throws ManifestError with every issue of every environment (an issue found in only some says which)
 */
export function validateManifest(path?: string, options: LoadOptions = {}): ResolvedManifest[] {
  return loadManifestAll(loaderOptions(path, options)).map((m) => selectServices(m, options.services ?? []));
}
