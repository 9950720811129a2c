/**
 * buildPlan: (resolved manifest, live state) → Plan. Pure: no I/O, no clock (the caller passes `now`).
 * Per service: work out the desired task definition, normalize both sides the same way (normalize.ts),
 * diff them (diff.ts), redact what is shown (sensitive.ts), and classify the result.
 */
import { InternalError, PlanError } from '../errors/index.js';
import { siteLocation } from '../model/lookups.js';
import type { ResolvedManifest, ResolvedService } from '../model/manifest.js';
import type { LiveServiceState, LiveState, PreflightIssue } from '../model/live.js';
import { applyOverrides } from '../model/overrides.js';
import type { Json, JsonObject, TaskDefinitionInput } from '../model/task-definition.js';
import { codeDeployChangePath } from './codedeploy-paths.js';
import { diffDocuments, unifiedDiff } from './diff.js';
import { detectInFlight } from './in-flight.js';
import { type OverrideFlags, recordOverrides } from './recorded-overrides.js';
import { isObject, toJsonObject } from './json.js';
import { isIgnoredTag, normalizeServiceDocument, normalizeTaskDefinition, stripReadOnly } from './normalize.js';
import { markChangedSensitiveLines, redactChanges, redactPair, sensitiveNamesIn, sensitivityTest } from './sensitive.js';
import {
  controllerOf,
  desiredServiceDocument,
  liveServiceDocument,
  primaryDeployment,
  primaryTaskSet,
  requiresReplacement,
} from './service-settings.js';
import {
  type FieldChange,
  type LiveFingerprint,
  PLAN_FORMAT,
  PLAN_VERSION,
  type Plan,
  type PlanAction,
  type ServicePlan,
  type TaskPlan,
} from './types.js';
import { planTask } from './task-plan.js';

export interface BuildPlanOptions {
  /** ISO 8601 time the plan is made at (from the injected clock). */
  now: string;
  toolVersion: string;
  /** The overrides the manifest was loaded with, to record in the plan. */
  overrides?: OverrideFlags;
}

export function buildPlan(manifest: ResolvedManifest, live: LiveState, options: BuildPlanOptions): Plan {
  refuseUnreadLookups(manifest);
  const byKey = new Map(live.services.map((s) => [s.key, s]));
  const missing: ResolvedService[] = [];
  const services: ServicePlan[] = [];
  for (const svc of manifest.services) {
    const state = byKey.get(svc.key);
    if (!state) throw new InternalError(`live state has no entry for service "${svc.key}"`);
    if (!state.described && !svc.createIfMissing) {
      missing.push(svc);
      continue;
    }
    const tasks = manifest.before.filter((t) => t.taskDefinitionOf === svc.key);
    services.push(
      planService(
        svc,
        state,
        live.preflight.filter((p) => p.service === svc.key),
        tasks,
      ),
    );
  }
  if (missing.length > 0) throw serviceNotFound(missing);
  const tasks = planTasks(manifest, live);

  const summary: Plan['summary'] = { ...countActions(services), inFlight: services.filter((s) => s.inFlight).length };
  if (tasks) summary.tasks = countActions(tasks);
  return {
    format: PLAN_FORMAT,
    version: PLAN_VERSION,
    tool: { name: 'ecsdeploy', version: options.toolVersion },
    createdAt: options.now,
    manifest: { file: manifest.file, digest: manifest.digest, environment: manifest.environment },
    // Where the calls went (`--region`, AWS_REGION...), which may not be the manifest's region.
    region: live.region ?? manifest.region,
    services,
    ...(tasks && { tasks }),
    before: manifest.before,
    scheduledTargets: manifest.scheduledTargets,
    keepRevisions: manifest.keepRevisions,
    notify: manifest.notify,
    summary,
    // A rollout in flight is not "no changes": ECS may still roll it back (it drives --detailed-exitcode too).
    hasChanges:
      services.some((s) => s.action !== 'no-change' || s.inFlight !== undefined) || (tasks ?? []).some((t) => t.action !== 'no-change'),
    calls: { ...live.calls },
    ...(options.overrides ? { overrides: recordOverrides(options.overrides) } : {}),
    ...(manifest.resolvedLookups?.length && { lookups: manifest.resolvedLookups.map((l) => ({ ...l, at: [...l.at] })) }),
  };
}

