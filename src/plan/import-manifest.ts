/**
 * Live services → a new manifest and its task definition files (`ecsdeploy init`). Pure: the caller has read
 * AWS (src/live/read-services-to-import.ts) and writes the files. Decisions, documented in docs/init.md:
 *
 * - one task definition file per family (`<dir>/<family>.task.json`); services whose revisions differ beyond
 *   their images get one file each (`<family>.<service>.task.json`);
 * - images go to the manifest's `images:`, where a deploy changes them, not into the file;
 * - the cluster goes to `defaults:`;
 * - secrets stay the `valueFrom` references they are; a *plain* value that looks secret (an environment variable
 *   named like a password or token, a log option such as `splunk-token`) is written as `${env:NAME}`, so no
 *   secret lands in a file meant for a repository, and a warning names the variables to set (never the value).
 */
import type { JsonObject } from '../model/task-definition.js';
import { controllerType, importServiceSettings, type ServiceToImport } from './import-service.js';
import { importTaskDefinition, type ImportedTaskDefinition, type SensitivePlainValue } from './import-task-definition.js';
import { jsonEqual } from './json.js';

export interface LiveServiceToImport extends ServiceToImport {
  /** DescribeTaskDefinition output of the revision the service runs, with its `tags`. */
  taskDefinition: JsonObject;
  /** Every deployment group that names the service (CODE_DEPLOY services; normally exactly one). */
  deploymentGroups: { application: string; deploymentGroup: string }[];
}

export interface ImportManifestInput {
  region: string;
  /** The cluster's name. */
  cluster: string;
  services: LiveServiceToImport[];
  /** Folder of the task definition files, relative to the manifest's folder, with `/` separators (e.g. `ecs`). */
  taskDefinitionDir: string;
}

interface ImportedFile {
  /** Relative to the manifest's folder, `/`-separated. */
  path: string;
  document: JsonObject;
}

export interface ImportedManifest {
  /** The manifest document, keys in the order they are written. */
  manifest: JsonObject;
  /** Comment lines for the top of the manifest (without `# `). */
  header: string[];
  files: ImportedFile[];
  /** Things to review; never holds a secret's value. */
  warnings: string[];
  /** Environment variables the files refer to (`${env:NAME}`), to be set where ecsdeploy runs. */
  environmentVariables: string[];
  /** Services that cannot be imported, and why. When any, nothing should be written. */
  problems: string[];
}

/** The editor hint at the top of a written manifest (the schema as the npm package installs it). */
const MANIFEST_SCHEMA_COMMENT = 'yaml-language-server: $schema=./node_modules/ecsdeploy/schema/ecsdeploy.schema.json';

/** Live services of one cluster → the manifest, its task definition files, warnings, and what cannot be imported. */
export function importManifest(input: ImportManifestInput): ImportedManifest {
  const warnings: string[] = [];
  const problems: string[] = [];
  const services: JsonObject = {};
  const files: { path: string; imported: ImportedTaskDefinition }[] = [];

  for (const live of input.services) {
    const name = String(live.described.serviceName);
    const controller = controllerType(live.described);
    if (controller === 'EXTERNAL') {
      problems.push(`${name}: its deployment controller is EXTERNAL (task sets managed by another tool), which ecsdeploy does not deploy`);
      continue;
    }
    const group = live.deploymentGroups[0];
    if (controller === 'CODE_DEPLOY') {
      if (!group) {
        problems.push(`${name}: it is deployed by CodeDeploy, but no deployment group in ${input.region} names it`);
        continue;
      }
      if (live.deploymentGroups.length > 1) {
        const all = live.deploymentGroups.map((g) => `${g.application}/${g.deploymentGroup}`).join(', ');
        warnings.push(`${name}: several CodeDeploy deployment groups name it (${all}); the manifest uses the first`);
      }
    }
    const imported = importTaskDefinition(live.taskDefinition);
    const path = fileFor(imported, name, files, input.taskDefinitionDir, warnings);
    const { settings, unmanaged } = importServiceSettings({ described: live.described, ...(group ? { deploymentGroup: group } : {}) });
    if (unmanaged.length > 0) {
      warnings.push(
        `${name}: ${unmanaged.join(', ')} ${unmanaged.length === 1 ? 'is' : 'are'} not managed by the manifest; left as it runs`,
      );
    }
    const entry: JsonObject = { taskDefinition: path.startsWith('../') ? path : `./${path}` };
    if (Object.keys(imported.images).length > 0) entry.images = imported.images;
    services[name] = { ...entry, ...settings };
  }

  const environmentVariables = referenceSensitiveValues(files, warnings);
  const manifest: JsonObject = { version: 1, region: input.region, defaults: { cluster: input.cluster }, services };
  return {
    manifest,
    header: [
      `Imported from the ECS cluster "${input.cluster}" in ${input.region} by \`ecsdeploy init\`.`,
      'Review before committing: desiredCount is the count that ran at import; write `desiredCount: autoscaling`',
      'for a service whose count an autoscaler owns. Images are the ones that ran: deploy others with --image.',
      MANIFEST_SCHEMA_COMMENT,
    ],
    files: files.map((f) => ({ path: f.path, document: f.imported.document })),
    warnings,
    environmentVariables,
    problems,
  };
}

