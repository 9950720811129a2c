/** Target groups and their targets: create, describe, attributes, register, deregister, target health. */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { compact, optString, recordList, reqString, stringList, toNumber, type Input } from '../input.js';
import { createTargetGroupState } from './create.js';
import { loadBalancerArnsOf, tgOut } from './output.js';
import { drainTarget, loadBalancer, notFound, registerTarget, setTargetState, sweepTargets, targetGroup } from './state.js';

export function createTargetGroup(w: WorldContext, input: Input): Record<string, unknown> {
  const name = reqString(input, 'Name', 'ValidationError');
  if (Object.values(w.st.elbv2.targetGroups).some((t) => t.name === name)) {
    throw new SandboxApiError('DuplicateTargetGroupName', 'A target group with the same name exists, but with different settings');
  }
  return { TargetGroups: [tgOut(w, createTargetGroupState(w, input))] };
}

export function describeTargetGroups(w: WorldContext, input: Input): Record<string, unknown> {
  const arns = stringList(input.TargetGroupArns);
  const names = stringList(input.Names);
  const lbArn = optString(input, 'LoadBalancerArn');
  let tgs = Object.values(w.st.elbv2.targetGroups);
  if (arns.length) tgs = arns.map((a) => targetGroup(w, a));
  if (names.length) {
    tgs = names.map((n) => {
      const tg = Object.values(w.st.elbv2.targetGroups).find((x) => x.name === n);
      if (!tg) throw notFound('TargetGroupNotFound', `One or more target groups not found`);
      return tg;
    });
  }
  if (lbArn) {
    loadBalancer(w, lbArn);
    tgs = tgs.filter((tg) => loadBalancerArnsOf(w, tg.arn).includes(lbArn));
  }
  return { TargetGroups: tgs.map((tg) => tgOut(w, tg)) };
}

export function registerTargets(w: WorldContext, input: Input): Record<string, unknown> {
  const tg = targetGroup(w, reqString(input, 'TargetGroupArn', 'ValidationError'));
  for (const t of recordList(input.Targets)) {
    const port = toNumber(t.Port, 'Port') ?? tg.port;
    registerTarget(tg, {
      id: String(t.Id),
      port,
      state: 'initial',
      healthyAt: w.now + tg.healthCheck.intervalSeconds * tg.healthCheck.healthyThresholdCount * 1000,
    });
  }
  return {};
}

export function deregisterTargets(w: WorldContext, input: Input): Record<string, unknown> {
  const tg = targetGroup(w, reqString(input, 'TargetGroupArn', 'ValidationError'));
  for (const t of recordList(input.Targets)) drainTarget(w, tg, String(t.Id), toNumber(t.Port, 'Port') ?? tg.port);
  return {};
}

export function describeTargetHealth(w: WorldContext, input: Input): Record<string, unknown> {
  const tg = targetGroup(w, reqString(input, 'TargetGroupArn', 'ValidationError'));
  sweepTargets(w, tg);
  // Targets registered by hand (not tasks) turn healthy on their own.
  for (const t of tg.targets) if (!t.taskArn && t.healthyAt !== undefined && w.now >= t.healthyAt) setTargetState(t, 'healthy');
  const wanted = recordList(input.Targets);
  const descriptions = (
    wanted.length
      ? wanted.map((x) => {
          const port = toNumber(x.Port, 'Port');
          return (
            tg.targets.find((t) => t.id === String(x.Id) && (port === undefined || t.port === port)) ?? {
              id: String(x.Id),
              port: port ?? tg.port,
              state: 'unused' as const,
            }
          );
        })
      : tg.targets
  ).map((t) => ({
    Target: { Id: t.id, Port: t.port },
    HealthCheckPort: String(t.port),
    TargetHealth: compact({
      State: t.state,
      Reason: REASONS[t.state],
      Description: DESCRIPTIONS[t.state],
    }),
  }));
  return { TargetHealthDescriptions: descriptions };
}

export function modifyTargetGroupAttributes(w: WorldContext, input: Input): Record<string, unknown> {
  const tg = targetGroup(w, reqString(input, 'TargetGroupArn', 'ValidationError'));
  for (const a of recordList(input.Attributes)) {
    if (a.Key === 'deregistration_delay.timeout_seconds') tg.deregistrationDelaySeconds = toNumber(a.Value, 'Value') ?? 300;
  }
  return { Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: String(tg.deregistrationDelaySeconds) }] };
}

export function describeTargetGroupAttributes(w: WorldContext, input: Input): Record<string, unknown> {
  const tg = targetGroup(w, reqString(input, 'TargetGroupArn', 'ValidationError'));
  return { Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: String(tg.deregistrationDelaySeconds) }] };
}

const REASONS: Record<string, string | undefined> = {
  initial: 'Elb.InitialHealthChecking',
  unhealthy: 'Target.FailedHealthChecks',
  draining: 'Target.DeregistrationInProgress',
  unused: 'Target.NotRegistered',
  healthy: undefined,
};
const DESCRIPTIONS: Record<string, string | undefined> = {
  initial: 'Initial health checks in progress',
  unhealthy: 'Health checks failed',
  draining: 'Target deregistration is in progress',
  unused: 'Target is not registered to the target group',
  healthy: undefined,
};
