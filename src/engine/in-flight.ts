/**
 * Services whose live rollout is not decided yet (`ServicePlan.inFlight`): a run never reports them unchanged.
 * Without `--wait` it refuses them (SERVICE_BUSY, naming the rollout, its revision and the run that started it)
 * before anything is read or changed. With `--wait` it follows each to its verdict first:
 *
 *   in flight ─► follower of its kind (ECS deployment: the shared follower; CodeDeploy: GetDeployment; ECS
 *   service deployment: DescribeServiceDeployments) ─► succeeded: the run goes on with a fresh plan
 *                                                     └► failed, timed out, rolled back: the run fails (nothing new starts)
 *
 * A rollout waiting for a person (a paused canary, CodeDeploy `Ready`), and any canary in flight, cannot be waited
 * for: refused, with the commands that move it on (promote, abort, `apply --resume`); a CodeDeploy deployment that
 * comes to wait Ready while followed ends the wait the same way (the run fails, nothing new started). A strategy with rollouts of its
 * own that a run may wait for adds a follower to IN_FLIGHT_FOLLOWERS.
 */
import { UsageError } from '../errors/index.js';
import { continuableInFlight } from '../plan/ecs-native-in-flight.js';
import { describeInFlight, inFlightHeadline } from '../plan/in-flight.js';
import type { InFlightRollout, ServicePlan } from '../plan/types.js';
import { followEcsDeployment } from '../strategies/follow-ecs-deployment.js';
import { shortTaskDefinition } from '../util/arn.js';
import { backoffDelay, rolloutPollDelay } from '../util/backoff.js';
import { errorMessage } from '../util/error-text.js';
import type { EngineContext } from './context.js';
import { type BusyKind, busyHint } from './lock.js';

/** How a rollout in flight ended, as far as the run goes. */
export interface InFlightVerdict {
  outcome: 'succeeded' | 'failed' | 'timed-out' | 'interrupted';
  /** What happened to it, in words. */
  text: string;
  /** The revision the service runs or converges to, when known. */
  taskDefinitionArn?: string;
}

/** Follows one kind of rollout to its verdict, waiting at most until `deadline` (epoch ms). */
export type InFlightFollower = (ctx: EngineContext, sp: ServicePlan, f: InFlightRollout, deadline: number) => Promise<InFlightVerdict>;

const CODEDEPLOY_SUCCEEDED = 'Succeeded';
const CODEDEPLOY_READY = 'Ready';
const CODEDEPLOY_FINAL = new Set(['Succeeded', 'Failed', 'Stopped']);
const SERVICE_DEPLOYMENT_FINAL = new Set(['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED']);

const followEcs: InFlightFollower = async (ctx, sp, f, deadline) => {
  const v = await followEcsDeployment(ctx, {
    key: sp.key,
    cluster: sp.cluster,
    service: sp.service,
    deploymentId: f.id,
    previousTaskDefinitionArn: undefined,
    deadline,
    signal: ctx.signal,
    // Only what happens from now on: the service's history is not news of this wait.
    events: { since: ctx.clock.now(), shown: new Set() },
  });
  const to = f.taskDefinitionArn;
  switch (v.kind) {
    case 'completed':
      // ECS finished undoing a failed deployment: the release it undid did not land.
      if (f.rollingBackFrom) {
        return {
          outcome: 'failed',
          text: `deployment ${f.rollingBackFrom} failed; ECS rolled back to ${shortTaskDefinition(to)}`,
          ...(to ? { taskDefinitionArn: to } : {}),
        };
      }
      return {
        outcome: 'succeeded',
        text: `deployment ${f.id} to ${shortTaskDefinition(to)} completed`,
        ...(to ? { taskDefinitionArn: to } : {}),
      };
    case 'failed':
      return {
        outcome: 'failed',
        text: `deployment ${f.id} failed: ${v.reason}${v.rollback ? `; ECS rolls back to ${shortTaskDefinition(v.rollback.taskDefinition)}` : ''}`,
        ...(v.rollback?.taskDefinition ? { taskDefinitionArn: v.rollback.taskDefinition } : {}),
      };
    case 'rolled-back':
      return { outcome: 'failed', text: v.reason, ...(v.rollback.taskDefinition ? { taskDefinitionArn: v.rollback.taskDefinition } : {}) };
    case 'replaced':
      // Decided for us: another deployment owns the service now; the fresh plan shows it if it is in flight.
      return { outcome: 'succeeded', text: v.reason };
    case 'missing':
    case 'error':
      return { outcome: 'failed', text: v.reason };
    case 'timeout':
      return { outcome: 'timed-out', text: `deployment ${f.id} did not finish within the service's timeout` };
    case 'interrupted':
      return { outcome: 'interrupted', text: `interrupted while waiting for deployment ${f.id}` };
  }
};

