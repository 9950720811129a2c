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
import type { LookupSite, TfstateSource } from '../model/lookups.js';
import { isEcsNative, type StrategyType } from '../model/strategy.js';
import { applyOverrides } from '../model/overrides.js';
import type { TaskDefinitionInput } from '../model/task-definition.js';
import { parseDuration } from '../util/duration.js';
import { setOwn } from '../util/own.js';
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
import { gateIssues } from './gate-rules.js';
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
import { environmentValues, learnSecrets, taskDefinitionValues } from './secrets.js';
import { imageFindings, runTaskOverridesChars, runTaskOverridesMessage, taskDefinitionSizeIssue } from './service-limits.js';
import { formatPath, hasPath, issueAt, type Path, type SourceFile } from './source.js';
import { applyEcsNative } from './ecs-native.js';
import { resolveStrategy } from './strategy.js';
import { loadTaskDefinitionFile, toTaskDefinitionInput } from './task-definition-source.js';
import {
  SERVICE_SETTING_KEYS,
  type WrittenEcsNative,
  type WrittenImage,
  type WrittenManifest,
  type WrittenService,
  type WrittenTfstate,
} from './written.js';

/** Everything the per-service steps share while one environment is resolved. */
interface Context {
  m: ManifestText;
  o: ParsedOverrides;
  tdCtx: InterpolationContext;
  /** Service keys the top level declares (environment overlays may only add services with a task definition). */
  declared: string[];
  at: ServiceIssue;
  issues: ManifestIssue[];
  /** Declared task definitions' container names, per service key. */
  containersOf: Map<string, string[]>;
  usedContainerImages: Set<string>;
  warnings: ManifestIssue[];
  matchedRepositories: Set<string>;
  anyLive: boolean;
}

/**
 * Where a value of a service was written: the environment's service, the service, the environment's defaults,
 * the defaults — the first that has the path; else the service itself, with the logical path.
 */
