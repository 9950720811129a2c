/**
 * The ECS blue/green lifecycle of one CodeDeploy deployment (§2), as named steps, one per phase:
 *
 *   Created ──pickUp──► CreateReplacement ──► Install ──awaitReplacement──► AllowTestTraffic ──► AwaitReady
 *     ──► [ReadyWait ──awaitContinue──►] BeforeAllowTraffic ──► StartTrafficShift ──► AllowTraffic ──shiftTraffic──►
 *     EnterTerminationWait ──► TerminationWait ──terminateOriginal──► done
 *
 * Where the AppSpec names a Lambda function for a lifecycle event (BeforeInstall, AfterInstall,
 * AfterAllowTestTraffic, BeforeAllowTraffic, AfterAllowTraffic), the deployment passes through `Hook` between two
 * phases: the event is InProgress until the function answers (what it answers, and when, comes from the scenario's
 * `hooks`; no rule: Succeeded at once). A Failed answer fails the deployment (HOOK_EXECUTION_FAILURE), rolled back
 * when the group says so, except at BeforeInstall, where nothing is installed yet (§2.1); no answer within an hour
 * fails it too.
 *
 * A step either moves the deployment to its next phase (the next step then runs at once), waits (and says when
 * to look again), or ends the deployment. Group alarms are checked before any step (§2.5).
 */
import type { WorldContext } from '../context.js';
import { computedDesiredCount } from '../ecs/scheduler.js';
import { createTaskSet } from '../ecs/task-sets.js';
import { countsHealthy, isLive } from '../ecs/tasks.js';
import { codeDeployHookAnswer } from '../scenario.js';
import type {
  CodeDeployDeploymentState,
  CodeDeployPhase,
  CodeDeployStatus,
  HookEventName,
  LifecycleEventDiagnostics,
  LifecycleEventName,
  LifecycleEventStatus,
  ServiceState,
} from '../types.js';
import { trafficConfig } from './configs.js';
import { autoRollbackOn, type GroupSettings, groupOf, groupService, groupSettings } from './group.js';
import { rerouteToOriginal, routeTestTrafficToGreen, shiftProductionTo, taskSetById } from './traffic.js';

/** The lifecycle events in the order CodeDeploy runs them. */
export const LIFECYCLE_EVENTS: readonly LifecycleEventName[] = [
  'BeforeInstall',
  'Install',
  'AfterInstall',
  'AllowTestTraffic',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AllowTraffic',
  'AfterAllowTraffic',
];

const TERMINAL: ReadonlySet<CodeDeployStatus> = new Set(['Succeeded', 'Failed', 'Stopped']);
/** An Install that does not reach a steady replacement in an hour fails (§2.5 lifecycle event limit). */
const INSTALL_TIMEOUT_MS = 3_600_000;
/** CodeDeploy picks a new deployment up a moment after it is created. */
const PICK_UP_MS = 1000;
/** A hook's function that does not answer within an hour fails its event (§2.1). */
const HOOK_TIMEOUT_MS = 3_600_000;
/** How long a hook's function takes to answer when the scenario does not say. */
const HOOK_ANSWER_MS = 1000;
/** More steps than phases in one call means a step keeps moving the deployment back: stop there. */
const MAX_STEPS_PER_CALL = 20;

export function isTerminal(d: CodeDeployDeploymentState): boolean {
  return TERMINAL.has(d.status);
}

/** What a step works on. `wakeAt` asks for another look at a given time. */
interface StepContext {
  w: WorldContext;
  d: CodeDeployDeploymentState;
  settings: GroupSettings;
  svc: ServiceState;
  wakeAt(t: number): void;
}

/** `ended`: the deployment is over; otherwise the phase it is in now tells whether the step moved it on. */
type StepResult = 'continue' | 'ended';
type Step = (s: StepContext) => StepResult;

function markEvent(
  w: WorldContext,
  d: CodeDeployDeploymentState,
  name: LifecycleEventName,
  status: LifecycleEventStatus,
  diagnostics?: LifecycleEventDiagnostics,
): void {
  const e = d.lifecycleEvents.find((x) => x.lifecycleEventName === name);
  if (!e) return;
  if (diagnostics) e.diagnostics = diagnostics;
  if (status === 'InProgress' && e.startTime === undefined) e.startTime = w.now;
  if (status === 'Succeeded' || status === 'Failed') {
    e.startTime = e.startTime ?? w.now;
    e.endTime = w.now;
  }
  e.status = status;
}

function enterPhase(w: WorldContext, d: CodeDeployDeploymentState, phase: CodeDeployPhase): void {
  d.phase = phase;
  d.phaseSince = w.now;
}

