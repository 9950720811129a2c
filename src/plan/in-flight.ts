/**
 * Rollouts that are not decided yet (`InFlightRollout`), found in what the live read gathered. Pure: the same
 * facts always give the same answer, so `plan` can show them and `apply` refuse them without reading again.
 *
 * A service whose live deployment is undecided is never "unchanged": ECS may still roll it back. Each kind of
 * rollout has a detector; the first that finds one wins, so a strategy with richer state of its own (a canary's
 * state tags) puts its detector before the generic ones:
 *
 *   canary state tags ─► ECS-native state tags ─► blue-green stage ─► CodeDeploy deployment not final ─►
 *   (strategy's own)      (ecs-native's own)       (blue-green's own)   (aws-semantics §2.3)
 *   ECS service deployment ongoing (§1.10) ─► ECS deployment IN_PROGRESS (§1.3)
 *
 * Which run started it: the service's lock tag names the ecsdeploy run that holds (or held, if it died) the
 * service; else the run that registered the revision being rolled out (its `ecsdeploy:run` tag).
 */
import type { LiveServiceState } from '../model/live.js';
import type { ResolvedService } from '../model/manifest.js';
import type { Json, JsonObject } from '../model/task-definition.js';
import { shortTaskDefinition } from '../util/arn.js';
import { canaryInFlight } from './canary-in-flight.js';
import { blueGreenInFlight } from './codedeploy-in-flight.js';
import { ecsNativeInFlight } from './ecs-native-in-flight.js';
import { isObject } from './json.js';
import type { InFlightRollout } from './types.js';

/** The service tag that locks a service for one run: `<runId>:<expiry, epoch seconds>`. */
export const LOCK_TAG = 'ecsdeploy:lock';
/** Put on every task definition revision ecsdeploy registers: the run that registered it. */
export const TAG_RUN = 'ecsdeploy:run';

/** A lock tag's value, parsed; undefined when it is not one. */
export function parseLock(value: string): { runId: string; expiresAt: number } | undefined {
  const i = value.lastIndexOf(':');
  if (i <= 0) return undefined;
  const expires = Number(value.slice(i + 1));
  return Number.isFinite(expires) ? { runId: value.slice(0, i), expiresAt: expires * 1000 } : undefined;
}

/** An ECS deployment as DescribeServices lists it: the SDK's object or its JSON. */
export interface DeploymentLike {
  id?: string | undefined;
  status?: string | undefined;
  rolloutState?: string | undefined;
  rolloutStateReason?: string | undefined;
  taskDefinition?: string | undefined;
}

/** A deployment still rolling out: IN_PROGRESS, or (where ECS reports no rollout state) any but the PRIMARY one. */
function undecided(d: DeploymentLike): boolean {
  return d.rolloutState === 'IN_PROGRESS' || (d.rolloutState === undefined && d.status !== 'PRIMARY');
}

/**
 * The ECS deployment of a service that is not decided yet (the PRIMARY one the service moves to, when it is among
 * them), and the FAILED deployment it rolls back from, if ECS is rolling one back. Undefined: nothing in flight.
 */
export function undecidedEcsDeployment(
  deployments: readonly DeploymentLike[],
): { deployment: DeploymentLike; rollingBackFrom?: DeploymentLike } | undefined {
  const open = deployments.filter(undecided);
  if (open.length === 0) return undefined;
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  const deployment = primary && (undecided(primary) || primary.rolloutState === undefined) ? primary : (open[0] as DeploymentLike);
  const failed = deployments.find((d) => d.rolloutState === 'FAILED' && d !== deployment);
  return failed ? { deployment, rollingBackFrom: failed } : { deployment };
}

/** `IN_PROGRESS to web:42`, `rolling back to web:41 after ecs-svc/1 failed (reason)`. */
export function describeEcsDeployment(found: { deployment: DeploymentLike; rollingBackFrom?: DeploymentLike }): string {
  const { deployment: d, rollingBackFrom: failed } = found;
  const to = shortTaskDefinition(d.taskDefinition);
  if (failed) {
    const why = failed.rolloutStateReason ? ` (${failed.rolloutStateReason})` : '';
    return `ECS is rolling back to ${to} after ${failed.id ?? 'a deployment'} failed${why}`;
  }
  return `${d.rolloutState ?? d.status ?? 'in progress'} to ${to}`;
}

function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function objects(v: Json | undefined): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function tagValue(holder: JsonObject | undefined, key: string): string | undefined {
  return str(objects(holder?.tags).find((t) => t.key === key)?.value);
}

/** The run that started what is in flight: the lock's holder, else the run that registered the revision. */
function startedBy(state: LiveServiceState, taskDefinitionArn: string | undefined): string | undefined {
  const lock = tagValue(state.described, LOCK_TAG);
  const holder = lock ? parseLock(lock)?.runId : undefined;
  if (holder) return holder;
  // Only the revision the plan described (the service's current one) has its tags at hand.
  if (taskDefinitionArn && str(state.taskDefinition?.taskDefinitionArn) === taskDefinitionArn)
    return tagValue(state.taskDefinition, TAG_RUN);
  return undefined;
}

/** Finds a rollout in flight on one service of the manifest, from its live state; undefined when there is none. */
export type InFlightDetector = (svc: ResolvedService, state: LiveServiceState) => InFlightRollout | undefined;

