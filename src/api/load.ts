/**
 * `loadManifest` and `validateManifest`: the manifest pipeline of `ecsdeploy validate` (schema, rules,
 * interpolation, environment overlay) for a program. Invalid input throws a `ManifestError` carrying every issue
 * with its file, line and column; a missing file or a bad override throws a `UsageError`. Neither calls AWS.
 */
import { type LoadManifestOptions, loadManifest as loadResolved, loadManifestAll, selectServices } from '../manifest/index.js';
import type { ResolvedManifest } from '../model/manifest.js';
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
  return selectServices(loadResolved(loaderOptions(path, options)), options.services ?? []);
}

/**
 * Checks the manifest as `ecsdeploy validate` does: every environment it declares unless `environment` picks
 * one. Returns the resolved manifest of each environment checked.
 * @throws ManifestError with every issue of every environment (an issue found in only some says which)
 */
export function validateManifest(path?: string, options: LoadOptions = {}): ResolvedManifest[] {
  return loadManifestAll(loaderOptions(path, options)).map((m) => selectServices(m, options.services ?? []));
}
