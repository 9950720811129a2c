/**
 * Follows ONE CodeDeploy ECS deployment, by id: GetDeployment for its status, and its one deployment target
 * (ListDeploymentTargets once, then BatchGetDeploymentTargets) for the lifecycle events and the blue and green
 * task sets with their traffic weights (aws-semantics.md §2.3). Every change is emitted once: a lifecycle event's
 * status as `codedeploy.lifecycle`, a new production weight as `traffic.shifted`.
 *
 *   read ─► emit what changed ─► stage: installing · test-traffic · ready-wait · shifting · termination-wait · final
 *     ▲                                    └─ the caller's `until(stage)`? return it
 *     └── wait (the clock, the signal) ◄── not yet: deadline? timeout : poll again
 *
 * Every AWS enum is open (§7.2): a status or lifecycle state this code does not know is shown as it is and read as
 * "still in progress", never a crash and never a verdict. Where the deployment is in its termination wait is read
 * from the lifecycle (AllowTraffic Succeeded, the deployment not final), not from
 * `instanceTerminationWaitTimeStarted`, which never flips for ECS (containers-roadmap #269).
 */
import type { AwsPorts } from '../aws/ports.js';
import type { EventInput } from '../events/types.js';
import type { Clock } from '../util/clock.js';
import { errorMessage } from '../util/error-text.js';

/** The statuses a deployment ends in (§2.3). */
const FINAL = new Set(['Succeeded', 'Failed', 'Stopped']);
/** Between two looks at a deployment; CodeDeploy moves in steps of seconds to minutes. */
const POLL_MS = 5_000;
/** Consecutive failed reads after which the follow gives up (the deployment goes on regardless). */
const MAX_READ_ERRORS = 5;

interface LifecycleEventView {
  name: string;
  status: string;
  diagnostics?: { errorCode?: string; scriptName?: string; message?: string };
}

interface TaskSetView {
  /** `Blue` (original) or `Green` (replacement), as CodeDeploy labels them. */
  label: string;
  status: string;
  /** Share of production traffic, in percent. */
  weight: number;
  targetGroup: string;
  running: number;
  desired: number;
}

/** One look at a deployment. */
export interface DeploymentView {
  id: string;
  status: string;
  error?: { code?: string; message?: string };
  /** Set when the deployment was rolled back (rerouted to the original task set). */
  rollbackMessage?: string;
  description?: string;
  lifecycle: LifecycleEventView[];
  taskSets: TaskSetView[];
}

export type DeploymentStage = 'installing' | 'test-traffic' | 'ready-wait' | 'shifting' | 'termination-wait' | 'final';

function eventStatus(view: DeploymentView, name: string): string | undefined {
  return view.lifecycle.find((e) => e.name === name)?.status;
}

/** Where a deployment stands, read from its status and lifecycle (unknown statuses read as in progress). */
export function stageOf(view: DeploymentView): DeploymentStage {
  if (FINAL.has(view.status)) return 'final';
  if (view.status === 'Ready') return 'ready-wait';
  if (eventStatus(view, 'AllowTraffic') === 'Succeeded') return 'termination-wait';
  if (eventStatus(view, 'AllowTraffic') === 'InProgress' || productionWeight(view) > 0) return 'shifting';
  if (eventStatus(view, 'AllowTestTraffic') === 'Succeeded') return 'test-traffic';
  return 'installing';
}

/** The replacement's share of production traffic, in percent (0 before the shift, or when unknown). */
export function productionWeight(view: DeploymentView): number {
  return view.taskSets.find((t) => t.label === 'Green')?.weight ?? 0;
}

/** The lifecycle event that failed, with its diagnostics, in one line; undefined when none did. */
function failedEvent(view: DeploymentView): string | undefined {
  const e = view.lifecycle.find((x) => x.status === 'Failed');
  if (!e) return undefined;
  const d = e.diagnostics;
  const why = [d?.scriptName ? `hook ${d.scriptName}` : undefined, d?.errorCode, d?.message].filter(Boolean).join(': ');
  return `${e.name} failed${why ? ` (${why})` : ''}`;
}

/** What went wrong, in one line: the error, the failed lifecycle event, and whether traffic went back. */
export function describeEnd(view: DeploymentView): string {
  const parts = [
    `CodeDeploy deployment ${view.id} ${view.status}`,
    view.error?.code || view.error?.message
      ? `${view.error.code ?? ''}${view.error.code && view.error.message ? ': ' : ''}${view.error.message ?? ''}`
      : undefined,
    failedEvent(view),
    view.rollbackMessage,
  ];
  return parts.filter(Boolean).join('; ');
}

/** Reads a deployment and its ECS target; remembers the target's id after the first look. */
export class DeploymentReader {
  private targetId: string | undefined;

  constructor(
    private readonly ports: AwsPorts,
    readonly deploymentId: string,
  ) {}

