/**
 * Small pure helpers over JSON values: cloning to plain JSON, canonical (key-sorted) serialisation, deep
 * equality and sha256 digests. Shared by normalization, diffing and saved plans so all three agree on what
 * "the same document" means.
 */
import { createHash } from 'node:crypto';
import type { Json, JsonObject } from '../model/task-definition.js';
import { setOwn } from '../util/own.js';

export function isObject(x: unknown): x is JsonObject {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * A plain-JSON copy: `undefined` and `null` members are dropped (AWS and YAML both use them for "absent"),
 * non-finite numbers and functions never occur in our inputs and are dropped too.
 */
export function toJson(x: unknown): Json | undefined {
  if (x === null || x === undefined) return undefined;
  if (typeof x === 'string' || typeof x === 'boolean') return x;
  if (typeof x === 'number') return Number.isFinite(x) ? x : undefined;
  // a reader that forgot to turn an SDK Date into a string must not lose it silently
  if (x instanceof Date) return x.toISOString();
  if (Array.isArray(x)) {
    const out: Json[] = [];
    for (const item of x) {
      const j = toJson(item);
      if (j !== undefined) out.push(j);
    }
    return out;
  }
  if (typeof x === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(x as Record<string, unknown>)) {
      const j = toJson(v);
      if (j !== undefined) setOwn(out, k, j);
    }
    return out;
  }
  return undefined;
}

export function toJsonObject(x: unknown): JsonObject {
  const j = toJson(x);
  return isObject(j) ? j : {};
}

/** JSON with object keys sorted at every level: equal documents give equal strings. */
export function canonicalJson(x: unknown): string {
  return JSON.stringify(sortKeysDeep(toJson(x) ?? null));
}

function sortKeysDeep(x: Json): Json {
  if (Array.isArray(x)) return x.map(sortKeysDeep);
  if (isObject(x)) {
    const out: JsonObject = {};
    for (const k of Object.keys(x).sort()) setOwn(out, k, sortKeysDeep(x[k] as Json));
    return out;
  }
  return x;
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
