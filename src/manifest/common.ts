/** What the manifest pipeline's stages share: the inputs, defaults, and how issues are collected and thrown. */
import { isAbsolute, relative } from 'node:path';
import { type ManifestIssue, ManifestError } from '../errors/index.js';
import type { LookupCollector } from './lookup-sites.js';
import type { ParsedOverrides } from './overrides.js';
import type { Scalar } from './written.js';

export const DEFAULT_TIMEOUT_MS = 20 * 60_000;
export const DEFAULT_KEEP_REVISIONS = 10;
export const MAX_MANIFEST_BYTES = 1024 * 1024;

export interface ManifestText {
  /** Path for messages. */
  file: string;
  /** Absolute path (task definition files are relative to its folder). */
  absolute: string;
  text: string;
  digest: string;
  /** Working directory, for showing task definition file paths. */
  cwd: string;
}

export interface ResolveInput {
  environment: string | undefined;
  cliVars: Record<string, string>;
  env: Record<string, string | undefined>;
  overrides: ParsedOverrides;
  /** Collects problems that do not make the manifest invalid (an image ECS registers but no registry can pull). */
  warnings?: ManifestIssue[];
  /** Where lookups go: values already read, or placeholders recorded with their positions. */
  lookups: LookupCollector;
}

export function issueAtStart(file: string, message: string): ManifestIssue {
  return { file, line: 1, column: 1, path: '', message };
}

function byPosition(a: ManifestIssue, b: ManifestIssue): number {
  return a.file === b.file ? a.line - b.line || a.column - b.column : a.file < b.file ? -1 : 1;
}

function dedupe(issues: ManifestIssue[]): ManifestIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.file}:${i.line}:${i.column}:${i.path}:${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function fail(issues: ManifestIssue[]): never {
  throw new ManifestError(dedupe(issues).sort(byPosition));
}

/** Checks that do not need the document: size, encoding, emptiness. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function stringMap(m: Record<string, Scalar> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, String(v)]));
}

export function displayPath(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

/**
 * Resolves one environment. `parsed` (from parseManifest) saves a parse when resolving several environments of
 * one file: each gets a clone, since interpolation writes into the document.
 */
