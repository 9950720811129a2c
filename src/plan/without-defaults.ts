/**
 * Leaves out of a live document every member the normalizer would put back: what AWS filled in (`cpu: 0`,
 * `essential: true`, `protocol: tcp`, `hostPort` under awsvpc, health-check timings...), empty lists and
 * objects, tags nobody owns. The normalizer (normalize.ts) is the one list of AWS defaults; asking it, member by
 * member, "is the document still the same without this?" means init never keeps a second list that could drift,
 * and what it writes compares equal to what runs by construction (the round trip `init` → `plan` relies on it).
 */
import type { Json, JsonObject } from '../model/task-definition.js';
import { isObject, jsonEqual } from './json.js';

export interface WithoutDefaultsOptions {
  /**
   * Top-level keys whose value is kept whole, even where the normalizer would not miss a part of it (a
   * CODE_DEPLOY service's target group ARN is dropped before diffing, yet CreateService needs it).
   */
  keepWhole?: readonly string[];
}

/**
 * `doc` without every member whose removal leaves `normalize(doc)` unchanged. Objects are tried whole first,
 * then member by member; array items are never removed (only their members), because an item's presence is
 * meaningful even when all its members are defaults.
 */
export function withoutDefaults(
  doc: JsonObject,
  normalize: (doc: JsonObject) => JsonObject,
  options: WithoutDefaultsOptions = {},
): JsonObject {
  const target = normalize(doc);
  const keepWhole = new Set(options.keepWhole ?? []);
  // One working copy, pruned in place: each trial removes a member, and puts it back when the normalized
  // document changed.
  const work = structuredClone(doc);
  const same = () => jsonEqual(normalize(work), target);

  const pruneObject = (o: JsonObject, topLevel: boolean): void => {
    for (const key of Object.keys(o)) {
      const value = o[key] as Json;
      delete o[key];
      if (same()) continue;
      o[key] = value;
      if (topLevel && keepWhole.has(key)) continue;
      prune(value);
    }
  };
  const prune = (value: Json): void => {
    if (Array.isArray(value)) for (const item of value) prune(item);
    else if (isObject(value)) pruneObject(value, false);
  };
  pruneObject(work, true);
  return work;
}
