/**
 * `ecsdeploy rollback`: put a service back on the task definition of its previous SUCCESSFUL deployment (not
 * merely revision − 1, which may be the one that just failed), through the service's own strategy.
 *
 *   --to N | ARN ─────────────────────────────────────────────────────────────┐
 *   ListServiceDeployments(SUCCESSFUL) → revisions → task definitions,         ├─► strategy.deploy(purpose: rollback)
 *     newest first, skipping the one the service runs now                      │
 *   else: newest ACTIVE revision of the family older than the current one     │
 *     that ecsdeploy marked as deployed (`ecsdeploy:deployed`), else tagged ───┘
 *
 * A blue-green (CodeDeploy) service with a deployment in flight on its group is rolled back by stopping that
 * deployment with rollback (production stays on, or goes back to, the original task set): the strategy's abort.
 */
import type { AwsPorts, EcsService } from '../aws/ports.js';
import { UsageError } from '../errors/index.js';
import { describeServices, type ServiceRef } from '../live/describe-services.js';
import type { ResolvedService } from '../model/manifest.js';
import { deploymentInFlight } from '../strategies/codedeploy-service.js';
import { builtInStrategies, unsupportedReason } from '../strategies/select.js';
import type { DeployTarget } from '../strategies/types.js';
import { shortTaskDefinition, taskDefinitionFamily, taskDefinitionRevision } from '../util/arn.js';
import { errorMessage } from '../util/error-text.js';
import { listActiveRevisions } from './cleanup.js';
import { acquireLocks, touchedServices } from './lock.js';
import { TAG_DEPLOYED, TAG_MANIFEST_DIGEST } from './register.js';
import { createRunContext, finishRun, reportServiceFinished, runDeadline, startRun } from './run.js';
import type { ApplyDeps, ApplyResult, ServiceResult } from './types.js';

export interface RollbackOptions {
  /** A revision number of the service's family, or a full task definition ARN. */
  to?: string;
  runId: string;
  force: boolean;
  onInterrupt: 'rollback' | 'leave';
  timeoutMs?: number;
  dryRun?: boolean;
  lockSettleMs?: number;
  /** Already found (the command asked about it): skips the search. */
  target?: RollbackTarget;
}

export interface RollbackTarget {
  taskDefinitionArn: string;
  /** How it was found: `--to`, `service deployments`, `ecsdeploy tags`. */
  source: string;
  /** A blue-green deployment in flight (its id) that the rollback stops with rollback, instead of deploying. */
  stopsInFlight?: string;
}

/**
 * A blue-green service whose group has a CodeDeploy deployment in flight: rolling back is stopping it with
 * rollback, which leaves production on the revision the service serves now (`svc.taskDefinition`).
 */
export async function inFlightRollbackTarget(
  ports: AwsPorts,
  service: ResolvedService,
  svc: EcsService,
  signal: AbortSignal,
): Promise<RollbackTarget | undefined> {
  if (service.strategy.type !== 'blue-green') return undefined;
  const id = await deploymentInFlight(ports, service.strategy, signal);
  if (!id) return undefined;
  const serving = svc.taskSets?.find((t) => t.status === 'PRIMARY')?.taskDefinition ?? svc.taskDefinition ?? '';
  return {
    taskDefinitionArn: serving,
    source: `stop CodeDeploy deployment ${id}, in flight, with rollback: production back on ${shortTaskDefinition(serving)}`,
    stopsInFlight: id,
  };
}

async function resolveExplicit(ports: AwsPorts, current: string, to: string, signal: AbortSignal): Promise<string> {
  const ref = /^\d+$/.test(to) ? `${taskDefinitionFamily(current)}:${to}` : to;
  try {
    const out = await ports.ecs.describeTaskDefinition({ taskDefinition: ref }, { signal });
    const arn = out.taskDefinition?.taskDefinitionArn;
    // UpdateService refuses an INACTIVE (deregistered) revision: say so now, before anything changes.
    if (arn && out.taskDefinition?.status === 'INACTIVE') {
      throw new UsageError(
        'ROLLBACK_TARGET_NOT_FOUND',
        `cannot roll back to ${shortTaskDefinition(arn)}: ${shortTaskDefinition(arn)} is INACTIVE (deregistered)`,
        {
          hint: 'ECS cannot deploy a deregistered revision: name an ACTIVE one with --to',
        },
      );
    }
    if (arn) return arn;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError('ROLLBACK_TARGET_NOT_FOUND', `cannot roll back to ${ref}: ${errorMessage(error)}`, {
      hint: 'give a revision number of the service family (--to 41) or a full task definition ARN',
    });
  }
  throw new UsageError('ROLLBACK_TARGET_NOT_FOUND', `cannot roll back to ${ref}: no such task definition`);
}

