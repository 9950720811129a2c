/**
 * Rolling deployment with the ECS deployment controller.
 *
 *   read service ─► Create/UpdateService ─► PRIMARY deployment id from the response ─► follow THAT deployment
 *                                                                                        │
 *      COMPLETED ─► succeeded                                                            │
 *      FAILED / gone, ECS rolled back (circuit breaker, alarms) ─► rolled-back (exit 1)  │
 *      FAILED, no ECS rollback / timeout ─► onFailure: rollback (UpdateService to the previous revision and
 *                                           follow that too) or leave ─► failed / timed-out
 *      Ctrl-C ─► onInterrupt: rollback or leave ─► interrupted
 *
 * Every outcome says which revision the service runs or is converging to (`taskDefinitionArn`, `reason`).
 */
import type { AwsPorts, EcsService } from '../aws/ports.js';
import type { StoppedTaskInfo } from '../events/types.js';
import { AwsApiError } from '../errors/index.js';
import type { DeploymentSettings, ServiceSettings } from '../model/manifest.js';
import { describeFailureDetection } from './circuit-breaker.js';
import { type FollowVerdict, followEcsDeployment } from './follow-ecs-deployment.js';
import { collectStoppedTasks } from './stopped-tasks.js';
import type { DeployResult, DeployStrategy, DeployTarget, StrategyContext } from './types.js';
import { shortTaskDefinition } from '../util/arn.js';
import { errorMessage } from '../util/error-text.js';

type UpdateServiceInput = Parameters<AwsPorts['ecs']['updateService']>[0];
type CreateServiceInput = Parameters<AwsPorts['ecs']['createService']>[0];
type DeploymentConfiguration = NonNullable<UpdateServiceInput['deploymentConfiguration']>;

/** Settings UpdateService can change on a rolling service (others need CreateService, or TagResource for tags). */
const UPDATABLE = new Set([
  'capacityProviderStrategy',
  'networkConfiguration',
  'placementConstraints',
  'placementStrategy',
  'platformVersion',
  'healthCheckGracePeriodSeconds',
  'enableExecuteCommand',
  'enableECSManagedTags',
  'propagateTags',
  'loadBalancers',
  'serviceRegistries',
  'serviceConnectConfiguration',
  'volumeConfigurations',
  'availabilityZoneRebalancing',
  'vpcLatticeConfigurations',
]);

/** How a rollback (ours or ECS's) ended: `underway` when it completed or is still converging on its revision. */
interface RollbackEnd {
  underway: boolean;
  /** The revision the service runs or converges to afterwards. */
  standsOn: string | undefined;
  text: string;
}

/** Reads (delays before each) that look for a change a failed write may have made anyway. */
const LAGGING_READS_MS = [0, 2_000, 5_000];

/** A 4xx answer other than throttling: ECS refused the request, so it changed nothing. */
function rejectedOutright(error: unknown): boolean {
  return (
    error instanceof AwsApiError && !error.throttled && error.httpStatus !== undefined && error.httpStatus >= 400 && error.httpStatus < 500
  );
}

/** How long a service we just created may still read as MISSING (the ECS API is eventually consistent). */
const CREATE_VISIBLE_MS = 60_000;

/** How long we keep watching a rollback (ours or ECS's) to say where it ended, at least. */
const MIN_ROLLBACK_WAIT_MS = 5 * 60_000;

export const rollingStrategy: DeployStrategy = {
  type: 'rolling',

  preflight(target, service) {
    const controller = service?.deploymentController?.type ?? 'ECS';
    if (!target.create && service && controller !== 'ECS') {
      return [`service ${target.service} uses the ${controller} deployment controller; the rolling strategy needs ECS`];
    }
    const stuck = cannotProgress(target, service);
    return stuck ? [stuck] : [];
  },

  async deploy(target, ctx) {
    return new RollingDeploy(target, ctx).run();
  },
};

/**
 * ECS can make no progress when it may neither start a task (maximumPercent too low) nor stop one
 * (minimumHealthyPercent too high): the deployment would hang until the timeout (aws-semantics.md §1.2).
 */