const CODEDEPLOY_ACTIVE_TASK_SET = 'ACTIVE';

/** A CodeDeploy deployment of the service's group that is not Succeeded, Failed or Stopped (aws-semantics §2.3). */
const codeDeployInFlight: InFlightDetector = (_svc, state) => {
  const d = state.codeDeployDeployments?.[0];
  const id = str(d?.deploymentId);
  if (!d || !id) return undefined;
  const status = str(d.status) ?? 'InProgress';
  // The replacement (green) task set CodeDeploy created for this deployment names the revision it deploys.
  const green = objects(state.described?.taskSets).find(
    (t) => str(t.externalId) === id || (str(t.status) === CODEDEPLOY_ACTIVE_TASK_SET && str(t.startedBy) === 'CODE_DEPLOY'),
  );
  const to = str(green?.taskDefinition);
  const waiting = status === 'Ready';
  return {
    kind: 'codedeploy',
    id,
    state: `${status}${to ? ` to ${shortTaskDefinition(to)}` : ''}${waiting ? ': the replacement waits for traffic to be rerouted' : ''}`,
    ...(to ? { taskDefinitionArn: to } : {}),
    ...(startedBy(state, to) ? { runId: startedBy(state, to) as string } : {}),
    ...(waiting ? { awaitingApproval: true, next: [`aws deploy continue-deployment --deployment-id ${id}`] } : {}),
  };
};

/** An ECS service deployment still ongoing (ECS-native BLUE_GREEN, LINEAR, CANARY: aws-semantics §1.10). */
const serviceDeploymentInFlight: InFlightDetector = (_svc, state) => {
  const d = state.serviceDeployments?.[0];
  const arn = str(d?.serviceDeploymentArn);
  if (!d || !arn) return undefined;
  const primary = objects(state.described?.deployments).find((x) => str(x.status) === 'PRIMARY');
  const to = str(primary?.taskDefinition);
  return {
    kind: 'ecs-service-deployment',
    id: arn,
    state: `${str(d.status) ?? 'IN_PROGRESS'}${to ? ` to ${shortTaskDefinition(to)}` : ''}`,
    ...(to ? { taskDefinitionArn: to } : {}),
    ...(startedBy(state, to) ? { runId: startedBy(state, to) as string } : {}),
  };
};

/** An ECS deployment IN_PROGRESS, or older deployments still listed where ECS reports no rollout state (§1.3). */
const ecsDeploymentInFlight: InFlightDetector = (_svc, state) => {
  const deployments = objects(state.described?.deployments).map((d) => ({
    id: str(d.id),
    status: str(d.status),
    rolloutState: str(d.rolloutState),
    rolloutStateReason: str(d.rolloutStateReason),
    taskDefinition: str(d.taskDefinition),
  }));
  const found = undecidedEcsDeployment(deployments);
  if (!found?.deployment.id) return undefined;
  const to = found.deployment.taskDefinition;
  const runId = startedBy(state, to);
  return {
    kind: 'ecs-deployment',
    id: found.deployment.id,
    state: describeEcsDeployment(found),
    ...(to ? { taskDefinitionArn: to } : {}),
    ...(runId ? { runId } : {}),
    ...(found.rollingBackFrom?.id ? { rollingBackFrom: found.rollingBackFrom.id } : {}),
  };
};

/**
 * Every detector, first match wins. A strategy with state of its own (a canary's tags, a blue-green deployment's
 * target and description) has its detector in front:
 * it knows more than the generic ones about what its rollout is waiting for (a canary's stable service may also
 * have an ECS deployment in progress, and that is still the canary's).
 */
const IN_FLIGHT_DETECTORS: readonly InFlightDetector[] = [
  canaryInFlight,
  ecsNativeInFlight,
  blueGreenInFlight,
  codeDeployInFlight,
  serviceDeploymentInFlight,
  ecsDeploymentInFlight,
];

export function detectInFlight(
  svc: ResolvedService,
  state: LiveServiceState,
  detectors: readonly InFlightDetector[] = IN_FLIGHT_DETECTORS,
): InFlightRollout | undefined {
  if (!state.described) return undefined;
  for (const detect of detectors) {
    const found = detect(svc, state);
    if (found) return found;
  }
  return undefined;
}

/**
 * `ecs-svc/1 (IN_PROGRESS to web:42), started by ecsdeploy run R`: one line for messages. A canary's id is its run,
 * and its state names it: `canary on web-canary paused at step 1 (10 %) awaiting approval, started by ...`.
 */
export function describeInFlight(f: InFlightRollout): string {
  const by = f.runId ? `, started by ecsdeploy run ${f.runId}` : '';
  if (f.kind === 'canary') return `${f.state}${by}`;
  return `${f.kind === 'codedeploy' ? 'CodeDeploy deployment ' : ''}${f.id} (${f.state})${by}`;
}

/** What is in flight, in a few words: `a canary is in flight`, `rollout awaiting approval`, `rollout in progress`. */
export function inFlightHeadline(f: InFlightRollout): string {
  if (f.kind === 'canary') return 'a canary is in flight';
  return f.awaitingApproval ? 'rollout awaiting approval' : 'rollout in progress';
}
