/**
 * A CodeDeploy deployment in flight on a blue-green service's group (not Succeeded, Failed or Stopped), from what
 * the live read found: whoever started it, a run that died in its ready wait, or one that returned once production
 * traffic shifted (`--wait-until traffic-shifted`). `plan` shows it (never as unchanged), `apply` refuses the
 * service until it is decided; `ecsdeploy promote` / `abort` / `apply --resume` move it on.
 */
import type { LiveServiceState } from '../model/live.js';
import type { ResolvedService } from '../model/manifest.js';
import type { Json, JsonObject } from '../model/task-definition.js';
import { shortTaskDefinition } from '../util/arn.js';
import { isObject } from './json.js';
import type { InFlightDetector } from './in-flight.js';

function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function objects(v: Json | undefined): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

/** The lifecycle events that install the replacement task set (what follows them waits on hooks or traffic). */
const INSTALLING = new Set(['BeforeInstall', 'Install']);

/** `ecsdeploy run <id>: ...` as the blue-green strategy writes the description. */
function runIdOf(description: string | undefined): string | undefined {
  return description ? /^ecsdeploy run (\S+):/.exec(description)?.[1] : undefined;
}

/** Where the deployment stands, in words (`describeInFlight` names the deployment), and what waits for whom. */
function describe(d: JsonObject, to: string | undefined): { state: string; ready: boolean; terminationWait: boolean } {
  const status = str(d.status) ?? 'InProgress';
  const target = isObject(d.deploymentTarget) ? d.deploymentTarget : undefined;
  const event = (name: string) => str(objects(target?.lifecycleEvents).find((e) => e.lifecycleEventName === name)?.status);
  const green = objects(target?.taskSetsInfo).find((t) => t.taskSetLabel === 'Green');
  const weight = typeof green?.trafficWeight === 'number' ? green.trafficWeight : 0;
  const rev = to ? shortTaskDefinition(to) : 'the new revision';
  if (status === 'Ready') {
    return {
      state: `Ready: test traffic on ${rev}, production not moved yet`,
      ready: true,
      terminationWait: false,
    };
  }
  if (event('AllowTraffic') === 'Succeeded') {
    return {
      state: `${status}: production on ${rev}, the original task set kept for the termination wait`,
      ready: false,
      terminationWait: true,
    };
  }
  if (event('AllowTraffic') === 'InProgress' || weight > 0) {
    return {
      state: `${status}: shifting production traffic, ${weight} % on ${rev}`,
      ready: false,
      terminationWait: false,
    };
  }
  // Past the install, what runs is a lifecycle event (often a Lambda hook CodeDeploy waits for): name it.
  const running = str(objects(target?.lifecycleEvents).find((e) => str(e.status) === 'InProgress')?.lifecycleEventName);
  if (running && !INSTALLING.has(running)) {
    return { state: `${status}: ${running} in progress for ${rev}, production not moved yet`, ready: false, terminationWait: false };
  }
  return { state: `${status}: installing ${rev}`, ready: false, terminationWait: false };
}

/**
 * The blue-green strategy's detector (ahead of the generic CodeDeploy one in IN_FLIGHT_DETECTORS): it knows the
 * stage from the deployment target, the run from the description it wrote, and which ecsdeploy verbs move it on.
 */
export const blueGreenInFlight: InFlightDetector = (svc: ResolvedService, state: LiveServiceState) => {
  if (svc.strategy.type !== 'blue-green') return undefined;
  const d = state.codeDeployDeployments?.[0];
  const id = str(d?.deploymentId);
  if (!d || !id) return undefined;
  // The replacement task set CodeDeploy made for this deployment (its externalId) names the revision it deploys.
  const to = str(objects(state.described?.taskSets).find((t) => str(t.externalId) === id)?.taskDefinition);
  const { state: text, ready, terminationWait } = describe(d, to);
  const runId = runIdOf(str(d.description));
  const promote = `ecsdeploy promote -n ${svc.key}`;
  const abort = `ecsdeploy abort -n ${svc.key}`;
  return {
    kind: 'codedeploy',
    id,
    state: terminationWait ? `${text} (ecsdeploy promote ends it now)` : text,
    ...(runId ? { runId } : {}),
    ...(to ? { taskDefinitionArn: to } : {}),
    ...(ready ? { awaitingApproval: true } : {}),
    next: ready || terminationWait ? [promote, abort] : [abort, 'ecsdeploy apply --resume'],
  };
};