export function cannotProgress(target: DeployTarget, service: EcsService | undefined): string | undefined {
  if (service?.schedulingStrategy === 'DAEMON') return undefined;
  const desired = target.desiredCount ?? service?.desiredCount ?? 0;
  if (desired <= 0) return undefined;
  const min = target.deployment.minimumHealthyPercent ?? service?.deploymentConfiguration?.minimumHealthyPercent ?? 100;
  const max = target.deployment.maximumPercent ?? service?.deploymentConfiguration?.maximumPercent ?? 200;
  const canStop = Math.ceil((desired * min) / 100) < desired;
  const canStart = Math.floor((desired * max) / 100) > desired;
  if (canStop || canStart) return undefined;
  return (
    `${target.key}: with desiredCount ${desired}, minimumHealthyPercent ${min} and maximumPercent ${max} ECS can neither ` +
    'start nor stop a task, so the deployment could never progress; lower minimumHealthyPercent or raise maximumPercent'
  );
}

/** Merges the manifest's deployment settings over the live configuration (UpdateService replaces the object). */
export function deploymentConfiguration(
  settings: DeploymentSettings,
  live: DeploymentConfiguration | undefined,
): DeploymentConfiguration | undefined {
  const out: DeploymentConfiguration = { ...(live ?? {}) };
  let any = false;
  if (settings.minimumHealthyPercent !== undefined) {
    out.minimumHealthyPercent = settings.minimumHealthyPercent;
    any = true;
  }
  if (settings.maximumPercent !== undefined) {
    out.maximumPercent = settings.maximumPercent;
    any = true;
  }
  if (settings.circuitBreaker) {
    out.deploymentCircuitBreaker = { ...settings.circuitBreaker } as DeploymentConfiguration['deploymentCircuitBreaker'];
    any = true;
  }
  if (settings.alarms) {
    out.alarms = { ...settings.alarms, alarmNames: [...settings.alarms.alarmNames] };
    any = true;
  }
  return any ? out : undefined;
}

function updatableSettings(settings: ServiceSettings | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(settings ?? {})) if (UPDATABLE.has(k) && v !== undefined) out[k] = v;
  return out;
}

function describeUpdate(target: DeployTarget, input: Record<string, unknown>): string {
  const parts = [`taskDefinition → ${shortTaskDefinition(target.taskDefinitionArn)}`];
  if (input.desiredCount !== undefined) parts.push(`desiredCount → ${String(input.desiredCount)}`);
  const other = Object.keys(input).filter((k) => !['cluster', 'service', 'serviceName', 'taskDefinition', 'desiredCount'].includes(k));
  if (other.length) parts.push(`also ${other.join(', ')}`);
  return `${target.service} in ${target.cluster}: ${parts.join('; ')}`;
}

class RollingDeploy {
  private readonly seenEvents = new Set<string>();
  private readonly started: number;
  private eventsSince: number;

  constructor(
    private readonly t: DeployTarget,
    private readonly ctx: StrategyContext,
  ) {
    this.started = ctx.clock.now();
    // A little slack: AWS's clock and ours differ; events are deduplicated by id anyway.
    this.eventsSince = this.started - 5_000;
  }