/** Polls until `read` gives a final status, `deadline` passes, or the run is interrupted. */
async function pollUntilFinal(
  ctx: EngineContext,
  deadline: number,
  read: () => Promise<{ status: string | undefined; final: boolean }>,
): Promise<{ status: string | undefined } | 'timeout' | 'interrupted'> {
  let errors = 0;
  for (;;) {
    const remaining = deadline - ctx.clock.now();
    if (remaining <= 0) return 'timeout';
    try {
      await ctx.clock.sleep(Math.min(errors > 0 ? backoffDelay(errors) : rolloutPollDelay(), remaining), ctx.signal);
    } catch {
      return 'interrupted';
    }
    try {
      const r = await read();
      errors = 0;
      if (r.final) return { status: r.status };
    } catch (error) {
      errors += 1;
      if (errors >= 5) return { status: `unreadable (${errorMessage(error)})` };
    }
  }
}

const followCodeDeploy: InFlightFollower = async (ctx, sp, f, deadline) => {
  const end = await pollUntilFinal(ctx, deadline, async () => {
    const status = (await ctx.ports.codedeploy.getDeployment({ deploymentId: f.id }, { signal: ctx.hardSignal })).deploymentInfo?.status;
    // Ready: it waits for a person now (ContinueDeployment), which no wait would replace.
    return { status, final: status !== undefined && (CODEDEPLOY_FINAL.has(status) || status === CODEDEPLOY_READY) };
  });
  if (end === 'timeout') return { outcome: 'timed-out', text: `CodeDeploy deployment ${f.id} did not finish within the service's timeout` };
  if (end === 'interrupted') return { outcome: 'interrupted', text: `interrupted while waiting for CodeDeploy deployment ${f.id}` };
  if (end.status === CODEDEPLOY_READY) {
    return {
      outcome: 'failed',
      text: `CodeDeploy deployment ${f.id} waits Ready for someone to reroute production traffic: ecsdeploy promote -n ${sp.key} or ecsdeploy abort -n ${sp.key}`,
    };
  }
  return end.status === CODEDEPLOY_SUCCEEDED
    ? { outcome: 'succeeded', text: `CodeDeploy deployment ${f.id} succeeded` }
    : { outcome: 'failed', text: `CodeDeploy deployment ${f.id} ended ${end.status}` };
};

const followServiceDeployment: InFlightFollower = async (ctx, _sp, f, deadline) => {
  const end = await pollUntilFinal(ctx, deadline, async () => {
    const out = await ctx.ports.ecs.describeServiceDeployments({ serviceDeploymentArns: [f.id] }, { signal: ctx.hardSignal });
    const status = out.serviceDeployments?.[0]?.status;
    return { status, final: status !== undefined && SERVICE_DEPLOYMENT_FINAL.has(status) };
  });
  if (end === 'timeout') return { outcome: 'timed-out', text: `service deployment ${f.id} did not finish within the service's timeout` };
  if (end === 'interrupted') return { outcome: 'interrupted', text: `interrupted while waiting for service deployment ${f.id}` };
  return end.status === 'SUCCESSFUL'
    ? { outcome: 'succeeded', text: `service deployment ${f.id} succeeded` }
    : { outcome: 'failed', text: `service deployment ${f.id} ended ${end.status}` };
};

/**
 * Followers by kind; a kind without one cannot be waited for. A canary has none on purpose: one that is paused waits
 * for a person, and one that is running was left by a run (or is driven by one) that only promote, abort or
 * `apply --resume` may take over.
 */
export const IN_FLIGHT_FOLLOWERS: Partial<Record<InFlightRollout['kind'], InFlightFollower>> = {
  'ecs-deployment': followEcs,
  codedeploy: followCodeDeploy,
  'ecs-service-deployment': followServiceDeployment,
};

/** Can `--wait` follow this rollout to a verdict without a person? */
export function followable(f: InFlightRollout): boolean {
  return !f.awaitingApproval && IN_FLIGHT_FOLLOWERS[f.kind] !== undefined;
}

/**
 * SERVICE_BUSY for services with a rollout in flight, naming each rollout, the revision it moves to and the run that
 * started it; the hint says what moves each on (its own `next` commands, `--wait`, `status`, `unlock`).
 */
export function inFlightRefusal(services: ServicePlan[], o: { force: boolean }): UsageError {
  const lines = services.map((s) => {
    const f = s.inFlight as InFlightRollout;
    const forced =
      o.force && s.action === 'no-change' ? ' (--force deploys over a rollout in flight, but this service has nothing to deploy)' : '';
    const next = f.next?.length ? `; to move it on: ${f.next.join(' or ')}` : '';
    return `  - ${s.key}: ${inFlightHeadline(f)}: ${describeInFlight(f)}${next}${forced}`;
  });
  // A canary's run (or an ECS-native deployment's) holds no lock the hint could offer to release: its state tags
  // hold the service, and neither --wait nor --force moves it on.
  const others = services.filter((s) => !continuableInFlight(s));
  const runs = [...new Set(others.flatMap((s) => (s.inFlight?.runId ? [s.inFlight.runId] : [])))];
  const kinds = new Set<BusyKind>([
    ...(others.length > 0 ? (['deployment'] as const) : []),
    ...(runs.length > 0 ? (['lock'] as const) : []),
    ...(others.length < services.length ? (['canary'] as const) : []),
  ]);
  return new UsageError('SERVICE_BUSY', `refusing to deploy: a rollout is not decided yet:\n${lines.join('\n')}`, {
    hint: busyHint(kinds, runs),
  });
}