/** Ends the deployment: the running event fails, the pending ones are skipped, traffic goes back on rollback. */
export function endDeployment(
  w: WorldContext,
  d: CodeDeployDeploymentState,
  status: 'Failed' | 'Stopped',
  error: { code: string; message: string },
  rollback: boolean,
): void {
  const g = groupOf(w, d);
  const settings = g ? groupSettings(g) : undefined;
  const svc = settings ? groupService(w, settings) : undefined;
  d.status = status;
  d.completeTime = w.now;
  d.errorInformation = error;
  d.phase = 'done';
  d.hook = undefined;
  for (const e of d.lifecycleEvents) {
    if (e.status === 'InProgress') markEvent(w, d, e.lifecycleEventName, 'Failed');
    else if (e.status === 'Pending') e.status = 'Skipped';
  }
  if (rollback) rerouteToOriginal(w, d, settings, svc);
}

// ---------------------------------------------------------------------------------------------- the steps

/**
 * Runs the Lambda hook of `event`, if the AppSpec names one, then goes on to `then`. The event is InProgress until
 * the function's answer (from the scenario) arrives; without a hook it succeeds at once.
 */
function enterHook(w: WorldContext, d: CodeDeployDeploymentState, event: HookEventName, then: CodeDeployPhase): void {
  const fn = d.hooks?.[event];
  if (!fn) {
    markEvent(w, d, event, 'Succeeded');
    enterPhase(w, d, then);
    return;
  }
  markEvent(w, d, event, 'InProgress');
  const rule = codeDeployHookAnswer(w.scenario, fn, event);
  const answer = rule?.status ?? 'Succeeded';
  d.hook =
    answer === 'Pending'
      ? { event, then, answerAt: w.now + HOOK_TIMEOUT_MS, answer: 'TimedOut' }
      : {
          event,
          then,
          answerAt: w.now + (rule?.seconds !== undefined ? rule.seconds * 1000 : HOOK_ANSWER_MS),
          answer,
          ...(rule?.message !== undefined ? { message: rule.message } : {}),
        };
  enterPhase(w, d, 'Hook');
}

/** Hook: waits for the function's answer; Failed (or none within an hour) fails the deployment. */
const awaitHook: Step = ({ w, d, settings, wakeAt }) => {
  const hook = d.hook;
  if (!hook) {
    enterPhase(w, d, 'done');
    return 'ended';
  }
  if (w.now < hook.answerAt) {
    wakeAt(hook.answerAt);
    return 'continue';
  }
  d.hook = undefined;
  if (hook.answer === 'Succeeded') {
    markEvent(w, d, hook.event, 'Succeeded');
    enterPhase(w, d, hook.then);
    return 'continue';
  }
  const fn = d.hooks?.[hook.event] ?? '';
  const timedOut = hook.answer === 'TimedOut';
  const message = timedOut
    ? `The Lambda function ${fn} did not report the ${hook.event} hook's status within an hour.`
    : (hook.message ?? `The Lambda function ${fn} reported Failed for the ${hook.event} hook.`);
  markEvent(w, d, hook.event, 'Failed', { errorCode: timedOut ? 'Timeout' : 'ScriptFailed', scriptName: fn, message, logTail: '' });
  const error = {
    code: timedOut ? 'TIMEOUT' : 'HOOK_EXECUTION_FAILURE',
    message: `The deployment failed because a lifecycle event hook failed: ${hook.event} (${fn}). ${message}`,
  };
  // Nothing is installed before Install: a BeforeInstall failure has nothing to roll back (§2.1).
  const rollback = hook.event !== 'BeforeInstall' && autoRollbackOn(d, settings, 'DEPLOYMENT_FAILURE');
  endDeployment(w, d, 'Failed', error, rollback);
  return 'ended';
};

/** Created: the deployment starts, with the BeforeInstall hook. */
const pickUp: Step = ({ w, d, wakeAt }) => {
  if (w.now < d.createTime + PICK_UP_MS) {
    wakeAt(d.createTime + PICK_UP_MS);
    return 'continue';
  }
  d.status = 'InProgress';
  d.startTime = w.now;
  enterHook(w, d, 'BeforeInstall', 'CreateReplacement');
  return 'continue';
};