/** How many plans of each action. */
function countActions(plans: { action: PlanAction }[]): { create: number; update: number; noChange: number; blocked: number } {
  const counts = { create: 0, update: 0, noChange: 0, blocked: 0 };
  for (const p of plans) {
    if (p.action === 'no-change') counts.noChange++;
    else counts[p.action]++;
  }
  return counts;
}

/** The task-only families' plans; undefined when the manifest has none. */
function planTasks(manifest: ResolvedManifest, live: LiveState): TaskPlan[] | undefined {
  const tasks = manifest.tasks ?? [];
  if (tasks.length === 0) return undefined;
  const byKey = new Map((live.tasks ?? []).map((t) => [t.key, t]));
  return tasks.map((task) => {
    const state = byKey.get(task.key);
    if (!state) throw new InternalError(`live state has no entry for task "${task.key}"`);
    return planTask(task, state, manifest.before);
  });
}

/** The pinned images the desired task definition runs (an `--image REPO:TAG` may pin one a service does not use). */
function pinnedImagesOf(svc: ResolvedService, td: TaskDefinitionInput): Pick<ServicePlan, 'pinnedImages'> {
  const used = (svc.pinned ?? []).filter((p) => td.containerDefinitions.some((c) => c.image === p.pinned));
  return used.length > 0 ? { pinnedImages: used.map((p) => ({ ...p })) } : {};
}

/**
 * A lookup's placeholder must never reach a task definition or a service: the live step reads every lookup the
 * planned services use before a plan is made. One left over is a bug, refused before anything could deploy it.
 */
function refuseUnreadLookups(manifest: ResolvedManifest): void {
  const sites = manifest.lookups ?? [];
  if (sites.length === 0) return;
  const text = JSON.stringify([manifest.services, manifest.tasks, manifest.before, manifest.scheduledTargets, manifest.notify]);
  const unread = sites.filter((s) => text.includes(s.token));
  if (unread.length === 0) return;
  const list = [...new Set(unread.map((s) => `\${${s.text}} (${siteLocation(s)})`))].join(', ');
  throw new InternalError(`lookups were not read before planning: ${list}`);
}

function serviceNotFound(missing: ResolvedService[]): PlanError {
  const list = missing.map((s) => `service "${s.service}" in cluster "${s.cluster}" (manifest service "${s.key}")`);
  return new PlanError(
    'SERVICE_NOT_FOUND',
    missing.length === 1
      ? `${list[0]} does not exist in AWS`
      : `these services do not exist in AWS:\n${list.map((l) => `  - ${l}`).join('\n')}`,
    {
      hint:
        'create the service first (console, CloudFormation, Terraform), or give the manifest a full service definition ' +
        '(task definition declared in the manifest, desiredCount and network settings) so ecsdeploy can create it',
    },
  );
}

