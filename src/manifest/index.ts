/**
 * The manifest module's public API: load ecsdeploy.yaml into a ResolvedManifest (src/model/manifest.ts), select
 * services, render the resolved state. Loading never calls AWS and reports every problem found, each with
 * FILE:LINE:COL (see docs/manifest.md).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { formatManifestIssue, ManifestError, type ManifestIssue, UsageError } from '../errors/index.js';
import type { LookupValue } from '../model/lookups.js';
import type { ResolvedManifest } from '../model/manifest.js';
import { didYouMean } from './did-you-mean.js';
import { fail, type ManifestText, parseManifest, resolveForEnvironment, textIssues } from './load.js';
import { LookupCollector } from './lookup-sites.js';
import { type ManifestOverrides, parseOverrides, parseVars } from './overrides.js';
import { manifestSchema as schemaObject } from './schema.js';

export type { ManifestOverrides } from './overrides.js';
export { manifestSchemaText } from './schema.js';
export { renderResolved } from './render.js';

export interface LoadManifestOptions {
  /** Manifest path, relative to cwd; default: ecsdeploy.yaml or ecsdeploy.yml in cwd. */
  file?: string;
  cwd: string;
  environment?: string;
  /** NAME=VALUE, from --var. */
  vars?: string[];
  env: Record<string, string | undefined>;
  overrides?: ManifestOverrides;
  /**
   * Called with each warning, formatted (`FILE:LINE:COL: path: message`, or `--image "...": message`): what ECS
   * accepts but cannot work (an image no registry can pull). Warnings never make the manifest invalid.
   */
  onWarning?: (message: string) => void;
  /**
   * Lookup values already read (by the live step), by lookup text (`ssm:/shop/db-host`). Lookups without a value
   * stay placeholders, listed in the result's `lookups`.
   */
  lookupValues?: ReadonlyMap<string, LookupValue>;
}

export const MANIFEST_FILE_NAMES = ['ecsdeploy.yaml', 'ecsdeploy.yml'] as const;

/** The default manifest in a directory (ecsdeploy.yaml first), as an absolute path. */
export function findManifestFile(cwd: string): string {
  for (const name of MANIFEST_FILE_NAMES) {
    const p = resolvePath(cwd, name);
    if (existsSync(p)) return p;
  }
  throw new UsageError('MANIFEST_NOT_FOUND', `no ecsdeploy.yaml or ecsdeploy.yml in ${cwd}`, {
    hint: 'pass the manifest with -f FILE, or run from the folder that holds it',
  });
}

export function manifestSchema(): object {
  return schemaObject();
}

function readManifest(options: LoadManifestOptions): ManifestText {
  const absolute = options.file === undefined ? findManifestFile(options.cwd) : resolvePath(options.cwd, options.file);
  const file = options.file ?? absolute.slice(absolute.lastIndexOf('/') + 1);
  let bytes: Buffer;
  try {
    bytes = readFileSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new UsageError('MANIFEST_NOT_FOUND', `${file}: no such file`, { hint: 'check the path given with -f/--file' });
    if (code === 'EISDIR') throw new UsageError('MANIFEST_NOT_FOUND', `${file} is a directory, not a manifest file`);
    throw new UsageError('MANIFEST_UNREADABLE', `${file}: cannot read it (${code ?? 'unknown error'})`);
  }
  const { text, issues } = textIssues(file, bytes);
  if (text === undefined) fail(issues);
  return { file, absolute, text, digest: createHash('sha256').update(bytes).digest('hex'), cwd: options.cwd };
}

/**
 * Loads, validates and resolves the manifest for one environment. Throws ManifestError (every issue found) or
 * UsageError (missing file, bad --var/--image/--timeout, an environment is needed but none was given).
 */
export function loadManifest(options: LoadManifestOptions): ResolvedManifest {
  const m = readManifest(options);
  const overrides = parseOverrides(options.overrides);
  const warnings: ManifestIssue[] = [];
  const lookups = new LookupCollector(options.lookupValues);
  try {
    return withLookups(
      lookups,
      resolveForEnvironment(m, {
        environment: options.environment,
        cliVars: parseVars(options.vars ?? []),
        env: options.env,
        overrides,
        warnings,
        lookups,
      }),
    );
  } catch (error) {
    throw hideLookupValues(error, lookups);
  } finally {
    // Also when the manifest is invalid: the warnings come first, then the errors.
    reportWarnings(options, overrides.warnings, lookups.hideValues(lookups.judgeable(warnings)));
  }
}