/** CreateReplacement: starts the replacement (green) task set behind the target group blue does not use. */
const createReplacement: Step = ({ w, d, settings, svc }) => {
  markEvent(w, d, 'Install', 'InProgress');
  const blue = svc.taskSets.find((t) => t.status === 'PRIMARY');
  const tgArns = settings.targetGroups
    .map((n) => Object.values(w.st.elbv2.targetGroups).find((t) => t.name === n)?.arn)
    .filter((x): x is string => x !== undefined);
  const blueTg = String(blue?.loadBalancers[0]?.targetGroupArn ?? tgArns[0] ?? '');
  const greenTg = tgArns.find((a) => a !== blueTg) ?? blueTg;
  d.blueTaskSetId = blue?.id;
  d.blueTargetGroup = blueTg;
  d.greenTargetGroup = greenTg;
  const r = d.replacement ?? {};
  const green = createTaskSet(w, svc, d.taskDefinition, {
    status: 'ACTIVE',
    scale: 100,
    loadBalancers: [{ targetGroupArn: greenTg, containerName: d.containerName, containerPort: d.containerPort }],
    externalId: d.deploymentId,
    startedBy: 'CODE_DEPLOY',
    ...(r.networkConfiguration ? { networkConfiguration: r.networkConfiguration } : {}),
    ...(r.platformVersion ? { platformVersion: r.platformVersion } : {}),
    ...(r.capacityProviderStrategy ? { capacityProviderStrategy: r.capacityProviderStrategy } : {}),
  });
  d.greenTaskSetId = green.id;
  enterPhase(w, d, 'Install');
  return 'continue';
};

/** Install: waits for every green task to be healthy, then the AfterInstall hook. */
const awaitReplacement: Step = ({ w, d, settings, svc, wakeAt }) => {
  const green = taskSetById(svc, d.greenTaskSetId);
  const tasks = svc.taskArns.map((a) => w.st.ecs.tasks[a]).filter((t) => t !== undefined && t.ownerId === d.greenTaskSetId && isLive(t));
  const ready = green && tasks.length === computedDesiredCount(svc, green) && tasks.every((t) => t !== undefined && countsHealthy(t));
  if (!ready) {
    if (w.now - d.phaseSince < INSTALL_TIMEOUT_MS) {
      wakeAt(d.phaseSince + INSTALL_TIMEOUT_MS);
      return 'continue';
    }
    const error = { code: 'TIMEOUT', message: 'The replacement task set did not become healthy in time.' };
    endDeployment(w, d, 'Failed', error, autoRollbackOn(d, settings, 'DEPLOYMENT_FAILURE'));
    return 'ended';
  }
  markEvent(w, d, 'Install', 'Succeeded');
  enterHook(w, d, 'AfterInstall', 'AllowTestTraffic');
  return 'continue';
};

/** AllowTestTraffic: the test listener sends everything to green; then the AfterAllowTestTraffic hook. */
const allowTestTraffic: Step = ({ w, d, settings }) => {
  markEvent(w, d, 'AllowTestTraffic', 'InProgress');
  routeTestTrafficToGreen(w, d, settings);
  markEvent(w, d, 'AllowTestTraffic', 'Succeeded');
  enterHook(w, d, 'AfterAllowTestTraffic', 'AwaitReady');
  return 'continue';
};

/** AwaitReady: with deploymentReadyOption STOP_DEPLOYMENT the deployment waits Ready for ContinueDeployment. */
const awaitReady: Step = ({ w, d, settings }) => {
  if (settings.readyOption.actionOnTimeout === 'STOP_DEPLOYMENT') {
    d.status = 'Ready';
    d.readyUntil = w.now + settings.readyOption.waitMinutes * 60_000;
    enterPhase(w, d, 'ReadyWait');
  } else {
    enterPhase(w, d, 'BeforeAllowTraffic');
  }
  return 'continue';
};

/** ReadyWait: ContinueDeployment moves on; not continued in time, the deployment stops on the original (§2.5). */
const awaitContinue: Step = ({ w, d, wakeAt }) => {
  if (d.readyUntil === undefined) return 'continue';
  if (w.now < d.readyUntil) {
    wakeAt(d.readyUntil);
    return 'continue';
  }
  const error = { code: 'TIMEOUT', message: 'The deployment timed out while waiting to reroute traffic (READY_WAIT).' };
  endDeployment(w, d, 'Stopped', error, true);
  return 'ended';
};

/** BeforeAllowTraffic: the hook before production traffic moves. */
const beforeAllowTraffic: Step = ({ w, d }) => {
  d.status = 'InProgress';
  enterHook(w, d, 'BeforeAllowTraffic', 'StartTrafficShift');
  return 'continue';
};

/** StartTrafficShift: the first production shift (all of it, or the canary or linear step). */
const startTrafficShift: Step = ({ w, d, settings, svc }) => {
  markEvent(w, d, 'AllowTraffic', 'InProgress');
  const tc = trafficConfig(d.deploymentConfigName);
  shiftProductionTo(w, d, settings, svc, Math.min(100, tc.percentage));
  d.nextShiftAt = w.now + tc.intervalMinutes * 60_000;
  enterPhase(w, d, 'AllowTraffic');
  return 'continue';
};

