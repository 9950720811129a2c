/**
 * Redaction of sensitive values (house rule 9). A value is sensitive when it sits in a `{ name, value }`
 * entry (container environment, and anything shaped like it) whose name the service marks as sensitive or
 * that looks like a secret (`util/redact.ts`), or under such a key in an `options` map (log driver and FireLens
 * options: `splunk-token`, Datadog's `apikey`). Every other string is masked where it holds a credential (a URL
 * password, a bearer token, a `--password` argument, a value known to be secret: `redactText`). Changes are
 * detected on the real values; only what is shown or saved is redacted, and a changed sensitive value still
 * shows as a change, with a note.
 */
import type { OneOffTask } from '../model/manifest.js';
import type { ContainerDefinition, Json, JsonObject, TaskDefinitionInput } from '../model/task-definition.js';
import { ownValue, setOwn } from '../util/own.js';
import { isSensitive, REDACTED, redactArgs, redactText } from '../util/redact.js';
import { identityField } from './diff.js';
import { isObject, toJsonObject } from './json.js';
import type { FieldChange } from './types.js';

const VALUE_CHANGED_NOTE = 'value changed';

/** Placeholder put in the desired document where a sensitive value changed; see {@link markChangedSensitiveLines}. */
const CHANGED_SENTINEL = '\u0001ecsdeploy-sensitive-value-changed\u0001';

export type SensitivityTest = (name: string) => boolean;

export function sensitivityTest(marked: readonly string[]): SensitivityTest {
  return (name) => isSensitive(name, marked);
}

function isSensitiveEntry(x: Json | undefined, test: SensitivityTest): boolean {
  return isObject(x) && typeof x.name === 'string' && 'value' in x && test(x.name);
}

/** Log driver and FireLens options are `{ key: value }` maps; a value under a secret-looking key is a secret. */
const OPTIONS_KEY = 'options';

function isSensitiveOption(parentKey: string | undefined, key: string, value: Json | undefined, test: SensitivityTest): boolean {
  return parentKey === OPTIONS_KEY && typeof value === 'string' && test(key);
}

/**
 * A copy of `x` with the value of every sensitive `{ name, value }` entry, and of every sensitive option,
 * replaced by `(sensitive)`. `parentKey` is the key `x` sits under, when known.
 */
export function redactDeep(x: Json, test: SensitivityTest, parentKey?: string): Json {
  if (typeof x === 'string') return redactText(x);
  // A list of strings is a command (or shaped like one): `--password x` hides the argument after the flag.
  if (Array.isArray(x)) return x.every((i) => typeof i === 'string') ? redactArgs(x as string[]) : x.map((i) => redactDeep(i, test));
  if (isObject(x)) {
    if (isSensitiveEntry(x, test)) return { ...x, value: REDACTED };
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(x)) setOwn(out, k, isSensitiveOption(parentKey, k, v, test) ? REDACTED : redactDeep(v, test, k));
    return out;
  }
  return x;
}

/**
 * Redacts two documents that will be diffed as text. Where the same sensitive entry exists on both sides with
 * different values, the desired side gets a placeholder so the text diff still shows the line as changed;
 * {@link markChangedSensitiveLines} turns it into `"(sensitive)"  (value changed)` afterwards.
 */
export function redactPair(
  live: Json | undefined,
  desired: Json | undefined,
  test: SensitivityTest,
  parentKey?: string,
): [Json | undefined, Json | undefined] {
  if (live === undefined || desired === undefined) {
    return [
      live === undefined ? undefined : redactDeep(live, test, parentKey),
      desired === undefined ? undefined : redactDeep(desired, test, parentKey),
    ];
  }
  if (isSensitiveEntry(live, test) && isSensitiveEntry(desired, test) && (live as JsonObject).name === (desired as JsonObject).name) {
    const changed = JSON.stringify((live as JsonObject).value) !== JSON.stringify((desired as JsonObject).value);
    return [
      { ...(live as JsonObject), value: REDACTED },
      { ...(desired as JsonObject), value: changed ? CHANGED_SENTINEL : REDACTED },
    ];
  }
  if (isObject(live) && isObject(desired)) {
    const l: JsonObject = {};
    const d: JsonObject = {};
    for (const k of new Set([...Object.keys(live), ...Object.keys(desired)])) {
      const [lv, dv] = [ownValue(live, k), ownValue(desired, k)];
      if (isSensitiveOption(parentKey, k, lv, test) || isSensitiveOption(parentKey, k, dv, test)) {
        if (lv !== undefined) setOwn(l, k, REDACTED);
        if (dv !== undefined) setOwn(d, k, lv !== undefined && JSON.stringify(lv) !== JSON.stringify(dv) ? CHANGED_SENTINEL : REDACTED);
        continue;
      }
      const [a, b] = redactPair(lv, dv, test, k);
      if (a !== undefined) setOwn(l, k, a);
      if (b !== undefined) setOwn(d, k, b);
    }
    return [l, d];
  }
  if (Array.isArray(live) && Array.isArray(desired)) {
    const id = identityField(live, desired);
    if (id) {
      const byId = (items: Json[]) => new Map(items.map((i) => [(i as JsonObject)[id] as string, i]));
      const lm = byId(live);
      const dm = byId(desired);
      return [
        live.map((i) => redactPair(i, dm.get((i as JsonObject)[id] as string), test)[0] as Json),
        desired.map((i) => redactPair(lm.get((i as JsonObject)[id] as string), i, test)[1] as Json),
      ];
    }
  }
  const [l, d] = [redactDeep(live, test, parentKey), redactDeep(desired, test, parentKey)];
  // Values that differ only in a masked credential (a URL password) must still show as changed.
  if (JSON.stringify(l) === JSON.stringify(d) && JSON.stringify(live) !== JSON.stringify(desired)) return [l, CHANGED_SENTINEL];
  return [l, d];
}

