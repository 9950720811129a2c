/**
 * The AWS query protocol's request side (ELBv2, SNS, STS): a form body `Action=...&Version=...&A.B=...` turned into
 * the nested object the world dispatches on. `X.member.N` becomes an array, `X.entry.N.key` / `X.entry.N.value`
 * (or `.Name` / `.Value`, SNS message attributes) a map, `X.Y` a structure. Every leaf stays a string: the form
 * carries no types, so the world converts where the model says number or boolean. The SDK writes an empty list
 * as `X=` (an empty string), indistinguishable on the wire from an empty string.
 */

export interface QueryRequest {
  action: string;
  version: string | undefined;
  params: Record<string, unknown>;
}

type Step = { kind: 'prop'; name: string } | { kind: 'index'; n: number } | { kind: 'entry'; n: number; field: 'key' | 'value' };

/** A map under construction: entries by their 1-based index. */
class EntryBag {
  readonly entries = new Map<number, { key?: string; value?: unknown }>();
}

const INDEX = /^[0-9]+$/;
const KEY_FIELDS = new Set(['key', 'Name']);
const VALUE_FIELDS = new Set(['value', 'Value']);

function parseSteps(key: string): Step[] {
  const parts = key.split('.');
  const steps: Step[] = [];
  for (let i = 0; i < parts.length; ) {
    const part = parts[i] as string;
    const next = parts[i + 1];
    const field = parts[i + 2];
    if (part === 'member' && next !== undefined && INDEX.test(next) && steps.length > 0) {
      steps.push({ kind: 'index', n: Number(next) });
      i += 2;
    } else if (
      part === 'entry' &&
      next !== undefined &&
      INDEX.test(next) &&
      field !== undefined &&
      (KEY_FIELDS.has(field) || VALUE_FIELDS.has(field)) &&
      steps.length > 0
    ) {
      steps.push({ kind: 'entry', n: Number(next), field: KEY_FIELDS.has(field) ? 'key' : 'value' });
      i += 3;
    } else {
      steps.push({ kind: 'prop', name: part });
      i += 1;
    }
  }
  return steps;
}

function containerFor(step: Step | undefined): unknown {
  if (!step || step.kind === 'prop') return {};
  return step.kind === 'index' ? [] : new EntryBag();
}

function assign(root: Record<string, unknown>, steps: Step[], value: string): void {
  let cur: unknown = root;
  for (let j = 0; j < steps.length; j++) {
    const step = steps[j] as Step;
    const last = j === steps.length - 1;
    const next = steps[j + 1];
    if (step.kind === 'prop') {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || cur instanceof EntryBag) return;
      const obj = cur as Record<string, unknown>;
      if (last) {
        obj[step.name] = value;
        return;
      }
      if (obj[step.name] === undefined || typeof obj[step.name] !== 'object') obj[step.name] = containerFor(next);
      cur = obj[step.name];
    } else if (step.kind === 'index') {
      if (!Array.isArray(cur)) return;
      const i = step.n - 1;
      if (last) {
        cur[i] = value;
        return;
      }
      if (cur[i] === undefined || typeof cur[i] !== 'object') cur[i] = containerFor(next);
      cur = cur[i];
    } else {
      if (!(cur instanceof EntryBag)) return;
      let entry = cur.entries.get(step.n);
      if (!entry) {
        entry = {};
        cur.entries.set(step.n, entry);
      }
      if (step.field === 'key') {
        entry.key = value;
        return;
      }
      if (last) {
        entry.value = value;
        return;
      }
      if (entry.value === undefined || typeof entry.value !== 'object') entry.value = containerFor(next);
      cur = entry.value;
    }
  }
}

function finish(value: unknown): unknown {
  if (value instanceof EntryBag) {
    const out: Record<string, unknown> = {};
    for (const n of [...value.entries.keys()].sort((a, b) => a - b)) {
      const e = value.entries.get(n);
      if (e?.key !== undefined) out[e.key] = finish(e.value);
    }
    return out;
  }
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(finish);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = finish(v);
    return out;
  }
  return value;
}

/** Parses a query-protocol form (body or URL query string). */
export function decodeQuery(form: string): QueryRequest {
  const search = new URLSearchParams(form);
  const root: Record<string, unknown> = {};
  let action = '';
  let version: string | undefined;
  // Items are placed by their index, not by arrival order, so `X.member.10` before `X.member.9` is fine.
  for (const [key, value] of search) {
    if (key === 'Action') action = value;
    else if (key === 'Version') version = value;
    else assign(root, parseSteps(key), value);
  }
  return { action, version, params: finish(root) as Record<string, unknown> };
}
