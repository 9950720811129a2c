/**
 * Structural and textual diffs of two normalized documents. Array items that carry an identity (a container's
 * `name`, a tag's `key`...) are matched by it, so a path names the item (`containerDefinitions[web].image`)
 * and stays stable when other items come and go.
 */
import { structuredPatch } from 'diff';
import type { Json } from '../model/task-definition.js';
import { ownValue } from '../util/own.js';
import type { FieldChange } from './types.js';
import { isObject, jsonEqual } from './json.js';

/** Fields that identify an array item, tried in order; the first one that is a unique string on both sides wins. */
const IDENTITY_FIELDS = ['name', 'key', 'containerName', 'namespace', 'deviceName', 'capacityProvider', 'portName', 'type'];

/** Structural diff: one FieldChange per added, removed or changed leaf (or unmatched array). Not redacted. */
export function diffDocuments(before: Json | undefined, after: Json | undefined, scope: FieldChange['scope'], path = ''): FieldChange[] {
  if (before === undefined && after === undefined) return [];
  if (before === undefined) return [{ scope, path, kind: 'add', after: after as Json }];
  if (after === undefined) return [{ scope, path, kind: 'remove', before }];
  if (isObject(before) && isObject(after)) {
    const out: FieldChange[] = [];
    // Own keys only: a field named like an inherited member (`constructor`) is compared, never looked up.
    const keys = [...Object.keys(before), ...Object.keys(after).filter((k) => !Object.hasOwn(before, k))];
    for (const k of keys) out.push(...diffDocuments(ownValue(before, k), ownValue(after, k), scope, path ? `${path}.${k}` : k));
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const id = identityField(before, after);
    if (id) {
      const b = new Map(before.map((i) => [(i as Record<string, Json>)[id] as string, i]));
      const a = new Map(after.map((i) => [(i as Record<string, Json>)[id] as string, i]));
      const out: FieldChange[] = [];
      const keys = [...b.keys(), ...[...a.keys()].filter((k) => !b.has(k))];
      for (const k of keys) out.push(...diffDocuments(b.get(k), a.get(k), scope, `${path}[${k}]`));
      // Same items in another order: for the sets normalization sorts this cannot happen, so the order is
      // meaningful (placementStrategy: spread then binpack is not binpack then spread) and is a change.
      if (out.length === 0 && !jsonEqual(before, after)) return [{ scope, path, kind: 'change', before, after }];
      return out;
    }
  }
  return jsonEqual(before, after) ? [] : [{ scope, path, kind: 'change', before, after }];
}

export function identityField(a: Json[], b: Json[]): string | undefined {
  const all = [...a, ...b];
  if (all.length === 0 || !all.every(isObject)) return undefined;
  for (const f of IDENTITY_FIELDS) {
    const unique = (items: Json[]): boolean => {
      const seen = new Set<string>();
      for (const i of items) {
        const v = (i as Record<string, Json>)[f];
        if (typeof v !== 'string' || seen.has(v)) return false;
        seen.add(v);
      }
      return true;
    };
    if (unique(a) && unique(b)) return f;
  }
  return undefined;
}

/**
 * Unified diff of two JSON documents (pretty-printed, 2 spaces), labelled `live` and `desired`, with only the
 * changed hunks and `context` lines around each. Like git's function context, each hunk header names the
 * object its first change is in (`@@ -12,7 +12,7 @@ taskDefinition.containerDefinitions[web]`), because three
 * lines of JSON rarely say which container they belong to. Empty string when the documents are equal. An
 * undefined side is an empty file (a service that does not exist yet).
 */
export function unifiedDiff(live: Json | undefined, desired: Json | undefined, context = 3): string {
  const a = live === undefined ? { lines: [], ctx: [] } : printJson(live);
  const b = desired === undefined ? { lines: [], ctx: [] } : printJson(desired);
  const at = a.lines.length ? `${a.lines.join('\n')}\n` : '';
  const bt = b.lines.length ? `${b.lines.join('\n')}\n` : '';
  if (at === bt) return '';
  const patch = structuredPatch('live', 'desired', at, bt, undefined, undefined, { context });
  if (patch.hunks.length === 0) return '';
  const out = ['--- live', '+++ desired'];
  for (const h of patch.hunks) {
    let oldLine = h.oldStart;
    let newLine = h.newStart;
    let where: string | undefined;
    for (const l of h.lines) {
      if (where === undefined && l.startsWith('-')) where = a.ctx[oldLine - 1];
      if (where === undefined && l.startsWith('+')) where = b.ctx[newLine - 1];
      if (l.startsWith('-')) oldLine++;
      else if (l.startsWith('+')) newLine++;
      else if (!l.startsWith('\\')) {
        oldLine++;
        newLine++;
      }
    }
    out.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@${where ? ` ${where}` : ''}`);
    for (const l of h.lines) if (!l.startsWith('\\')) out.push(l);
  }
  return `${out.join('\n')}\n`;
}

/**
 * `JSON.stringify(x, null, 2)` split into lines, plus for each line the path of the object or array it belongs
 * to (array items named by their identity field, as in FieldChange paths).
 */
export function printJson(x: Json): { lines: string[]; ctx: string[] } {
  const lines: string[] = [];
  const ctx: string[] = [];
  const emit = (text: string, where: string) => {
    lines.push(text);
    ctx.push(where);
  };
  const walk = (v: Json, indent: string, prefix: string, path: string, where: string, comma: string): void => {
    if (Array.isArray(v)) {
      if (v.length === 0) {
        emit(`${indent}${prefix}[]${comma}`, where);
        return;
      }
      emit(`${indent}${prefix}[`, where);
      const id = identityField(v, v);
      v.forEach((item, i) => {
        const key = id ? String((item as Record<string, Json>)[id]) : String(i);
        walk(item, `${indent}  `, '', `${path}[${key}]`, path, i < v.length - 1 ? ',' : '');
      });
      emit(`${indent}]${comma}`, where);
      return;
    }
    if (isObject(v)) {
      const keys = Object.keys(v);
      if (keys.length === 0) {
        emit(`${indent}${prefix}{}${comma}`, where);
        return;
      }
      emit(`${indent}${prefix}{`, where);
      keys.forEach((k, i) => {
        walk(v[k] as Json, `${indent}  `, `${JSON.stringify(k)}: `, path ? `${path}.${k}` : k, path, i < keys.length - 1 ? ',' : '');
      });
      emit(`${indent}}${comma}`, where);
      return;
    }
    emit(`${indent}${prefix}${JSON.stringify(v)}${comma}`, where);
  };
  walk(x, '', '', '', '', '');
  return { lines, ctx };
}
