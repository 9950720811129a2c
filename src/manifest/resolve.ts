/**
 * The last stage: a schema-valid written manifest, with its environment overlay applied, becomes the
 * ResolvedManifest — task definition files read, overrides applied, defaults filled — and the rules run on it.
 */
import { dirname, resolve as resolvePath } from 'node:path';
import { type ManifestIssue, UsageError } from '../errors/index.js';
import type {
  DeploymentSettings,
  OneOffTask,
  ResolvedManifest,
  ResolvedService,
  ScheduledTarget,
  ServiceSettings,
  TaskDefinitionSource,
} from '../model/manifest.js';
import { applyOverrides } from '../model/overrides.js';
import type { TaskDefinitionInput } from '../model/task-definition.js';
import { parseDuration } from '../util/duration.js';
import {
  DEFAULT_KEEP_REVISIONS,
  DEFAULT_TIMEOUT_MS,
  displayPath,
  fail,
  type ManifestText,
  type ResolveInput,
  stringMap,
} from './common.js';
import { didYouMean } from './did-you-mean.js';
import type { InterpolationContext } from './interpolate.js';
import { applyEnvironment, serviceWithDefaults } from './overlay.js';
import type { ParsedOverrides } from './overrides.js';
import {
  canaryIssues,
  dependencyIssues,
  deploymentProgressIssues,
  duplicateServiceIssues,
  missingForCreate,
  type ServiceIssue,
} from './rules.js';
import { formatPath, hasPath, issueAt, type Path, type SourceFile } from './source.js';
import { resolveStrategy } from './strategy.js';
import { loadTaskDefinitionFile, toTaskDefinitionInput } from './task-definition-source.js';
import { SERVICE_SETTING_KEYS, type WrittenManifest, type WrittenService } from './written.js';

