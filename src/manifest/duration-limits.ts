/**
 * Every duration the manifest holds is at most {@link MAX_DURATION_TEXT}. Durations are found through the schema
 * (each is a string with the duration pattern), so a duration key added to the schema later is bounded too,
 * without a list to keep in step. Runs on a schema-valid document.
 */
import type { ManifestIssue } from '../errors/index.js';
import { parseDuration } from '../util/duration.js';
import { ownValue } from '../util/own.js';
import { MAX_DURATION_MS, MAX_DURATION_TEXT } from './limits.js';
import { DURATION_PATTERN, manifestSchema } from './schema.js';
import { issueAt, type Path, type SourceFile } from './source.js';

type Schema = Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A `$ref` schema merged with what it refers to, once per schema node (the walk meets the same nodes again and again). */
const resolved = new WeakMap<Schema, Schema>();

function resolveRef(schema: Schema, root: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  let out = resolved.get(schema);
  if (!out) {
    let node: unknown = root;
    for (const seg of ref.slice(2).split('/')) node = isObject(node) ? node[seg] : undefined;
    out = isObject(node) ? { ...(node as Schema), ...schema, $ref: undefined } : schema;
    resolved.set(schema, out);
  }
  return out;
}

/** Enough of `if` for the schema's discriminators: `required` keys and `const`/`type` of properties. */
function holds(condition: Schema, data: unknown): boolean {
  if (condition.type === 'object' && !isObject(data)) return false;
  if (!isObject(data)) return !Array.isArray(condition.required) && !isObject(condition.properties);
  if (Array.isArray(condition.required) && !condition.required.every((k) => Object.hasOwn(data, String(k)))) return false;
  for (const [k, sub] of Object.entries(isObject(condition.properties) ? condition.properties : {})) {
    if (isObject(sub) && 'const' in sub && Object.hasOwn(data, k) && data[k] !== sub.const) return false;
  }
  return true;
}

export function durationLimitIssues(data: unknown, source: SourceFile): ManifestIssue[] {
  const root = manifestSchema();
  const issues: ManifestIssue[] = [];
  const walk = (raw: unknown, value: unknown, path: Path): void => {
    if (!isObject(raw)) return;
    const schema = resolveRef(raw, root);
    if (schema.pattern === DURATION_PATTERN && typeof value === 'string') {
      const ms = parseDuration(value);
      if (ms !== undefined && !(ms <= MAX_DURATION_MS)) {
        issues.push(
          issueAt(source, path, `a duration may be at most ${MAX_DURATION_TEXT} (a killed run's lock lasts about twice its longest wait)`),
        );
      }
    }
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = schema[key];
      if (Array.isArray(list)) for (const sub of list) walk(sub, value, path);
    }
    if (isObject(schema.if)) {
      const branch = holds(schema.if, value) ? schema.then : schema.else;
      walk(branch, value, path);
    }
    if (isObject(value)) {
      const properties = isObject(schema.properties) ? schema.properties : {};
      const patterns = Object.entries(isObject(schema.patternProperties) ? schema.patternProperties : {});
      for (const [k, v] of Object.entries(value)) {
        const own = ownValue(properties, k);
        if (own !== undefined) walk(own, v, [...path, k]);
        else {
          const matched = patterns.filter(([p]) => new RegExp(p).test(k));
          for (const [, sub] of matched) walk(sub, v, [...path, k]);
          if (matched.length === 0) walk(schema.additionalProperties, v, [...path, k]);
        }
      }
    } else if (Array.isArray(value) && isObject(schema.items)) {
      for (const [i, item] of value.entries()) walk(schema.items, item, [...path, i]);
    }
  };
  walk(root, data, []);
  return issues;
}