/** The manifest with the lookups still to read (and the states `${tfstate:...}` reads them from). */
function withLookups(lookups: LookupCollector, manifest: ResolvedManifest): ResolvedManifest {
  return { ...manifest, lookups: lookups.sites };
}

/** A manifest error whose messages show lookup values as the lookups they came from. */
function hideLookupValues(error: unknown, lookups: LookupCollector): unknown {
  return error instanceof ManifestError ? new ManifestError(lookups.hideValues(error.issues)) : error;
}

function reportWarnings(options: LoadManifestOptions, flags: string[], issues: ManifestIssue[]): void {
  if (!options.onWarning) return;
  for (const w of flags) options.onWarning(w);
  for (const issue of dedupeIssues(issues)) options.onWarning(formatManifestIssue(issue));
}

function dedupeIssues(issues: ManifestIssue[]): ManifestIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = formatManifestIssue(i);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Issues found per environment, reported once each: one found in only some environments says which (unless its
 * path already names the environment).
 */
function mergeEnvironmentIssues(found: Map<string, { issue: ManifestIssue; environments: string[] }>, targets: number): ManifestIssue[] {
  return [...found.values()].map(({ issue, environments: envs }) => {
    const named = envs.length === 1 && issue.path.startsWith(`environments.${envs[0]}.`);
    if (targets < 2 || envs.length === targets || named) return issue;
    return { ...issue, message: `${issue.message} (in environment${envs.length === 1 ? '' : 's'} ${envs.join(', ')})` };
  });
}

function collect(
  found: Map<string, { issue: ManifestIssue; environments: string[] }>,
  issues: ManifestIssue[],
  environment: string | undefined,
): void {
  for (const issue of dedupeIssues(issues)) {
    const key = formatManifestIssue(issue);
    const entry = found.get(key) ?? { issue, environments: [] };
    if (environment !== undefined) entry.environments.push(environment);
    found.set(key, entry);
  }
}

/**
 * Loads the manifest for the given environment or, when none is given, for every environment it declares (or
 * once, when it declares none). Issues of all environments are reported together. Used by `validate`.
 */
export function loadManifestAll(options: LoadManifestOptions): ResolvedManifest[] {
  const m = readManifest(options);
  const cliVars = parseVars(options.vars ?? []);
  const overrides = parseOverrides(options.overrides);
  const parsed = parseManifest(m);
  const environments = options.environment === undefined ? parsed.environments : [options.environment];
  const targets: (string | undefined)[] = environments.length ? environments : [undefined];
  const loaded: ResolvedManifest[] = [];
  // The same issue found in several environments is reported once; one found in only some of them says which.
  const found = new Map<string, { issue: ManifestIssue; environments: string[] }>();
  const warned = new Map<string, { issue: ManifestIssue; environments: string[] }>();
  for (const environment of targets) {
    const warnings: ManifestIssue[] = [];
    const lookups = new LookupCollector(options.lookupValues);
    try {
      // Each environment after the first resolves on a clone of the one parse (interpolation writes into it).
      const input = { environment, cliVars, env: options.env, overrides, warnings, lookups };
      loaded.push(withLookups(lookups, resolveForEnvironment(m, input, parsed, targets.length > 1)));
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      collect(found, lookups.hideValues(error.issues), environment);
    } finally {
      collect(warned, lookups.hideValues(lookups.judgeable(warnings)), environment);
    }
  }
  reportWarnings(options, overrides.warnings, mergeEnvironmentIssues(warned, targets.length));
  const issues = mergeEnvironmentIssues(found, targets.length);
  if (issues.length) fail(issues);
  return loaded;
}

/**
 * Keeps the named services (manifest keys or ECS service names), in manifest order; no names keeps all. One-off
 * tasks and scheduled targets are kept only when they use a kept service's task definition.
 */
export function selectServices(manifest: ResolvedManifest, names: string[]): ResolvedManifest {
  if (names.length === 0) return manifest;
  const keys = new Set<string>();
  for (const name of names) {
    const hits = manifest.services.filter((s) => s.key === name || s.service === name);
    if (hits.length === 0) {
      const known = manifest.services.map((s) => s.key);
      throw new UsageError(
        'UNKNOWN_SERVICE',
        `unknown service \`${name}\`${didYouMean(name, known)}; the manifest declares: ${known.join(', ')}`,
      );
    }
    for (const s of hits) keys.add(s.key);
  }
  return {
    ...manifest,
    services: manifest.services.filter((s) => keys.has(s.key)),
    before: manifest.before.filter((t) => keys.has(t.taskDefinitionOf)),
    scheduledTargets: manifest.scheduledTargets.filter((t) => keys.has(t.taskDefinitionOf)),
  };
}