/** Replaces the changed-value placeholder in rendered JSON text by `"(sensitive)"` and a trailing note. */
export function markChangedSensitiveLines(text: string): string {
  const placeholder = JSON.stringify(CHANGED_SENTINEL);
  return text
    .split('\n')
    .map((line) => (line.includes(placeholder) ? `${line.replace(placeholder, JSON.stringify(REDACTED))}  (${VALUE_CHANGED_NOTE})` : line))
    .join('\n');
}

/** `...[NAME].value` of a `{ name, value }` entry; tags (`{ key, value }`) are never secret-bearing entries. */
const ENTRY_VALUE_PATH = /(?<!(?:^|\.)tags)\[([^\]]*)\]\.value$/;

/** `...options.KEY` of a log driver or FireLens option (keys may hold dots, never `[`). */
const OPTION_PATH = /(?:^|\.)options\.([^[\]]+)$/;

/** The key a change's value sits under: the last dotted segment of its path, if it ends in one. */
function lastKey(path: string): string | undefined {
  const m = /(?:^|\.)([^.[\]]+)$/.exec(path);
  return m ? m[1] : undefined;
}

/** Redacts FieldChanges: a changed sensitive value becomes `(sensitive)` → `(sensitive)` with a note. */
export function redactChanges(changes: FieldChange[], test: SensitivityTest): FieldChange[] {
  return changes.map((c) => {
    const m = ENTRY_VALUE_PATH.exec(c.path) ?? OPTION_PATH.exec(c.path);
    if (m && test(m[1] as string)) {
      const out: FieldChange = { ...c };
      if ('before' in c) out.before = REDACTED;
      if ('after' in c) out.after = REDACTED;
      if (c.kind === 'change') out.note = VALUE_CHANGED_NOTE;
      return out;
    }
    const out: FieldChange = { ...c };
    const key = lastKey(c.path);
    if (c.before !== undefined) out.before = redactDeep(c.before, test, key);
    if (c.after !== undefined) out.after = redactDeep(c.after, test, key);
    if (c.kind === 'change' && JSON.stringify(out.before) === JSON.stringify(out.after)) out.note = VALUE_CHANGED_NOTE;
    return out;
  });
}

/** A task definition input with sensitive environment values and options replaced (for saved and printed plans). */
export function redactTaskDefinition(td: TaskDefinitionInput, test: SensitivityTest): TaskDefinitionInput {
  return {
    ...td,
    containerDefinitions: td.containerDefinitions.map((c) => redactDeep(toJsonObject(c), test) as unknown as ContainerDefinition),
  };
}

/** A one-off task with sensitive environment values replaced, and credentials in its command and values masked. */
export function redactOneOffTask(task: OneOffTask, test: SensitivityTest): OneOffTask {
  const out: OneOffTask = { ...task, ...(task.command && { command: redactArgs(task.command) }) };
  if (!task.environment) return out;
  const environment: Record<string, string> = {};
  for (const [k, v] of Object.entries(task.environment)) setOwn(environment, k, test(k) ? REDACTED : redactText(v));
  return { ...out, environment };
}

/** Names of sensitive environment variables found in the given task definitions and one-off tasks. */
export function sensitiveNamesIn(docs: (Json | undefined)[], tasks: OneOffTask[], marked: readonly string[]): string[] {
  const test = sensitivityTest(marked);
  const names = new Set<string>(marked);
  const visit = (x: Json | undefined): void => {
    if (Array.isArray(x)) x.forEach(visit);
    else if (isObject(x)) {
      if (typeof x.name === 'string' && 'value' in x && test(x.name)) names.add(x.name);
      Object.values(x).forEach(visit);
    }
  };
  docs.forEach(visit);
  for (const t of tasks) for (const k of Object.keys(t.environment ?? {})) if (test(k)) names.add(k);
  return [...names].sort();
}
