/**
 * Targets of a target group: RegisterTargets, DeregisterTargets (draining for the deregistration delay) and
 * DescribeTargetHealth. Targets behind tasks follow the tasks' health; targets registered by hand turn healthy
 * after the health check's interval × healthy threshold.
 */
import type { WorldContext } from '../context.js';
import { compact, recordList, reqString, toNumber, type Input } from '../input.js';
import type { TargetState } from '../types.js';
import { targetGroupInUse } from './actions.js';
import { drainTarget, registerTarget, setTargetState, sweepTargets, targetGroup } from './state.js';

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
  // A target group no listener or rule forwards to gets no health checks: its registered targets are unused.
  const inUse = targetGroupInUse(w, tg.arn);
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
  ).map((t) => {
    const registered = tg.targets.includes(t as TargetState);
    if (registered && !inUse && t.state !== 'draining') {
      return {
        Target: { Id: t.id, Port: t.port },
        TargetHealth: {
          State: 'unused',
          Reason: 'Target.NotInUse',
          Description: 'Given target group is not configured to receive traffic from ELB',
        },
      };
    }
    return {
      Target: { Id: t.id, Port: t.port },
      HealthCheckPort: String(t.port),
      TargetHealth: compact({ State: t.state, Reason: REASONS[t.state], Description: DESCRIPTIONS[t.state] }),
    };
  });
  return { TargetHealthDescriptions: descriptions };
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
