/**
 * The pipeline for one environment: parse with positions → interpolate → schema → environment overlay →
 * resolve (task definition files, overrides) → rules. Every stage collects all its issues; a stage whose input is
 * broken stops the pipeline with everything found so far.
 */
import type { ErrorObject } from 'ajv';
import { isAlias, isMap, isScalar } from 'yaml';
import { type ManifestIssue, UsageError } from '../errors/index.js';
import type { ResolvedManifest } from '../model/manifest.js';
import { setOwn } from '../util/own.js';
import { fail, isObject, issueAtStart, MAX_MANIFEST_BYTES, type ManifestText, type ResolveInput, stringMap } from './common.js';
import { didYouMean } from './did-you-mean.js';
import { durationLimitIssues } from './duration-limits.js';
import { type InterpolationContext, interpolateTree } from './interpolate.js';
import type { LookupCollector } from './lookup-sites.js';
import { keepWrittenNumberText } from './number-text.js';
import { resolveWritten } from './resolve.js';
import { schemaErrors } from './schema.js';
import { schemaIssues } from './schema-issues.js';
import { issueAt, MAX_ALIAS_COUNT, locate, type Path, parseSource, type SourceFile } from './source.js';
import type { Scalar, WrittenManifest } from './written.js';

export type { ManifestText, ResolveInput } from './common.js';
export { fail } from './common.js';

export function textIssues(file: string, bytes: Buffer): { text: string | undefined; issues: ManifestIssue[] } {
  if (bytes.length > MAX_MANIFEST_BYTES) {
    const mib = (bytes.length / 1024 / 1024).toFixed(1);
    return { text: undefined, issues: [issueAtStart(file, `the file is ${mib} MiB; a manifest may be at most 1 MiB`)] };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { text: undefined, issues: [issueAtStart(file, 'the file is not UTF-8 text')] };
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) return { text: undefined, issues: [issueAtStart(file, 'the file is not text (it contains NUL bytes)')] };
  return { text, issues: [] };
}

/** Parses the document and returns it with the environment names it declares. */
export function parseManifest(m: ManifestText): { source: SourceFile; environments: string[] } {
  const { source, issues } = parseSource(m.file, m.text);
  if (issues.length) fail(issues);
  const root = source.doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    fail([issueAtStart(m.file, 'the manifest is empty: it needs at least `version: 1` and `services:`')]);
  }
  if (!isMap(root)) fail([issueAt(source, [], 'the manifest must be a mapping of keys (version, services, ...)')]);
  const envNode = root.get('environments', true);
  const environments = isMap(envNode) ? envNode.items.map((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key))) : [];
  return { source, environments };
}

function toJs(source: SourceFile): unknown {
  try {
    return source.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    fail([issueAtStart(source.file, `YAML: ${error instanceof Error ? error.message : String(error)}`)]);
  }
}