  async run(): Promise<DeployResult> {
    const { t, ctx } = this;
    let live: EcsService | undefined;
    if (!t.create) {
      try {
        live = await ctx.watcher.next(t.cluster, t.service, 0, ctx.hardSignal);
      } catch (error) {
        return this.result('failed', t.previousTaskDefinitionArn, `could not read the service: ${errorMessage(error)}`);
      }
      if (live?.status !== 'ACTIVE') {
        return this.result(
          'failed',
          t.previousTaskDefinitionArn,
          `service ${t.service} is ${live?.status ?? 'MISSING'} in cluster ${t.cluster}`,
        );
      }
    }
    // Events already there before we touch the service are history, not news of this deployment.
    for (const e of live?.events ?? []) this.seenEvents.add(e.id ?? `${e.createdAt ? new Date(e.createdAt).getTime() : 0}:${e.message}`);
    const previous = live?.taskDefinition ?? t.previousTaskDefinitionArn;
    const previousPrimary = live?.deployments?.find((d) => d.status === 'PRIMARY')?.id ?? t.previousDeploymentId;

    // A Ctrl-C that came while the revision was being registered: start nothing new.
    if (ctx.signal.aborted) return this.result('interrupted', previous, 'interrupted before the update: the service was not changed');
    ctx.emit({ type: 'service.phase', service: t.key, phase: t.create ? 'creating' : 'updating' });
    let started: EcsService | undefined;
    try {
      started = t.create ? await this.create() : await this.update(live);
    } catch (error) {
      // A failed write may still have been applied (a server error after the change, a lost response): look
      // before saying that nothing changed.
      const op = t.create ? 'CreateService' : 'UpdateService';
      started = await this.appliedAnyway(previousPrimary, rejectedOutright(error) ? [0] : LAGGING_READS_MS);
      if (!started) return this.result('failed', previous, `${op} failed: ${errorMessage(error)}; the service was not changed`);
      ctx.emit({
        type: 'log',
        level: 'warn',
        message: `${t.key}: ${op} reported ${errorMessage(error)}, but the service shows the new deployment: following it`,
      });
    }
    if (ctx.calls.dryRun) return this.result('skipped', previous, 'dry run: no call made');
    let primary = started?.deployments?.find((d) => d.status === 'PRIMARY');
    if (!primary?.id) {
      // The update was made but its response lists no deployment (a terse proxy or emulator): the service itself
      // shows the new PRIMARY deployment of our revision, if there is one; never guess beyond that.
      const now = await this.appliedAnyway(previousPrimary, LAGGING_READS_MS);
      if (now) {
        started = now;
        primary = now.deployments?.find((d) => d.status === 'PRIMARY');
      }
    }
    if (!primary?.id) {
      return this.result('failed', t.taskDefinitionArn, 'the service reported no PRIMARY deployment after the update');
    }
    // AWS starts a new PRIMARY deployment of the new revision (aws-semantics.md §1.2). Some emulators (moto) only
    // change the service's task definition and keep the old deployment: then we may follow that deployment, but
    // only as "the same deployment", which must also converge to the desired count, and never without the
    // service itself naming our revision.
    let sameDeployment = primary.id === previousPrimary;
    if (primary.taskDefinition && primary.taskDefinition !== t.taskDefinitionArn) {
      if (started?.taskDefinition !== t.taskDefinitionArn) {
        return this.result(
          'failed',
          previous,
          `the update started no deployment of ${shortTaskDefinition(t.taskDefinitionArn)}`,
          primary.id,
        );
      }
      sameDeployment = true;
      ctx.emit({
        type: 'log',
        level: 'warn',
        message: `${t.key}: the service runs ${shortTaskDefinition(t.taskDefinitionArn)} but its PRIMARY deployment ${primary.id} names ${shortTaskDefinition(primary.taskDefinition)}; following that deployment`,
      });
    }
    ctx.emit({
      type: 'service.started',
      service: t.key,
      strategy: 'rolling',
      fromTaskDefinition: previous,
      toTaskDefinition: t.taskDefinitionArn,
      deploymentId: primary.id,
    });
    if (primary.createdAt) this.eventsSince = Math.min(this.eventsSince, new Date(primary.createdAt).getTime() - 1_000);
    const detection = describeFailureDetection(started);
    ctx.emit({
      type: 'service.phase',
      service: t.key,
      phase: 'waiting',
      detail: `deployment ${primary.id}${detection ? `; ${detection}` : ''}`,
    });

    const verdict = await followEcsDeployment(ctx, {
      key: t.key,
      cluster: t.cluster,
      service: t.service,
      deploymentId: primary.id,
      previousTaskDefinitionArn: previous,
      deadline: this.started + t.timeoutMs,
      signal: ctx.signal,
      eventsSince: this.eventsSince,
      seenEvents: this.seenEvents,
      sameDeployment,
      ...(previousPrimary && !sameDeployment ? { staleDeploymentId: previousPrimary } : {}),
      ...(t.create ? { missingIsStaleUntil: ctx.clock.now() + CREATE_VISIBLE_MS } : {}),
    });
    return this.judge(verdict, primary.id, previous);
  }

  /**
   * The service as it is now, if it runs a PRIMARY deployment of `taskDefinitionArn` (our revision unless said)
   * that was not there before. Read once per delay given: ECS reads are eventually consistent, so one read right
   * after the call may not show it.
   */
  private async appliedAnyway(
    previousPrimary: string | undefined,
    delaysMs: number[] = [0],
    taskDefinitionArn: string = this.t.taskDefinitionArn,
  ): Promise<EcsService | undefined> {
    const { t, ctx } = this;
    if (ctx.calls.dryRun) return undefined;
    for (const delay of delaysMs) {
      try {
        const svc = await ctx.watcher.next(t.cluster, t.service, delay, ctx.hardSignal);
        const primary = svc?.deployments?.find((d) => d.status === 'PRIMARY');
        if (svc?.status === 'ACTIVE' && primary?.taskDefinition === taskDefinitionArn && primary.id !== previousPrimary) return svc;
      } catch {
        return undefined;
      }
    }
    return undefined;
  }

