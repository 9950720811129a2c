/** CodeDeploy deployment targets: an ECS deployment has one, the service (`cluster:service`). */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { list, optString, reqString, type Input } from '../input.js';
import { deployment } from './group.js';
import { ecsTarget } from './output.js';

export function getDeploymentTarget(w: WorldContext, input: Input): Record<string, unknown> {
  const d = deployment(w, reqString(input, 'deploymentId', 'DeploymentIdRequiredException'));
  const out = ecsTarget(w, d);
  const want = optString(input, 'targetId');
  const ecs = out.ecsTarget as Record<string, unknown>;
  if (want && want !== ecs.targetId)
    throw new SandboxApiError(
      'DeploymentTargetDoesNotExistException',
      `The target ${want} does not exist in deployment ${d.deploymentId}.`,
    );
  return { deploymentTarget: out };
}

export function listDeploymentTargets(w: WorldContext, input: Input): Record<string, unknown> {
  const d = deployment(w, reqString(input, 'deploymentId', 'DeploymentIdRequiredException'));
  const ecs = ecsTarget(w, d).ecsTarget as Record<string, unknown>;
  return { targetIds: [ecs.targetId] };
}

/** An ECS deployment has one target; any other id is named as missing. */
export function batchGetDeploymentTargets(w: WorldContext, input: Input): Record<string, unknown> {
  const d = deployment(w, reqString(input, 'deploymentId', 'DeploymentIdRequiredException'));
  const ids = list(input.targetIds).map(String);
  if (!ids.length) throw new SandboxApiError('DeploymentTargetIdRequiredException', 'A deployment target ID was not provided.');
  const target = ecsTarget(w, d);
  const id = (target.ecsTarget as Record<string, unknown>).targetId;
  for (const want of ids) {
    if (want !== id) {
      throw new SandboxApiError(
        'DeploymentTargetDoesNotExistException',
        `The target ${want} does not exist in deployment ${d.deploymentId}.`,
      );
    }
  }
  return { deploymentTargets: ids.map(() => ecsTarget(w, d)) };
}