function planService(
  svc: ResolvedService,
  state: LiveServiceState,
  preflight: PreflightIssue[],
  tasks: ResolvedManifest['before'],
): ServicePlan {
  const described = state.described;
  const liveTd = state.taskDefinition;
  const desiredTd = desiredTaskDefinition(svc, state);
  const test = sensitivityTest(svc.sensitive);
  const ignoreTags = svc.ignoreTags;

  const normDesiredTd = normalizeTaskDefinition(desiredTd, { ignoreTags });
  const normLiveTd = described && liveTd ? normalizeTaskDefinition(liveTd, { ignoreTags }) : undefined;

  const controller = controllerOf(described, svc);
  const launchType = svc.settings.launchType ?? (typeof described?.launchType === 'string' ? described.launchType : undefined);
  const svcCtx = { ignoreTags, controller, launchType };
  const desiredSvcRaw = desiredServiceDocument(svc);
  const normDesiredSvc = normalizeServiceDocument(desiredSvcRaw, svcCtx);
  const normLiveSvc = described ? normalizeServiceDocument(liveServiceDocument(described, desiredSvcRaw), svcCtx) : undefined;

  // On a CODE_DEPLOY service every change says its path (AppSpec, UpdateService, TagResource), or that none exists.
  const codeDeploy = described !== undefined && controller === 'CODE_DEPLOY';
  const withPath = (c: FieldChange): FieldChange => {
    if (!codeDeploy) return c;
    const path = codeDeployChangePath(c.scope, topLevelKey(c.path));
    return path === 'replacement' ? { ...c, requiresReplacement: true } : { ...c, via: path };
  };
  const tdChanges = diffDocuments(normLiveTd, normDesiredTd, 'taskDefinition').map(withPath);
  const svcChanges = diffDocuments(normLiveSvc, normDesiredSvc, 'service')
    .map((c) => (described && requiresReplacement(topLevelKey(c.path), controller) ? { ...c, requiresReplacement: true } : c))
    .map(withPath);
  const changes = redactChanges([...tdChanges, ...svcChanges], test);

  const [liveDoc, desiredDoc] = redactPair(
    described ? combined(normLiveTd, normLiveSvc) : undefined,
    combined(normDesiredTd, normDesiredSvc),
    test,
  );
  const diff = markChangedSensitiveLines(unifiedDiff(liveDoc, desiredDoc));

  const blockedReasons = [
    ...(described?.status === 'DRAINING' ? [drainingReason(svc)] : []),
    ...(described && (tdChanges.length > 0 || svcChanges.length > 0) ? controllerReasons(svc, controller) : []),
    ...preflight.map((p) => p.message),
    ...replacementReasons(svcChanges.filter((c) => c.requiresReplacement)),
  ];
  const taskDefinitionChanged = tdChanges.length > 0;
  const inFlight = detectInFlight(svc, state);
  const serviceChanged = svcChanges.length > 0;
  let action: PlanAction;
  if (blockedReasons.length > 0) action = 'blocked';
  else if (!described) action = 'create';
  else action = taskDefinitionChanged || serviceChanged ? 'update' : 'no-change';

  return {
    key: svc.key,
    service: svc.service,
    cluster: svc.cluster,
    action,
    taskDefinitionChanged,
    serviceChanged,
    desired: {
      taskDefinition: desiredTd,
      service: svc.settings,
      desiredCount: typeof svc.desiredCount === 'number' ? svc.desiredCount : undefined,
      deployment: svc.deployment,
    },
    live: described ? fingerprint(described) : null,
    changes,
    diff,
    blockedReasons,
    strategy: svc.strategy,
    dependsOn: svc.dependsOn,
    timeoutMs: svc.timeoutMs,
    onFailure: svc.onFailure,
    sensitiveNames: sensitiveNamesIn([desiredTd as unknown as Json, liveTd], tasks, svc.sensitive),
    ...(inFlight ? { inFlight } : {}),
    ...pinnedImagesOf(svc, desiredTd),
  };
}

/**
 * The RegisterTaskDefinition input apply would register: the declared one (overrides already applied by the
 * manifest loader), or the live one with read-only fields stripped and the overrides applied.
 */
function desiredTaskDefinition(svc: ResolvedService, state: LiveServiceState): TaskDefinitionInput {
  if (svc.taskDefinition.kind === 'declared') return svc.taskDefinition.input;
  const name = `service "${svc.service}" in cluster "${svc.cluster}" (manifest service "${svc.key}")`;
  if (!state.described) {
    throw new PlanError('SERVICE_NOT_FOUND', `${name} does not exist, so its task definition cannot be copied from it (fromLive)`, {
      hint: 'declare the task definition in the manifest (inline or as a JSON file) to create the service',
    });
  }
  if (!state.taskDefinition) {
    throw new PlanError(
      'LIVE_TASK_DEFINITION_NOT_FOUND',
      `${name}: its current task definition could not be read, so it cannot be copied (fromLive)`,
      {
        hint: 'declare the task definition in the manifest instead of fromLive',
      },
    );
  }
  const copy = stripReadOnly(toJsonObject(state.taskDefinition));
  // Tags AWS reserves (`aws:`), ecsdeploy's own metadata and tags owned by other tools are never written.
  if (Array.isArray(copy.tags)) {
    const tags = copy.tags.filter((t) => !(isObject(t) && typeof t.key === 'string' && isIgnoredTag(t.key, svc.ignoreTags)));
    if (tags.length > 0) copy.tags = tags;
    else delete copy.tags;
  }
  const base = copy as unknown as TaskDefinitionInput;
  const result = applyOverrides(base, svc);
  if (result.unknownContainers.length > 0) {
    const known = base.containerDefinitions.map((c) => c.name).join(', ');
    const unknown = result.unknownContainers.map((c) => `"${c}"`).join(', ');
    throw new PlanError('UNKNOWN_CONTAINER', `${name}: no container ${unknown} in its live task definition (containers: ${known})`, {
      hint: 'fix the container name under images/environment/command for this service',
    });
  }
  return result.taskDefinition;
}