  private async create(): Promise<EcsService | undefined> {
    const { t, ctx } = this;
    const input: CreateServiceInput = {
      ...(t.settings as Partial<CreateServiceInput>),
      cluster: t.cluster,
      serviceName: t.service,
      taskDefinition: t.taskDefinitionArn,
      ...(t.desiredCount !== undefined ? { desiredCount: t.desiredCount } : {}),
    };
    const dc = deploymentConfiguration(t.deployment, undefined);
    if (dc) input.deploymentConfiguration = dc;
    const out = await ctx.calls.mutate(
      { service: 'ECS', operation: 'CreateService', summary: `create ${describeUpdate(t, input as unknown as Record<string, unknown>)}` },
      (signal) => ctx.ports.ecs.createService(input, { signal }),
    );
    return out?.service;
  }

  private async update(live: EcsService | undefined): Promise<EcsService | undefined> {
    const { t, ctx } = this;
    const input: UpdateServiceInput = {
      ...(updatableSettings(t.settings) as Partial<UpdateServiceInput>),
      cluster: t.cluster,
      service: t.service,
      taskDefinition: t.taskDefinitionArn,
      ...(t.desiredCount !== undefined ? { desiredCount: t.desiredCount } : {}),
    };
    const dc = deploymentConfiguration(t.deployment, live?.deploymentConfiguration);
    if (dc) input.deploymentConfiguration = dc;
    const out = await ctx.calls.mutate(
      { service: 'ECS', operation: 'UpdateService', summary: describeUpdate(t, input as unknown as Record<string, unknown>) },
      (signal) => ctx.ports.ecs.updateService(input, { signal }),
    );
    const tags = t.settings?.tags;
    const arn = out?.service?.serviceArn ?? live?.serviceArn;
    if (tags && tags.length > 0 && (arn || ctx.calls.dryRun)) {
      // The update is made: a tag that cannot be written is a warning, not a failed deployment.
      await ctx.calls
        .mutate({ service: 'ECS', operation: 'TagResource', summary: `tag ${t.service}: ${tags.map((x) => x.key).join(', ')}` }, (signal) =>
          ctx.ports.ecs.tagResource({ resourceArn: arn, tags }, { signal }),
        )
        .catch((error: unknown) =>
          ctx.emit({ type: 'log', level: 'warn', message: `${t.key}: could not tag the service: ${errorMessage(error)}` }),
        );
    }
    const remove = t.removeTags ?? [];
    if (remove.length > 0 && (arn || ctx.calls.dryRun)) {
      await ctx.calls
        .mutate({ service: 'ECS', operation: 'UntagResource', summary: `untag ${t.service}: ${remove.join(', ')}` }, (signal) =>
          ctx.ports.ecs.untagResource({ resourceArn: arn, tagKeys: remove }, { signal }),
        )
        .catch((error: unknown) =>
          ctx.emit({ type: 'log', level: 'warn', message: `${t.key}: could not untag the service: ${errorMessage(error)}` }),
        );
    }
    return out?.service;
  }

  private async judge(verdict: FollowVerdict, deploymentId: string, previous: string | undefined): Promise<DeployResult> {
    const { t } = this;
    const to = shortTaskDefinition(t.taskDefinitionArn);
    switch (verdict.kind) {
      case 'completed':
        return this.result('succeeded', t.taskDefinitionArn, undefined, deploymentId);
      case 'failed': {
        const stopped = await this.stoppedTasks();
        if (verdict.rollback && (!previous || verdict.rollback.taskDefinition === previous)) {
          return this.watchEcsRollback(verdict.reason, verdict.rollback.id ?? '', verdict.rollback.taskDefinition, deploymentId, stopped);
        }
        if (verdict.rollback) {
          // Someone else's deployment took over after ours failed: say so, and do not fight it.
          const by = `${verdict.rollback.id} (${shortTaskDefinition(verdict.rollback.taskDefinition)})`;
          return this.result(
            'failed',
            verdict.rollback.taskDefinition,
            `deployment ${deploymentId} failed: ${verdict.reason}; ${by} is PRIMARY now`,
            deploymentId,
            stopped,
          );
        }
        return this.onFailure(`deployment ${deploymentId} failed: ${verdict.reason}`, 'failed', deploymentId, previous, stopped);
      }
      case 'rolled-back': {
        const stopped = await this.stoppedTasks();
        return this.watchEcsRollback(verdict.reason, verdict.rollback.id ?? '', verdict.rollback.taskDefinition, deploymentId, stopped);
      }
      case 'replaced':
        // Someone else's deployment owns the service now; undoing it would fight them.
        return this.result('failed', verdict.by?.taskDefinition, verdict.reason, deploymentId);
      case 'missing':
        return this.result('failed', undefined, verdict.reason, deploymentId);
      case 'error':
        return this.result(
          'failed',
          t.taskDefinitionArn,
          `${verdict.reason}; deployment ${deploymentId} to ${to} may still be in progress`,
          deploymentId,
        );
      case 'timeout': {
        const stopped = await this.stoppedTasks();
        const why = `deployment ${deploymentId} to ${to} did not complete within ${Math.round(t.timeoutMs / 1000)}s`;
        return this.onFailure(why, 'timed-out', deploymentId, previous, stopped);
      }
      case 'interrupted':
        return this.onInterrupt(deploymentId, previous);
    }
  }