export function resolveWritten(
  m: ManifestText,
  source: SourceFile,
  written: WrittenManifest,
  input: ResolveInput,
  vars: Record<string, string>,
): ResolvedManifest {
  const env = input.environment;
  const top = applyEnvironment(written, env);
  const issues: ManifestIssue[] = [];
  const o = input.overrides;
  const manifestDir = dirname(m.absolute);
  const tdCtx: InterpolationContext = { env: input.env, vars };

  /** Where a value of a service was written: the environment's service, the service, the environment's defaults, the defaults. */
  const at: ServiceIssue = (key, rest, message, atKey = false) => {
    const bases: Path[] = [];
    if (env !== undefined) bases.push(['environments', env, 'services', key]);
    bases.push(['services', key]);
    const candidates: Path[] = bases.map((b) => [...b, ...rest]);
    if (rest.length) {
      if (env !== undefined) candidates.push(['environments', env, 'defaults', ...rest]);
      candidates.push(['defaults', ...rest]);
    }
    const full = candidates.find((p) => hasPath(source, p));
    if (full) return issueAt(source, full, message, atKey);
    const base = bases.find((b) => hasPath(source, b)) ?? ['services', key];
    return { ...issueAt(source, base, message, true), path: formatPath([...base, ...rest]) };
  };
  /** Where a top-level value was written: the environment's overlay, else the top level. */
  const atTop = (path: Path, message: string): ManifestIssue => {
    const envPath: Path = ['environments', env ?? '', ...path];
    return issueAt(source, env !== undefined && hasPath(source, envPath) ? envPath : path, message);
  };

  const services: ResolvedService[] = [];
  const containersOf = new Map<string, string[]>();
  const usedContainerImages = new Set<string>();
  const matchedRepositories = new Set<string>();
  let anyLive = false;

  for (const [key, own] of Object.entries(top.services ?? {})) {
    const w: WrittenService = serviceWithDefaults(top.defaults, own);
    const name = w.service ?? key;
    const declared = Object.keys(written.services ?? {});
    if (!declared.includes(key) && w.taskDefinition === undefined) {
      // An environment overlay for a service that does not exist: most likely a misspelt key.
      issues.push(at(key, [], `no service \`${key}\` to overlay${didYouMean(key, declared)} (services: ${declared.join(', ')})`, true));
      continue;
    }
    if (w.cluster === undefined) issues.push(at(key, [], 'missing `cluster` (set it on the service or under defaults:)', true));

    let source_: TaskDefinitionSource | undefined;
    const td = w.taskDefinition;
    if (td === undefined) {
      issues.push(
        at(key, [], 'missing required key `taskDefinition` (a file path, an inline task definition, or { fromLive: true })', true),
      );
    } else if (typeof td === 'string') {
      const abs = resolvePath(manifestDir, td);
      const loaded = loadTaskDefinitionFile(abs, displayPath(m.cwd, abs), tdCtx, (msg) => at(key, ['taskDefinition'], msg));
      issues.push(...loaded.issues);
      if (loaded.input) source_ = { kind: 'declared', input: loaded.input, file: displayPath(m.cwd, abs) };
    } else if ('fromLive' in td) {
      source_ = { kind: 'live' };
      anyLive = true;
    } else {
      source_ = { kind: 'declared', input: toTaskDefinitionInput(td) as unknown as TaskDefinitionInput };
    }

    const containers = source_?.kind === 'declared' ? source_.input.containerDefinitions.map((c) => c.name) : undefined;
    if (containers) containersOf.set(key, containers);
    const images: Record<string, string> = { ...(w.images ?? {}) };
    for (const [c, image] of Object.entries(o.containerImages)) {
      if (containers === undefined || containers.includes(c)) {
        images[c] = image;
        usedContainerImages.add(c);
      }
    }
    const environment = Object.fromEntries(Object.entries(w.environment ?? {}).map(([c, vs]) => [c, stringMap(vs)]));
    const command = Object.fromEntries(Object.entries(w.command ?? {}).map(([c, cmd]) => [c, [...cmd]]));
    const overrides = { images, repositoryImages: o.repositoryImages, environment, command };

    if (source_?.kind === 'declared') {
      const r = applyOverrides(source_.input, overrides);
      const family = source_.input.family;
      for (const c of r.unknownContainers) {
        const where = (['images', 'environment', 'command'] as const).filter((k) => w[k] && c in (w[k] as object));
        for (const k of where) {
          issues.push(
            at(
              key,
              [k, c],
              `no container \`${c}\` in task definition \`${family}\`${didYouMean(c, containers ?? [])} (containers: ${(containers ?? []).join(', ')})`,
              true,
            ),
          );
        }
      }
      for (const rep of o.repositoryImages) if (!r.unmatchedRepositories.includes(rep.repository)) matchedRepositories.add(rep.repository);
      source_ = { ...source_, input: r.taskDefinition };
    }

    const deployment = resolveDeployment(w, o);
    const settings: ServiceSettings = {};
    for (const k of SERVICE_SETTING_KEYS) if (w[k] !== undefined) settings[k] = structuredClone(w[k]) as never;
    const strategy = resolveStrategy(w.strategy, name);
    const controller = (settings.deploymentController as { type?: string } | undefined)?.type;
    if (strategy.type === 'blue-green') {
      if (controller === undefined) settings.deploymentController = { type: 'CODE_DEPLOY' };
      else if (controller !== 'CODE_DEPLOY') {
        issues.push(
          at(key, ['deploymentController', 'type'], `strategy blue-green needs deploymentController CODE_DEPLOY, not ${controller}`),
        );
      }
    } else if (controller !== undefined && controller !== 'ECS') {
      issues.push(at(key, ['deploymentController', 'type'], `strategy ${strategy.type} needs deploymentController ECS, not ${controller}`));
    }
    if (strategy.type === 'blue-green') {
      // The circuit breaker and deployment alarms belong to the ECS controller; CodeDeploy has its own rollback
      // settings. Inherited from defaults they are dropped; declared on the service they are a mistake.
      for (const k of ['circuitBreaker', 'alarms'] as const) {
        if (own.deployment?.[k] !== undefined) {
          issues.push(
            at(key, ['deployment', k], `${k} applies to the ECS deployment controller, not to blue-green (CodeDeploy) services`, true),
          );
        }
        delete deployment[k];
      }
    }
    if (settings.launchType !== undefined && settings.capacityProviderStrategy !== undefined) {
      issues.push(at(key, ['capacityProviderStrategy'], 'set launchType or capacityProviderStrategy, not both', true));
    }

    const service: ResolvedService = {
      key,
      service: name,
      cluster: w.cluster ?? '',
      taskDefinition: source_ ?? { kind: 'live' },
      images,
      repositoryImages: o.repositoryImages.map((r) => ({ ...r })),
      environment,
      command,
      sensitive: [...new Set(w.sensitive ?? [])],
      desiredCount: o.desiredCount ?? w.desiredCount,
      deployment,
      settings,
      createIfMissing: false,
      dependsOn: [...(w.dependsOn ?? [])],
      strategy,
      timeoutMs: o.timeoutMs ?? (w.timeout === undefined ? DEFAULT_TIMEOUT_MS : (parseDuration(w.timeout) ?? DEFAULT_TIMEOUT_MS)),
      onFailure: w.onFailure ?? 'rollback',
      ignoreTags: [...(w.ignoreTags ?? [])],
    };
    const missing = source_ ? missingForCreate(service) : [];
    if (w.createIfMissing === true && missing.length) {
      issues.push(at(key, ['createIfMissing'], `createIfMissing needs a fully defined service; missing: ${missing.join('; ')}`));
    }
    service.createIfMissing = w.createIfMissing !== false && missing.length === 0;
    const fromCli = o.desiredCount !== undefined || o.minimumHealthyPercent !== undefined || o.maximumPercent !== undefined;
    if (service.timeoutMs === 0) issues.push(at(key, ['timeout'], 'a deployment timeout must be longer than 0'));
    issues.push(...deploymentProgressIssues(service, at, fromCli), ...canaryIssues(service, at));
    services.push(service);
  }
  issues.push(...dependencyIssues(services, at), ...duplicateServiceIssues(services, at));

  const keys = services.map((s) => s.key);
  const checkRef = (path: Path, ref: string): boolean => {
    if (keys.includes(ref)) return true;
    issues.push(atTop(path, `unknown service \`${ref}\`${didYouMean(ref, keys)} (services: ${keys.join(', ')})`));
    return false;
  };
  const before: OneOffTask[] = (top.before ?? []).map((t, i) => {
    if (checkRef(['before', i, 'taskDefinitionOf'], t.taskDefinitionOf) && t.container !== undefined) {
      const cs = containersOf.get(t.taskDefinitionOf);
      if (cs && !cs.includes(t.container)) {
        issues.push(
          atTop(
            ['before', i, 'container'],
            `no container \`${t.container}\` in the task definition of ${t.taskDefinitionOf} (containers: ${cs.join(', ')})`,
          ),
        );
      }
    }
    if (t.timeout !== undefined && parseDuration(t.timeout) === 0)
      issues.push(atTop(['before', i, 'timeout'], 'a task timeout must be longer than 0'));
    return {
      name: t.name,
      taskDefinitionOf: t.taskDefinitionOf,
      ...(t.command !== undefined && { command: [...t.command] }),
      ...(t.container !== undefined && { container: t.container }),
      ...(t.environment !== undefined && { environment: stringMap(t.environment) }),
      timeoutMs: t.timeout === undefined ? DEFAULT_TIMEOUT_MS : (parseDuration(t.timeout) ?? DEFAULT_TIMEOUT_MS),
    };
  });
  const scheduledTargets: ScheduledTarget[] = (top.after?.scheduledTargets ?? []).map((t, i) => {
    checkRef(['after', 'scheduledTargets', i, 'taskDefinitionOf'], t.taskDefinitionOf);
    return {
      rule: t.rule,
      ...(t.eventBus !== undefined && { eventBus: t.eventBus }),
      ...(t.targetId !== undefined && { targetId: t.targetId }),
      taskDefinitionOf: t.taskDefinitionOf,
    };
  });
  if (issues.length) fail(issues);

  // Command-line image overrides that reach nothing are mistakes (a typo would otherwise deploy the old image).
  if (!anyLive) {
    const unused = Object.keys(o.containerImages).filter((c) => !usedContainerImages.has(c));
    if (unused.length) {
      const all = [...new Set([...containersOf.values()].flat())];
      throw new UsageError(
        'IMAGE_OVERRIDE_UNUSED',
        `--image ${unused[0]}=...: no service has a container named \`${unused[0]}\`${didYouMean(unused[0] as string, all)} (containers: ${all.join(', ')})`,
      );
    }
    const unmatched = o.repositoryImages.filter((r) => !matchedRepositories.has(r.repository));
    if (unmatched.length) {
      throw new UsageError(
        'IMAGE_OVERRIDE_UNUSED',
        `--image ${unmatched[0]?.image}: no container uses the repository ${unmatched[0]?.repository}`,
        {
          hint: 'name the container: --image CONTAINER=IMAGE:TAG',
        },
      );
    }
  }

  return {
    file: m.file,
    digest: m.digest,
    environment: env,
    region: top.region,
    services,
    before,
    scheduledTargets,
    keepRevisions: top.keepRevisions ?? DEFAULT_KEEP_REVISIONS,
    notify: { ...(top.notify?.sns !== undefined && { sns: top.notify.sns }), eachCall: top.notify?.eachCall ?? false },
  };
}

function resolveDeployment(w: WrittenService, o: ParsedOverrides): DeploymentSettings {
  const d = w.deployment ?? {};
  const out: DeploymentSettings = {};
  const min = o.minimumHealthyPercent ?? d.minimumHealthyPercent;
  const max = o.maximumPercent ?? d.maximumPercent;
  if (min !== undefined) out.minimumHealthyPercent = min;
  if (max !== undefined) out.maximumPercent = max;
  if (d.circuitBreaker) {
    const cb = d.circuitBreaker;
    out.circuitBreaker = {
      enable: cb.enable ?? true,
      rollback: cb.rollback ?? true,
      ...(cb.resetOnHealthyTask !== undefined && { resetOnHealthyTask: cb.resetOnHealthyTask }),
      ...(cb.thresholdConfiguration && { thresholdConfiguration: { ...cb.thresholdConfiguration } }),
    };
  }
  if (d.alarms) out.alarms = { alarmNames: [...d.alarms.alarmNames], enable: d.alarms.enable ?? true, rollback: d.alarms.rollback ?? true };
  return out;
}
