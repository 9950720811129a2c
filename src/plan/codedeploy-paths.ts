/**
 * How each change of a service with the CODE_DEPLOY deployment controller reaches AWS (aws-semantics.md §1.1):
 * UpdateService may change only the desired count, the deployment configuration, the health check grace period,
 * placement constraints and strategies, managed tags and tag propagation; the task definition, network
 * configuration, platform version and capacity provider strategy go in a CodeDeploy deployment's AppSpec; tags by
 * TagResource; anything else (load balancers, service registries, execute command...) cannot be changed on such a
 * service at all: it would have to be recreated.
 */
import type { FieldChange } from './types.js';

export type ChangePath = NonNullable<FieldChange['via']> | 'replacement';

const VIA_APPSPEC = new Set(['networkConfiguration', 'platformVersion', 'capacityProviderStrategy']);
const VIA_UPDATE_SERVICE = new Set([
  'desiredCount',
  'deploymentConfiguration',
  'healthCheckGracePeriodSeconds',
  'placementConstraints',
  'placementStrategy',
  'enableECSManagedTags',
  'propagateTags',
]);

/** The path of a change to `topLevelKey` (of the task definition or the service) on a CODE_DEPLOY service. */
export function codeDeployChangePath(scope: FieldChange['scope'], topLevelKey: string): ChangePath {
  if (scope === 'taskDefinition' || VIA_APPSPEC.has(topLevelKey)) return 'appspec';
  if (VIA_UPDATE_SERVICE.has(topLevelKey)) return 'update-service';
  if (topLevelKey === 'tags') return 'tag-resource';
  return 'replacement';
}

/** Words for a path, as plans show them. */
export const CHANGE_PATH_WORDS: Record<NonNullable<FieldChange['via']>, string> = {
  appspec: 'the AppSpec (a CodeDeploy deployment)',
  'update-service': 'UpdateService (no deployment)',
  'tag-resource': 'TagResource',
};