function serviceLocator(source: SourceFile, env: string | undefined): ServiceIssue {
  return (key, rest, message, atKey = false) => {
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
}

export function resolveWritten(
  m: ManifestText,
  source: SourceFile,
  written: WrittenManifest,
  input: ResolveInput,
  vars: Record<string, string>,
): ResolvedManifest {
  const env = input.environment;
  const top = applyEnvironment(written, env);
  const ctx: Context = {
    m,
    o: input.overrides,
    tdCtx: { env: input.env, vars, lookups: input.lookups },
    declared: Object.keys(written.services ?? {}),
    at: serviceLocator(source, env),
    issues: [],
    warnings: input.warnings ?? [],
    containersOf: new Map(),
    usedContainerImages: new Set(),
    matchedRepositories: new Set(),
    anyLive: false,
  };
  /** Where a top-level value was written: the environment's overlay, else the top level. */
  const atTop = (path: Path, message: string): ManifestIssue => {
    const envPath: Path = ['environments', env ?? '', ...path];
    return issueAt(source, env !== undefined && hasPath(source, envPath) ? envPath : path, message);
  };

  const services: ResolvedService[] = [];
  for (const [key, own] of Object.entries(top.services ?? {})) {
    const s = resolveService(key, own, serviceWithDefaults(top.defaults, own), ctx);
    if (s) services.push(s);
  }
  ctx.issues.push(...dependencyIssues(services, ctx.at), ...duplicateServiceIssues(services, ctx.at));
  ctx.issues.push(...gateIssues(services, ctx.at, ctx.containersOf));

  const keys = services.map((s) => s.key);
  const checkRef = (path: Path, ref: string): boolean => {
    if (keys.includes(ref)) return true;
    ctx.issues.push(atTop(path, `unknown service \`${ref}\`${didYouMean(ref, keys)} (services: ${keys.join(', ')})`));
    return false;
  };
  const before: OneOffTask[] = (top.before ?? []).map((t, i) => {
    if (checkRef(['before', i, 'taskDefinitionOf'], t.taskDefinitionOf) && t.container !== undefined) {
      const cs = ctx.containersOf.get(t.taskDefinitionOf);
      if (cs && !cs.includes(t.container)) {
        const message = `no container \`${t.container}\` in the task definition of ${t.taskDefinitionOf} (containers: ${cs.join(', ')})`;
        ctx.issues.push(atTop(['before', i, 'container'], message));
      }
    }
    const timeoutMs = t.timeout === undefined ? DEFAULT_TIMEOUT_MS : (parseDuration(t.timeout) ?? DEFAULT_TIMEOUT_MS);
    if (timeoutMs === 0) ctx.issues.push(atTop(['before', i, 'timeout'], 'a task timeout must be longer than 0'));
    const environment = t.environment === undefined ? undefined : stringMap(t.environment);
    const tooLarge = runTaskOverridesMessage(
      runTaskOverridesChars({ ...t, environment }, ctx.containersOf.get(t.taskDefinitionOf)?.[0] ?? ''),
    );
    if (tooLarge) ctx.issues.push(atTop(['before', i], tooLarge));
    // A one-off task's variables are redacted by its service's sensitive names: mark those holding a secret there.
    const owner = services.find((s) => s.key === t.taskDefinitionOf);
    for (const name of learnSecrets(Object.entries(environment ?? {}), owner?.sensitive ?? [])) {
      if (owner && !owner.sensitive.includes(name)) owner.sensitive.push(name);
    }
    return {
      name: t.name,
      taskDefinitionOf: t.taskDefinitionOf,
      ...(t.command !== undefined && { command: [...t.command] }),
      ...(t.container !== undefined && { container: t.container }),
      ...(environment !== undefined && { environment }),
      timeoutMs,
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
  const tfstate = tfstateSources(top.tfstate, m);
  // Problems with values that are still lookup placeholders wait for the values; a lookup naming no state cannot.
  const issues = [...input.lookups.judgeable(ctx.issues), ...tfstateSiteIssues(input.lookups.sites, Object.keys(tfstate))];
  if (issues.length) fail(issues);
  checkImageOverridesUsed(ctx);

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
    ...(Object.keys(tfstate).length > 0 && { tfstate }),
  };
}

/** One service: `own` is its environment-overlaid settings, `w` those over the defaults. Issues go to ctx. */
function resolveService(key: string, own: WrittenService, w: WrittenService, ctx: Context): ResolvedService | undefined {
  const { at, issues, o } = ctx;
  if (!ctx.declared.includes(key) && w.taskDefinition === undefined) {
    // An environment overlay for a service that does not exist: most likely a misspelt key.
    issues.push(
      at(key, [], `no service \`${key}\` to overlay${didYouMean(key, ctx.declared)} (services: ${ctx.declared.join(', ')})`, true),
    );
    return undefined;
  }
  const name = w.service ?? key;
  if (w.cluster === undefined) issues.push(at(key, [], 'missing `cluster` (set it on the service or under defaults:)', true));

  let td = resolveTaskDefinition(key, w, ctx);
  const declared = td?.kind === 'declared' ? td : undefined;
  const containers = declared?.input.containerDefinitions.map((c) => c.name);
  if (containers) ctx.containersOf.set(key, containers);
  const written = imageReferences(w.images);
  const images: Record<string, string> = { ...written };
  const pinByDefault = w.pinImages === true;
  const pinned = new Set(Object.keys(written).filter((c) => pinOf(w.images?.[c], pinByDefault)));
  for (const [c, image] of Object.entries(o.containerImages)) {
    // `--image NAME=...` applies to the services that have container NAME (fromLive ones: maybe, the plan checks).
    if (containers === undefined || containers.includes(c)) {
      setOwn(images, c, image);
      ctx.usedContainerImages.add(c);
      // The manifest's entry for the container says whether its image is pinned, whatever replaces the image.
      if (pinOf(Object.hasOwn(w.images ?? {}, c) ? w.images?.[c] : undefined, pinByDefault)) pinned.add(c);
    }
  }
  const environment = Object.fromEntries(Object.entries(w.environment ?? {}).map(([c, vs]) => [c, stringMap(vs)]));
  const command = Object.fromEntries(Object.entries(w.command ?? {}).map(([c, cmd]) => [c, [...cmd]]));

  /** Repositories of `--image REPO:TAG` that match no container here (known for declared task definitions). */
  let unmatched: string[] = [];
  if (td?.kind === 'declared') {
    const r = applyOverrides(td.input, { images, repositoryImages: o.repositoryImages, environment, command });
    for (const c of r.unknownContainers) {
      for (const k of ['images', 'environment', 'command'] as const) {
        if (!w[k] || !Object.hasOwn(w[k] as object, c)) continue;
        const known = containers ?? [];
        const message = `no container \`${c}\` in task definition \`${td.input.family}\`${didYouMean(c, known)} (containers: ${known.join(', ')})`;
        issues.push(at(key, [k, c], message, true));
      }
    }
    for (const rep of o.repositoryImages)
      if (!r.unmatchedRepositories.includes(rep.repository)) ctx.matchedRepositories.add(rep.repository);
    unmatched = r.unmatchedRepositories;
    td = { ...td, input: r.taskDefinition };
    issues.push(...taskDefinitionSizeIssue(key, td.input, td.file, at));
  }
  // What pinImages pins: the images this service sets, by container, and the `--image REPO:TAG` that reach it.
  const pin = [
    ...new Set([
      ...Object.entries(images).flatMap(([c, image]) => (pinned.has(c) ? [image] : [])),
      ...(pinByDefault ? o.repositoryImages.filter((r) => !unmatched.includes(r.repository)).map((r) => r.image) : []),
    ]),
  ];
  const fromCommandLine = new Set(Object.keys(o.containerImages));
  imageFindings({ key, written, fromCommandLine, repositoryImages: o.repositoryImages, declared }, at, ctx);

  const strategy = resolveStrategy(w.strategy, name);
  const settings = resolveSettings(key, w, strategy.type, ctx);
  const deployment = resolveDeployment(w, o);
  if (isEcsNative(strategy)) {
    issues.push(
      ...applyEcsNative(
        key,
        strategy,
        w.strategy?.type === strategy.type ? (w.strategy as WrittenEcsNative) : undefined,
        settings,
        deployment,
        at,
      ),
    );
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

  const service: ResolvedService = {
    key,
    service: name,
    cluster: w.cluster ?? '',
    taskDefinition: td ?? { kind: 'live' },
    images,
    repositoryImages: o.repositoryImages.map((r) => ({ ...r })),
    environment,
    command,
    sensitive: [
      ...new Set([
        ...(w.sensitive ?? []),
        ...learnSecrets(environmentValues(environment), w.sensitive ?? []),
        ...(td?.kind === 'declared' ? learnSecrets(taskDefinitionValues(td.input), w.sensitive ?? []) : []),
      ]),
    ],
    desiredCount: o.desiredCount ?? w.desiredCount,
    deployment,
    settings,
    createIfMissing: false,
    dependsOn: [...(w.dependsOn ?? [])],
    strategy,
    timeoutMs: o.timeoutMs ?? (w.timeout === undefined ? DEFAULT_TIMEOUT_MS : (parseDuration(w.timeout) ?? DEFAULT_TIMEOUT_MS)),
    onFailure: w.onFailure ?? 'rollback',
    ignoreTags: [...(w.ignoreTags ?? [])],
    ...(pin.length > 0 && { pin }),
  };
  const missing = td ? missingForCreate(service) : [];
  if (w.createIfMissing === true && missing.length) {
    issues.push(at(key, ['createIfMissing'], `createIfMissing needs a fully defined service; missing: ${missing.join('; ')}`));
  }
  service.createIfMissing = w.createIfMissing !== false && missing.length === 0;
  if (service.timeoutMs === 0) issues.push(at(key, ['timeout'], 'a deployment timeout must be longer than 0'));
  const fromCli = o.desiredCount !== undefined || o.minimumHealthyPercent !== undefined || o.maximumPercent !== undefined;
  issues.push(...deploymentProgressIssues(service, at, fromCli), ...canaryIssues(service, at));
  return service;
}

function resolveTaskDefinition(key: string, w: WrittenService, ctx: Context): TaskDefinitionSource | undefined {
  const td = w.taskDefinition;
  if (td === undefined) {
    ctx.issues.push(
      ctx.at(key, [], 'missing required key `taskDefinition` (a file path, an inline task definition, or { fromLive: true })', true),
    );
    return undefined;
  }
  if (typeof td === 'string') {
    const abs = resolvePath(dirname(ctx.m.absolute), td);
    const shown = displayPath(ctx.m.cwd, abs);
    const loaded = loadTaskDefinitionFile(abs, shown, ctx.tdCtx, (msg) => ctx.at(key, ['taskDefinition'], msg));
    ctx.issues.push(...loaded.issues);
    return loaded.input ? { kind: 'declared', input: loaded.input, file: shown } : undefined;
  }
  if ('fromLive' in td) {
    ctx.anyLive = true;
    return { kind: 'live' };
  }
  return { kind: 'declared', input: toTaskDefinitionInput(td) as unknown as TaskDefinitionInput };
}

/** Service settings as written, with the deployment controller the strategy needs. */
function resolveSettings(key: string, w: WrittenService, strategy: StrategyType, ctx: Context): ServiceSettings {
  const settings: ServiceSettings = {};
  for (const k of SERVICE_SETTING_KEYS) if (w[k] !== undefined) settings[k] = structuredClone(w[k]) as never;
  const controller = (settings.deploymentController as { type?: string } | undefined)?.type;
  if (strategy === 'blue-green') {
    if (controller === undefined) settings.deploymentController = { type: 'CODE_DEPLOY' };
    else if (controller !== 'CODE_DEPLOY') {
      ctx.issues.push(
        ctx.at(key, ['deploymentController', 'type'], `strategy blue-green needs deploymentController CODE_DEPLOY, not ${controller}`),
      );
    }
  } else if (controller !== undefined && controller !== 'ECS') {
    ctx.issues.push(
      ctx.at(key, ['deploymentController', 'type'], `strategy ${strategy} needs deploymentController ECS, not ${controller}`),
    );
  }
  if (settings.launchType !== undefined && settings.capacityProviderStrategy !== undefined) {
    ctx.issues.push(ctx.at(key, ['capacityProviderStrategy'], 'set launchType or capacityProviderStrategy, not both', true));
  }
  return settings;
}

/** Command-line image overrides that reach nothing are mistakes: a typo would otherwise deploy the old image. */
function checkImageOverridesUsed(ctx: Context): void {
  if (ctx.anyLive) return; // a fromLive service's containers are only known live; the plan checks those
  const unused = Object.keys(ctx.o.containerImages).filter((c) => !ctx.usedContainerImages.has(c));
  const first = unused[0];
  if (first !== undefined) {
    const all = [...new Set([...ctx.containersOf.values()].flat())];
    throw new UsageError(
      'IMAGE_OVERRIDE_UNUSED',
      `--image ${first}=...: no service has a container named \`${first}\`${didYouMean(first, all)} (containers: ${all.join(', ')})`,
    );
  }
  const unmatched = ctx.o.repositoryImages.find((r) => !ctx.matchedRepositories.has(r.repository));
  if (unmatched) {
    throw new UsageError('IMAGE_OVERRIDE_UNUSED', `--image ${unmatched.image}: no container uses the repository ${unmatched.repository}`, {
      hint: 'name the container: --image CONTAINER=IMAGE:TAG',
    });
  }
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

/** `images:` as references (an entry may be `{ image, pin }`). */
function imageReferences(images: Record<string, WrittenImage> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [c, v] of Object.entries(images ?? {})) setOwn(out, c, typeof v === 'string' ? v : v.image);
  return out;
}

/** Is this `images:` entry pinned: its own `pin`, else the service's `pinImages`. */
function pinOf(entry: WrittenImage | undefined, byDefault: boolean): boolean {
  return typeof entry === 'object' && entry.pin !== undefined ? entry.pin : byDefault;
}

/** The Terraform states `${tfstate:...}` reads, by name: files relative to the manifest, or S3 objects. */
function tfstateSources(written: Record<string, WrittenTfstate> | undefined, m: ManifestText): Record<string, TfstateSource> {
  const out: Record<string, TfstateSource> = {};
  for (const [name, w] of Object.entries(written ?? {})) {
    if ('path' in w) {
      const path = resolvePath(dirname(m.absolute), w.path);
      setOwn(out, name, { name, kind: 'file', path, shown: displayPath(m.cwd, path) });
    } else {
      // The schema's pattern guarantees `s3://bucket/key`.
      const rest = w.s3.slice('s3://'.length);
      const slash = rest.indexOf('/');
      setOwn(out, name, { name, kind: 's3', bucket: rest.slice(0, slash), key: rest.slice(slash + 1), url: w.s3 });
    }
  }
  return out;
}

/** Each `${tfstate:...}` must name a declared state, or leave the name out when exactly one is declared. */
function tfstateSiteIssues(sites: readonly LookupSite[], states: string[]): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  for (const site of sites) {
    if (site.lookup.kind !== 'tfstate') continue;
    const named = site.lookup.state;
    let message: string | undefined;
    if (states.length === 0) {
      message = `\`\${${site.text}}\` needs a Terraform state: declare it under tfstate: (e.g. tfstate: { infra: { path: ./terraform.tfstate } })`;
    } else if (named !== undefined && !states.includes(named)) {
      message = `no Terraform state \`${named}\` under tfstate:${didYouMean(named, states)} (states: ${states.join(', ')})`;
    } else if (named === undefined && states.length > 1) {
      message = `several Terraform states are declared (${states.join(', ')}): name one, as in \`\${tfstate:${states[0]}:ADDRESS}\``;
    }
    if (message) issues.push({ file: site.file, line: site.line, column: site.column, path: site.path, message });
  }
  return issues;
}
