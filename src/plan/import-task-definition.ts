/**
 * A described task definition → the task definition file a person would write (`ecsdeploy init`): read-only
 * fields and AWS-filled defaults left out, images lifted into the manifest's `images:`, plain values that look
 * secret replaced by `${env:NAME}` references, and every literal `${` escaped so interpolation keeps it as it is.
 * Pure: the caller reads AWS and writes files.
 */
import type { Json, JsonObject } from '../model/task-definition.js';
import { looksSensitive } from '../util/redact.js';
import { isObject, toJsonObject } from './json.js';
import { isIgnoredTag, normalizeTaskDefinition, stripReadOnly } from './normalize.js';
import { withoutDefaults } from './without-defaults.js';

/** A plain value that looks secret, to be replaced by a reference to an environment variable. */
export interface SensitivePlainValue {
  /** Where it sits, for the warning: `container api: environment DB_PASSWORD`. */
  where: string;
  /** The name it is known by (the variable's name, or the log option's key). */
  name: string;
  value: string;
  /** Puts the reference in place of the value. */
  replace(reference: string): void;
}

export interface ImportedTaskDefinition {
  /** The file's content, without images and with sensitive values still in place until replaced. */
  document: JsonObject;
  family: string;
  /** Container name → image, for the manifest's `images:`. */
  images: Record<string, string>;
  sensitive: SensitivePlainValue[];
}

/** Keys a person puts first in a task definition; the rest keep the order AWS returned them in. */
const TASK_KEY_ORDER = [
  'family',
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'runtimePlatform',
  'containerDefinitions',
];
const CONTAINER_KEY_ORDER = ['name', 'essential', 'command', 'entryPoint', 'portMappings', 'environment', 'secrets'];

/** A DescribeTaskDefinition `taskDefinition` (with its `tags`) → the file's content, its images and its plain secrets. */
export function importTaskDefinition(described: unknown): ImportedTaskDefinition {
  const live = stripReadOnly(toJsonObject(described));
  // Tags AWS reserves and ecsdeploy's own metadata are never written (the normalizer ignores them too).
  if (Array.isArray(live.tags)) live.tags = live.tags.filter((t) => !(isObject(t) && typeof t.key === 'string' && isIgnoredTag(t.key, [])));
  const minimal = withoutDefaults(live, (doc) => normalizeTaskDefinition(doc, { ignoreTags: [] }));
  const family = typeof minimal.family === 'string' ? minimal.family : 'task';

  const images: Record<string, string> = {};
  const containers = Array.isArray(minimal.containerDefinitions) ? minimal.containerDefinitions.filter(isObject) : [];
  for (const c of containers) {
    if (typeof c.name === 'string' && typeof c.image === 'string') {
      images[c.name] = c.image;
      delete c.image;
    }
  }
  const document = ordered(escapeReferences(minimal) as JsonObject, TASK_KEY_ORDER);
  if (Array.isArray(document.containerDefinitions)) {
    document.containerDefinitions = document.containerDefinitions.map((c) => (isObject(c) ? ordered(c, CONTAINER_KEY_ORDER) : c));
  }
  return { document, family, images, sensitive: sensitivePlainValues(document) };
}

/**
 * Environment entries whose name looks secret, and log or FireLens options under a secret-looking key. Found in
 * the escaped document, so the value seen here is the text the file would hold.
 */
function sensitivePlainValues(td: JsonObject): SensitivePlainValue[] {
  const out: SensitivePlainValue[] = [];
  const containers = Array.isArray(td.containerDefinitions) ? td.containerDefinitions.filter(isObject) : [];
  for (const c of containers) {
    const container = `container ${String(c.name)}`;
    for (const entry of Array.isArray(c.environment) ? c.environment.filter(isObject) : []) {
      if (typeof entry.name !== 'string' || typeof entry.value !== 'string' || entry.value === '' || !looksSensitive(entry.name)) continue;
      out.push({
        where: `${container}: environment ${entry.name}`,
        name: entry.name,
        value: entry.value,
        replace: (reference) => {
          entry.value = reference;
        },
      });
    }
    for (const holder of ['logConfiguration', 'firelensConfiguration']) {
      const options = isObject(c[holder]) ? (c[holder] as JsonObject).options : undefined;
      if (!isObject(options)) continue;
      for (const [key, value] of Object.entries(options)) {
        if (typeof value !== 'string' || value === '' || !looksSensitive(key)) continue;
        out.push({
          where: `${container}: ${holder}.options ${key}`,
          name: key,
          value,
          replace: (reference) => {
            options[key] = reference;
          },
        });
      }
    }
  }
  return out;
}

/** Every string with `${` written as `$${`, so the manifest loader's interpolation gives back the live text. */
function escapeReferences(x: Json): Json {
  // A function, because in a replacement string `$$` means one `$`.
  if (typeof x === 'string') return x.replaceAll('${', () => '$${');
  if (Array.isArray(x)) return x.map(escapeReferences);
  if (isObject(x)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(x)) out[k] = escapeReferences(v);
    return out;
  }
  return x;
}

function ordered(o: JsonObject, first: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const k of first) if (o[k] !== undefined) out[k] = o[k];
  for (const [k, v] of Object.entries(o)) if (!(k in out)) out[k] = v;
  return out;
}