/** The file a service's task definition goes to: its family's, shared when the content is the same. */
function fileFor(
  imported: ImportedTaskDefinition,
  service: string,
  files: { path: string; imported: ImportedTaskDefinition }[],
  dir: string,
  warnings: string[],
): string {
  const prefix = dir === '' || dir === '.' ? '' : `${dir.replace(/\/+$/, '')}/`;
  const sameFamily = files.filter((f) => f.imported.family === imported.family);
  const same = sameFamily.find((f) => jsonEqual(f.imported.document, imported.document));
  if (same) return same.path;
  const path = sameFamily.length === 0 ? `${prefix}${imported.family}.task.json` : `${prefix}${imported.family}.${service}.task.json`;
  if (sameFamily.length > 0) {
    warnings.push(
      `${service}: runs a revision of ${imported.family} that differs from another service's beyond its images; written to ${path}`,
    );
  }
  files.push({ path, imported });
  return path;
}

/**
 * Replaces every plain value that looks secret by `${env:NAME}`. A name is the variable's own (`DB_PASSWORD`)
 * when every place that has it holds the same value; otherwise it is qualified by the file and container
 * (`ORDERS_API_API_DB_PASSWORD`), so no two different values ever share a variable.
 */
function referenceSensitiveValues(files: { path: string; imported: ImportedTaskDefinition }[], warnings: string[]): string[] {
  const found: { file: string; value: SensitivePlainValue }[] = files.flatMap((f) =>
    f.imported.sensitive.map((value) => ({ file: f.path, value })),
  );
  const valuesByName = new Map<string, Set<string>>();
  for (const { value } of found) {
    const key = envName(value.name);
    valuesByName.set(key, (valuesByName.get(key) ?? new Set()).add(value.value));
  }
  const taken = new Map<string, string>();
  const variables = new Set<string>();
  for (const { file, value } of found) {
    const plain = envName(value.name);
    const stem = file.slice(file.lastIndexOf('/') + 1).replace(/\.task\.json$/, '');
    const container = /^container ([^:]+):/.exec(value.where)?.[1] ?? '';
    const candidates = [
      ...((valuesByName.get(plain)?.size ?? 0) === 1 ? [plain] : []),
      envName(`${stem}_${value.name}`),
      envName(`${stem}_${container}_${value.name}`),
    ];
    let variable = candidates.find((c) => taken.get(c) === undefined || taken.get(c) === value.value);
    for (let n = 2; variable === undefined; n++) {
      const c = `${candidates[candidates.length - 1]}_${n}`;
      if (taken.get(c) === undefined || taken.get(c) === value.value) variable = c;
    }
    taken.set(variable, value.value);
    variables.add(variable);
    value.replace(`\${env:${variable}}`);
    warnings.push(`${file}: ${value.where} looks secret and was a plain value; written as \${env:${variable}}`);
  }
  return [...variables].sort();
}

/** A valid `${env:NAME}` name: letters, digits and `_`, upper case, not starting with a digit. */
function envName(text: string): string {
  const name = text.toUpperCase().replace(/[^A-Z0-9_]+/g, '_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}