export function resolveForEnvironment(
  m: ManifestText,
  input: ResolveInput,
  parsed?: { source: SourceFile; environments: string[] },
  clone = false,
): ResolvedManifest {
  const { source: original, environments } = parsed ?? parseManifest(m);
  const source: SourceFile = clone ? { ...original, doc: original.doc.clone() as typeof original.doc } : original;
  keepWrittenNumberText(source.doc.contents, m.text);
  const env = input.environment;
  if (env !== undefined && !environments.includes(env)) {
    const message =
      environments.length === 0
        ? `unknown environment \`${env}\`: this manifest declares no environments`
        : `unknown environment \`${env}\`${didYouMean(env, environments)} (environments: ${environments.join(', ')})`;
    fail([environments.length ? issueAt(source, ['environments'], message, true) : issueAtStart(m.file, message)]);
  }
  if (env === undefined && environments.length > 0) {
    throw new UsageError('ENVIRONMENT_REQUIRED', `${m.file} declares environments; choose one with --env (${environments.join(', ')})`, {
      hint: `e.g. --env ${environments[0]}`,
    });
  }

  // 1. Variables: CLI beats the environment's vars, which beat the top-level ones. Only values that win are
  //    interpolated, so a shadowed `${env:X}` does not need X.
  const issues: ManifestIssue[] = [];
  const { lookups } = input;
  const noVars: InterpolationContext = { env: input.env, vars: undefined, lookups };
  const cliNames = new Set(Object.keys(input.cliVars));
  const envVarsPath: Path = ['environments', env ?? '', 'vars'];
  const envVarNames = new Set<string>();
  if (env !== undefined) {
    const n = locate(source, envVarsPath);
    if (n.depth === envVarsPath.length && isMap(n.node)) {
      for (const p of n.node.items) envVarNames.add(isScalar(p.key) ? String(p.key.value) : String(p.key));
    }
    issues.push(...interpolateTree(source, envVarsPath, noVars, (p) => p.length === 4 && cliNames.has(String(p[3])), lookupRefusal));
  }
  issues.push(
    ...interpolateTree(
      source,
      ['vars'],
      noVars,
      (p) => p.length === 2 && (cliNames.has(String(p[1])) || envVarNames.has(String(p[1]))),
      lookupRefusal,
    ),
  );
  // Only the vars mappings are needed yet; converting just them keeps a second whole-document toJS off the path.
  const varsAt = (path: Path): Record<string, Scalar> | undefined => {
    const found = locate(source, path);
    if (found.depth !== path.length || !isMap(found.node)) return undefined;
    const out: Record<string, Scalar> = {};
    for (const pair of found.node.items) {
      const value = isAlias(pair.value) ? pair.value.resolve(source.doc) : pair.value;
      if (isScalar(pair.key) && isScalar(value) && value.value !== null && typeof value.value !== 'object') {
        setOwn(out, String(pair.key.value), value.value as Scalar);
      }
    }
    return out;
  };
  const vars: Record<string, string> = {
    ...stringMap(varsAt(['vars'])),
    ...stringMap(env !== undefined ? varsAt(envVarsPath) : undefined),
    ...input.cliVars,
  };

  // 2. Everything else, except other environments (their variables may only exist there).
  const ctx: InterpolationContext = { env: input.env, vars, lookups };
  const skip = (p: Path): boolean =>
    (p.length === 1 && p[0] === 'vars') ||
    (p.length === 2 && p[0] === 'environments' && p[1] !== env) ||
    (p.length === 3 && p[0] === 'environments' && p[1] === env && p[2] === 'vars');
  issues.push(...interpolateTree(source, [], ctx, skip, lookupRefusal));

  // 3. Schema, over the whole document with other environments emptied. A value that is still a lookup's
  //    placeholder is checked when it is read (the second load), unless no lookup could ever fit there.
  const js = toJs(source) as WrittenManifest;
  const data = { ...js } as Record<string, unknown>;
  if (isObject(js.environments)) {
    data.environments = Object.fromEntries(Object.entries(js.environments).map(([k, v]) => [k, k === env ? v : {}]));
  }
  const interpolated = new Set(issues.map((i) => i.path));
  const errors = schemaErrors(data);
  issues.push(...lookups.judgeable(schemaIssues(errors, data, source).filter((i) => !interpolated.has(i.path))));
  issues.push(...structureFromLookupIssues(errors, data, source, lookups));
  if (issues.length) fail(issues);
  issues.push(...lookups.judgeable(durationLimitIssues(data, source)));
  if (issues.length) fail(issues);

  return resolveWritten(m, source, js, input, vars);
}

/**
 * Where a lookup cannot be used: what must be known before anything is read (the region AWS is reached in, where
 * Terraform states and task definition files are).
 */
function lookupRefusal(path: Path): string | undefined {
  const top = path[0] === 'environments' ? path.slice(2) : path;
  const key = top[0];
  if (key === 'region') return 'the region cannot come from a lookup: lookups are read from AWS, in this region';
  if (key === 'version') return 'the version cannot come from a lookup';
  if (key === 'tfstate') return `where a Terraform state is cannot come from a lookup (use \${env:...} or \${var:...})`;
  if (key === 'services' && top.length === 3 && top[2] === 'taskDefinition') {
    return 'a task definition file path cannot come from a lookup (use lookups inside the file instead)';
  }
  return undefined;
}

/**
 * A lookup gives one value (text, or a number when it reads as one); a key that needs a list or a mapping
 * cannot take one. Said now, since no value read later could fit.
 */
function structureFromLookupIssues(errors: ErrorObject[], data: unknown, source: SourceFile, lookups: LookupCollector): ManifestIssue[] {
  const out: ManifestIssue[] = [];
  for (const e of errors) {
    if (e.keyword !== 'type') continue;
    const wanted = ([] as unknown[]).concat(e.params.type);
    if (!wanted.every((t) => t === 'array' || t === 'object')) continue;
    const path = e.instancePath
      .split('/')
      .slice(1)
      .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'));
    let value: unknown = data;
    for (const seg of path) value = isObject(value) || Array.isArray(value) ? (value as Record<string, unknown>)[seg] : undefined;
    if (typeof value !== 'string' || !lookups.holdsPlaceholder(value)) continue;
    const typed = path.map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
    const needs = wanted.includes('array') ? 'a list' : 'a mapping';
    out.push(issueAt(source, typed, `a lookup gives one value, and this needs ${needs}: write each item or entry with its own lookup`));
  }
  return out;
}
