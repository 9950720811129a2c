/**
 * What a one-off task runs from: a service's or a task-only family's task definition, with where and how it runs
 * (cluster, network configuration, capacity provider strategy or launch type, platform version). `before:`, gate
 * task checks and `ecsdeploy run` all name it by its manifest key, in one namespace.
 */
import type { EcsService } from '../aws/ports.js';
import type { TaskDefinitionInput } from '../model/task-definition.js';
import type { Plan, ServicePlan, TaskPlan } from '../plan/types.js';
import type { EngineContext } from './context.js';
import { taskDefinitionFor, taskFamilyRevision } from './register.js';

type RunTaskInput = Parameters<EngineContext['ports']['ecs']['runTask']>[0];

/** RunTask's placement members. */
export type Placement = Pick<RunTaskInput, 'networkConfiguration' | 'capacityProviderStrategy' | 'launchType' | 'platformVersion'>;

export interface TaskSource {
  /** The manifest key (of a service, or of a task under `tasks:`). */
  key: string;
  kind: 'service' | 'task';
  /** Undefined when a task family names none (then it cannot be run). */
  cluster: string | undefined;
  /** The desired task definition: its containers, which are essential, and their log configuration. */
  taskDefinition: TaskDefinitionInput;
  /** The revision it runs now, without registering anything; undefined when there is none. */
  liveRevision: string | undefined;
  /** The revision to run after this run's registration: registered once (when changed), shared with its owner. */
  revision(ctx: EngineContext): Promise<string>;
  /** Where and how it runs: the manifest's settings, else the live service's. */
  placement(ctx: EngineContext): Promise<Placement>;
}

function fromService(sp: ServicePlan): TaskSource {
  return {
    key: sp.key,
    kind: 'service',
    cluster: sp.cluster,
    taskDefinition: sp.desired.taskDefinition,
    liveRevision: sp.live?.taskDefinitionArn,
    revision: (ctx) => taskDefinitionFor(ctx, sp),
    async placement(ctx) {
      const live: EcsService | undefined = sp.live ? await ctx.watcher.next(sp.cluster, sp.service, 0, ctx.hardSignal) : undefined;
      const desired = sp.desired.service;
      return placementOf({
        networkConfiguration: desired.networkConfiguration ?? live?.networkConfiguration,
        capacityProviderStrategy: desired.capacityProviderStrategy ?? live?.capacityProviderStrategy,
        launchType: desired.launchType ?? live?.launchType,
        platformVersion: desired.platformVersion ?? live?.platformVersion,
      });
    },
  };
}

function fromTask(tp: TaskPlan): TaskSource {
  return {
    key: tp.key,
    kind: 'task',
    cluster: tp.cluster,
    taskDefinition: tp.desired.taskDefinition,
    liveRevision: tp.live?.taskDefinitionArn,
    revision: (ctx) => taskFamilyRevision(ctx, tp),
    placement: async () => placementOf(tp.desired.run),
  };
}

/** A capacity provider strategy wins over a launch type (RunTask refuses both). */
function placementOf(p: {
  networkConfiguration?: unknown;
  capacityProviderStrategy?: unknown;
  launchType?: unknown;
  platformVersion?: unknown;
}): Placement {
  const out: Placement = {};
  if (p.networkConfiguration) out.networkConfiguration = p.networkConfiguration as Placement['networkConfiguration'];
  const cps = p.capacityProviderStrategy as Placement['capacityProviderStrategy'];
  if (cps && cps.length > 0) out.capacityProviderStrategy = cps;
  else if (typeof p.launchType === 'string') out.launchType = p.launchType as Placement['launchType'];
  if (typeof p.platformVersion === 'string') out.platformVersion = p.platformVersion;
  return out;
}

/** The service or task-only family of the plan named `key`. */
export function taskSourceFor(plan: Plan, key: string): TaskSource | undefined {
  const sp = plan.services.find((s) => s.key === key);
  if (sp) return fromService(sp);
  const tp = plan.tasks?.find((t) => t.key === key);
  return tp ? fromTask(tp) : undefined;
}