  async read(signal: AbortSignal): Promise<DeploymentView> {
    const o = { signal };
    const info = (await this.ports.codedeploy.getDeployment({ deploymentId: this.deploymentId }, o)).deploymentInfo;
    const view: DeploymentView = {
      id: this.deploymentId,
      status: info?.status ?? 'Unknown',
      lifecycle: [],
      taskSets: [],
      ...(info?.errorInformation ? { error: { code: info.errorInformation.code, message: info.errorInformation.message } } : {}),
      ...(info?.rollbackInfo?.rollbackMessage ? { rollbackMessage: info.rollbackInfo.rollbackMessage } : {}),
      ...(info?.description ? { description: info.description } : {}),
    };
    if (!this.targetId) {
      // The target appears once CodeDeploy picked the deployment up; until then there is nothing more to read.
      const listed = await this.ports.codedeploy.listDeploymentTargets({ deploymentId: this.deploymentId }, o).catch(() => undefined);
      this.targetId = listed?.targetIds?.[0];
      if (!this.targetId) return view;
    }
    const out = await this.ports.codedeploy.batchGetDeploymentTargets({ deploymentId: this.deploymentId, targetIds: [this.targetId] }, o);
    const ecs = out.deploymentTargets?.[0]?.ecsTarget;
    view.lifecycle = (ecs?.lifecycleEvents ?? []).map((e) => ({
      name: e.lifecycleEventName ?? '?',
      status: e.status ?? 'Unknown',
      ...(e.diagnostics
        ? {
            diagnostics: {
              ...(e.diagnostics.errorCode ? { errorCode: e.diagnostics.errorCode } : {}),
              ...(e.diagnostics.scriptName ? { scriptName: e.diagnostics.scriptName } : {}),
              ...(e.diagnostics.message ? { message: e.diagnostics.message } : {}),
            },
          }
        : {}),
    }));
    view.taskSets = (ecs?.taskSetsInfo ?? []).map((t) => ({
      label: t.taskSetLabel ?? '?',
      status: t.status ?? 'Unknown',
      weight: t.trafficWeight ?? 0,
      targetGroup: t.targetGroup?.name ?? '',
      running: t.runningCount ?? 0,
      desired: t.desiredCount ?? 0,
    }));
    return view;
  }
}

/** What the run shares while it follows one deployment: the reader, and what was shown already (each change once). */
export class DeploymentWatch {
  readonly reader: DeploymentReader;
  private readonly shownEvents = new Map<string, string>();
  private shownWeight: number | undefined;
  last: DeploymentView | undefined;
  /** The most production traffic the replacement carried in any read, in percent. */
  maxProductionWeight = 0;

  constructor(
    ports: AwsPorts,
    readonly deploymentId: string,
    private readonly service: string,
    private readonly emit: (event: EventInput) => void,
  ) {
    this.reader = new DeploymentReader(ports, deploymentId);
  }

  /** Reads once and emits what changed since the last read. */
  async look(signal: AbortSignal): Promise<DeploymentView> {
    const view = await this.reader.read(signal);
    this.last = view;
    for (const e of view.lifecycle) {
      if (this.shownEvents.get(e.name) === e.status) continue;
      const first = !this.shownEvents.has(e.name);
      this.shownEvents.set(e.name, e.status);
      // Events still Pending when first seen are not news.
      if (first && e.status === 'Pending') continue;
      this.emit({
        type: 'codedeploy.lifecycle',
        service: this.service,
        deploymentId: this.deploymentId,
        event: e.name,
        status: e.status,
        ...(e.diagnostics ? { diagnostics: e.diagnostics } : {}),
        level: e.status === 'Failed' ? 'error' : 'info',
      });
    }
    this.maxProductionWeight = Math.max(this.maxProductionWeight, productionWeight(view));
    const green = view.taskSets.find((t) => t.label === 'Green');
    const blue = view.taskSets.find((t) => t.label === 'Blue');
    if (green && blue && green.weight !== this.shownWeight && (this.shownWeight !== undefined || green.weight > 0)) {
      this.shownWeight = green.weight;
      this.emit({
        type: 'traffic.shifted',
        service: this.service,
        weights: { [blue.targetGroup]: blue.weight, [green.targetGroup]: green.weight },
      });
    }
    return view;
  }
}

export type FollowResult =
  /** `until` held (or the deployment ended): the view that showed it. */
  | { kind: 'reached'; view: DeploymentView }
  | { kind: 'timeout'; view: DeploymentView | undefined }
  | { kind: 'interrupted'; view: DeploymentView | undefined }
  /** Reading failed MAX_READ_ERRORS times in a row. */
  | { kind: 'error'; reason: string; view: DeploymentView | undefined };

export interface FollowOptions {
  clock: Clock;
  /** Aborting it ends the follow with `interrupted`. */
  signal: AbortSignal;
  /** Reads are made with this signal (the hard one: a first Ctrl-C never cuts a read in half). */
  readSignal: AbortSignal;
  /** Epoch ms; `timeout` after it. */
  deadline: number;
  /** Stop following when this holds; a final deployment always stops it. */
  until(view: DeploymentView, stage: DeploymentStage): boolean;
}

/** Follows the deployment until `until` holds or it is final, the deadline passes, or the signal aborts. */
export async function followDeployment(watch: DeploymentWatch, o: FollowOptions): Promise<FollowResult> {
  let errors = 0;
  let lastError = '';
  for (let first = true; ; first = false) {
    if (o.signal.aborted) return { kind: 'interrupted', view: watch.last };
    if (!first) {
      const remaining = o.deadline - o.clock.now();
      if (remaining <= 0) return { kind: 'timeout', view: watch.last };
      try {
        await o.clock.sleep(Math.min(POLL_MS, remaining), o.signal);
      } catch {
        return { kind: 'interrupted', view: watch.last };
      }
    }
    let view: DeploymentView;
    try {
      view = await watch.look(o.readSignal);
      errors = 0;
    } catch (error) {
      errors += 1;
      lastError = errorMessage(error);
      if (errors >= MAX_READ_ERRORS) {
        return { kind: 'error', reason: `could not read deployment ${watch.deploymentId}: ${lastError}`, view: watch.last };
      }
      continue;
    }
    const stage = stageOf(view);
    if (stage === 'final' || o.until(view, stage)) return { kind: 'reached', view };
  }
}