/** AllowTraffic: the next shift at each interval; at 100 % the AfterAllowTraffic hook. */
const shiftTraffic: Step = ({ w, d, settings, svc, wakeAt }) => {
  const tc = trafficConfig(d.deploymentConfigName);
  if (d.trafficShifted < 100 && d.nextShiftAt !== undefined && w.now >= d.nextShiftAt) {
    const next = tc.type === 'TimeBasedLinear' ? Math.min(100, d.trafficShifted + tc.percentage) : 100;
    shiftProductionTo(w, d, settings, svc, next);
    d.nextShiftAt = w.now + tc.intervalMinutes * 60_000;
  }
  if (d.trafficShifted < 100) {
    if (d.nextShiftAt !== undefined) wakeAt(d.nextShiftAt);
    return 'continue';
  }
  markEvent(w, d, 'AllowTraffic', 'Succeeded');
  enterHook(w, d, 'AfterAllowTraffic', 'EnterTerminationWait');
  return 'continue';
};

/** EnterTerminationWait: the original task set stays for the group's termination wait. */
const enterTerminationWait: Step = ({ w, d, settings }) => {
  const { action, waitMinutes } = settings.termination;
  d.terminateAt = action === 'KEEP_ALIVE' ? w.now : w.now + waitMinutes * 60_000;
  enterPhase(w, d, 'TerminationWait');
  return 'continue';
};

/** TerminationWait: once over, the original task set drains (unless KEEP_ALIVE) and the deployment succeeds. */
const terminateOriginal: Step = ({ w, d, settings, svc, wakeAt }) => {
  if (d.terminateAt !== undefined && w.now < d.terminateAt) {
    wakeAt(d.terminateAt);
    return 'continue';
  }
  const blue = taskSetById(svc, d.blueTaskSetId);
  if (blue && settings.termination.action !== 'KEEP_ALIVE') {
    blue.status = 'DRAINING';
    blue.updatedAt = w.now;
    svc.steady = false;
    w.activateService(svc.serviceArn);
  }
  d.status = 'Succeeded';
  d.completeTime = w.now;
  d.phase = 'done';
  return 'ended';
};

const STEPS: Record<Exclude<CodeDeployPhase, 'done'>, Step> = {
  Created: pickUp,
  CreateReplacement: createReplacement,
  Install: awaitReplacement,
  AllowTestTraffic: allowTestTraffic,
  AwaitReady: awaitReady,
  ReadyWait: awaitContinue,
  BeforeAllowTraffic: beforeAllowTraffic,
  StartTrafficShift: startTrafficShift,
  AllowTraffic: shiftTraffic,
  EnterTerminationWait: enterTerminationWait,
  TerminationWait: terminateOriginal,
  Hook: awaitHook,
};

/** Group alarms in ALARM stop the deployment (§2.5); those already in ALARM at creation are not held against it. */
function stoppedByAlarm(w: WorldContext, d: CodeDeployDeploymentState, settings: GroupSettings): boolean {
  if (!settings.alarms.enabled) return false;
  const firing = settings.alarms.names.filter((n) => !d.ignoredAlarms.includes(n) && w.st.cloudwatch.alarms[n]?.stateValue === 'ALARM');
  if (!firing.length) return false;
  const message = `One or more alarms have been activated according to the deployment group's alarm configuration: ${firing.join(', ')}`;
  endDeployment(w, d, 'Stopped', { code: 'ALARM_ACTIVE', message }, autoRollbackOn(d, settings, 'DEPLOYMENT_STOP_ON_ALARM'));
  return true;
}

/** Advances one CodeDeploy deployment to `w.now`; returns its next wake-up, or undefined once it is over. */
export function stepCodeDeployDeployment(w: WorldContext, d: CodeDeployDeploymentState): number | undefined {
  if (isTerminal(d)) return undefined;
  const g = groupOf(w, d);
  const settings = g ? groupSettings(g) : undefined;
  const svc = settings ? groupService(w, settings) : undefined;
  if (!settings || !svc) {
    const error = { code: 'INVALID_ECS_SERVICE', message: 'The ECS service of the deployment group does not exist.' };
    endDeployment(w, d, 'Failed', error, false);
    return undefined;
  }
  if (stoppedByAlarm(w, d, settings)) return undefined;
  // Alarms change on minute boundaries: look again at the next one at the latest.
  let wake = Math.floor(w.now / 60_000) * 60_000 + 60_000;
  const context: StepContext = { w, d, settings, svc, wakeAt: (t) => (wake = Math.min(wake, t)) };
  for (let i = 0; i < MAX_STEPS_PER_CALL; i++) {
    const phase = d.phase;
    if (phase === 'done') return undefined;
    if (STEPS[phase](context) === 'ended') return undefined;
    if (d.phase === phase) break;
  }
  return wake;
}
