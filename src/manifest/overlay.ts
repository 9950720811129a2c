/**
 * Environment overlays. An environment is an overlay of the top-level keys; a service's settings are its
 * defaults overlaid with its own. Mappings merge key by key, lists and scalars replace, and `strategy` and
 * `taskDefinition` replace whole (merging two strategies' settings would make a mix of both).
 */
import { ownValue, setOwn } from '../util/own.js';
import type { WrittenManifest, WrittenService, WrittenTop } from './written.js';

const REPLACED_WHOLE = new Set(['strategy', 'taskDefinition']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function deepMerge<T>(base: T, over: T | undefined): T {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    // Own keys only: an overlay key named like an inherited member (`constructor`) is new here, not a merge.
    setOwn(out, k, REPLACED_WHOLE.has(k) || !Object.hasOwn(out, k) ? v : deepMerge(ownValue(out, k), v));
  }
  return out as T;
}

/** The top-level keys with the environment's overlay applied (vars are handled by interpolation). */
export function applyEnvironment(written: WrittenManifest, environment: string | undefined): WrittenTop {
  const { environments, ...top } = written;
  const env = environment === undefined ? undefined : ownValue(environments, environment);
  if (!env) return top;
  const { vars: _vars, ...overlay } = env;
  return deepMerge<WrittenTop>(top, overlay);
}

/** A service's settings: defaults, then the service (both already environment-overlaid). */
export function serviceWithDefaults(defaults: WrittenService | undefined, service: WrittenService): WrittenService {
  return deepMerge<WrittenService>(defaults ?? {}, service);
}