  /** ECS itself is rolling back (circuit breaker / alarm rollback): watch it settle so we can say where it ended. */
  private async watchEcsRollback(
    reason: string,
    rollbackId: string,
    rollbackTo: string | undefined,
    deploymentId: string,
    stopped: StoppedTaskInfo[],
  ): Promise<DeployResult> {
    const { ctx, t } = this;
    ctx.emit({
      type: 'service.phase',
      service: t.key,
      phase: 'rolling-back',
      detail: `ECS rolls back to ${shortTaskDefinition(rollbackTo)} (${rollbackId})`,
    });
    const end = await this.followRollback(rollbackId, rollbackTo, ctx.signal);
    if (!end.underway) {
      return this.result(
        'failed',
        end.standsOn,
        `${reason}; ECS tried to roll back to ${shortTaskDefinition(rollbackTo)} but ${end.text}`,
        deploymentId,
        stopped,
      );
    }
    return this.result(
      'rolled-back',
      rollbackTo,
      `${reason}; ECS rolled back to ${shortTaskDefinition(rollbackTo)} (${end.text})`,
      deploymentId,
      stopped,
    );
  }

  private async onFailure(
    why: string,
    outcome: 'failed' | 'timed-out',
    deploymentId: string,
    previous: string | undefined,
    stopped: StoppedTaskInfo[],
  ): Promise<DeployResult> {
    const { t } = this;
    if (t.onFailure === 'leave' || !previous || previous === t.taskDefinitionArn) {
      const left = !previous || previous === t.taskDefinitionArn ? 'no previous revision to roll back to' : 'onFailure: leave';
      return this.result(
        outcome,
        t.taskDefinitionArn,
        `${why}; left as it is (${left}), deployment ${deploymentId} stays`,
        deploymentId,
        stopped,
      );
    }
    const end = await this.rollBack(previous, deploymentId, this.ctx.signal);
    if (!end.underway) {
      // The rollback could not be made or did not hold: say where the service is, never "rolled back".
      return this.result(
        outcome,
        end.standsOn,
        `${why}; tried to roll back to ${shortTaskDefinition(previous)} but ${end.text}`,
        deploymentId,
        stopped,
      );
    }
    // A timeout stays a timeout (the operator wants to know it was slow, not broken); a failure we undid is rolled-back.
    return this.result(
      outcome === 'failed' ? 'rolled-back' : outcome,
      previous,
      `${why}; rolled back to ${shortTaskDefinition(previous)} (${end.text})`,
      deploymentId,
      stopped,
    );
  }

  private async onInterrupt(deploymentId: string, previous: string | undefined): Promise<DeployResult> {
    const { t, ctx } = this;
    const to = shortTaskDefinition(t.taskDefinitionArn);
    if (ctx.onInterrupt === 'leave' || !previous || previous === t.taskDefinitionArn) {
      return this.result(
        'interrupted',
        t.taskDefinitionArn,
        `interrupted; deployment ${deploymentId} to ${to} left in progress (ECS carries on)`,
        deploymentId,
      );
    }
    const end = await this.rollBack(previous, deploymentId, ctx.hardSignal);
    if (!end.underway) {
      return this.result(
        'interrupted',
        end.standsOn,
        `interrupted; tried to roll back to ${shortTaskDefinition(previous)} but ${end.text}`,
        deploymentId,
      );
    }
    return this.result('interrupted', previous, `interrupted; rolled back to ${shortTaskDefinition(previous)} (${end.text})`, deploymentId);
  }

