/**
 * One region of the account: its state and the stepping that moves it. State advances lazily: every call first
 * moves the simulation to `clock.now()` in event-driven steps (task transitions, deployment timers, minute
 * boundaries for metrics and alarms). Only what is in motion is stepped, so thousands of idle services cost
 * nothing per call.
 */
import type { Clock } from '../../util/clock.js';
import { SandboxApiError } from '../errors.js';
import { evaluateAlarms } from './cloudwatch/alarms.js';
import { cloudwatchOperations } from './cloudwatch/index.js';
import { codedeployOperations, stepCodeDeployDeployment } from './codedeploy/index.js';
import { WorldContext } from './context.js';
import { ecsOperations } from './ecs/index.js';
import { stepService } from './ecs/scheduler.js';
import { advanceTask, pruneStoppedTasks } from './ecs/tasks.js';
import { elbv2Operations } from './elbv2/index.js';
import { eventsOperations } from './eventbridge.js';
import type { Input } from './input.js';
import type { AwsServiceId, Scenario } from './scenario.js';
import { snsOperations } from './sns.js';
import { generateTraffic } from './traffic.js';
import type { WorldState } from './types.js';

type Handler = (w: WorldContext, input: Input) => Record<string, unknown>;

const OPERATIONS: Record<AwsServiceId, Record<string, Handler>> = {
  ecs: ecsOperations,
  codedeploy: codedeployOperations,
  elbv2: elbv2Operations,
  cloudwatch: cloudwatchOperations,
  events: eventsOperations,
  sns: snsOperations,
};

/** Metric minutes older than this before "now" are not simulated when time jumps far ahead. */
const METRIC_HORIZON_MS = 6 * 3_600_000;

/** Operations that never change state (AWS's naming convention holds for every operation the sandbox has). */
const READ_ONLY_OPERATION = /^(Describe|List|Get|BatchGet)/;

export function servesOperation(service: AwsServiceId, operation: string): boolean {
  return OPERATIONS[service]?.[operation] !== undefined;
}

export class RegionWorld {
  readonly context: WorldContext;
  /** Set by state-changing calls; cleared by a step. */
  private dirty = true;
  /** Earliest time anything in motion changes, as of the last step. */
  private nextWake = Number.NEGATIVE_INFINITY;

  constructor(state: WorldState, clock: Clock, scenario: Scenario) {
    this.context = new WorldContext(state, clock, scenario);
  }

  set scenario(s: Scenario) {
    this.context.scenario = s;
    this.dirty = true;
  }

  dispatch(service: AwsServiceId, operation: string, input: Record<string, unknown>): Record<string, unknown> {
    const handler = OPERATIONS[service]?.[operation];
    if (!handler) throw new SandboxApiError('UnknownOperationException', `The sandbox does not implement ${service}:${operation}.`);
    this.advance(this.context.clock.now());
    const out = handler(this.context, input ?? {});
    // A call that may change state can set things in motion at the current instant: step again next time.
    if (!READ_ONLY_OPERATION.test(operation)) this.dirty = true;
    return out;
  }

  /** For code that changes state outside `dispatch` (seeding): the next call steps everything again. */
  invalidate(): void {
    this.dirty = true;
  }

  /** Moves the simulation to `target` (never backwards). */
  advance(target: number): void {
    const w = this.context;
    const st = w.st;
    const to = Math.max(target, st.now);
    const horizon = Math.floor((to - METRIC_HORIZON_MS) / 60_000) * 60_000;
    // Nothing changed since the last step and nothing is due before `to`: stepping would find the same state.
    // Keeps reads cheap while many services deploy (bench/sandbox-describe).
    if (!this.dirty && to < this.nextWake && to < st.cloudwatch.trafficMinute + 60_000 && st.cloudwatch.trafficMinute >= horizon) {
      st.now = to;
      return;
    }
    if (st.cloudwatch.trafficMinute < horizon) st.cloudwatch.trafficMinute = horizon;
    for (;;) {
      const boundary = st.cloudwatch.trafficMinute + 60_000;
      if (st.now >= boundary) {
        const saved = st.now;
        st.now = boundary;
        generateTraffic(w, st.cloudwatch.trafficMinute);
        evaluateAlarms(w);
        pruneStoppedTasks(w);
        st.now = saved;
        st.cloudwatch.trafficMinute = boundary;
        continue;
      }
      const wake = this.stepActive();
      const next = Math.min(wake ?? Number.POSITIVE_INFINITY, boundary);
      if (next > to) {
        this.nextWake = wake ?? Number.POSITIVE_INFINITY;
        break;
      }
      st.now = Math.max(next, st.now + 1);
    }
    this.dirty = false;
    st.now = to;
  }

  /** Steps everything in motion at the current time; returns the earliest next wake-up. */
  private stepActive(): number | undefined {
    const w = this.context;
    const active = w.st.active;
    let wake: number | undefined;
    const take = (t: number | undefined) => {
      if (t !== undefined) wake = wake === undefined ? t : Math.min(wake, t);
    };
    // CodeDeploy first: it may create task sets whose services must then be stepped.
    for (const id of [...active.deployments]) {
      const d = w.st.codedeploy.deployments[id];
      const t = d ? stepCodeDeployDeployment(w, d) : undefined;
      if (t === undefined) active.deployments = active.deployments.filter((x) => x !== id);
      take(t);
    }
    const done = new Set<string>();
    for (const arn of [...active.services]) {
      const svc = w.serviceByArn(arn);
      const t = svc ? stepService(w, svc) : undefined;
      if (t === undefined) done.add(arn);
      take(t);
    }
    if (done.size) active.services = active.services.filter((a) => !done.has(a));
    for (const arn of [...active.tasks]) {
      const task = w.st.ecs.tasks[arn];
      const t = task ? advanceTask(w, task) : undefined;
      if (t === undefined) active.tasks = active.tasks.filter((x) => x !== arn);
      take(t);
    }
    return wake;
  }
}
