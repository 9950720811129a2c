/**
 * What the loader learns about secrets, for redaction everywhere later (src/util/redact.ts): the values of
 * sensitive variables are remembered, so they are masked even where they are quoted as plain text (an AWS error
 * message); and a variable whose value holds a known secret (`SETTING: ${env:API_TOKEN}`) is marked sensitive,
 * so plans and events show `(sensitive)` for it like for any secret-named one.
 */
import type { TaskDefinitionInput } from '../model/task-definition.js';
import { holdsKnownSecret, isSensitive, rememberSecret } from '../util/redact.js';
import { holdsPlaceholder } from './lookup-sites.js';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Remembers sensitive values; returns the names (beyond `marked`) whose values hold a known secret. */
export function learnSecrets(entries: Iterable<[string, string]>, marked: readonly string[]): string[] {
  const carriers: string[] = [];
  for (const [name, value] of entries) {
    if (isSensitive(name, marked)) {
      // A lookup not read yet is no value: remembered once it is read.
      if (!holdsPlaceholder(value)) rememberSecret(value);
    } else if (holdsKnownSecret(value)) carriers.push(name);
  }
  return carriers;
}

/** Environment entries and log/FireLens options of a task definition, as name/value pairs. */
export function* taskDefinitionValues(td: TaskDefinitionInput): Generator<[string, string]> {
  for (const c of td.containerDefinitions) {
    for (const e of c.environment ?? []) if (typeof e.value === 'string') yield [e.name, e.value];
    for (const k of ['logConfiguration', 'firelensConfiguration'] as const) {
      const conf = c[k];
      const options = isObject(conf) ? conf.options : undefined;
      if (isObject(options)) for (const [name, value] of Object.entries(options)) if (typeof value === 'string') yield [name, value];
    }
  }
}

/** `{ container: { NAME: value } }` as name/value pairs. */
export function* environmentValues(environment: Record<string, Record<string, string>>): Generator<[string, string]> {
  for (const vars of Object.values(environment)) yield* Object.entries(vars);
}