/** Whether ECS can still deploy the revision (a deregistered one is INACTIVE). */
async function isActive(ports: AwsPorts, arn: string, signal: AbortSignal): Promise<boolean> {
  try {
    const out = await ports.ecs.describeTaskDefinition({ taskDefinition: arn }, { signal });
    return out.taskDefinition?.status !== 'INACTIVE';
  } catch {
    return false;
  }
}

async function fromServiceDeployments(
  ports: AwsPorts,
  svc: EcsService,
  cluster: string,
  signal: AbortSignal,
  skipped: (arn: string) => void,
): Promise<string | undefined> {
  const ecs = ports.ecs;
  let briefs: { serviceDeploymentArn?: string; targetServiceRevisionArn?: string; createdAt?: Date; finishedAt?: Date }[];
  try {
    const out = await ports.ecs.listServiceDeployments(
      { cluster, service: svc.serviceName ?? '', status: ['SUCCESSFUL'], maxResults: 20 },
      { signal },
    );
    briefs = out.serviceDeployments ?? [];
  } catch {
    return undefined; // older accounts/emulators: fall back to tags
  }
  if (briefs.length === 0) return undefined;
  const time = (d: Date | undefined) => (d ? new Date(d).getTime() : 0);
  briefs.sort((a, b) => time(b.finishedAt ?? b.createdAt) - time(a.finishedAt ?? a.createdAt));
  const arns = [...new Set(briefs.map((b) => b.targetServiceRevisionArn).filter((a): a is string => Boolean(a)))].slice(0, 20);
  try {
    const out = await ecs.describeServiceRevisions({ serviceRevisionArns: arns }, { signal });
    const byArn = new Map((out.serviceRevisions ?? []).map((r) => [r.serviceRevisionArn, r.taskDefinition]));
    const seen = new Set<string>();
    for (const a of arns) {
      const td = byArn.get(a);
      if (!td || td === svc.taskDefinition || seen.has(td)) continue;
      seen.add(td);
      // A revision deregistered since (a cleanup) cannot be deployed again: the one before it is the target.
      if (await isActive(ports, td, signal)) return td;
      skipped(td);
    }
  } catch {
    return undefined;
  }
  return undefined;
}

async function fromTags(ports: AwsPorts, current: string, signal: AbortSignal): Promise<{ arn: string; how: string } | undefined> {
  const family = taskDefinitionFamily(current);
  const currentRev = taskDefinitionRevision(current) ?? Number.POSITIVE_INFINITY;
  const older = (await listActiveRevisions(ports, family, signal)).filter((a) => (taskDefinitionRevision(a) ?? 0) < currentRev);
  let tagged: string | undefined;
  for (const arn of older) {
    const out = await ports.ecs.describeTaskDefinition({ taskDefinition: arn, include: ['TAGS'] }, { signal });
    const keys = new Set((out.tags ?? []).map((t) => t.key));
    if (keys.has(TAG_DEPLOYED)) return { arn, how: 'the newest older revision ecsdeploy deployed successfully' };
    if (!tagged && keys.has(TAG_MANIFEST_DIGEST)) tagged = arn;
  }
  return tagged ? { arn: tagged, how: 'the newest older revision registered by ecsdeploy' } : undefined;
}

/** The service as it runs now, read before a rollback; refused unless it exists and is ACTIVE. */
export async function readServiceToRollBack(
  ports: AwsPorts,
  service: ServiceRef,
  signal: AbortSignal,
): Promise<EcsService & { taskDefinition: string }> {
  const svc = (await describeServices(ports, [service], { signal })).find(service.cluster, service.service);
  if (svc?.status !== 'ACTIVE' || !svc.taskDefinition) {
    throw new UsageError('SERVICE_NOT_FOUND', `service ${service.service} does not exist in cluster ${service.cluster}`);
  }
  return { ...svc, taskDefinition: svc.taskDefinition };
}

