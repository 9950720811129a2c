/** The load balancers of a service or task set: target groups a load balancer uses, containers the task definition has. */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { clone, isRecord, list } from '../input.js';
import type { JsonObject } from '../types.js';
import { targetGroupInUse } from '../elbv2/index.js';
import { taskDefinition } from './task-definitions.js';

export function checkLoadBalancers(w: WorldContext, lbs: JsonObject[], tdRef: string): void {
  const td = taskDefinition(w, tdRef);
  const names = list(td.td.containerDefinitions)
    .filter(isRecord)
    .map((c) => c.name);
  for (const lb of lbs) {
    // ECS registers tasks with a target group a load balancer sends traffic to; one no listener or rule forwards to
    // (or that does not exist) is refused, in AWS's words.
    if (typeof lb.targetGroupArn === 'string' && !targetGroupInUse(w, lb.targetGroupArn)) {
      throw new SandboxApiError(
        'InvalidParameterException',
        `The target group with targetGroupArn ${lb.targetGroupArn} does not have an associated load balancer.`,
      );
    }
    if (lb.containerName !== undefined && !names.includes(lb.containerName)) {
      throw new SandboxApiError(
        'InvalidParameterException',
        `The container ${String(lb.containerName)} does not exist in the task definition.`,
      );
    }
  }
}

export function normalizeLoadBalancers(v: unknown): JsonObject[] {
  return list(v)
    .filter(isRecord)
    .map((lb) => {
      const out = clone(lb) as JsonObject;
      if (typeof out.containerPort === 'string') out.containerPort = Number(out.containerPort);
      return out;
    });
}
