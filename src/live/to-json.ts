/**
 * SDK outputs hold `Date`s and `undefined`s; LiveState is plain JSON (so a plan built from it can be saved and
 * compared without the SDK). Dates become ISO 8601 strings, undefined members disappear.
 */
import type { Json, JsonObject } from '../model/task-definition.js';

export function toJson(value: unknown): Json {
  if (value === null) return null;
  if (value instanceof Date) return value.toISOString();
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'object': {
      if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : toJson(item)));
      if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
      return toJsonObject(value as Record<string, unknown>);
    }
    default:
      return null;
  }
}

export function toJsonObject(value: object): JsonObject {
  const out: JsonObject = {};
  for (const [key, member] of Object.entries(value)) {
    // `$metadata` is the SDK's envelope (request id, attempts), never part of the resource.
    if (member === undefined || typeof member === 'function' || key === '$metadata') continue;
    out[key] = toJson(member);
  }
  return out;
}