/** Finds the task definition to roll back to. Throws a UsageError naming what was tried when there is none. */
export async function findRollbackTarget(
  ports: AwsPorts,
  svc: EcsService,
  cluster: string,
  to: string | undefined,
  signal: AbortSignal,
): Promise<RollbackTarget> {
  const current = svc.taskDefinition ?? '';
  if (to) return { taskDefinitionArn: await resolveExplicit(ports, current, to, signal), source: `--to ${to}` };
  const skipped: string[] = [];
  const viaDeployments = await fromServiceDeployments(ports, svc, cluster, signal, (arn) => skipped.push(arn));
  const passed = skipped.length > 0 ? ` (skipping ${skipped.map((a) => `${shortTaskDefinition(a)} is INACTIVE`).join(', ')})` : '';
  if (viaDeployments) return { taskDefinitionArn: viaDeployments, source: `the previous successful service deployment${passed}` };
  const viaTags = await fromTags(ports, current, signal);
  if (viaTags) return { taskDefinitionArn: viaTags.arn, source: `${viaTags.how}${passed}` };
  throw new UsageError('ROLLBACK_TARGET_NOT_FOUND', `found no earlier successful deployment of ${svc.serviceName} to roll back to`, {
    hint: `name one with --to REVISION (the service runs ${shortTaskDefinition(current)})`,
  });
}

/** Rolls one service back; reports like apply (apply.started … service.finished … apply.finished). */
export async function rollbackService(service: ResolvedService, deps: ApplyDeps, options: RollbackOptions): Promise<ApplyResult> {
  const run = startRun(deps, options.runId, Boolean(options.dryRun));
  const strategies = deps.strategies ?? builtInStrategies;
  const strategy = strategies(service.strategy);
  if (!strategy) throw new UsageError('STRATEGY_UNAVAILABLE', `${service.key}: ${unsupportedReason(service.strategy, strategies)}`);

  const svc = await readServiceToRollBack(deps.ports, service, deps.signal);
  const found =
    options.target ??
    (options.to ? undefined : await inFlightRollbackTarget(deps.ports, service, svc, deps.signal)) ??
    (await findRollbackTarget(deps.ports, svc, service.cluster, options.to, deps.signal));
  const base = { key: service.key, service: service.service, cluster: service.cluster };
  if (found.taskDefinitionArn === svc.taskDefinition && !found.stopsInFlight) {
    run.emit({ type: 'log', message: `${service.key} already runs ${shortTaskDefinition(svc.taskDefinition)}` });
    return finishRun(run, 'no-change', [{ ...base, outcome: 'unchanged', taskDefinitionArn: svc.taskDefinition }], { durationMs: 0 });
  }

  const timeoutMs = options.timeoutMs ?? service.timeoutMs;
  const ctx = createRunContext(deps, run, undefined, {
    concurrency: 1,
    dryRun: run.dryRun,
    force: options.force,
    onInterrupt: options.onInterrupt,
    runId: options.runId,
    ...(options.lockSettleMs !== undefined ? { lockSettleMs: options.lockSettleMs } : {}),
  });
  const target: DeployTarget = {
    ...base,
    strategy: service.strategy,
    create: false,
    taskDefinitionArn: found.taskDefinitionArn,
    previousTaskDefinitionArn: svc.taskDefinition,
    previousDeploymentId: svc.deployments?.find((d) => d.status === 'PRIMARY')?.id,
    desiredCount: undefined,
    deployment: {},
    settings: undefined,
    timeoutMs,
    // Undoing a failed rollback would put back the revision we are leaving; say what happened instead.
    onFailure: 'leave',
    purpose: 'rollback',
    ...(found.stopsInFlight ? { continuation: 'abort' as const } : {}),
  };
  // A rollback is how one gets out of a stuck deployment, so an in-progress deployment does not block it;
  // another ecsdeploy run holding the service still does. The heartbeat keeps the lock while the rollback waits.
  const deadline = runDeadline(run.startedAt, { oneOffTimeoutsMs: [], serviceTimeoutsMs: [timeoutMs] });
  const locks = await acquireLocks(ctx, touchedServices(strategy, target), { deadline, allowInProgress: true });
  let result: ServiceResult;
  try {
    run.emit({ type: 'apply.started', runId: run.runId, services: [service.key], dryRun: run.dryRun });
    run.emit({
      type: 'log',
      message: `rolling ${service.key} back from ${shortTaskDefinition(svc.taskDefinition)} to ${shortTaskDefinition(found.taskDefinitionArn)} (${found.source})`,
    });
    result = { ...base, ...(await strategy.deploy(target, ctx)) };
  } finally {
    await locks.release();
  }
  reportServiceFinished(run.emit, result, run.elapsedMs());
  const succeeded = result.outcome === 'succeeded' || (run.dryRun && result.outcome === 'skipped');
  return finishRun(run, deps.signal.aborted ? 'interrupted' : succeeded ? 'succeeded' : 'failed', [result]);
}