  /** UpdateService back to `previous` and follow that deployment; returns how it ended. */
  private async rollBack(previous: string, from: string, signal: AbortSignal): Promise<RollbackEnd> {
    const { t, ctx } = this;
    ctx.emit({ type: 'service.phase', service: t.key, phase: 'rolling-back', detail: `UpdateService to ${shortTaskDefinition(previous)}` });
    let out: EcsService | undefined;
    try {
      out = (
        await ctx.calls.mutate(
          {
            service: 'ECS',
            operation: 'UpdateService',
            summary: `roll ${t.service} in ${t.cluster} back to ${shortTaskDefinition(previous)}`,
          },
          (s) => ctx.ports.ecs.updateService({ cluster: t.cluster, service: t.service, taskDefinition: previous }, { signal: s }),
        )
      )?.service;
    } catch (error) {
      // As for the update itself: a failed write may still have been applied; look before saying it was not.
      out = rejectedOutright(error) ? undefined : await this.appliedAnyway(from, LAGGING_READS_MS, previous);
      // Nothing changed: the service stays on (or converging to) the revision we deployed.
      if (!out) return { underway: false, standsOn: t.taskDefinitionArn, text: `the rollback call failed: ${errorMessage(error)}` };
      ctx.emit({
        type: 'log',
        level: 'warn',
        message: `${t.key}: the rollback UpdateService reported ${errorMessage(error)}, but the service shows the rollback deployment: following it`,
      });
    }
    let id = out?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
    if (!id) id = (await this.appliedAnyway(from, LAGGING_READS_MS, previous))?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
    if (!id) return { underway: true, standsOn: previous, text: 'rollback requested' };
    // Until reads catch up, the deployment we roll back from may still show as PRIMARY.
    return this.followRollback(id, previous, signal, id === from ? undefined : from);
  }

  private async followRollback(id: string, to: string | undefined, signal: AbortSignal, staleDeploymentId?: string): Promise<RollbackEnd> {
    const { t, ctx } = this;
    const deadline = ctx.clock.now() + Math.max(t.timeoutMs, MIN_ROLLBACK_WAIT_MS);
    const v = await followEcsDeployment(ctx, {
      key: t.key,
      cluster: t.cluster,
      service: t.service,
      deploymentId: id,
      previousTaskDefinitionArn: undefined,
      deadline,
      signal,
      eventsSince: this.eventsSince,
      seenEvents: this.seenEvents,
      ...(staleDeploymentId ? { staleDeploymentId } : {}),
    });
    switch (v.kind) {
      case 'completed':
        return { underway: true, standsOn: to, text: `rollback deployment ${id} completed` };
      case 'interrupted':
        return { underway: true, standsOn: to, text: `rollback deployment ${id} in progress, not waited for` };
      case 'timeout':
        return { underway: true, standsOn: to, text: `rollback deployment ${id} still in progress` };
      case 'replaced':
        return { underway: false, standsOn: v.by?.taskDefinition, text: `rollback deployment ${id} did not complete: ${v.reason}` };
      case 'missing':
        return { underway: false, standsOn: undefined, text: `rollback deployment ${id} did not complete: ${v.reason}` };
      case 'rolled-back':
        return { underway: false, standsOn: v.rollback.taskDefinition, text: `rollback deployment ${id} did not complete: ${v.reason}` };
      case 'failed':
        // The service runs `to`, failing, unless ECS in turn rolled back to its last COMPLETED deployment.
        return {
          underway: false,
          standsOn: v.rollback?.taskDefinition ?? to,
          text: `rollback deployment ${id} to ${shortTaskDefinition(to)} did not complete: ${v.reason}`,
        };
      case 'error':
        return {
          underway: false,
          standsOn: to,
          text: `rollback deployment ${id} to ${shortTaskDefinition(to)} did not complete: ${v.reason}`,
        };
    }
  }

  private stoppedTasks(): Promise<StoppedTaskInfo[]> {
    const { t, ctx } = this;
    return collectStoppedTasks(
      ctx.ports,
      { cluster: t.cluster, service: t.service, taskDefinitionArn: t.taskDefinitionArn },
      ctx.hardSignal,
    );
  }

  private result(
    outcome: DeployResult['outcome'],
    taskDefinitionArn: string | undefined,
    reason?: string,
    deploymentId?: string,
    stoppedTasks?: StoppedTaskInfo[],
  ): DeployResult {
    return {
      outcome,
      taskDefinitionArn,
      ...(deploymentId ? { deploymentId } : {}),
      ...(reason ? { reason } : {}),
      ...(stoppedTasks && stoppedTasks.length > 0 ? { stoppedTasks } : {}),
    };
  }
}
