/**
 * Blue-green services: the CodeDeploy deployment of the service's group that is not in a final state, whoever
 * started it (aws-semantics.md §2.3: only Succeeded, Failed and Stopped are final), with its deployment target
 * (lifecycle events, task sets and weights), for the plan's in-flight check (`plan/codedeploy-in-flight.ts`). One
 * ListDeployments per blue-green service; a GetDeployment and the target's reads only when one is in flight.
 */
import type { AwsPorts } from '../aws/ports.js';
import { AwsApiError } from '../errors/index.js';
import type { ResolvedManifest } from '../model/manifest.js';
import type { JsonObject } from '../model/task-definition.js';
import { type Limit, mapLimited } from './concurrency.js';
import { toJsonObject } from './to-json.js';

const NOT_FINAL = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'];
const FINAL = new Set(['Succeeded', 'Failed', 'Stopped']);

function hasCode(error: unknown, ...codes: string[]): boolean {
  return error instanceof AwsApiError && codes.includes(error.awsCode);
}

/**
 * By manifest key: `[deploymentInfo]` of the deployment in flight, with its ECS target (GetDeployment's shape plus
 * `deploymentTarget`, BatchGetDeploymentTargets' `ecsTarget`), for the blue-green services that have one.
 */
export async function readCodeDeployInFlight(
  ports: AwsPorts,
  manifest: ResolvedManifest,
  exists: (cluster: string, service: string) => boolean,
  limit: Limit,
  signal: AbortSignal | undefined,
): Promise<Map<string, JsonObject[]>> {
  const out = new Map<string, JsonObject[]>();
  const o = signal ? { signal } : undefined;
  await mapLimited(manifest.services, limit, async (s) => {
    if (s.strategy.type !== 'blue-green' || !exists(s.cluster, s.service)) return;
    const { application, deploymentGroup } = s.strategy;
    let ids: string[];
    try {
      const listed = await ports.codedeploy.listDeployments(
        { applicationName: application, deploymentGroupName: deploymentGroup, includeOnlyStatuses: NOT_FINAL as never },
        o,
      );
      ids = listed.deployments ?? [];
    } catch (error) {
      // A missing application or group is preflight's to report (it blocks the service).
      if (hasCode(error, 'ApplicationDoesNotExistException', 'DeploymentGroupDoesNotExistException')) return;
      throw error;
    }
    for (const id of ids) {
      const info = (await ports.codedeploy.getDeployment({ deploymentId: id }, o)).deploymentInfo;
      // An endpoint that ignores the status filter lists finished deployments too: those are decided.
      if (info?.status && FINAL.has(info.status)) continue;
      const found = toJsonObject(info ?? { deploymentId: id });
      try {
        const targetId = (await ports.codedeploy.listDeploymentTargets({ deploymentId: id }, o)).targetIds?.[0];
        if (targetId) {
          const target = (await ports.codedeploy.batchGetDeploymentTargets({ deploymentId: id, targetIds: [targetId] }, o))
            .deploymentTargets?.[0]?.ecsTarget;
          if (target) found.deploymentTarget = toJsonObject(target);
        }
      } catch {
        // The target tells where the deployment stands; without it the plan still says it is in flight.
      }
      out.set(s.key, [found]);
      return;
    }
  });
  return out;
}
