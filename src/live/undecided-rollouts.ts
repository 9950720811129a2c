/**
 * Rollouts the service description alone does not tell apart, read for the plan's in-flight check
 * (`src/plan/in-flight.ts`): CodeDeploy deployments of a blue-green service's group that are not final, and the
 * ongoing service deployments of a service on an ECS-native strategy. One list call per such service (and one
 * GetDeployment when CodeDeploy has one in flight); rolling services cost nothing here, their deployments are in
 * DescribeServices already.
 */
import type { AwsPorts } from '../aws/ports.js';
import { AwsApiError } from '../errors/index.js';
import { readDeploymentTarget } from './codedeploy-in-flight.js';
import type { ResolvedManifest } from '../model/manifest.js';
import type { JsonObject } from '../model/task-definition.js';
import { type Limit, mapLimited } from './concurrency.js';
import { toJsonObject } from './to-json.js';

/** CodeDeploy statuses that are not final (aws-semantics §2.3: only Succeeded, Failed and Stopped are). */
const CODEDEPLOY_NOT_FINAL = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'];
/** ECS service deployment statuses before completion (aws-semantics §1.10: Pending and Ongoing). */
const SERVICE_DEPLOYMENT_ONGOING = ['PENDING', 'IN_PROGRESS', 'STOP_REQUESTED', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS'];
/** ECS-native strategies, whose progress the service deployments API reports (§1.8). */
const ECS_NATIVE = new Set(['BLUE_GREEN', 'LINEAR', 'CANARY']);

export interface UndecidedRollouts {
  codeDeployDeployments?: JsonObject[];
  serviceDeployments?: JsonObject[];
}

function hasCode(error: unknown, ...codes: string[]): boolean {
  return error instanceof AwsApiError && codes.includes(error.awsCode);
}

function liveStrategy(described: JsonObject): string | undefined {
  const dc = described.deploymentConfiguration;
  return dc && typeof dc === 'object' && !Array.isArray(dc) && typeof dc.strategy === 'string' ? dc.strategy : undefined;
}

/** By manifest key, for the services that have anything to read. */
export async function readUndecidedRollouts(
  ports: AwsPorts,
  manifest: ResolvedManifest,
  findService: (cluster: string, service: string) => JsonObject | undefined,
  limit: Limit,
  signal: AbortSignal | undefined,
): Promise<Map<string, UndecidedRollouts>> {
  const out = new Map<string, UndecidedRollouts>();
  const o = signal ? { signal } : undefined;
  await mapLimited(manifest.services, limit, async (s) => {
    const described = findService(s.cluster, s.service);
    if (!described) return;
    if (s.strategy.type === 'blue-green') {
      const { application, deploymentGroup } = s.strategy;
      let ids: string[];
      try {
        const listed = await ports.codedeploy.listDeployments(
          { applicationName: application, deploymentGroupName: deploymentGroup, includeOnlyStatuses: CODEDEPLOY_NOT_FINAL as never },
          o,
        );
        ids = listed.deployments ?? [];
      } catch (error) {
        // A missing application or group is preflight's to report (it blocks the service).
        if (hasCode(error, 'ApplicationDoesNotExistException', 'DeploymentGroupDoesNotExistException')) return;
        throw error;
      }
      const first = ids[0];
      if (!first) return;
      const info = (await ports.codedeploy.getDeployment({ deploymentId: first }, o)).deploymentInfo;
      // An endpoint that ignores the status filter lists finished deployments too: those are decided.
      if (info?.status && !CODEDEPLOY_NOT_FINAL.includes(info.status)) return;
      const found = toJsonObject(info ?? { deploymentId: first });
      // Where it stands (lifecycle events, weights): what the blue-green detector describes.
      const target = await readDeploymentTarget(ports, first, o);
      if (target) found.deploymentTarget = target;
      out.set(s.key, { codeDeployDeployments: [found] });
      return;
    }
    const strategy = liveStrategy(described);
    if (strategy && ECS_NATIVE.has(strategy)) {
      const listed = await ports.ecs.listServiceDeployments(
        { cluster: s.cluster, service: s.service, status: SERVICE_DEPLOYMENT_ONGOING as never, maxResults: 20 },
        o,
      );
      const briefs = (listed.serviceDeployments ?? []).map((b) => toJsonObject(b));
      if (briefs.length > 0) out.set(s.key, { serviceDeployments: briefs });
    }
  });
  return out;
}