function combined(td: JsonObject | undefined, service: JsonObject | undefined): JsonObject {
  const out: JsonObject = {};
  if (td) out.taskDefinition = td;
  if (service && Object.keys(service).length > 0) out.service = service;
  return out;
}

function topLevelKey(path: string): string {
  const m = /^[^.[]*/.exec(path);
  return m ? m[0] : path;
}

function show(v: Json | undefined): string {
  return v === undefined ? '(unset)' : typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * A DRAINING service is being deleted (aws-semantics.md §1.3): UpdateService refuses it and CreateService cannot
 * reuse its name until it is INACTIVE, so any plan for it would fail half-way through an apply.
 */
function drainingReason(svc: ResolvedService): string {
  return (
    `service "${svc.service}" in cluster "${svc.cluster}" is DRAINING (being deleted) and cannot be updated; ` +
    'wait until it is gone, then apply again to create it'
  );
}

/**
 * Rolling and canary deployments go through UpdateService, which cannot deploy a task definition to a service
 * whose deployment controller is CODE_DEPLOY or EXTERNAL (aws-semantics.md §1.1). The manifest then does not name
 * a controller, so no setting differs; when something is to change, say it here rather than let apply refuse
 * after the plan said `update`.
 * (A blue-green service sets CODE_DEPLOY, so a mismatch there is a setting that requires replacement.)
 */
function controllerReasons(svc: ResolvedService, liveController: string): string[] {
  if (svc.strategy.type === 'blue-green' || liveController === 'ECS' || svc.settings.deploymentController !== undefined) return [];
  return [
    `service "${svc.service}" uses the ${liveController} deployment controller; the ${svc.strategy.type} strategy needs ECS ` +
      '(deploy it with strategy blue-green, or recreate it with the ECS controller)',
  ];
}

function replacementReasons(changes: FieldChange[]): string[] {
  return changes.map(
    (c) =>
      `${c.path} cannot be changed by UpdateService (live ${show(c.before)}, manifest ${show(c.after)}): ` +
      'recreate the service yourself, or set the manifest back to the live value',
  );
}

function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function num(v: Json | undefined): number {
  return typeof v === 'number' ? v : 0;
}

/** What the plan was made against; apply of a saved plan re-reads these and refuses if any moved. */
function fingerprint(described: JsonObject): LiveFingerprint {
  const controllerType = isObject(described.deploymentController) ? str(described.deploymentController.type) : undefined;
  const controller = controllerType ?? 'ECS';
  const primary = controller === 'ECS' ? primaryDeployment(described) : (primaryTaskSet(described) ?? primaryDeployment(described));
  return {
    serviceArn: str(described.serviceArn) ?? '',
    status: str(described.status) ?? '',
    // with CODE_DEPLOY/EXTERNAL the service-level field can lag; the PRIMARY task set serves production
    taskDefinitionArn:
      (controller === 'ECS' ? str(described.taskDefinition) : (str(primary?.taskDefinition) ?? str(described.taskDefinition))) ??
      str(primary?.taskDefinition) ??
      '',
    primaryDeploymentId: str(primary?.id),
    updatedAt: str(primary?.updatedAt),
    desiredCount: num(described.desiredCount),
    runningCount: num(described.runningCount),
    deploymentController: controller,
  };
}
