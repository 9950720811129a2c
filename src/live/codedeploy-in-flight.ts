/**
 * The ECS deployment target of a CodeDeploy deployment in flight (lifecycle events, task sets and their traffic
 * weights, BatchGetDeploymentTargets' `ecsTarget`), read beside GetDeployment by `undecided-rollouts.ts` so the
 * plan can say where a blue-green deployment stands (`plan/codedeploy-in-flight.ts`): installing, waiting Ready,
 * shifting production traffic, or in its termination wait. Two reads, only when a deployment is in flight.
 */
import type { AwsPorts } from '../aws/ports.js';
import type { JsonObject } from '../model/task-definition.js';
import { toJsonObject } from './to-json.js';

/** The deployment's ECS target; undefined when it has none yet or it cannot be read (the plan still shows the deployment). */
export async function readDeploymentTarget(
  ports: AwsPorts,
  deploymentId: string,
  o: { signal: AbortSignal } | undefined,
): Promise<JsonObject | undefined> {
  try {
    const targetId = (await ports.codedeploy.listDeploymentTargets({ deploymentId }, o)).targetIds?.[0];
    if (!targetId) return undefined;
    const target = (await ports.codedeploy.batchGetDeploymentTargets({ deploymentId, targetIds: [targetId] }, o)).deploymentTargets?.[0]
      ?.ecsTarget;
    return target ? toJsonObject(target) : undefined;
  } catch {
    // The target tells where the deployment stands; without it the plan still says it is in flight.
    return undefined;
  }
}
