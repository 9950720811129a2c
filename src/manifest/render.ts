/**
 * The resolved desired state as JSON for `ecsdeploy render`: what ecsdeploy would register and set. Sensitive
 * environment values are replaced by `(sensitive)` (house rule 9); durations are shown both ways. Lookups not
 * read are shown as written (`${ssm:/shop/db-host}`) and listed under `lookups` with where they are written.
 */
import type { OneOffTask, ResolvedManifest, ResolvedService } from '../model/manifest.js';
import type { ContainerDefinition, TaskDefinitionInput } from '../model/task-definition.js';
import { formatDuration } from '../util/duration.js';
import { siteLocation } from '../model/lookups.js';
import { isSensitive, REDACTED, redactStrings } from '../util/redact.js';
import { pendingSites, showPlaceholders } from './lookup-sites.js';

function redactVars(vars: Record<string, string>, marked: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, isSensitive(k, marked) ? REDACTED : v]));
}

/** Log driver and FireLens options (`splunk-token`, Datadog's `apikey`) are secrets under a secret-looking key. */
function redactOptions(config: unknown, marked: readonly string[]): unknown {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return config;
  const options = (config as { options?: unknown }).options;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return config;
  const redacted = Object.fromEntries(
    Object.entries(options).map(([k, v]) => [k, typeof v === 'string' && isSensitive(k, marked) ? REDACTED : v]),
  );
  return { ...config, options: redacted };
}

function redactTaskDefinition(td: TaskDefinitionInput, marked: readonly string[]): TaskDefinitionInput {
  return {
    ...td,
    containerDefinitions: td.containerDefinitions.map(
      (c): ContainerDefinition => ({
        ...c,
        ...(c.environment && {
          environment: c.environment.map((e) => (isSensitive(e.name, marked) ? { ...e, value: REDACTED } : e)),
        }),
        ...(c.logConfiguration !== undefined && { logConfiguration: redactOptions(c.logConfiguration, marked) }),
        ...(c.firelensConfiguration !== undefined && { firelensConfiguration: redactOptions(c.firelensConfiguration, marked) }),
      }),
    ),
  };
}

function renderService(s: ResolvedService): Record<string, unknown> {
  const td = s.taskDefinition;
  return {
    key: s.key,
    service: s.service,
    cluster: s.cluster,
    taskDefinition:
      td.kind === 'declared'
        ? {
            source: td.file === undefined ? 'inline' : 'file',
            ...(td.file !== undefined && { file: td.file }),
            input: redactTaskDefinition(td.input, s.sensitive),
          }
        : { source: 'live' },
    // Overrides are listed for fromLive services: the plan applies them to the live task definition.
    images: s.images,
    ...(s.pin && { pin: s.pin }),
    ...(s.pinned && { pinned: s.pinned }),
    repositoryImages: s.repositoryImages,
    environment: Object.fromEntries(Object.entries(s.environment).map(([c, vars]) => [c, redactVars(vars, s.sensitive)])),
    command: s.command,
    sensitive: s.sensitive,
    desiredCount: s.desiredCount ?? null,
    deployment: s.deployment,
    settings: s.settings,
    createIfMissing: s.createIfMissing,
    dependsOn: s.dependsOn,
    strategy: s.strategy,
    timeout: formatDuration(s.timeoutMs),
    timeoutMs: s.timeoutMs,
    onFailure: s.onFailure,
    ignoreTags: s.ignoreTags,
  };
}

function renderTask(t: OneOffTask, services: ResolvedService[]): Record<string, unknown> {
  const marked = services.find((s) => s.key === t.taskDefinitionOf)?.sensitive ?? [];
  return { ...t, ...(t.environment && { environment: redactVars(t.environment, marked) }), timeout: formatDuration(t.timeoutMs) };
}

/**
 * The redacted JSON `render` prints; with a service key, only that service (and the tasks that use it). Sensitive
 * variables and options are `(sensitive)`; credentials in any other string (a URL password in a command, a known
 * secret) are masked.
 */
export function renderResolved(manifest: ResolvedManifest, serviceKey?: string): object {
  const keep = (key: string) => serviceKey === undefined || key === serviceKey;
  const services = manifest.services.filter((s) => keep(s.key));
  const rendered = {
    file: manifest.file,
    digest: manifest.digest,
    environment: manifest.environment ?? null,
    region: manifest.region ?? null,
    keepRevisions: manifest.keepRevisions,
    notify: manifest.notify,
    before: manifest.before.filter((t) => keep(t.taskDefinitionOf)).map((t) => renderTask(t, manifest.services)),
    services: services.map(renderService),
    scheduledTargets: manifest.scheduledTargets.filter((t) => keep(t.taskDefinitionOf)),
  };
  const sites = pendingSites(rendered, manifest.lookups ?? []);
  const lookups = [
    ...(manifest.resolvedLookups ?? []).map((r) => ({ lookup: r.lookup, at: r.at, read: true })),
    ...[...new Set(sites.map((s) => s.text))].map((text) => ({
      lookup: text,
      at: sites.filter((s) => s.text === text).map(siteLocation),
      read: false,
    })),
  ];
  return redactStrings({ ...showPlaceholders(rendered, manifest.lookups ?? []), ...(lookups.length > 0 && { lookups }) });
}
